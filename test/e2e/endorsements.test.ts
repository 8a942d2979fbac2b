// Endorsements in Chromium: an admin endorses a peer's badge from its page; the steward
// switches to reviewing by hand and sees the next endorsement arrive without reloading,
// then accepts it; without JavaScript the endorser withdraws. Screenshots of the section
// and of the network picture go to test/artifacts/.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { endorsements, ORGANISATION_KINDS, users, versions, type Organisation } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { indexEndorsements } from "../../app/services/catalogue-index.server";
import { toEndorsementCredential } from "../../app/services/endorsement-credential.server";
import { endorseBadge } from "../../app/services/endorsements.server";
import { noBadgeEvents } from "../../app/services/events";
import { createOrganisation } from "../../app/services/organisations.server";
import { getBadge } from "../../app/services/badges.server";
import { createProof } from "../../federation/proof";
import { ed25519KeyId } from "../../federation/keys";
import { e2eSkipped, launchBrowser, screenshotOf, signUpInBrowser } from "../support/browser";
import { makeOrganisation, makeUser } from "../support/factories";
import { approveAndPublish } from "../support/federation";
import { makeCoauthoredBadge, type Team } from "../support/publishing";
import { startTestServer, type TestServer } from "../support/server";

const ENDORSERS: Array<[string, (typeof ORGANISATION_KINDS)[number], string]> = [
  ["Harbour College", "school", "We run this badge in our social enterprise course."],
  ["Greenleaf Cooperative Bank", "business", "People who hold it come to us with problems worth solving."],
  ["Riverside Community Garden", "community", "Three of our projects started from its interviews."],
  ["Bright Futures Foundation", "nonprofit", "Our fellows earn it in their first month."],
  ["Eastside Library", "community", "We host its interview workshops."],
  ["Northgate Academy", "school", "Part of our year 11 projects."],
];

