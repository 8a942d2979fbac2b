// Looking up another instance in Chromium: a learner types an instance's address, sees its
// organisations, opens one, and sees the badges it publishes, without following anyone.
// Then, without JavaScript, the same look-up works as a plain GET form.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBadge } from "../../app/services/badges.server";
import { e2eSkipped, launchBrowser, screenshot, signUpInBrowser } from "../support/browser";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { editDraft } from "../support/publishing";
import { serviceContextOf, startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("looking up another instance in Chromium", () => {
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let hostA: string;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
    browser = await launchBrowser();
    hostA = `localhost:${a.port}`;
    const ctxA = serviceContextOf(a);
    const riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school", description: "A secondary school that gardens with its neighbours." });
    makeLocalTeam(ctxA, { handle: "harbour", name: "Harbour College", kind: "school" });
    for (const [name, summary] of [
      ["Seed Saving", "Save seeds from your own plants and pass them on."],
      ["Rain Gardens", "Build a rain garden with your street."],
    ]) {
      const badge = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name, approvalPolicy: "steward" });
      editDraft(ctxA, riverside.editor.id, badge.id, { summary, criteria: "Do it with neighbours.", tags: ["gardening"], estimatedHours: 6 });
      approveAndPublish(ctxA, badge.id, [riverside]);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await a?.close();
    await b?.close();
  });

  it("finds an instance's organisations and an organisation's badges", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signUpInBrowser(page, b.url, "Lee Learner", "lee@learner.example");
    await page.goto(`${b.url}/badges`);
    await page.getByRole("link", { name: "Look up another instance or organisation" }).click();
    await page.waitForURL(`${b.url}/explore`);
    await page.getByLabel("Address to look up").fill(hostA);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: `Organisations on ${hostA} (2)` }).waitFor();
    await screenshot(page, "explore-instance");
    await page.getByRole("link", { name: "Riverside School" }).click();
    await page.getByRole("heading", { name: "Badges it publishes (2)" }).waitFor();
    expect(await page.getByRole("heading", { level: 2 }).first().textContent()).toBe("Riverside School");
    expect(await page.getByText("A secondary school that gardens with its neighbours.").count()).toBe(1);
    expect(await page.getByRole("link", { name: "Seed Saving" }).getAttribute("href")).toMatch(new RegExp(`^http://${hostA}/badges/`));
    await screenshot(page, "explore-organisation");
    // A mistyped address says why, keeping what was typed.
    await page.getByLabel("Address to look up").fill("@nobody");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").waitFor();
    expect(await page.getByLabel("Address to look up").inputValue()).toBe("@nobody");
    await screenshot(page, "explore-error");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("works without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signUpInBrowser(page, b.url, "Nora NoScript", "nora@learner.example");
    await page.goto(`${b.url}/explore`);
    await page.getByLabel("Address to look up").fill(`@riverside@${hostA}`);
    await page.getByRole("button", { name: "Look up" }).click();
    await page.getByRole("heading", { name: "Badges it publishes (2)" }).waitFor();
    expect(page.url()).toBe(`${b.url}/explore?address=${encodeURIComponent(`@riverside@${hostA}`)}`);
    expect(await page.getByRole("link", { name: "Rain Gardens" }).count()).toBe(1);
    await context.close();
  });
});
