// Federation as a person sees it, in Chromium against two real servers on loopback: an
// admin on B follows an organisation on A by typing its address, watches the follow wait
// and then complete, finds A's badge in B's catalogue, reads where it comes from, and
// shares it with the organisation's followers.
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { follows } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { noBadgeEvents } from "../../app/services/events";
import { badgeSharers } from "../../app/services/shares.server";
import { createOrganisationInBrowser, e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { waitFor } from "../support/loopback";
import { editDraft } from "../support/publishing";
import { startTestServer, type TestServer } from "../support/server";

const FAST = { retry: { scheduleMs: [100, 200, 400], jitter: 0 } };

describe.skipIf(e2eSkipped)("federation in Chromium", () => {
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let hostA: string;
  let badge: { id: string; uri: string };

  beforeAll(async () => {
    a = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    browser = await launchBrowser();
    hostA = `localhost:${a.port}`;
    const urlA = `http://${hostA}`;
    const ctxA: ServiceContext = { db: a.db, publicUrl: urlA, events: noBadgeEvents, federation: a.federation.outbox };
    const riverside = makeLocalTeam(ctxA, {
      handle: "riverside",
      name: "Riverside School",
      kind: "school",
      description: "A secondary school that gardens with its neighbours.",
    });
    badge = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name: "Seed Saving", approvalPolicy: "steward" });
    editDraft(ctxA, riverside.editor.id, badge.id, {
      summary: "Save seeds from your own plants and pass them on.",
      criteria: "1. Save seeds from **three** plants.\n2. Share them with a neighbour and write down how they grew.",
      tags: ["gardening", "seeds"],
      estimatedHours: 6,
    });
    approveAndPublish(ctxA, badge.id, [riverside]);
  });

  afterAll(async () => {
    await browser?.close();
    await a?.close();
    await b?.close();
  });

  it("follows an organisation on another instance by its address, then finds and shares its badge", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await signUpInBrowser(page, b.url, "Ada Admin", "ada@changemakers.example");
    await createOrganisationInBrowser(page, b.url, { handle: "changemakers", name: "Changemakers Network", kind: "Nonprofit" });
    expect(await page.getByText("0 followers · follows 0 organisations").count()).toBe(1);
    await page.getByRole("link", { name: "Following", exact: true }).click();
    await page.waitForURL(`${b.url}/orgs/changemakers/following`);

    // A is slow to answer (its delivery worker paused), so the follow is seen waiting.
    await a.delivery!.stop();
    await page.getByLabel("Its address").fill(`@riverside@${hostA}`);
    await page.getByRole("button", { name: "Follow", exact: true }).click();
    const entry = page.getByRole("listitem").filter({ hasText: "Riverside School" });
    await expect.poll(() => entry.textContent(), { timeout: 5000 }).toContain("Waiting for them to accept");
    expect(await page.getByRole("status").filter({ hasText: "Asked to follow" }).count()).toBe(1);
    await screenshot(page, "federation-following-waiting");

    // A answers; the page refreshes itself while the follow waits and the back-fill runs.
    a.delivery!.start();
    await expect.poll(() => entry.textContent(), { timeout: 10_000 }).toContain("Following; new badges arrive as they publish");
    expect(await entry.textContent()).toContain(`@riverside@${hostA}`);
    expect(b.db.select().from(follows).where(eq(follows.followingUri, `http://${hostA}/orgs/riverside`)).get()?.status).toBe("accepted");
    await screenshot(page, "federation-following");

    await page.goto(`${b.url}/badges`);
    await page.getByLabel("Search badges").fill("seed saving");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=seed/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("1 badge match");
    const card = page.getByRole("article").filter({ hasText: "Seed Saving" });
    expect(await card.textContent()).toContain(`on ${hostA}`);
    await screenshot(page, "federation-catalogue");

    await card.getByRole("link", { name: "Seed Saving" }).click();
    await page.waitForURL(/\/badges\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Seed Saving");
    const note = page.getByRole("note").filter({ hasText: "Published on" });
    expect(await note.textContent()).toContain(`Published on ${hostA}.`);
    expect(await note.getByRole("link", { name: `See the original on ${hostA}` }).getAttribute("href")).toBe(badge.uri);
    expect(await note.getByRole("link", { name: `Riverside School on ${hostA}` }).getAttribute("href")).toBe(`http://${hostA}/orgs/riverside`);
    expect(await page.getByRole("navigation", { name: "For co-authors" }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Versions" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Version 1" }).count()).toBe(1);
    await screenshot(page, "federation-remote-badge");
    await screenshotOf(note, "federation-remote-badge-notice");

    // Changemakers passes it on to its followers; Riverside's instance hears of the share.
    await page.getByRole("button", { name: "Share as Changemakers Network" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "shared this badge" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Stop sharing as Changemakers Network" }).count()).toBe(1);
    await screenshot(page, "federation-remote-badge-shared");
    await waitFor(() => badgeSharers(a.db, badge.id).length > 0, 5000, "the share on A");
    expect(badgeSharers(a.db, badge.id).map((o) => o.name)).toEqual(["Changemakers Network"]);

    // The organisation's page counts its follows and lists what it shares.
    await page.goto(`${b.url}/orgs/changemakers`);
    expect(await page.getByText("0 followers · follows 1 organisation").count()).toBe(1);
    const shares = page.getByRole("region", { name: "Badges Changemakers Network shares" });
    expect(await shares.getByRole("link", { name: "Seed Saving" }).count()).toBe(1);
    expect(await shares.textContent()).toContain(`on ${hostA}`);
    await screenshot(page, "federation-organisation");
    await context.close();
  });
});
