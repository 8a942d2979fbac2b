// Co-authoring, approvals and publication over HTTP, with plain form posts (no JavaScript).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { RunningServer } from "../../server";
import { createBadge, getBadge } from "../../app/services/badges.server";
import { noBadgeEvents } from "../../app/services/events";
import { addMember, makeOrganisation } from "../support/factories";
import { Browser, startPublishingServer } from "../support/publishing-http";
import { editDraft } from "../support/publishing";
import { standaloneFederation } from "../../federation/standalone";

// React separates adjacent text with <!-- -->; read the page as a person would.
const textOf = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");

describe("publishing over HTTP", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startPublishingServer();
  });
  afterAll(() => server?.close());

  async function member(email: string, name: string) {
    const browser = new Browser(server.url);
    await browser.signUp(email, name);
    const user = server.db.select().from(users).where(eq(users.email, email)).get()!;
    return { browser, user };
  }

  it("invite, accept, approve by both admins, publish; the version is public, the draft was not", async () => {
    const ctx = { db: server.db, publicUrl: "http://badges.test", events: noBadgeEvents, federation: standaloneFederation(server.db, "http://badges.test") };
    const stewardOrg = makeOrganisation(server.db, { handle: "changemakers", name: "Changemakers" });
    const partnerOrg = makeOrganisation(server.db, { handle: "acme", name: "Acme", kind: "business" });
    const ada = await member("ada@example.org", "Ada");
    const bo = await member("bo@example.org", "Bo");
    addMember(server.db, stewardOrg.id, ada.user.id, "admin");
    addMember(server.db, partnerOrg.id, bo.user.id, "admin");
    const badge = createBadge(ctx, ada.user.id, {
      stewardOrganisationId: stewardOrg.id,
      name: "Social Innovation 101",
      approvalPolicy: "all",
    });
    editDraft(ctx, ada.user.id, badge.id, {
      summary: "Frame a social problem and test an intervention.",
      criteria: "1. Describe a **local problem**.\n2. <script>alert('x')</script>Run an experiment.",
    });
    const page = `/badges/${badge.id}/publishing`;
    const anonymous = new Browser(server.url);

    // A draft does not exist for outsiders.
    expect((await anonymous.get(page)).status).toBe(404);
    expect((await anonymous.get(`/badges/${badge.id}/versions/1`)).status).toBe(404);
    expect((await bo.browser.get(page)).status).toBe(404);

    // A mistyped handle keeps what was typed, with the message next to the field.
    const bad = await ada.browser.post(page, { intent: "invite", handle: "acme-typo" });
    expect(bad.status).toBe(400);
    const badHtml = await textOf(bad);
    expect(badHtml).toContain("No organisation @acme-typo on this instance.");
    expect(badHtml).toContain('value="acme-typo"');

    const invited = await ada.browser.post(page, { intent: "invite", handle: "@acme" });
    expect(invited.status).toBe(302);
    expect(invited.headers.get("location")).toContain(`${page}?notice=invited`);

    // Bo sees the invitation on the dashboard-friendly page and accepts it there.
    const list = await textOf(await bo.browser.get("/coauthor-invitations"));
    expect(list).toContain("Social Innovation 101");
    expect(list).toContain("Changemakers invites <strong>Acme</strong>");
    const accepted = await bo.browser.post("/coauthor-invitations", {
      intent: "accept",
      badgeId: badge.id,
      organisationId: partnerOrg.id,
    });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe(`${page}?notice=accepted`);
    expect(await textOf(await bo.browser.get("/coauthor-invitations"))).toContain("No invitation is waiting");

    // Both admins approve the revision they see; an approval of a stale revision is refused.
    const revisionId = getBadge(server.db, badge.id).currentRevisionId!;
    const stale = await bo.browser.post(page, { intent: "approve", organisationId: partnerOrg.id, revisionId: "an-old-one" });
    expect(stale.status).toBe(409);
    expect(await textOf(stale)).toContain("The draft changed since you looked; review the new revision.");
    for (const [who, org] of [
      [ada, stewardOrg],
      [bo, partnerOrg],
    ] as const) {
      const res = await who.browser.post(page, { intent: "approve", organisationId: org.id, revisionId });
      expect(res.status).toBe(302);
    }
    const panel = await textOf(await ada.browser.get(page));
    expect(panel).toContain("2 of 2 author organisations approved, 2 needed — policy met");

    // Only the steward's admin publishes.
    expect((await bo.browser.post(page, { intent: "publish", revisionId })).status).toBe(403);
    const published = await ada.browser.post(page, { intent: "publish", revisionId });
    expect(published.status).toBe(302);
    expect(getBadge(server.db, badge.id).status).toBe("published");

    const version = await anonymous.get(`/badges/${badge.id}/versions/1`);
    expect(version.status).toBe(200);
    const html = await textOf(version);
    expect(html).toContain("Social Innovation 101");
    expect(html).toContain("<strong>local problem</strong>");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("Verified: the stored content");
    expect(html).toMatch(/sha256:[0-9a-f]{64}/);
    expect((await anonymous.get(`/badges/${badge.id}/versions/2`)).status).toBe(404);
    expect((await anonymous.get(`/badges/${badge.id}/versions/abc`)).status).toBe(404);

    // The history lists the version; publishing the same revision again is refused.
    const after = await textOf(await ada.browser.get(page));
    expect(after).toContain(`href="/badges/${badge.id}/versions/1"`);
    expect(after).toContain("is published as version 1. Edit the draft to prepare version 2");
    expect((await ada.browser.post(page, { intent: "publish", revisionId })).status).toBe(409);
    // Now published, the workflow page is public too.
    expect((await anonymous.get(page)).status).toBe(200);

    // Deprecation: a bad successor keeps what was typed; a URL is accepted and shown.
    const badSuccessor = await ada.browser.post(page, { intent: "deprecate", successor: "not-a-badge" });
    expect(badSuccessor.status).toBe(400);
    const badSuccessorHtml = await textOf(badSuccessor);
    expect(badSuccessorHtml).toContain("No published badge with that id here");
    expect(badSuccessorHtml).toContain('value="not-a-badge"');
    expect((await bo.browser.post(page, { intent: "deprecate", successor: "" })).status).toBe(403);
    const deprecated = await ada.browser.post(page, { intent: "deprecate", successor: "https://other.example/badges/si-102" });
    expect(deprecated.status).toBe(302);
    const deprecatedHtml = await textOf(await anonymous.get(page));
    expect(deprecatedHtml).toContain('Successor: <a href="https://other.example/badges/si-102">');
    expect((await anonymous.get(`/badges/${badge.id}/versions/1`)).status).toBe(200);

    // Withdrawal: only the steward's admin; then the badge is gone from the public.
    expect((await bo.browser.post(page, { intent: "withdraw-badge" })).status).toBe(403);
    const withdrawn = await ada.browser.post(page, { intent: "withdraw-badge" });
    expect(withdrawn.status).toBe(302);
    const withdrawnHtml = await textOf(await ada.browser.get(withdrawn.headers.get("location")!));
    expect(withdrawnHtml).toContain("Badge withdrawn");
    expect(withdrawnHtml).not.toContain("Withdraw this badge");
    expect((await anonymous.get(`/badges/${badge.id}`)).status).toBe(404);
  });

  it("refuses a cross-site post and sends anonymous posts to sign in", async () => {
    const res = await fetch(`${server.url}/coauthor-invitations`, {
      method: "POST",
      body: new URLSearchParams({ intent: "accept" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      redirect: "manual",
    });
    expect(res.status).toBe(403);
    const anon = await new Browser(server.url).post("/coauthor-invitations", { intent: "accept" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/signin\?redirectTo=/);
  });
});
