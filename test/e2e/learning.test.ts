// A learner in Chromium: plans one badge and holds another from their pages, then proves
// the held one by importing a signed Open Badges 3.0 credential file on My learning, and
// sees it verified; then proves the planned one with a credential another implementation
// signed with Ed25519Signature2020 (RDF-canonicalised). Screenshots (wide and narrow) go to
// test/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Badge } from "../../db/schema";
import { e2eSkipped, launchBrowser, screenshot, screenshotOf, signUpInBrowser } from "../support/browser";
import { makePublishedBadge } from "../support/catalogue-factories";
import { didKeyIssuer, ob3Credential, signJcs } from "../support/credentials";
import { makeOrganisation } from "../support/factories";
import { proofAsArray, rdfcIssuer, with2020Context } from "../support/rdfc-credentials";
import { startTestServer, type TestServer } from "../support/server";

const EMAIL = "lena@example.org";

describe.skipIf(e2eSkipped)("learning in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let si101: Badge;
  let theory: Badge;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const publicUrl = `http://localhost:${server.port}`;
    const steward = makeOrganisation(server.db, { name: "Changemakers Network", kind: "nonprofit" });
    const harbour = makeOrganisation(server.db, { name: "Harbour College", kind: "school", host: "harbour.example" });
    si101 = makePublishedBadge(server.db, {
      steward,
      content: { name: "Social Innovation 101", summary: "Spot a social problem and test a first solution with the people who live it.", tags: ["social innovation"] },
      publicUrl,
    });
    theory = makePublishedBadge(server.db, {
      steward: harbour,
      content: { name: "Theory of Change", summary: "Map how your work leads to the change you want." },
      publicUrl: "https://harbour.example",
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(8000);
    await signUpInBrowser(page, server.url, "Lena Ortiz", EMAIL);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("marks badges from their pages and proves one with an imported credential", async () => {
    await page.goto(`${server.url}/badges/${theory.id}`);
    const card = page.getByRole("region", { name: "Your learning" });
    await card.getByRole("button", { name: /I plan to earn this/ }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Added to your plans.");
    await expect.poll(() => card.textContent()).toContain("You plan to earn this badge.");

    await page.goto(`${server.url}/badges/${si101.id}`);
    await card.getByRole("button", { name: /I hold this/ }).click();
    await expect.poll(() => card.textContent()).toContain("You hold this badge.");
    await expect.poll(() => card.textContent()).toContain("Self-declared");
    await screenshotOf(card, "learning-badge-card-held");

    // The nav leads to the learner's page, where the credential is imported.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My learning" }).click();
    await page.getByRole("heading", { level: 1, name: "My learning" }).waitFor();
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, issuerName: "Harbour College", achievementId: si101.uri, email: EMAIL }), issuer);
    await page.getByLabel("Credential file").setInputFiles({ name: "social-innovation-101.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(credential)) });
    await page.getByRole("button", { name: "Import credential" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Imported and verified: Social Innovation 101");

    const held = page.getByRole("region", { name: /Held/ });
    await expect.poll(() => held.textContent()).toContain("Verified credential");
    await expect.poll(() => held.textContent()).toContain("issued by Harbour College");
    const planned = page.getByRole("region", { name: /Planned/ });
    await expect.poll(() => planned.textContent()).toContain("Theory of Change");
    await expect.poll(() => planned.textContent()).toContain("From harbour.example");
    await held.getByText("What was checked").click();
    await expect.poll(() => held.textContent()).toContain("Passed: Issuer's signature.");
    await screenshot(page, "learning-page");

    // A credential signed by digitalbazaar's Ed25519Signature2020 suite proves the planned badge.
    const harbour2020 = await rdfcIssuer();
    const toc = proofAsArray(
      await harbour2020.sign2020(with2020Context(ob3Credential({ issuer: harbour2020.did, issuerName: "Harbour College", achievementId: theory.uri, achievementName: "Theory of Change", email: EMAIL }))),
    );
    await page.getByLabel("Credential file").setInputFiles({ name: "theory-of-change.json", mimeType: "application/ld+json", buffer: Buffer.from(JSON.stringify(toc)) });
    await page.getByRole("button", { name: "Import credential" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Imported and verified: Theory of Change");
    const tocItem = held.getByRole("listitem").filter({ hasText: "Theory of Change" }).first();
    await expect.poll(() => tocItem.textContent()).toContain("Verified credential");
    await tocItem.getByText("What was checked").click();
    await expect.poll(() => tocItem.textContent()).toContain("Passed: Issuer's signature. Linked Data proof (Ed25519Signature2020) verified with");
    await screenshotOf(tocItem, "learning-verified-ed25519signature2020");

    // A file that is not a credential is refused on the form, with the reason.
    await page.getByLabel("Credential file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("my notes") });
    await page.getByRole("button", { name: "Import credential" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("This is not an Open Badges credential");
    await expect.poll(() => page.getByLabel("Credential file").getAttribute("aria-invalid")).toBe("true");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/learning`);
    await screenshot(page, "learning-page-narrow");
    // The refused import answered 400, as it should; nothing else went wrong in the page.
    expect(pageErrors.filter((e) => !e.includes("status of 400"))).toEqual([]);
  });
});
