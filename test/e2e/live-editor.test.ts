// Two people co-editing one draft in two Chromium contexts: presence, typing shown to the
// other within a second with carets kept, a revision after a pause, comments live.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { users } from "../../db/schema";
import { listRevisions } from "../../app/services/badges.server";
import { addMember, makeOrganisation } from "../support/factories";
import { acceptCoauthor, currentContent } from "../support/editor-factories";
import { e2eSkipped, launchBrowser, screenshot, signUpInBrowser } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("co-editing a draft in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let ada: Page;
  let grace: Page;
  let badgeId: string;
  // Errors in the pages (hydration mismatches, exceptions) fail the run at the end.
  const pageErrors: string[] = [];
  const watch = (page: Page, who: string) => {
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${who}: ${m.text()}`);
    });
    page.on("pageerror", (e) => pageErrors.push(`${who}: ${e.message}`));
    return page;
  };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ada = watch(await (await browser.newContext()).newPage(), "Ada");
    grace = watch(await (await browser.newContext()).newPage(), "Grace");
    await signUpInBrowser(ada, server.url, "Ada", "ada@example.org");
    await signUpInBrowser(grace, server.url, "Grace", "grace@example.org");
    const id = (email: string) => server.db.select().from(users).where(eq(users.email, email)).get()!.id;
    const steward = makeOrganisation(server.db, { name: "Changemakers" });
    const partner = makeOrganisation(server.db, { name: "Acme", kind: "business" });
    addMember(server.db, steward.id, id("ada@example.org"), "editor");
    addMember(server.db, partner.id, id("grace@example.org"), "editor");

    await ada.goto(`${server.url}/badges/new`);
    await ada.getByLabel("Badge name").fill("Social Innovation 101");
    await ada.getByLabel("A majority").check();
    await ada.getByRole("button", { name: "Start the badge" }).click();
    await ada.waitForURL(/\/badges\/[^/]+\/edit/);
    badgeId = new URL(ada.url()).pathname.split("/")[2];
    acceptCoauthor(server.db, badgeId, partner.id);
    await grace.goto(`${server.url}/badges/${badgeId}/edit`);
    await ada.goto(`${server.url}/badges/${badgeId}/edit`);
    for (const p of [ada, grace]) await p.locator('[data-live-status="live"]').waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows who is in the draft and where they are typing", async () => {
    const bar = ada.getByRole("list", { name: "Editing now" });
    await expect.poll(() => bar.textContent(), { timeout: 2000 }).toContain("Grace");
    expect(await bar.textContent()).toContain("Ada (you)");
    expect(await bar.textContent()).toContain("Acme");
    await grace.getByLabel("Criteria").focus();
    await expect.poll(() => ada.locator(".field-peer").textContent(), { timeout: 2000 }).toBe("Grace is typing here");
  });

  it("shows each one's typing to the other within a second, keeping the other's caret", async () => {
    const adaCriteria = ada.getByLabel("Criteria");
    const graceCriteria = grace.getByLabel("Criteria");
    await adaCriteria.click();
    await adaCriteria.pressSequentially("Plan a project.");
    const start = Date.now();
    await expect.poll(() => graceCriteria.inputValue(), { timeout: 1000, interval: 20 }).toBe("Plan a project.");
    expect(Date.now() - start).toBeLessThan(1000);

    // Grace puts her caret after "Plan " and types while Ada types at the start.
    await graceCriteria.click();
    await graceCriteria.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5));
    await adaCriteria.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
    await adaCriteria.pressSequentially("First: ");
    await expect.poll(() => graceCriteria.inputValue(), { timeout: 1000 }).toBe("First: Plan a project.");
    await graceCriteria.pressSequentially("and run ");
    const expected = "First: Plan and run a project.";
    await expect.poll(() => adaCriteria.inputValue(), { timeout: 1000 }).toBe(expected);
    expect(await graceCriteria.inputValue()).toBe(expected);
    await screenshot(grace, "editor-two-people");
  });

  it("saves a revision after a pause, credited to the person who typed", async () => {
    await grace.getByLabel("Tags and skills").fill("social innovation, change");
    await expect.poll(() => grace.getByRole("status").first().textContent(), { timeout: 6000 }).toMatch(/Saved as revision \d+/);
    await expect.poll(() => currentContent(server.db, badgeId).tags, { timeout: 3000 }).toEqual(["social innovation", "change"]);
    expect(currentContent(server.db, badgeId).criteria).toBe("First: Plan and run a project.");
    const adaId = server.db.select().from(users).where(eq(users.email, "ada@example.org")).get()!.id;
    const history = listRevisions(server.db, adaId, badgeId).filter((r) => r.changedFields.includes("tags"));
    expect(history[0].authorName).toBe("Grace");
  });

  it("delivers a comment to the other page without a reload", async () => {
    await grace.getByLabel("Add a comment").fill("Should we add <b>social finance</b>?");
    await grace.getByRole("button", { name: "Post comment" }).click();
    await ada.locator(".comment-body", { hasText: "Should we add <b>social finance</b>?" }).waitFor({ timeout: 2000 });
    expect(await ada.locator(".comment-body b").count()).toBe(0);
    await screenshot(ada, "editor-comment");
  });

  it("logged no errors in either page", () => {
    expect(pageErrors).toEqual([]);
  });
});
