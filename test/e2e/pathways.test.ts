// Composing and publishing a pathway in Chromium, as a steward's admin does it: from the
// organisation's page to a started pathway, the editor (goal and steps from the catalogue,
// a badge of another instance pasted, guidance, a stage made a choice), approval and
// publication, the public page on a wide and a narrow screen, its map (the graph picture
// with the learner's progress, and the same as a list, with and without JavaScript), and
// the badge pages that list the pathway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { badges, users, type Badge } from "../../db/schema";
import { makePublishedBadge } from "../support/catalogue-factories";
import { addMember, makeOrganisation } from "../support/factories";
import { e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { setLearnerBadge } from "../../app/services/learner-badges.server";
import { startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("composing a pathway in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let goal: Badge;
  let si101: Badge;
  let toc: Badge;
  let remote: Badge;
  let pathwayId: string;
  let amaraId: string;
  let stewardOrg: Parameters<typeof makePublishedBadge>[1]["steward"];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await signUpInBrowser(page, server.url, "Amara", "amara@example.org");
    amaraId = server.db.select().from(users).where(eq(users.email, "amara@example.org")).get()!.id;
    const steward = makeOrganisation(server.db, { name: "Changemakers", handle: "changemakers" });
    addMember(server.db, steward.id, amaraId, "owner");
    stewardOrg = steward;
    const publicUrl = `http://localhost:${server.port}`;
    const publish = (name: string, summary: string, prerequisites: string[] = []) =>
      makePublishedBadge(server.db, { steward, publicUrl, content: { name, summary, prerequisites } });
    goal = publish("Changemaker Foundations", "The goal.");
    si101 = publish("Social Innovation 101", "Spot a social problem.");
    // Its own prerequisite: the map draws it as a solid arrow, the pathway's order dashed.
    toc = publish("Theory of Change", "Map how change happens.", [si101.uri]);
    const peer = makeOrganisation(server.db, { handle: "riverside", name: "Riverside Library", host: "peer.example", kind: "community" });
    remote = makePublishedBadge(server.db, { steward: peer, content: { name: "Community Archiving" }, publicUrl: "https://peer.example" });
    server.db.update(badges).set({ remoteUrl: "https://peer.example/b/archiving" }).where(eq(badges.id, remote.id)).run();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("starts a pathway from the organisation's page", async () => {
    await page.goto(`${server.url}/orgs/changemakers`);
    await page.getByRole("link", { name: "Compose a pathway" }).click();
    await page.getByLabel("Pathway name").fill("Changemaker Foundations");
    await page.getByLabel("The steward alone").check();
    await page.getByRole("button", { name: "Start the pathway" }).click();
    await page.waitForURL(/\/pathways\/[^/]+\/edit\?started=1/);
    pathwayId = new URL(page.url()).pathname.split("/")[2];
    expect(await page.getByRole("status").textContent()).toBe("Pathway started. Choose its goal and steps, then save.");
  });

  it("composes its goal, steps with guidance (one from another instance) and a route with a choice", async () => {
    await page.getByLabel("Summary").fill("From spotting a problem to a first project with your community.");
    await page.getByLabel("Goal badge").selectOption({ label: "Changemaker Foundations — Changemakers" });
    await page.locator("#steps-0-badge").selectOption({ label: "Social Innovation 101 — Changemakers" });
    await page.locator("#steps-0-guidance").fill("Start here: interview five people.");
    await page.locator("#steps-1-badge").selectOption({ label: "Theory of Change — Changemakers" });
    await page.locator("#steps-2-badge-url").fill("https://peer.example/b/archiving");
    await page.locator("#steps-2-guidance").fill("Offered by Riverside Library, on another instance.");
    await page.getByRole("button", { name: "Save draft" }).click();
    // The address changes before the new page renders: wait for the page itself.
    await page.getByText("Saved as revision 2").waitFor();
    // The steps form one ordered route by default; stage 2 becomes a choice of two.
    const stage2 = page.getByRole("group", { name: "Stage 2 of route 1" });
    await stage2.getByLabel("3. Community Archiving").check();
    await stage2.getByLabel("A learner earns").selectOption({ label: "any 1 of them" });
    await page.getByRole("group", { name: "Stage 3 of route 1" }).getByLabel("3. Community Archiving").uncheck();
    await page.getByLabel("Name (optional)").first().fill("Foundations");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Saved as revision 3").waitFor();
    expect(await page.getByRole("status").textContent()).toBe("Saved as revision 3 (routes).");
    await screenshot(page, "pathway-editor");
  });

  it("is approved and published by the steward's admin, then reads as routes of linked steps", async () => {
    page.setDefaultTimeout(8000);
    await page.getByRole("link", { name: "Approve and publish" }).click();
    await page.waitForURL(/\/publishing$/);
    await page.getByRole("button", { name: /Approve revision #3 for Changemakers/ }).click();
    await page.getByText("Approval recorded for this revision.").waitFor();
    await page.getByRole("button", { name: "Publish version 1" }).click();
    await page.getByText("Version published.").waitFor();
    await screenshot(page, "pathway-publishing");
    await page.getByRole("link", { name: "Public page" }).click();
    await page.waitForURL(`${server.url}/pathways/${pathwayId}`);
    await page.getByRole("heading", { level: 1, name: "Changemaker Foundations", exact: true }).waitFor();
    const route = page.getByRole("region", { name: "Foundations" });
    expect(await route.getByText("Earn any one of these two:").isVisible()).toBe(true);
    expect(await route.getByRole("link", { name: "Social Innovation 101" }).getAttribute("href")).toBe(`/badges/${si101.id}`);
    expect(await route.getByRole("link", { name: "Community Archiving" }).getAttribute("href")).toBe(`/badges/${remote.id}`);
    expect(await route.getByText("peer.example").isVisible()).toBe(true);
    expect(await route.getByText("Start here: interview five people.").isVisible()).toBe(true);
    expect(await page.getByRole("region", { name: "Goal", exact: true }).getByRole("link", { name: "Changemaker Foundations" }).getAttribute("href")).toBe(`/badges/${goal.id}`);
    expect(await page.getByRole("link", { name: "Version 1" }).isVisible()).toBe(true);
    await screenshot(page, "pathway-page");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "pathway-page-narrow");
    // Nothing overflows sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`${server.url}/badges`);
    await page.getByRole("navigation", { name: "Catalogue" }).getByRole("link", { name: /Pathways/ }).click();
    await page.waitForURL(/\/pathways$/);
    expect(await page.getByRole("link", { name: "Changemaker Foundations" }).first().isVisible()).toBe(true);
    expect(pathwayId).toBeTruthy();
    expect(pageErrors).toEqual([]);
  });

  it("draws the pathway's map with the learner's progress, and the same as a list", async () => {
    // Amara holds Social Innovation 101 and plans the goal.
    setLearnerBadge(server.db, amaraId, si101.uri, "held");
    setLearnerBadge(server.db, amaraId, goal.uri, "planned");
    await page.goto(`${server.url}/pathways/${pathwayId}`);
    const section = page.getByRole("region", { name: "Map of the pathway" });
    const picture = section.getByRole("img", { name: /Map of Changemaker Foundations/ });
    await picture.waitFor();
    const svgText = (await picture.textContent()) ?? "";
    for (const words of ["Changemaker Foundations", "Social Innovation 101", "✓ Held", "Theory of Change", "➜ Can earn now", "on peer.example", "any 1 of 2", "Planned, can earn now"])
      expect(svgText).toContain(words);
    // Top to bottom: the first step, the choice of two, the goal (marked as the focus).
    const boxY = async (name: string) =>
      page.evaluate((n) => {
        const t = [...document.querySelectorAll("#pathway-graph-heading ~ .badge-graph tspan")].find((e) => e.textContent === n)!;
        return (t as SVGGraphicsElement).getBoundingClientRect().y;
      }, name);
    expect(await boxY("Social Innovation 101")).toBeLessThan(await boxY("Theory of Change"));
    // The goal's name is too long for one line of its box: it wraps.
    expect(await boxY("Theory of Change")).toBeLessThan(await boxY("Changemaker"));
    expect(await boxY("Changemaker")).toBeLessThan(await boxY("Foundations"));
    expect(await boxY("Community Archiving")).toBe(await boxY("Theory of Change"));
    // The pathway's order is dashed; Theory of Change's own prerequisite is a solid arrow.
    const dashes = await picture.locator("path[fill='none']").evaluateAll((paths) => paths.map((p) => p.getAttribute("stroke-dasharray")));
    expect(dashes.filter((d) => d === "6 4").length).toBe(4); // Social Innovation 101 -> Community Archiving, both into the choice, the choice into the goal
    expect(dashes.filter((d) => d === null).length).toBe(1);
    expect(await section.getByText("The pathway’s order: on its route, the badge below comes after").isVisible()).toBe(true);
    // The list: from the goal back along the route, links for keyboards.
    const list = section.locator(".graph-list");
    expect(await list.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["How the pathway leads to Changemaker Foundations"]);
    const listText = (await list.textContent()) ?? "";
    expect(listText).toContain("On the route “Foundations”, after any 1 of these 2 (you hold 0, 1 needed):");
    expect(listText).toContain("Required (met):Social Innovation 101 (held)");
    expect(listText).toContain("Theory of Change (can earn now)");
    expect(listText).toContain("Community Archiving (on peer.example; can earn now)On the route “Foundations”, after this step (met):");
    expect(listText).toContain("Changemaker Foundations (the goal; planned, can earn now)");
    expect(await list.getByRole("link", { name: "Community Archiving" }).getAttribute("href")).toBe(`/badges/${remote.id}`);
    expect(await list.getByRole("link", { name: "Theory of Change" }).getAttribute("href")).toBe(`/badges/${toc.id}`);
    await screenshotOf(section, "pathway-graph");
    await screenshot(page, "pathway-page-with-graph");
    expect(pageErrors).toEqual([]);
  });

  it("shows the map without JavaScript, and badge pages list the pathway", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: false });
    const noJs = await context.newPage();
    await noJs.goto(`${server.url}/pathways/${pathwayId}`);
    const picture = noJs.getByRole("img", { name: /Map of Changemaker Foundations/ });
    expect(await picture.isVisible()).toBe(true);
    expect(await picture.evaluate((svg) => (svg as SVGSVGElement).getBoundingClientRect().width)).toBeGreaterThan(300);
    expect(await noJs.locator(".graph-list").getByRole("link", { name: "Social Innovation 101" }).first().isVisible()).toBe(true);
    // Nobody signed in here: no progress drawn.
    expect((await picture.textContent()) ?? "").not.toContain("Held");
    await screenshot(noJs, "pathway-graph-no-js");
    // The goal's page and a step's page (a badge of another instance) link to the pathway.
    for (const [badge, role] of [[goal, "its goal"], [remote, "a step"]] as const) {
      await noJs.goto(`${server.url}/badges/${badge.id}`);
      const card = noJs.getByRole("region", { name: "On pathways" });
      expect(await card.getByRole("link", { name: "Changemaker Foundations" }).getAttribute("href")).toBe(`/pathways/${pathwayId}`);
      expect(await card.textContent()).toContain(role);
    }
    // A badge on no pathway says nothing about pathways.
    const unrelated = makePublishedBadge(server.db, { steward: stewardOrg, publicUrl: `http://localhost:${server.port}`, content: { name: "Unrelated" } });
    await noJs.goto(`${server.url}/badges/${unrelated.id}`);
    await noJs.getByRole("heading", { level: 1, name: /Unrelated/ }).waitFor();
    expect(await noJs.getByRole("region", { name: "On pathways" }).count()).toBe(0);
    await context.close();
  });
});
