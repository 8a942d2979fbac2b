// Following a badge's changes without editing it (what the publishing page does): who may
// watch, which changes are announced, and that watchers get notices, never content.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBadge } from "../../app/services/badges.server";
import { addMember, makeOrganisation } from "../support/factories";
import { acceptCoauthor, currentContent } from "../support/editor-factories";
import { LiveClient, signedUp, waitFor } from "../support/live-client";
import { startTestServer, type HttpSession, type TestServer } from "../support/server";

type Person = { session: HttpSession; user: { id: string } };

describe("watching a badge over socket.io", () => {
  let server: TestServer;
  let ada: Person;
  let grace: Person;
  let rita: Person;
  let otto: Person;
  let partnerId: string;
  let badgeId: string;
  const clients: LiveClient[] = [];

  const connect = async (who: Person) => {
    const c = await LiveClient.connect(server.url, who.session.cookieHeader);
    clients.push(c);
    return c;
  };

  async function saveSummary(who: Person, summary: string) {
    const html = (await (await who.session.get(`/badges/${badgeId}/edit`)).text()).replaceAll("<!-- -->", "");
    const content = currentContent(server.db, badgeId);
    const res = await who.session.post(`/badges/${badgeId}/edit`, {
      baseRevisionId: html.match(/name="baseRevisionId" value="([^"]+)"/)![1],
      name: content.name,
      summary,
      criteria: content.criteria,
      tags: content.tags.join(", "),
      achievementType: content.achievementType,
      language: content.language,
      estimatedHours: "",
    });
    expect(res.status).toBe(302);
  }

  beforeAll(async () => {
    server = await startTestServer();
    ada = await signedUp(server.url, server.db, "ada@example.org", "Ada");
    grace = await signedUp(server.url, server.db, "grace@example.org", "Grace");
    rita = await signedUp(server.url, server.db, "rita@example.org", "Rita");
    otto = await signedUp(server.url, server.db, "otto@example.org", "Otto");
    const steward = makeOrganisation(server.db, { name: "Changemakers" });
    const partner = makeOrganisation(server.db, { name: "Acme", kind: "business" });
    const invited = makeOrganisation(server.db, { name: "Riverside School", handle: "riverside", kind: "school" });
    partnerId = partner.id;
    addMember(server.db, steward.id, ada.user.id, "admin");
    addMember(server.db, partner.id, grace.user.id, "admin");
    addMember(server.db, invited.id, rita.user.id, "admin");
    const res = await ada.session.post("/badges/new", { stewardOrganisationId: steward.id, name: "Theory of Change", approvalPolicy: "all" });
    badgeId = res.headers.get("location")!.split("/")[2];
    acceptCoauthor(server.db, badgeId, partner.id);
    expect((await ada.session.post(`/badges/${badgeId}/publishing`, { intent: "invite", handle: "riverside" })).status).toBe(302);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it("lets authors and admins of invited organisations watch a draft, and nobody else", async () => {
    expect(await (await connect(ada)).watch(badgeId)).toEqual({ ok: true });
    // Rita must see the draft to answer Riverside's invitation.
    expect(await (await connect(rita)).watch(badgeId)).toEqual({ ok: true });
    const outsider = await connect(otto);
    expect(await outsider.watch(badgeId)).toMatchObject({ ok: false, status: 404 });
    expect(await outsider.watch("no-such-badge")).toMatchObject({ ok: false, status: 404 });
    expect(await outsider.watch(42 as unknown as string)).toMatchObject({ ok: false, status: 400 });
  });

  it("announces approvals and saved revisions to watchers, without the draft's content", async () => {
    const watcher = await connect(ada);
    await watcher.watch(badgeId);
    const outsider = await connect(otto);
    await outsider.watch(badgeId);

    const approve = await grace.session.post(`/badges/${badgeId}/publishing`, {
      intent: "approve",
      organisationId: partnerId,
      revisionId: getBadge(server.db, badgeId).currentRevisionId!,
    });
    expect(approve.status).toBe(302);
    await waitFor(() => watcher.changes.some((c) => c.what === "approvals"), 2000, "the approval notice");

    await saveSummary(grace, "Map how change happens.");
    await waitFor(() => watcher.changes.some((c) => c.what === "revision"), 2000, "the revision notice");
    expect(watcher.changes.every((c) => c.badgeId === badgeId)).toBe(true);
    // Notices only: no revision content, no typing.
    expect(watcher.revisions).toEqual([]);
    expect(watcher.updatesAt).toEqual([]);
    expect(outsider.changes).toEqual([]);
  });

  it("stops announcing after unwatch", async () => {
    const watcher = await connect(ada);
    await watcher.watch(badgeId);
    watcher.unwatch(badgeId);
    const control = await connect(ada);
    await control.watch(badgeId);
    await saveSummary(grace, "Map how change happens, step by step.");
    await waitFor(() => control.changes.length > 0, 2000, "the control watcher's notice");
    expect(watcher.changes).toEqual([]);
  });
});
