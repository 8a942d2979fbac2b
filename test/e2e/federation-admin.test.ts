import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries } from "../../db/schema";
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