describe.skipIf(e2eSkipped)("endorsements in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let ctx: ServiceContext;
  let ada: Page; // admin of the steward
  let bo: Page; // admin of a business
  let cy: Page; // admin of a school
  let acme: Organisation;
  let badgeId: string;
  const pageErrors: string[] = [];
  const watch = (page: Page, who: string) => {
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${who}: ${m.text()}`);
    });
    page.on("pageerror", (e) => pageErrors.push(`${who}: ${e.message}`));
    page.setDefaultTimeout(8000);
    return page;
  };
  const userId = (email: string) => server.db.select().from(users).where(eq(users.email, email)).get()!.id;
  const team = (org: Organisation, id: string) => ({ org, owner: { id }, admin: { id }, editor: { id }, viewer: { id } }) as unknown as Team;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const publicUrl = `http://localhost:${server.port}`;
    ctx = { db: server.db, publicUrl, events: noBadgeEvents, federation: server.federation.outbox };
    ada = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(), "Ada");
    bo = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(), "Bo");
    cy = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(), "Cy");
    await signUpInBrowser(ada, server.url, "Ada Lovelace", "ada@example.org");
    await signUpInBrowser(bo, server.url, "Bo Larsen", "bo@example.org");
    await signUpInBrowser(cy, server.url, "Cy Chen", "cy@example.org");
    const steward = createOrganisation(ctx, userId("ada@example.org"), { handle: "changemakers", name: "Changemakers Network", kind: "nonprofit", description: "" });
    acme = createOrganisation(ctx, userId("bo@example.org"), { handle: "acme", name: "Acme Ventures", kind: "business", description: "" });
    createOrganisation(ctx, userId("cy@example.org"), { handle: "northside", name: "Northside School", kind: "school", description: "" });
    const badge = makeCoauthoredBadge(ctx, team(steward, userId("ada@example.org")), []);
    approveAndPublish(ctx, badge.id, [team(steward, userId("ada@example.org"))]);
    badgeId = badge.id;

    // Peers who already vouch for it, through the service.
    for (const [name, kind, statement] of ENDORSERS) {
      const owner = makeUser(server.db, { displayName: `${name} owner` });
      const org = createOrganisation(ctx, owner.id, { handle: name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/-$/, ""), name, kind, description: "" });
      endorseBadge(ctx, owner.id, badgeId, { organisationId: org.id, statement, versionNumber: 1 });
    }
    // And one from another instance, as federation will store it: its organisation row has
    // a host, its credential is signed with that organisation's own key.
    const remote = makeOrganisation(server.db, { handle: "commons-lab", name: "Commons Lab", kind: "nonprofit", host: "commons.example" });
    const key = generateKeyPairSync("ed25519").privateKey;
    const version = server.db.select().from(versions).where(eq(versions.id, getBadge(server.db, badgeId).latestVersionId!)).get()!;
    const uri = "https://commons.example/endorsements/7";
    const credential = createProof(
      toEndorsementCredential(
        {
          uri,
          endorser: { ...remote, logoImageId: null, website: null },
          badge: { uri: getBadge(server.db, badgeId).uri, name: "Social Innovation 101" },
          version: { uri: version.uri, number: 1, contentHash: version.contentHash },
          statement: "We translated it for our members in Lisbon.",
          issuedAt: new Date(),
          firstIssuedAt: new Date(),
        },
        { publicUrl: "https://commons.example" },
      ),
      { verificationMethod: ed25519KeyId(remote.uri), privateKey: key },
    );
    server.db.transaction((tx) => {
      tx.insert(endorsements)
        .values({ id: "remote-7", uri, endorserOrganisationId: remote.id, badgeId, versionId: version.id, statement: "We translated it for our members in Lisbon.", status: "accepted", credential: { ...credential, proof: [credential.proof] }, issuedAt: new Date(), decidedAt: new Date() })
        .run();
      indexEndorsements(tx, badgeId);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("an admin endorses the badge from its page and sees it counted, listed and drawn", async () => {
    await bo.goto(`${server.url}/badges/${badgeId}`);
    const section = bo.locator("#endorsements");
    expect(await section.locator(".endorsement-summary").textContent()).toBe(
      "Endorsed by 2 community groups, 2 nonprofits, 2 schools and 1 business, from 2 instances.",
    );
    await bo.getByLabel("Why does Acme Ventures vouch for this badge?").fill("We hire for this skill:\nevery graduate we took on could run an interview.");
    await bo.getByRole("button", { name: "Endorse as Acme Ventures" }).click();
    await bo.getByText("Thank you: your endorsement is recorded.").waitFor();
    expect(bo.url()).toContain("endorsement=created");
    expect(await section.locator(".endorsement-summary").textContent()).toContain("2 businesses");
    const mine = section.getByRole("article", { name: "Endorsement by Acme Ventures" });
    expect(await mine.locator(".endorsement-statement").innerText()).toBe("We hire for this skill:\nevery graduate we took on could run an interview.");
    const figure = section.locator("figure.endorsement-network");
    expect(await figure.locator("svg title").textContent()).toBe("Who vouches for Social Innovation 101");
    expect(await figure.locator("svg text").allTextContents()).toEqual(expect.arrayContaining(["Acme Ventures", "Commons Labon commons.example"]));
    expect(await figure.locator("figcaption").innerText()).toContain("Commons Lab (on commons.example)");
    await screenshotOf(section, "endorsements-section");
    await screenshotOf(figure, "endorsement-network");
  });

  it("the steward reviews by hand: the next endorsement appears on its open page, and is accepted there", async () => {
    await ada.goto(`${server.url}/badges/${badgeId}`);
    await ada.getByLabel("Wait until an admin of the steward accepts it").check();
    await ada.getByRole("button", { name: "Save setting" }).click();
    await ada.getByText("New endorsements will wait for an admin's decision.").waitFor();
    // Once the page is hydrated and watching, Cy endorses elsewhere.
    await expect.poll(() => ada.evaluate(() => document.readyState), { timeout: 5000 }).toBe("complete");
    await ada.waitForTimeout(500);

    await cy.goto(`${server.url}/badges/${badgeId}`);
    await cy.getByLabel("Why does Northside School vouch for this badge?").fill("Our students take it every spring.");
    await cy.getByRole("button", { name: "Endorse as Northside School" }).click();
    await cy.getByText("Northside School's endorsement waits for the steward's decision.").waitFor();

    const waiting = ada.getByRole("heading", { name: "Waiting for your decision (1)" });
    await waiting.waitFor({ timeout: 12_000 });
    await screenshotOf(ada.locator(".steward-endorsements"), "endorsements-steward-review");
    await ada.getByRole("button", { name: "Accept Northside School's endorsement" }).click();
    await ada.getByText("Endorsement accepted: it is shown on the badge.").waitFor();
    expect(await ada.locator(".endorsement-list").first().innerText()).toContain("Our students take it every spring.");
  });

  it("without JavaScript, the endorser withdraws and the endorsement is gone", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = watch(await context.newPage(), "Bo without JS");
    await context.addCookies(await bo.context().cookies());
    await page.goto(`${server.url}/badges/${badgeId}`);
    await page.getByRole("button", { name: "Withdraw Acme Ventures' endorsement" }).click();
    await page.getByText("Your endorsement is withdrawn.").waitFor();
    expect(await page.locator("#endorsements").innerText()).not.toContain("We hire for this skill");
    expect(await page.locator(".endorsement-summary").textContent()).toContain("1 business");
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
