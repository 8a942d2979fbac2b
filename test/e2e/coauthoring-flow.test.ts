// The co-authoring story of issue 2, through the pages only: two people in two browser
// contexts, each with an organisation of their own, start a badge, invite and accept a
// co-author, co-edit the draft live, both approve the revision, publish version 1, and
// an anonymous visitor finds it in the catalogue and reads its Open Badges JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createOrganisationInBrowser, e2eSkipped, launchBrowser, screenshot, signUpInBrowser } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const STEWARD = { handle: "changemakers", name: "Changemakers Network", kind: "Nonprofit" } as const;
const PARTNER = { handle: "riverside-school", name: "Riverside School", kind: "School" } as const;
const BADGE = "Social Innovation 101";
const SUMMARY = "Spot a social problem and test a first solution with the people who live it.";
// A word only the criteria hold, so finding the badge by it proves full-text search.
const CRITERIA = "Interview five neighbours about one problem, then prototype a fix with them.";

describe.skipIf(e2eSkipped)("co-authoring a badge from invitation to publication in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let amara: Page; // admin (owner) of the steward
  let bruno: Page; // admin (owner) of the partner
  let visitor: BrowserContext;
  let badgeId: string;
  let revisionNumber: number;
  // Errors in the pages (hydration mismatches, exceptions) fail the run at the end.
  const pageErrors: string[] = [];
  const watch = (page: Page, who: string) => {
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${who}: ${m.text()}`);
    });
    page.on("pageerror", (e) => pageErrors.push(`${who}: ${e.message}`));
    // A step that cannot find what it waits for fails in seconds, not at the test timeout.
    page.setDefaultTimeout(5000);
    return page;
  };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    amara = watch(await (await browser.newContext()).newPage(), "Amara");
    bruno = watch(await (await browser.newContext()).newPage(), "Bruno");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lets each person sign up and create their organisation", async () => {
    await signUpInBrowser(amara, server.url, "Amara Okafor", "amara@example.org");
    await createOrganisationInBrowser(amara, server.url, STEWARD);
    expect(await amara.getByRole("heading", { level: 1 }).textContent()).toBe(STEWARD.name);
    expect(await amara.locator(".org-header").textContent()).toContain("Nonprofit");

    await signUpInBrowser(bruno, server.url, "Bruno Silva", "bruno@example.org");
    await createOrganisationInBrowser(bruno, server.url, PARTNER);
    expect(await bruno.locator(".org-header").textContent()).toContain("School");
  });

  it("starts a badge stewarded by the nonprofit and invites the school as co-author", async () => {
    await amara.goto(`${server.url}/orgs/${STEWARD.handle}`);
    await amara.getByRole("link", { name: "Start a badge" }).click();
    await amara.getByRole("heading", { level: 1, name: "Start a badge" }).waitFor();
    expect(await amara.getByLabel("Steward organisation").locator("option:checked").textContent()).toBe(STEWARD.name);
    await amara.getByLabel("Badge name").fill(BADGE);
    // Both organisations must approve: the policy the story needs.
    await amara.getByLabel("All co-authors").check();
    await amara.getByRole("button", { name: "Start the badge" }).click();
    await amara.waitForURL(/\/badges\/[0-9a-f-]{36}\/edit\?started=1/);
    await amara.getByRole("heading", { level: 1, name: `Editing ${BADGE}` }).waitFor();
    badgeId = new URL(amara.url()).pathname.split("/")[2];

    // The draft's own page leads to the publishing page, where co-authors are invited.
    await amara.goto(`${server.url}/badges/${badgeId}`);
    await amara.getByRole("link", { name: "Approve and publish" }).click();
    await amara.getByRole("heading", { level: 1, name: `Publishing ${BADGE}` }).waitFor();
    await amara.getByLabel("Invite an organisation as co-author").fill(`@${PARTNER.handle}`);
    await amara.getByRole("button", { name: "Invite", exact: true }).click();
    await amara.getByRole("status").filter({ hasText: "Invitation sent" }).waitFor();
    expect(await amara.getByRole("status").first().textContent()).toContain("Invitation sent");
    const authors = amara.getByRole("region", { name: "Authors" });
    expect(await authors.textContent()).toContain(`${PARTNER.name} @${PARTNER.handle} invited, awaiting an answer`);
  });

  it("shows the invitation on the school admin's dashboard and lets them accept it", async () => {
    await bruno.goto(`${server.url}/dashboard`);
    const waiting = bruno.getByRole("region", { name: "A co-authoring invitation is waiting" });
    expect(await waiting.textContent()).toContain(`${STEWARD.name} invites ${PARTNER.name} to co-author ${BADGE}`);
    await waiting.getByRole("link", { name: "Answer invitations" }).click();
    await bruno.getByRole("heading", { level: 1, name: "Co-author invitations" }).waitFor();
    expect(await bruno.getByRole("heading", { level: 2 }).first().textContent()).toBe(BADGE);
    await bruno.getByRole("button", { name: `Accept for ${PARTNER.name}` }).click();
    await bruno.getByRole("heading", { level: 1, name: `Publishing ${BADGE}` }).waitFor();
    expect(await bruno.getByRole("status").first().textContent()).toContain("Your organisation is now a co-author");
    expect(await bruno.getByRole("region", { name: "Authors" }).textContent()).toContain(`${PARTNER.name} @${PARTNER.handle} co-author`);

    // Answered: the dashboard no longer asks.
    await bruno.goto(`${server.url}/dashboard`);
    expect(await bruno.getByRole("region", { name: /invitation/ }).count()).toBe(0);
    expect(await bruno.getByRole("link", { name: BADGE }).count()).toBe(1);
  });

  it("lets both co-edit the draft live, each seeing the other and their typing within a second", async () => {
    await amara.goto(`${server.url}/badges/${badgeId}/edit`);
    await bruno.goto(`${server.url}/dashboard`);
    await bruno.getByRole("link", { name: "Edit draft" }).click();
    await bruno.getByRole("heading", { level: 1, name: `Editing ${BADGE}` }).waitFor();
    for (const p of [amara, bruno]) await p.locator('[data-live-status="live"]').waitFor({ timeout: 10_000 });

    const amaraBar = amara.getByRole("list", { name: "Editing now" });
    const brunoBar = bruno.getByRole("list", { name: "Editing now" });
    await expect.poll(() => amaraBar.textContent(), { timeout: 1000 }).toContain(`Bruno Silva · ${PARTNER.name}`);
    await expect.poll(() => brunoBar.textContent(), { timeout: 1000 }).toContain(`Amara Okafor · ${STEWARD.name}`);
    expect(await amaraBar.textContent()).toContain("Amara Okafor (you)");

    // Amara writes the summary; Bruno sees it arrive and where she is.
    const amaraSummary = amara.getByLabel("Summary");
    await amaraSummary.click();
    await expect.poll(() => bruno.locator(".field-peer").textContent(), { timeout: 1000 }).toBe("Amara Okafor is typing here");
    await amaraSummary.pressSequentially(SUMMARY, { delay: 5 });
    let start = Date.now();
    await expect.poll(() => bruno.getByLabel("Summary").inputValue(), { timeout: 1000, interval: 20 }).toBe(SUMMARY);
    expect(Date.now() - start).toBeLessThan(1000);

    // Bruno writes the criteria; Amara sees them.
    const brunoCriteria = bruno.getByLabel("Criteria");
    await brunoCriteria.click();
    await expect.poll(() => amaraBar.textContent(), { timeout: 1000 }).toContain("Bruno Silva · Riverside School — in Criteria");
    await brunoCriteria.pressSequentially(CRITERIA, { delay: 5 });
    start = Date.now();
    await expect.poll(() => amara.getByLabel("Criteria").inputValue(), { timeout: 1000, interval: 20 }).toBe(CRITERIA);
    expect(Date.now() - start).toBeLessThan(1000);
    await screenshot(amara, "coauthoring-editor-two-people");

    // Each one's pause commits a revision; both pages end on the same one.
    const saved = (p: Page) => p.locator(".live-status").textContent();
    await expect.poll(() => saved(amara), { timeout: 6000 }).toMatch(/Saved as revision \d+/);
    await expect.poll(() => saved(bruno), { timeout: 6000 }).toMatch(/Saved as revision \d+/);
    const headerRevision = async (p: Page) => Number((await p.locator(".editor-head").textContent())?.match(/Revision (\d+)/)?.[1]);
    await expect.poll(async () => (await headerRevision(amara)) === (await headerRevision(bruno)), { timeout: 2000 }).toBe(true);
    revisionNumber = await headerRevision(amara);
    expect(revisionNumber).toBeGreaterThan(1);
  });

  it("records both admins' approvals of that revision and publishes version 1", async () => {
    const approvals = (p: Page) => p.getByRole("region", { name: `Approvals of revision #${revisionNumber}` });
    for (const [page, org] of [
      [amara, STEWARD],
      [bruno, PARTNER],
    ] as const) {
      await page.goto(`${server.url}/badges/${badgeId}/publishing`);
      expect(await approvals(page).textContent()).toContain("Every author organisation (the steward and each co-author) must approve.");
      await page.getByRole("button", { name: `Approve revision #${revisionNumber} for ${org.name}` }).click();
      await page.getByRole("status").filter({ hasText: "Approval recorded for this revision." }).waitFor();
      expect(await approvals(page).getByRole("row", { name: new RegExp(org.name) }).textContent()).toContain("✓ Approved by");
    }
    // Before Bruno's approval Amara could not publish; now both count.
    await amara.reload();
    expect(await approvals(amara).getByRole("status").textContent()).toBe(
      "2 of 2 author organisations approved, 2 needed — policy met.",
    );
    // The school's admin may approve but not publish: only the steward's admins can.
    await bruno.reload();
    expect(await bruno.getByRole("button", { name: "Publish version 1" }).isDisabled()).toBe(true);

    await amara.getByRole("button", { name: "Publish version 1" }).click();
    await amara.getByRole("status").filter({ hasText: "Version published." }).waitFor();
    expect(await amara.getByRole("status").first().textContent()).toBe("Version published.");
    expect(await amara.getByRole("heading", { level: 1 }).textContent()).toContain("published");
    const history = amara.getByRole("region", { name: "Version history" });
    expect(await history.getByRole("link", { name: "Version 1" }).count()).toBe(1);
    expect(await history.textContent()).toContain("Amara Okafor");
    await screenshot(amara, "coauthoring-publishing");
  });

  it("lets an anonymous visitor find it by full-text search and open its page and Open Badges JSON", async () => {
    visitor = await browser.newContext();
    const page = watch(await visitor.newPage(), "Visitor");
    await page.goto(`${server.url}/badges`);
    await page.getByLabel("Search badges").fill("neighbours");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=neighbours/);
    await page.getByRole("heading", { level: 2, name: BADGE }).waitFor();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("1 badge match “neighbours”.");
    // Found by its criteria: the snippet shows the word marked.
    expect(await page.locator(".snippet mark").first().textContent()).toBe("neighbours");
    await screenshot(page, "coauthoring-search");

    await page.getByRole("link", { name: BADGE }).click();
    await page.waitForURL(`${server.url}/badges/${badgeId}`);
    await page.getByRole("heading", { level: 1, name: BADGE }).waitFor();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`${BADGE} Published`);
    expect(await page.locator(".lead").textContent()).toBe(SUMMARY);
    expect(await page.locator(".badge-header .authors").textContent()).toBe(
      `Stewarded by ${STEWARD.name} (nonprofit), with ${PARTNER.name} (school)`,
    );
    expect(await page.getByRole("region", { name: "Criteria" }).textContent()).toContain(CRITERIA);
    // A visitor gets no author tools.
    expect(await page.getByRole("navigation", { name: "For co-authors" }).count()).toBe(0);
    await screenshot(page, "coauthoring-badge-page");

    const link = page.getByRole("link", { name: "Open Badges 3.0 achievement (JSON-LD)" });
    const [response] = await Promise.all([page.waitForResponse(/\/achievement\.json$/), link.click()]);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/ld+json");
    const achievement = (await response.json()) as Record<string, unknown>;
    expect(achievement.type).toEqual(["Achievement"]);
    // Its id is the badge's address on this instance (named by PUBLIC_URL's host).
    expect(new URL(achievement.id as string).pathname).toBe(`/badges/${badgeId}`);
    expect(achievement.name).toBe(BADGE);
    expect(achievement.description).toBe(SUMMARY);
    expect((achievement.criteria as { narrative: string }).narrative).toBe(CRITERIA);
    expect((achievement.creator as { name: string }).name).toBe(STEWARD.name);
    const coAuthors = achievement["https://badgecommons.org/ns#coAuthors"] as { name: string }[];
    expect(coAuthors.map((o) => o.name)).toEqual([PARTNER.name]);
  });

  it("logged no errors in any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
