// Hostile markup typed into every field a person can write (names, organisation profile,
// every badge field, Markdown criteria, comments, the co-author invitation, a search),
// then every page that shows it, in Chromium. A trap on window.__xss and on dialogs
// catches any script that runs; the server's HTML must not carry the markup raw; no
// element may gain an event-handler attribute or a javascript: address; and the text
// must read as the person typed it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createOrganisationInBrowser, e2eSkipped, launchBrowser, signUpInBrowser } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const ATTACK = `"><svg onload="window.__xss=1"><img src=x onerror="window.__xss=1">`;
const SCRIPT = `<script>window.__xss=1</script>`;
const ALERT = `<img src=x onerror=alert(document.domain)>`;
const JS_URL = "javascript:window.__xss=1";
// Markup that must never reach a page as markup, in whatever field it was typed.
const RAW_MARKUP = ["<svg onload", "<svg/onload", "<img src=x", "<script>window.__xss", "<iframe", "<a href=\"javascript"];

const ADA = `Ada ${ATTACK}`;
const BO = `Bo ${SCRIPT}${ALERT}`;
const STEWARD = { handle: "hostile-steward", name: `Org ${ATTACK}`, kind: "Nonprofit" } as const;
const PARTNER = { handle: "hostile-school", name: `School ${SCRIPT}${ALERT}`, kind: "School" } as const;
const DESCRIPTION = `We teach.\n${ATTACK}\n${SCRIPT}\n<a href="${JS_URL}">our site</a>`;
const WEBSITE = `https://example.org/?q="><svg onload="window.__xss=1">`;
const BADGE = `Storytelling ${ATTACK}`;
const SUMMARY = `Stories ${ATTACK} ${SCRIPT} ${ALERT}`;
const CRITERIA = [
  "**Plan** a story.",
  "",
  `[click me](${JS_URL})`,
  "",
  `[Click Me Too]( JaVaScRiPt:window.__xss=1 )`,
  "",
  `<a href="${JS_URL}">raw link</a>`,
  "",
  ATTACK,
  "",
  SCRIPT,
  "",
  `<iframe src="${JS_URL}"></iframe>`,
  "",
  `[data](data:text/html,${SCRIPT})`,
].join("\n");
const ALIGNMENT = { name: `Framework ${ATTACK}`, url: `https://example.org/frameworks?"><svg onload="window.__xss=1">`, framework: `${SCRIPT}${ALERT}` };
// A pasted prerequisite id with markup in it (no spaces: pasted URLs are split on them).
const PREREQUISITE = `https://example.org/badges/"><svg/onload="window.__xss=1">`;
const COMMENT = `Looks good ${ATTACK} ${SCRIPT}`;

type Trapped = Window & { __xss?: unknown; __remixRouter?: { state: { initialized: boolean } } };

