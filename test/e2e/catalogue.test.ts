import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Badge } from "../../db/schema";
import { e2eSkipped, launchBrowser, screenshot } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";
import { makeOrganisation } from "../support/factories";
import { makePublishedBadge } from "../support/catalogue-factories";

const XSS = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;

describe.skipIf(e2eSkipped)("catalogue in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let hostile: Badge;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const db = server.db;
    const nonprofit = makeOrganisation(db, { name: "Changemakers Network", kind: "nonprofit" });
    const school = makeOrganisation(db, { name: "Northside School", kind: "school" });
    const business = makeOrganisation(db, { name: "Acme Ventures", kind: "business" });
    makePublishedBadge(db, {
      steward: nonprofit,
      coAuthors: [school, business],
      content: {
        name: "Social Innovation 101",
        summary: "Spot a social problem and test a first solution with the people who live it.",
        criteria: "1. Interview five people affected by the problem\n2. Prototype a solution and test it",
        tags: ["social innovation", "design"],
        achievementType: "MicroCredential",
      },
    });
    makePublishedBadge(db, {
      steward: business,
      content: { name: "Social Finance", summary: "Fund change that pays back.", tags: ["finance"] },
    });
    hostile = makePublishedBadge(db, {
      steward: school,
      content: { name: `Storytelling ${XSS}`, summary: `Stories ${XSS}`, criteria: `Tell one ${XSS}`, tags: ["storytelling"] },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("searches from the keyboard, filters by tag, and renders hostile text inert", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}/badges`);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("3 badges found");
    await screenshot(page, "catalogue");

    await page.getByLabel("Search badges").fill("innov");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=innov/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("1 badge match");
    expect(await page.locator("mark").first().textContent()).toBe("Innovation");
    await screenshot(page, "catalogue-search");

    await page.getByRole("link", { name: "Social Innovation 101" }).click();
    await page.waitForURL(/\/badges\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Social Innovation 101");
    await screenshot(page, "badge-page");
    await page.getByRole("link", { name: "design", exact: true }).click();
    await page.waitForURL(/tag=design/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("1 badge found");

    for (const path of [`/badges?q=storytelling`, `/badges/${hostile.id}`]) {
      await page.goto(`${server.url}${path}`);
      expect(await page.getByText("Storytelling <img", { exact: false }).first().isVisible()).toBe(true);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
