// Prerequisite conditions in Chromium: two editors of one draft, one choosing rules and
// badges live (the other sees them), the number asked for only when "a number" is chosen,
// conditions added and removed; then the published badge page saying the rules in words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { users } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge, getBadge } from "../../app/services/badges.server";
import { addMember } from "../support/factories";
import { currentContent } from "../support/editor-factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { editDraft, type Team } from "../support/publishing";
import { serviceContextOf, startTestServer, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("prerequisite conditions in Chromium", () => {
  let server: TestServer;
  let ctx: ServiceContext;
  let browser: Browser;
  let ada: Page;
  let grace: Page;
  let changemakers: Team;
  let badgeId: string;
  const names = ["Social Innovation 101", "Storytelling", "Community Archiving", "Facilitation"];
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
    ctx = serviceContextOf(server);
    browser = await launchBrowser();
    ada = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(), "Ada");
    grace = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(), "Grace");
    await signUpInBrowser(ada, server.url, "Ada", "ada@example.org");
    await signUpInBrowser(grace, server.url, "Grace", "grace@example.org");
    const id = (email: string) => server.db.select().from(users).where(eq(users.email, email)).get()!.id;
    const riverside = makeLocalTeam(ctx, { handle: "riverside", name: "Riverside School", kind: "school" });
    for (const name of names) {
      const b = createBadge(ctx, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name, approvalPolicy: "steward" });
      editDraft(ctx, riverside.editor.id, b.id, { summary: `${name}.`, criteria: `Show ${name}.` });
      approveAndPublish(ctx, b.id, [riverside]);
    }
    changemakers = makeLocalTeam(ctx, { handle: "changemakers", name: "Changemakers" });
    addMember(server.db, changemakers.org.id, id("ada@example.org"), "editor");
    addMember(server.db, changemakers.org.id, id("grace@example.org"), "editor");
    const badge = createBadge(ctx, changemakers.editor.id, { stewardOrganisationId: changemakers.org.id, name: "Theory of Change", approvalPolicy: "steward" });
    editDraft(ctx, changemakers.editor.id, badge.id, { summary: "Plan change.", criteria: "Write a **theory of change**." });
    badgeId = badge.id;
    for (const p of [ada, grace]) {
      await p.goto(`${server.url}/badges/${badgeId}/edit`);
      await p.locator('[data-live-status="live"]').waitFor({ timeout: 10_000 });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const condition = (page: Page, n: number) => page.getByRole("group", { name: `Condition ${n}` });

  it("chooses rules and badges live; the other editor sees them; the number shows only when asked", async () => {
    const first = condition(ada, 1);
    expect(await first.getByLabel("How many").count()).toBe(0);
    await first.getByLabel("A learner needs").selectOption({ label: "Any one of these badges" });
    await first.getByLabel("From the catalogue").selectOption([
      { label: "Social Innovation 101 — Riverside School" },
      { label: "Storytelling — Riverside School" },
    ]);
    await ada.getByRole("button", { name: "Add a condition" }).click();
    const second = condition(ada, 2);
    await second.getByLabel("A learner needs").selectOption({ label: "A number of these badges" });
    await second.getByLabel("How many").fill("2");
    await second.getByLabel("From the catalogue").selectOption([
      { label: "Community Archiving — Riverside School" },
      { label: "Facilitation — Riverside School" },
      { label: "Storytelling — Riverside School" },
    ]);
    // Grace sees both conditions as Ada set them.
    await expect.poll(() => condition(grace, 2).getByLabel("How many").inputValue().catch(() => ""), { timeout: 2000 }).toBe("2");
    expect(await condition(grace, 1).getByLabel("A learner needs").inputValue()).toBe("any");
    // A condition added by mistake goes again.
    await ada.getByRole("button", { name: "Add a condition" }).click();
    await condition(ada, 3).waitFor();
    await ada.getByRole("button", { name: "Remove condition 3" }).click();
    await expect.poll(() => condition(ada, 3).count()).toBe(0);

    await ada.getByRole("button", { name: "Save now" }).click();
    await expect.poll(() => ada.locator(".live-status").textContent(), { timeout: 5000 }).toMatch(/Saved as revision \d+/);
    const uri = (name: string) => server.db.$client.prepare("SELECT b.uri AS uri FROM badges b JOIN catalogue_entries e ON e.badge_id = b.id WHERE e.name = ?").get(name) as { uri: string };
    expect(currentContent(server.db, badgeId).prerequisites).toEqual([
      { requiredNumber: 1, badges: [uri("Social Innovation 101").uri, uri("Storytelling").uri] },
      { requiredNumber: 2, badges: [uri("Community Archiving").uri, uri("Facilitation").uri, uri("Storytelling").uri] },
    ]);
    await screenshotOf(ada.locator("fieldset.prerequisites"), "prerequisites-editor");
  });

  it("says a rule that cannot be met next to its condition, keeping what was chosen", async () => {
    await condition(grace, 2).getByLabel("How many").fill("4");
    await grace.getByRole("button", { name: "Save now" }).click();
    await condition(grace, 2).getByText("Enter how many of the 3 badges are needed, from 1 to 3").waitFor({ timeout: 5000 });
    expect(await condition(grace, 2).getByLabel("How many").getAttribute("aria-invalid")).toBe("true");
    await condition(grace, 2).getByLabel("How many").fill("2");
    await grace.getByRole("button", { name: "Save now" }).click();
    await expect.poll(() => grace.locator(".live-status").textContent(), { timeout: 5000 }).toMatch(/Saved|No changes/);
  });

  it("shows the published conditions in words on the badge page", async () => {
    approveAndPublish(ctx, badgeId, [changemakers]);
    expect(getBadge(server.db, badgeId).status).toBe("published");
    await ada.goto(`${server.url}/badges/${badgeId}`);
    const details = ada.locator("dd").filter({ hasText: "Every one of these conditions" });
    expect(await details.textContent()).toContain("Any 1 of these 2:");
    expect(await details.textContent()).toContain("2 of these 3:");
    await screenshotOf(ada.locator("section").filter({ has: ada.getByText("Every one of these conditions") }).first(), "prerequisites-badge-page");
    await screenshot(ada, "prerequisites-badge-page-full");
  });

  it("logged no errors in either page", () => {
    expect(pageErrors).toEqual([]);
  });
});