describe.skipIf(e2eSkipped)("hostile text stays text on every page, in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let ada: Page;
  let bo: Page;
  let visitor: Page;
  let badgeId: string;
  // What the traps caught: scripts that ran (with the page they ran on) and dialogs.
  const ran: string[] = [];
  const pageErrors: string[] = [];
  const visited: string[] = [];

  async function trappedPage(who: string): Promise<Page> {
    const context: BrowserContext = await browser.newContext();
    await context.exposeBinding("__xssRan", (_source, where: string) => void ran.push(`${who}: ${where}`));
    // Before any page script: a write to window.__xss is reported at once, across navigations.
    await context.addInitScript(() => {
      let value: unknown;
      Object.defineProperty(window, "__xss", {
        configurable: false,
        get: () => value,
        set: (v) => {
          value = v;
          void (window as unknown as { __xssRan(where: string): Promise<void> }).__xssRan(location.href);
        },
      });
    });
    context.on("dialog", (d) => {
      ran.push(`${who}: dialog "${d.message()}" on ${d.page()?.url()}`);
      void d.dismiss();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    page.on("pageerror", (e) => pageErrors.push(`${who}: ${e.message}`));
    return page;
  }

  /** Loads a page, checks its HTML and its DOM for live markup, and returns its main text. */
  async function visit(page: Page, path: string): Promise<string> {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(200);
    const html = await response!.text();
    for (const markup of RAW_MARKUP) expect(html, `${path} carries ${markup} raw`).not.toContain(markup);
    // Hydrated, and a frame later: what React renders on the client is in the DOM too.
    await page.waitForFunction(() => (window as Trapped).__remixRouter?.state.initialized === true);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await page.evaluate(injectedMarkup), path).toEqual([]);
    expect(await page.evaluate(() => (window as Trapped).__xss), path).toBeUndefined();
    visited.push(path);
    return page.locator("main").innerText();
  }

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    [ada, bo, visitor] = await Promise.all([trappedPage("Ada"), trappedPage("Bo"), trappedPage("visitor")]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("takes hostile names and organisation profiles, refusing a javascript: website", async () => {
    // Two people, two contexts: their sign-ups and organisations go side by side.
    await Promise.all([
      signUpInBrowser(bo, server.url, BO, "bo@example.org").then(() =>
        createOrganisationInBrowser(bo, server.url, { ...PARTNER, description: DESCRIPTION }),
      ),
      signUpInBrowser(ada, server.url, ADA, "ada@example.org"),
    ]);

    await ada.goto(`${server.url}/orgs/new`);
    await ada.getByLabel("Handle").fill(STEWARD.handle);
    await ada.getByLabel("Name", { exact: true }).fill(STEWARD.name);
    await ada.getByLabel("Kind of organisation").selectOption({ label: STEWARD.kind });
    await ada.getByLabel("Description").fill(DESCRIPTION);
    await ada.getByLabel("Website").fill(JS_URL);
    await ada.getByRole("button", { name: "Create organisation" }).click();
    await ada.getByText("Only http:// and https:// addresses are allowed").waitFor();
    // What was typed comes back as values, not markup.
    expect(await ada.getByLabel("Name", { exact: true }).inputValue()).toBe(STEWARD.name);
    expect(await ada.getByLabel("Description").inputValue()).toBe(DESCRIPTION);
    await ada.getByLabel("Website").fill(WEBSITE);
    await ada.getByRole("button", { name: "Create organisation" }).click();
    await ada.getByRole("heading", { level: 1, name: STEWARD.name, exact: true }).waitFor();
  });

  it("takes hostile text in every badge field, refusing markup in tags and javascript: alignment and prerequisite links", async () => {
    await visit(ada, `/orgs/${STEWARD.handle}`);
    await ada.getByRole("link", { name: "Start a badge" }).click();
    await ada.getByRole("heading", { level: 1, name: "Start a badge" }).waitFor();
    expect(await ada.getByLabel("Steward organisation").locator("option:checked").textContent()).toBe(STEWARD.name);
    await ada.getByLabel("Badge name").fill(BADGE);
    await ada.getByLabel("The steward alone").check();
    await ada.getByRole("button", { name: "Start the badge" }).click();
    await ada.waitForURL(/\/badges\/[0-9a-f-]{36}\/edit/);
    badgeId = new URL(ada.url()).pathname.split("/")[2];
    await ada.locator('[data-live-status="live"]').waitFor();

    await ada.getByLabel("Summary").fill(SUMMARY);
    await ada.getByLabel("Criteria").fill(CRITERIA);
    await ada.getByLabel("Tags and skills").fill(`storytelling, ${ALERT}`);
    await ada.getByRole("button", { name: "Add an alignment" }).click();
    await ada.getByLabel("Aligns to").fill(ALIGNMENT.name);
    await ada.getByLabel("Link", { exact: true }).fill(JS_URL);
    await ada.getByLabel("Framework", { exact: true }).fill(ALIGNMENT.framework);
    await ada.getByLabel("Or paste badge URLs").fill(`${PREREQUISITE}\n${JS_URL}`);
    await ada.getByRole("button", { name: "Save now" }).click();
    const status = ada.locator(".live-status");
    await expect.poll(() => status.textContent()).toMatch(/Not saved yet: .*need a look/);
    expect(await status.textContent()).toContain("Tags");
    expect(await status.textContent()).toContain("Alignments");
    expect(await status.textContent()).toContain("Prerequisites");
    expect(await ada.getByText("Tags use letters, digits, spaces, - and _").count()).toBe(1);
    expect(await ada.getByText("Only http(s) URLs").count()).toBe(1);
    expect(await ada.getByText(`Not a badge URL: ${JS_URL}`).count()).toBe(1);

    await ada.getByLabel("Tags and skills").fill("storytelling, civic media");
    await ada.getByLabel("Link", { exact: true }).fill(ALIGNMENT.url);
    await ada.getByLabel("Or paste badge URLs").fill(PREREQUISITE);
    await ada.getByRole("button", { name: "Save now" }).click();
    await expect.poll(() => status.textContent()).toMatch(/Saved as revision \d+/);
  });

  it("takes a hostile co-author handle (refused) and shows the invitation inertly to the other admin", async () => {
    await visit(ada, `/badges/${badgeId}/publishing`);
    await ada.getByLabel("Invite an organisation as co-author").fill(ATTACK);
    await ada.getByRole("button", { name: "Invite", exact: true }).click();
    await ada.getByRole("alert").filter({ hasText: "Check the handle." }).waitFor();
    expect(await ada.getByLabel("Invite an organisation as co-author").inputValue()).toBe(ATTACK);
    expect(await ada.evaluate(injectedMarkup)).toEqual([]);
    await ada.getByLabel("Invite an organisation as co-author").fill(PARTNER.handle);
    await ada.getByRole("button", { name: "Invite", exact: true }).click();
    await ada.getByRole("status").filter({ hasText: "Invitation sent" }).waitFor();

    expect(await visit(bo, "/dashboard")).toContain(`${STEWARD.name} invites ${PARTNER.name} to co-author ${BADGE}`);
    const invitations = await visit(bo, "/coauthor-invitations");
    expect(invitations).toContain(`${STEWARD.name} invites ${PARTNER.name} to co-author this badge.`);
    expect(invitations).toContain(`Asked by ${ADA}`);
    await bo.getByRole("button", { name: `Accept for ${PARTNER.name}` }).click();
    await bo.getByRole("status").filter({ hasText: "Your organisation is now a co-author" }).waitFor();
  });

  it("takes a hostile comment and shows hostile names live in the editor", async () => {
    await visit(bo, `/badges/${badgeId}/edit`);
    await bo.locator('[data-live-status="live"]').waitFor();
    await bo.getByLabel("Add a comment").fill(COMMENT);
    await bo.getByRole("button", { name: "Post comment" }).click();
    await bo.locator(".comment-body", { hasText: COMMENT }).waitFor();

    const editor = await visit(ada, `/badges/${badgeId}/edit`);
    await ada.locator('[data-live-status="live"]').waitFor();
    expect(editor).toContain(`Steward: ${STEWARD.name} · co-authors: ${PARTNER.name}`);
    await bo.getByLabel("Summary").focus();
    const bar = ada.getByRole("list", { name: "Editing now" });
    await expect.poll(() => bar.textContent(), { timeout: 2000 }).toContain(`${BO} · ${PARTNER.name} — in Summary`);
    await expect.poll(() => ada.locator(".field-peer").textContent(), { timeout: 2000 }).toBe(`${BO} is typing here`);
    expect(await ada.getByRole("heading", { level: 1 }).textContent()).toBe(`Editing ${BADGE}`);
    expect(await ada.getByLabel("Summary").inputValue()).toBe(SUMMARY);
    expect(await ada.getByLabel("Criteria").inputValue()).toBe(CRITERIA);
    expect(await ada.getByLabel("Aligns to").inputValue()).toBe(ALIGNMENT.name);
    expect(await ada.getByLabel("Link", { exact: true }).inputValue()).toBe(ALIGNMENT.url);
    expect(await ada.getByLabel("Framework", { exact: true }).inputValue()).toBe(ALIGNMENT.framework);
    expect(await ada.getByLabel("Or paste badge URLs").inputValue()).toBe(PREREQUISITE);
    expect(await ada.locator(".comment").textContent()).toContain(BO);
    expect(await ada.locator(".comment-body").textContent()).toBe(COMMENT);
    await expectSafeCriteria(ada);
    expect(await ada.evaluate(injectedMarkup)).toEqual([]);
  });

  it("publishes the badge", async () => {
    await visit(ada, `/badges/${badgeId}/publishing`);
    await ada.getByRole("button", { name: /^Approve revision #\d+ for / }).click();
    await ada.getByRole("status").filter({ hasText: "Approval recorded" }).waitFor();
    await ada.getByRole("button", { name: "Publish version 1" }).click();
    await ada.getByRole("status").filter({ hasText: "Version published." }).waitFor();
  });

  it("renders the author pages with the hostile text as text", async () => {
    const dashboard = await visit(ada, "/dashboard");
    expect(dashboard).toContain(`Welcome, ${ADA}`);
    expect(dashboard).toContain(BADGE);
    expect(dashboard).toContain(`stewarded by ${STEWARD.name}`);
    expect(await visit(ada, "/orgs")).toContain(STEWARD.name);

    const org = await visit(ada, `/orgs/${STEWARD.handle}`);
    expect(await ada.getByRole("heading", { level: 1 }).textContent()).toBe(STEWARD.name);
    // Browsers send a textarea's line breaks as CRLF; the text is otherwise as typed.
    expect((await ada.locator(".org-description").textContent())?.replace(/\r\n/g, "\n")).toBe(DESCRIPTION);
    const website = ada.locator(".org-header a");
    expect(await website.textContent()).toBe(WEBSITE.replace("https://", ""));
    expect(await website.getAttribute("href")).toMatch(/^https:\/\/example\.org\//);
    expect(org).toContain(BADGE);

    // Bo joins the steward through an invitation link: its page names both hostile strings.
    await visit(ada, `/orgs/${STEWARD.handle}/members`);
    await ada.getByRole("button", { name: "Create invitation link" }).click();
    const link = await ada.getByLabel("New invitation link").inputValue();
    const invitation = await visit(bo, new URL(link).pathname);
    expect(invitation).toContain(`Join ${STEWARD.name}`);
    expect(invitation).toContain(`Signed in as ${BO}.`);
    await bo.getByRole("button", { name: `Accept and join ${STEWARD.name}` }).click();
    await bo.getByRole("status").filter({ hasText: "Welcome to" }).waitFor();
    expect(await bo.getByRole("status").textContent()).toBe(`Welcome to ${STEWARD.name}! You joined as editor.`);

    const members = await visit(ada, `/orgs/${STEWARD.handle}/members`);
    expect(members).toContain(`Members of ${STEWARD.name}`);
    expect(members).toContain(`${ADA} (you)`);
    expect(members).toContain(BO);

    await visit(ada, `/orgs/${STEWARD.handle}/settings`);
    expect(await ada.getByLabel("Name", { exact: true }).inputValue()).toBe(STEWARD.name);
    expect(await ada.getByLabel("Description").inputValue()).toBe(DESCRIPTION);
    expect(await ada.getByLabel("Website").inputValue()).toBe(WEBSITE);

    await visit(ada, "/badges/new");
    expect(await ada.getByLabel("Steward organisation").locator("option").allTextContents()).toEqual([STEWARD.name]);

    const history = await visit(ada, `/badges/${badgeId}/history`);
    expect(history).toContain(`History of ${BADGE}`);
    expect(history).toContain(`${ADA} · ${STEWARD.name}`);
    // The revision that brought everything in: its diff shows each field's text as typed.
    const diffPath = await ada.getByRole("row").filter({ hasText: "Criteria" }).getByRole("link").getAttribute("href");
    const diff = await visit(ada, diffPath!);
    expect(diff).toContain(`of ${BADGE}`);
    expect(diff).toContain(`By ${ADA} (${STEWARD.name})`);
    const diffText = (field: string) => ada.locator(`[data-field="${field}"]`).innerText();
    expect(await diffText("summary")).toContain(SUMMARY);
    for (const line of CRITERIA.split("\n").filter(Boolean)) expect(await diffText("criteria")).toContain(line);
    expect(await diffText("alignments")).toContain(ALIGNMENT.name);
    expect(await diffText("alignments")).toContain(ALIGNMENT.framework);
    expect(await diffText("prerequisites")).toContain(PREREQUISITE);

    expect(await visit(ada, `/badges/${badgeId}/comments`)).toContain(COMMENT);

    const publishing = await visit(ada, `/badges/${badgeId}/publishing`);
    expect(publishing).toContain(`Publishing ${BADGE}`);
    expect(publishing).toContain(`${PARTNER.name} @${PARTNER.handle}`);
    expect(publishing).toContain(`invited by ${ADA}`);
    expect(publishing).toContain(`Approved by ${ADA}`);
  });

  it("renders the public pages, catalogue and searches with the hostile text as text", async () => {
    const page = await visit(visitor, `/badges/${badgeId}`);
    expect(await visitor.getByRole("heading", { level: 1 }).textContent()).toBe(`${BADGE} Published`);
    expect(await visitor.title()).toBe(`${BADGE} · Badge Commons`);
    expect(await visitor.locator(".lead").textContent()).toBe(SUMMARY);
    expect(page).toContain(`Stewarded by ${STEWARD.name} (nonprofit), with ${PARTNER.name} (school)`);
    const alignment = visitor.getByRole("link", { name: ALIGNMENT.name });
    expect(await alignment.getAttribute("href")).toBe(ALIGNMENT.url);
    expect(page).toContain(`(${ALIGNMENT.framework})`);
    expect(await visitor.getByRole("link", { name: "civic media" }).count()).toBe(1);
    // Named in the details and in the list beside the graph picture, both times as text.
    const prerequisiteLinks = await visitor.getByRole("link", { name: PREREQUISITE }).all();
    expect(prerequisiteLinks).toHaveLength(2);
    for (const link of prerequisiteLinks) expect(await link.getAttribute("href")).toBe(PREREQUISITE);
    // The picture draws its address as text too: nothing of it became an element.
    const picture = visitor.locator(".badge-graph-svg");
    expect(await picture.textContent()).toContain("svg/onload");
    expect(await picture.locator("svg").count()).toBe(0);
    await expectSafeCriteria(visitor);

    const version = await visit(visitor, `/badges/${badgeId}/versions/1`);
    expect(await visitor.getByRole("heading", { level: 1 }).textContent()).toBe(`${BADGE} version 1`);
    expect(version).toContain(SUMMARY);
    expect(version).toContain(`${STEWARD.name}`);
    expect(version).toContain(PARTNER.name);
    expect(await visitor.getByRole("link", { name: PREREQUISITE }).getAttribute("href")).toBe(PREREQUISITE);
    await expectSafeCriteria(visitor);

    const org = await visit(visitor, `/orgs/${STEWARD.handle}`);
    expect(org).toContain(DESCRIPTION.split("\n")[1]);
    expect(org).toContain(SUMMARY);
    const partner = await visit(visitor, `/orgs/${PARTNER.handle}`);
    expect(partner).toContain(PARTNER.name);
    expect(partner).toContain(DESCRIPTION.split("\n")[2]);

    const catalogue = await visit(visitor, "/badges");
    expect(catalogue).toContain(BADGE);
    expect(catalogue).toContain(SUMMARY);

    await visit(visitor, "/badges?q=storytelling");
    expect(await visitor.getByRole("status").textContent()).toBe("1 badge match “storytelling”.");
    expect((await visitor.getByRole("heading", { level: 2, name: BADGE }).textContent())?.trim()).toBe(BADGE);
    expect(await visitor.locator(".result-title mark").textContent()).toBe("Storytelling");

    // The search words themselves are hostile text too.
    await visit(visitor, `/badges?q=${encodeURIComponent(ATTACK)}`);
    expect(await visitor.getByLabel("Search badges").inputValue()).toBe(ATTACK);
    expect(await visitor.title()).toBe(`“${ATTACK}” · Catalogue · Badge Commons`);
    await visit(visitor, `/badges?q=${encodeURIComponent(`onerror ${SCRIPT}`)}`);

    const byOrganisation = await visit(visitor, `/badges?organisation=${STEWARD.handle}`);
    expect(byOrganisation).toContain(`Organisation: ${STEWARD.name}`);
    expect(byOrganisation).toContain(BADGE);
  });

  it("ran no script from the hostile text anywhere", () => {
    expect(ran).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(visited.length).toBeGreaterThanOrEqual(20);
  });
});

/** Elements in the page with event-handler attributes or script addresses (runs in the page). */
function injectedMarkup(): string[] {
  const found: string[] = [];
  for (const el of Array.from(document.querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`<${el.tagName.toLowerCase()} ${name}>`);
      if (/^(href|src|action|formaction|xlink:href|data)$/.test(name) && /^\s*(javascript|data):/i.test(attr.value)) {
        found.push(`<${el.tagName.toLowerCase()} ${name}="${attr.value}">`);
      }
    }
    if (el.tagName === "IFRAME" || el.tagName === "OBJECT" || el.tagName === "EMBED") found.push(el.tagName);
  }
  return found;
}

/** The criteria rendered from Markdown: formatting kept, links defused, raw HTML gone. */
async function expectSafeCriteria(page: Page) {
  const criteria = page.locator(".markdown").first();
  expect(await criteria.locator("strong").first().textContent()).toBe("Plan");
  for (const text of ["click me", "Click Me Too", "raw link"]) {
    const link = criteria.getByText(text, { exact: true });
    expect(await link.count(), text).toBe(1);
    expect(await link.getAttribute("href"), text).toBeNull();
  }
  expect(await criteria.locator("img, svg, script, iframe").count()).toBe(0);
}
