// An endorsement across two instances, in Chromium: the steward's admin on A keeps the
// badge's page open; an employer's admin on B endorses A's badge from B's copy of its page.
// A's open page shows the endorsement arrive without a reload, the navigation counts a
// notification, and B's page shows the endorsement once A's acceptance comes back.
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, follows, users } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { addMember } from "../support/factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { waitFor } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { serviceContextOf, startTestServer, type TestServer } from "../support/server";

const FAST = { retry: { scheduleMs: [100, 200, 400], jitter: 0 } };

describe.skipIf(e2eSkipped)("endorsements across instances in Chromium", () => {
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let riverside: Team; // on A, the steward
  let greenJobs: Team; // on B, the endorser
  let badge: { id: string; uri: string };
  let copyId: string;
  const pageErrors: string[] = [];
  const watch = (page: Page, who: string) => {
    page.on("pageerror", (e) => pageErrors.push(`${who}: ${e.message}`));
    page.setDefaultTimeout(8000);
    return page;
  };

  beforeAll(async () => {
    a = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    browser = await launchBrowser();
    const ctxA: ServiceContext = serviceContextOf(a);
    const ctxB: ServiceContext = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    greenJobs = makeLocalTeam(ctxB, { handle: "greenjobs", name: "Green Jobs Co", kind: "business" });
    badge = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name: "Seed Saving", approvalPolicy: "steward" });
    editDraft(ctxA, riverside.editor.id, badge.id, { summary: "Save seeds and pass them on.", criteria: "Save seeds from three plants.", tags: ["gardening"] });
    approveAndPublish(ctxA, badge.id, [riverside]);
    await b.federation.follow(greenJobs.admin.id, greenJobs.org.id, riverside.org.uri);
    await waitFor(() => b.db.select().from(follows).where(eq(follows.status, "accepted")).get(), 5000, "the follow");
    await b.federation.idle();
    copyId = (await waitFor(() => b.db.select().from(badges).where(eq(badges.uri, badge.uri)).get(), 5000, "the badge on B")).id;
  });

  afterAll(async () => {
    await browser?.close();
    await a?.close();
    await b?.close();
  });

  it("the steward's open page shows an endorsement from another instance arrive, and both pages show it", async () => {
    const steward = watch(await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage(), "steward");
    await signUpInBrowser(steward, a.url, "Rita Steward", "rita@riverside.example");
    addMember(a.db, riverside.org.id, a.db.select().from(users).where(eq(users.email, "rita@riverside.example")).get()!.id, "admin");
    await steward.goto(`${a.url}/badges/${badge.id}`);
    const stewardSection = steward.locator("#endorsements");
    expect(await stewardSection.getByRole("article").count()).toBe(0);

    const endorser = watch(await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage(), "endorser");
    await signUpInBrowser(endorser, b.url, "Gus Employer", "gus@greenjobs.example");
    addMember(b.db, greenJobs.org.id, b.db.select().from(users).where(eq(users.email, "gus@greenjobs.example")).get()!.id, "admin");
    await endorser.goto(`${b.url}/badges/${copyId}`);
    await endorser.getByLabel("Why does Green Jobs Co vouch for this badge?").fill("We hire people who can save seeds.");
    await endorser.getByRole("button", { name: "Endorse as Green Jobs Co" }).click();
    await endorser.getByText("Thank you: your endorsement is recorded.").waitFor();
    await screenshotOf(endorser.locator("#endorsements"), "federated-endorsement-made");

    // A's open page takes it in without a reload.
    const arrived = stewardSection.getByRole("article", { name: "Endorsement by Green Jobs Co" });
    await arrived.waitFor({ timeout: 10_000 });
    expect(await arrived.textContent()).toContain("We hire people who can save seeds.");
    expect(await arrived.textContent()).toContain(`localhost:${b.port}`);
    expect(await stewardSection.locator(".endorsement-summary").textContent()).toBe(`Endorsed by 1 business, all from localhost:${b.port}.`);
    await screenshotOf(stewardSection, "federated-endorsement-arrived");
    await steward.reload();
    expect(await steward.getByRole("link", { name: /Notifications 1 unread/ }).count()).toBe(1);
    await steward.getByRole("link", { name: /Notifications/ }).click();
    await steward.getByText("Green Jobs Co").first().waitFor();
    await screenshot(steward, "federated-endorsement-notifications");

    // B shows it once A's Accept has come back.
    await expect.poll(async () => {
      await endorser.reload();
      return endorser.locator("#endorsements").getByRole("article", { name: "Endorsement by Green Jobs Co" }).count();
    }, { timeout: 10_000 }).toBe(1);
    await screenshotOf(endorser.locator("#endorsements"), "federated-endorsement-shown");
    expect(pageErrors).toEqual([]);
  });
});
