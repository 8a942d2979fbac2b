import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries } from "../../db/schema";
import { emptyContent } from "../../app/services/badge-content";
import { recordRemoteBadgeFetched } from "../../app/services/remote-badge-cache.server";
import { applyRemoteBadgeVersion, recordRemoteBadgeGone, recordRemoteOrganisation } from "../../app/services/remote-badges.server";
import { computeVersionHash } from "../../app/services/versions.server";
import { actorKeysFor } from "../../federation/keys";
import { enqueueActivity } from "../../federation/outbox";
import { e2eSkipped, launchBrowser, screenshot, signUpInBrowser } from "../support/browser";
import { makeActivity, makeRemoteFollower, startPeerInbox, type PeerInbox } from "../support/federation-peers";
import { waitFor } from "../support/loopback";
import { startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("the operator's federation page in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let gone: PeerInbox;
  let fine: PeerInbox;
  beforeAll(async () => {
    server = await startTestServer(undefined, "0", {
      env: { ADMIN_EMAILS: "grace@example.org" },
      federation: { delivery: { retry: { scheduleMs: [100], jitter: 0 } } },
    });
    browser = await launchBrowser();
    const keyOf = (keyId: string) => actorKeysFor(server.db, keyId.replace(/#main-key$/, "")).rsaPublicKeyPem;
    gone = await startPeerInbox(keyOf);
    fine = await startPeerInbox(keyOf);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await gone?.close();
    await fine?.close();
  });

  it("shows a dead delivery with its reason and sends it again from a plain form", async () => {
    const actor = `http://localhost:${server.port}/orgs/changemakers`;
    gone.reply = () => ({ status: 410 });
    for (let i = 0; i < 3; i++) makeRemoteFollower(server.db, { following: actor, host: `127.0.0.1:${gone.port}`, shared: true });
    makeRemoteFollower(server.db, { following: actor, host: `127.0.0.1:${fine.port}` });
    const { activityId } = enqueueActivity(server.db, { actorUri: actor, document: makeActivity(actor), public: true });
    await waitFor(() => server.db.select().from(deliveries).where(eq(deliveries.activityId, activityId)).all().every((d) => d.status !== "pending"));

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByLabel("E-mail").fill("grace@example.org");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.goto(`${server.url}/admin/federation`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Federation deliveries");
    const hostRow = page.getByRole("row", { name: new RegExp(`127\\.0\\.0\\.1:${gone.port}`) }).first();
    expect(await hostRow.textContent()).toContain("HTTP 410");
    await screenshot(page, "admin-federation-dead");

    gone.reply = () => ({ status: 202 });
    await page.getByRole("button", { name: `Retry dead deliveries to 127.0.0.1:${gone.port}` }).click();
    expect(await page.getByRole("status").textContent()).toContain(`1 dead delivery to 127.0.0.1:${gone.port} queued again.`);
    await waitFor(() => gone.received.length === 2);
    await page.goto(`${server.url}/admin/federation`);
    expect(await page.getByText("No dead deliveries.").count()).toBe(1);
    await screenshot(page, "admin-federation-retried");
    await context.close();
  });

  it("shows the remote badges fetched here and asks again for one from a plain form", async () => {
    // Badges of an instance at an address where nothing answers (connection refused).
    const home = "http://127.0.0.1:1";
    const steward = recordRemoteOrganisation(server.db, { uri: `${home}/orgs/faraway`, handle: "faraway", host: "127.0.0.1:1", name: "Faraway" });
    const held = (id: string, name: string, fetchedHoursAgo: number) => {
      const content = { ...emptyContent(name), summary: "In short.", criteria: "Do it." };
      const { badgeId } = applyRemoteBadgeVersion(server.db, steward.uri, {
        badgeUri: `${home}/badges/${id}`,
        versionUri: `${home}/badges/${id}/versions/1`,
        number: 1,
        content,
        stewardUri: steward.uri,
        coauthorUris: [],
        contentHash: computeVersionHash({ content, stewardUri: steward.uri, coauthorUris: [], number: 1 }),
        publishedAt: new Date("2030-11-30T10:00:00Z"),
      });
      recordRemoteBadgeFetched(server.db, badgeId, new Date(Date.now() - fetchedHoursAgo * 3_600_000));
      return `${home}/badges/${id}`;
    };
    held("fresh", "Fresh Badge", 1);
    held("old", "Map Reading", 48);
    recordRemoteBadgeGone(server.db, held("gone", "Gone Badge", 72), { reason: "Its instance answered 410." });

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/signin`);
    await page.getByLabel("E-mail").fill("grace@example.org");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.goto(`${server.url}/admin/federation`);
    const figures = page.getByRole("definition");
    const figure = async (term: string) => (await page.locator(`dl[aria-label="Fetched remote badges"] div`, { hasText: term }).locator("dd").textContent())?.trim();
    expect(await figures.count()).toBeGreaterThan(4);
    expect([await figure("Fresh"), await figure("Stale"), await figure("Unavailable")]).toEqual(["1", "1", "1"]);
    expect(await page.getByText("No refresh has run yet.").count()).toBe(1);
    const gone = page.getByRole("row", { name: /Gone Badge/ });
    expect(await gone.textContent()).toContain("unavailable since");
    await screenshot(page, "admin-federation-fetched-badges");

    await page.getByRole("button", { name: "Check now Map Reading" }).click();
    expect(await page.getByRole("status").textContent()).toMatch(/^http:\/\/127\.0\.0\.1:1\/badges\/old could not be fetched now \(.+\); what is shown stays as it was/);
    expect(await page.getByRole("row", { name: /Map Reading/ }).textContent()).toContain("1 failed in a row");
    await screenshot(page, "admin-federation-fetched-badge-checked");
    await context.close();
  });

  it("is closed to people who are not operators", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUpInBrowser(page, server.url, "Someone", "someone@example.org");
    const res = await page.goto(`${server.url}/admin/federation`);
    expect(res?.status()).toBe(403);
    expect(await page.getByRole("alert").textContent()).toContain("Only the operators of this instance can see this page.");
    await context.close();
  });
});
