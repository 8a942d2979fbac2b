// Where a badge fits, in Chromium: a learner holds two badges and plans one from their pages;
// the badge page's graph shows their progress (with and without JavaScript, on screen and
// for print), keyboards reach the same graph as a list and skip the picture's boxes, and My
// learning lists what they can earn next. Screenshots go to test/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Badge } from "../../db/schema";
import { e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { makePublishedBadge } from "../support/catalogue-factories";
import { makeOrganisation } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("the graph of a badge in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const b: Record<string, Badge> = {};
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const publicUrl = `http://localhost:${server.port}`;
    const here = makeOrganisation(server.db, { name: "Changemakers Network", kind: "nonprofit" });
    const harbour = makeOrganisation(server.db, { name: "Harbour College", kind: "school", host: "harbour.example" });
    const make = (name: string, prerequisites: Badge["uri"][] | { requiredNumber: number; badges: string[] }[] = [], remote = false) =>
      makePublishedBadge(server.db, {
        steward: remote ? harbour : here,
        content: { name, summary: `${name}: a step on the way.`, prerequisites },
        publicUrl: remote ? "https://harbour.example" : publicUrl,
      });
    b.si = make("Social Innovation 101");
    b.story = make("Storytelling for Change");
    b.archive = make("Community Archiving", [], true);
    b.finance = make("Social Finance", [b.si.uri]);
    b.toc = make("Theory of Change", [
      { requiredNumber: 1, badges: [b.finance.uri, b.story.uri, b.archive.uri, "https://gone.example/badges/retired"] },
      { requiredNumber: 1, badges: [b.si.uri] },
    ]);
    b.facilitation = make("Facilitation");
    b.lead = make("Leadership for Social Change", [{ requiredNumber: 2, badges: [b.toc.uri, b.story.uri, b.facilitation.uri] }]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(8000);
    await signUpInBrowser(page, server.url, "Lee Park", "lee@learner.example");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("colours the learner's progress into the graph on the badge page, in words as well", async () => {
    for (const [key, button] of [["si", /I hold this/], ["story", /I hold this/], ["lead", /I plan to earn this/]] as const) {
      await page.goto(`${server.url}/badges/${b[key].id}`);
      await page.getByRole("region", { name: "Your learning" }).getByRole("button", { name: button }).click();
      await page.getByRole("status").first().waitFor();
    }
    await page.goto(`${server.url}/badges/${b.toc.id}`);
    const section = page.getByRole("region", { name: "Where it fits" });
    const picture = section.getByRole("img", { name: /Where Theory of Change fits/ });
    await picture.waitFor();
    const svgText = (await picture.textContent()) ?? "";
    for (const words of ["✓ Held", "➜ Can earn now", "◇ Planned", "⊘ Unavailable here", "on harbour.example", "✓ any 1 of 4", "2 of 3", "gone.example/badges/ret"])
      expect(svgText).toContain(words);
    // The picture's boxes are really drawn apart: Theory of Change sits between what leads to it and what it leads to.
    const boxY = async (name: string) =>
      page.evaluate((n) => {
        const t = [...document.querySelectorAll(".badge-graph-svg tspan")].find((e) => e.textContent === n)!;
        return (t as SVGGraphicsElement).getBoundingClientRect().y;
      }, name);
    expect(await boxY("Social Innovation 101")).toBeLessThan(await boxY("Theory of Change"));
    expect(await boxY("Theory of Change")).toBeLessThan(await boxY("Leadership for Social"));
    await screenshotOf(section, "graph-badge-page");
    await screenshot(page, "graph-badge-page-full");
    expect(pageErrors).toEqual([]);
  });

  it("lets keyboards and screen readers use the same graph as a list, skipping the picture's boxes", async () => {
    await page.goto(`${server.url}/badges/${b.toc.id}`);
    const list = page.locator(".graph-list");
    await expect.poll(() => list.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["What leads to Theory of Change", "What Theory of Change leads to"]);
    expect(await list.textContent()).toContain("Any 1 of these 4 (met):");
    expect(await list.textContent()).toContain("https://gone.example/badges/retired (unavailable: not known here)");
    expect(await list.textContent()).toContain("Leadership for Social Change (planned) — needs it as one of: 2 of these 3 (1 not drawn; you hold 1, 2 needed)");
    // Tab from the last control before the figure: focus goes from link to link in the list, never into the SVG.
    await list.getByRole("link", { name: "Social Finance" }).focus();
    const visited: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      visited.push(await page.evaluate(() => `${document.activeElement?.closest("svg") ? "svg:" : ""}${document.activeElement?.textContent}`));
    }
    expect(visited).toEqual(["Social Innovation 101", "Storytelling for Change", "Community Archiving", "https://gone.example/badges/retired"]);
    // Enter on a list link opens that badge.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/badges/${b.archive.id}`);
  });

  it("shows the graph without JavaScript and prints it whole, without navigation", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: false });
    const noJs = await context.newPage();
    await noJs.goto(`${server.url}/badges/${b.toc.id}`);
    const picture = noJs.getByRole("img", { name: /Where Theory of Change fits/ });
    expect(await picture.isVisible()).toBe(true);
    expect(await picture.evaluate((svg) => (svg as SVGSVGElement).getBoundingClientRect().width)).toBeGreaterThan(300);
    await noJs.emulateMedia({ media: "print" });
    expect(await noJs.locator(".site-header").isVisible()).toBe(false);
    expect(await picture.isVisible()).toBe(true);
    // The boxes keep their colours on paper.
    expect(await picture.evaluate((svg) => getComputedStyle(svg).printColorAdjust)).toBe("exact");
    await screenshot(noJs, "graph-badge-page-print");
    await context.close();
  });

  it("lists what the learner can earn next on My learning, with where each is offered", async () => {
    await page.goto(`${server.url}/learning`);
    const section = page.getByRole("region", { name: /What you can earn next/ });
    const cards = section.locator("ol").first().getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
    await expect.poll(() => cards.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Theory of Change", "Social Finance"]);
    expect(await cards.first().textContent()).toContain("On the way to your plan: Leadership for Social Change");
    expect(await cards.first().textContent()).toContain("Builds on what you hold: Storytelling for Change and Social Innovation 101");
    expect(await cards.nth(1).textContent()).toContain("Offered by Changemakers Network, on this instance");
    // Starting points towards the plan: badges with no prerequisites that lead to it.
    const starts = page.getByRole("list", { name: "Where to start for your plans" });
    expect(await starts.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Community Archiving", "Facilitation"]);
    expect(await starts.textContent()).toContain("Offered by Harbour College, on harbour.example");
    await screenshotOf(section, "graph-earn-next");
    await cards.first().getByRole("link", { name: "Theory of Change" }).click();
    await page.waitForURL(`${server.url}/badges/${b.toc.id}`);
    expect(pageErrors).toEqual([]);
  });
});
