// The pages around a badge's authoring in Chromium, as people see them: the editor's
// image section, which part of the site the top navigation says you are in, the public
// page's versions and criteria, an organisation's page and members, and the publishing
// page keeping itself current while others approve and edit elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { users, type Badge, type Organisation } from "../../db/schema";
import { currentRevision, getBadge } from "../../app/services/badges.server";
import { addMember, makeOrganisation } from "../support/factories";
import { acceptCoauthor, currentContent } from "../support/editor-factories";
import { makePublishedBadge } from "../support/catalogue-factories";
import { makePng } from "../support/images";
import { signedUp } from "../support/live-client";
import { e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { startTestServer, type HttpSession, type TestServer } from "../support/server";

describe.skipIf(e2eSkipped)("authoring pages in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let ada: Page;
  let grace: { session: HttpSession; user: { id: string } };
  let steward: Organisation;
  let partner: Organisation;
  let badgeId: string;
  let published: Badge;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ada = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    ada.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    ada.on("pageerror", (e) => pageErrors.push(e.message));
    await signUpInBrowser(ada, server.url, "Ada", "ada@example.org");
    grace = await signedUp(server.url, server.db, "grace@example.org", "Grace");
    const adaId = server.db.select().from(users).where(eq(users.email, "ada@example.org")).get()!.id;
    steward = makeOrganisation(server.db, { name: "Changemakers", handle: "changemakers" });
    partner = makeOrganisation(server.db, { name: "Acme", handle: "acme", kind: "business" });
    // Ada is the only owner of Changemakers.
    addMember(server.db, steward.id, adaId, "owner");
    addMember(server.db, partner.id, grace.user.id, "admin");

    await ada.goto(`${server.url}/badges/new?steward=${steward.id}`);
    await ada.getByLabel("Badge name").fill("Theory of Change");
    await ada.getByRole("button", { name: "Start the badge" }).click();
    await ada.waitForURL(/\/badges\/[^/]+\/edit/);
    badgeId = new URL(ada.url()).pathname.split("/")[2];
    acceptCoauthor(server.db, badgeId, partner.id);

    published = makePublishedBadge(server.db, {
      steward,
      coAuthors: [partner],
      versionCount: 2,
      publicUrl: `http://localhost:${server.port}`,
      content: {
        name: "Social Innovation 101",
        summary: "Spot a social problem and test a first solution with the people who live it.",
        criteria: "1. Interview five people ([guide](https://example.org/guide)).\n2. Do not [click me](javascript:alert(1)) here.",
        tags: ["social innovation"],
      },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const navCurrent = async (page: Page) =>
    page
      .getByRole("navigation", { name: "Main" })
      .locator("a[aria-current]")
      .evaluateAll((links) => links.map((a) => `${a.textContent}=${a.getAttribute("aria-current")}`));

  it("shows the editor's current image with a preview, saying whether it was generated or uploaded", async () => {
    await ada.goto(`${server.url}/badges/${badgeId}/edit`);
    await ada.locator('[data-live-status="live"]').waitFor({ timeout: 10_000 });
    const image = ada.locator("fieldset.image-field");
    await image.scrollIntoViewIfNeeded();
    await screenshot(ada, "editor-image-generated");
    await screenshotOf(image, "editor-image-field-generated");
    const generatedId = currentContent(server.db, badgeId).imageId!;
    const preview = image.getByRole("img");
    expect(await preview.getAttribute("src")).toBe(`/images/${generatedId}`);
    expect(await preview.getAttribute("alt")).toMatch(/generated/i);
    expect(await image.textContent()).toMatch(/generated from the badge's name/i);
    expect(await image.textContent()).not.toMatch(/uploaded image/i);
    // Nothing to go back to: it is the generated image already.
    expect(await image.getByRole("button", { name: /generated image instead/ }).count()).toBe(0);
    // The image really loads.
    expect(await preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    await image.getByLabel("Upload an image").setInputFiles({ name: "badge.png", mimeType: "image/png", buffer: makePng(64, 64, [200, 60, 40]) });
    await expect.poll(() => image.textContent(), { timeout: 5000 }).toMatch(/uploaded/i);
    const uploadedId = currentContent(server.db, badgeId).imageId!;
    expect(uploadedId).not.toBe(generatedId);
    await expect.poll(() => preview.getAttribute("src")).toBe(`/images/${uploadedId}`);
    await image.scrollIntoViewIfNeeded();
    await screenshot(ada, "editor-image-uploaded");
    await screenshotOf(image, "editor-image-field-uploaded");

    await image.getByRole("button", { name: "Use the generated image instead" }).click();
    await expect.poll(() => image.textContent(), { timeout: 5000 }).toMatch(/generated from the badge's name/i);
    expect(currentContent(server.db, badgeId).imageId).not.toBe(uploadedId);
  });

  it("highlights Catalogue only on catalogue pages, and My work on the pages of one's own work", async () => {
    await ada.goto(`${server.url}/badges/${badgeId}/edit`);
    await screenshot(ada, "nav-on-editor");
    expect(await navCurrent(ada)).toEqual(["My work=true"]);
    for (const path of [`/badges/${badgeId}/publishing`, `/badges/${badgeId}/history`, `/badges/new`]) {
      await ada.goto(`${server.url}${path}`);
      expect(await navCurrent(ada), path).toEqual(["My work=true"]);
    }
    await ada.goto(`${server.url}/dashboard`);
    expect(await navCurrent(ada)).toEqual(["My work=page"]);
    await ada.goto(`${server.url}/badges`);
    expect(await navCurrent(ada)).toEqual(["Catalogue=page"]);
    for (const path of [`/badges/${published.id}`, `/badges/${published.id}/versions/1`]) {
      await ada.goto(`${server.url}${path}`);
      expect(await navCurrent(ada), path).toEqual(["Catalogue=true"]);
    }
    await ada.goto(`${server.url}/orgs/changemakers`);
    expect(await navCurrent(ada)).toEqual(["Organisations=true"]);
    // The highlighted link is marked by more than colour, and still readable.
    const current = ada.getByRole("navigation", { name: "Main" }).locator("a[aria-current]");
    expect(await current.evaluate((a) => getComputedStyle(a).textDecorationLine)).toBe("underline");
  });

  it("lists each published version once on the public page, and shows stripped links as plain text", async () => {
    await ada.goto(`${server.url}/badges/${published.id}`);
    const versions = ada.getByRole("region", { name: "Versions" });
    await screenshot(ada, "public-badge-page");
    const text = (await versions.textContent()) ?? "";
    expect(text.match(/Version 2/g)).toHaveLength(1);
    expect(text.match(/Version 1/g)).toHaveLength(1);
    expect(await versions.getByRole("link", { name: /Version \d/ }).count()).toBe(2);
    expect(text).toMatch(/latest/i);
    expect(text).toContain("Content hash");

    const criteria = ada.locator(".markdown");
    expect(await criteria.getByRole("link", { name: "guide" }).getAttribute("href")).toBe("https://example.org/guide");
    expect(await criteria.locator("a").count()).toBe(1);
    expect(await criteria.textContent()).toContain("Do not click me here.");
  });

  it("gives the organisation page room below the navigation", async () => {
    await ada.goto(`${server.url}/orgs/changemakers`);
    await screenshot(ada, "organisation-page");
    const navBottom = await ada.locator(".site-header").evaluate((h) => h.getBoundingClientRect().bottom);
    const logoTop = await ada.locator(".org-header .org-logo").evaluate((l) => l.getBoundingClientRect().top);
    const titleTop = await ada.getByRole("heading", { level: 1 }).evaluate((h) => h.getBoundingClientRect().top);
    expect(logoTop - navBottom).toBeGreaterThanOrEqual(16);
    expect(titleTop - navBottom).toBeGreaterThanOrEqual(16);
  });

  it("does not offer the last owner to leave, says why, and shows members in a card", async () => {
    await ada.goto(`${server.url}/orgs/changemakers/members`);
    await screenshot(ada, "members-page");
    expect(await ada.getByRole("button", { name: /Leave/ }).count()).toBe(0);
    expect(await ada.getByText(/only owner/i).count()).toBeGreaterThan(0);
    expect(await ada.locator(".card table.members").count()).toBe(1);
  });

  it("keeps the publishing page current while others approve and edit the draft", async () => {
    await ada.goto(`${server.url}/badges/${badgeId}/publishing`);
    await screenshot(ada, "publishing-page");
    await ada.locator('[data-watch-status="live"]').waitFor({ timeout: 10_000 });
    const approvals = ada.getByRole("region", { name: /Approvals of revision/ });
    const before = getBadge(server.db, badgeId).currentRevisionId!;
    expect(await approvals.getByRole("row", { name: /Acme/ }).textContent()).toContain("Not approved");

    // Grace approves for Acme from her own session.
    const approve = await grace.session.post(`/badges/${badgeId}/publishing`, { intent: "approve", organisationId: partner.id, revisionId: before });
    expect(approve.status).toBe(302);
    await expect.poll(() => approvals.getByRole("row", { name: /Acme/ }).textContent(), { timeout: 7000 }).toContain("Approved by Grace");
    await screenshot(ada, "publishing-after-approval");

    // Grace edits the draft: her approval is void, and the page shows the new revision.
    const html = (await (await grace.session.get(`/badges/${badgeId}/edit`)).text()).replaceAll("<!-- -->", "");
    const base = html.match(/name="baseRevisionId" value="([^"]+)"/)![1];
    const content = currentContent(server.db, badgeId);
    const save = await grace.session.post(`/badges/${badgeId}/edit`, {
      baseRevisionId: base,
      name: content.name,
      summary: "Map how a change happens, step by step.",
      criteria: content.criteria,
      tags: content.tags.join(", "),
      achievementType: content.achievementType,
      language: content.language,
      estimatedHours: "",
    });
    expect(save.status).toBe(302);
    const latest = currentRevision(server.db, getBadge(server.db, badgeId)).number;
    await expect.poll(() => ada.getByRole("heading", { name: /Approvals of revision/ }).textContent(), { timeout: 7000 }).toContain(`#${latest}`);
    expect(await approvals.getByRole("row", { name: /Acme/ }).textContent()).toContain("Not approved");
    await screenshot(ada, "publishing-after-edit");
  });

  it("logged no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
