// Endorsements over HTTP with plain form posts (no JavaScript): endorse, bad input kept,
// the steward's review, the credential at its URL, withdrawal, the catalogue filter, the
// organisation pages, and live notices to open pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBadge } from "../../app/services/badges.server";
import type { ServiceContext } from "../../app/services/context.server";
import { createOrganisation } from "../../app/services/organisations.server";
import type { Organisation } from "../../db/schema";
import { addMember } from "../support/factories";
import { approveAndPublish } from "../support/federation";
import { LiveClient, signedUp, waitFor } from "../support/live-client";
import { endorsementCredentialErrors } from "../support/ob3";
import { makeCoauthoredBadge, type Team } from "../support/publishing";
import { HttpSession, startTestServer, type TestServer, serviceContextOf } from "../support/server";

type Person = Awaited<ReturnType<typeof signedUp>>;

// React separates adjacent text with <!-- -->; read the page as a person would.
const textOf = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");

describe("endorsements over HTTP", () => {
  let server: TestServer;
  let ctx: ServiceContext;
  let ada: Person; // admin of the steward
  let bo: Person; // admin of a business
  let cy: Person; // admin of a school
  let eve: Person; // editor of the business
  let acme: Organisation;
  let northside: Organisation;
  let badgeId: string;
  let endorsePath: string;
  const anonymous = () => new HttpSession(server.url);
  const clients: LiveClient[] = [];

  const team = (org: Organisation, person: Person): Team =>
    ({ org, owner: person.user, admin: person.user, editor: person.user, viewer: person.user }) as unknown as Team;

  beforeAll(async () => {
    server = await startTestServer();
    ctx = serviceContextOf(server);
    ada = await signedUp(server.url, server.db, "ada@example.org", "Ada");
    bo = await signedUp(server.url, server.db, "bo@example.org", "Bo");
    cy = await signedUp(server.url, server.db, "cy@example.org", "Cy");
    eve = await signedUp(server.url, server.db, "eve@example.org", "Eve");
    const steward = createOrganisation(ctx, ada.user.id, { handle: "changemakers", name: "Changemakers", kind: "nonprofit", description: "" });
    acme = createOrganisation(ctx, bo.user.id, { handle: "acme", name: "Acme Ventures", kind: "business", description: "" });
    northside = createOrganisation(ctx, cy.user.id, { handle: "northside", name: "Northside School", kind: "school", description: "" });
    addMember(server.db, acme.id, eve.user.id, "editor");
    const badge = makeCoauthoredBadge(ctx, team(steward, ada), []);
    approveAndPublish(ctx, badge.id, [team(steward, ada)]);
    badgeId = badge.id;
    endorsePath = `/badges/${badgeId}/endorsements`;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  const endorse = (who: Person, organisationId: string, statement: string, versionNumber = "1") =>
    who.session.post(endorsePath, { intent: "endorse", organisationId, statement, versionNumber, redirectTo: `/badges/${badgeId}` });

  it("an admin endorses from the badge page; the statement is shown as text, counted by kind", async () => {
    const before = await textOf(await anonymous().get(`/badges/${badgeId}`));
    expect(before).toContain("No organisation has endorsed this badge yet.");
    expect(before).toContain("to endorse this badge as your organisation");
    const page = await textOf(await bo.session.get(`/badges/${badgeId}`));
    expect(page).toContain("Endorse as Acme Ventures");
    expect(page).toContain(`action="${endorsePath}"`);

    const res = await endorse(bo, acme.id, "We hire for this.\n<script>alert('x')</script><b>bold</b>");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/badges/${badgeId}?endorsement=created#endorsements`);

    const after = await textOf(await anonymous().get(`/badges/${badgeId}`));
    expect(after).toContain("Endorsed by <span><a");
    expect(after).toContain(">1 business</a>");
    expect(after).toContain("We hire for this.\n&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;");
    expect(after).not.toContain("<script>alert('x')");
    expect(after).toContain('role="img"');
    expect(after).toContain("Who vouches for Social Innovation 101");
    const notice = await textOf(await bo.session.get(`/badges/${badgeId}?endorsement=created`));
    expect(notice).toContain("Thank you: your endorsement is recorded.");
    expect(notice).toContain("Update endorsement");
  });

  it("keeps what was typed when the statement is refused, and says why a stale version or a role is refused", async () => {
    const long = "x".repeat(1001);
    const tooLong = await endorse(bo, acme.id, long);
    expect(tooLong.status).toBe(400);
    const html = await textOf(tooLong);
    expect(html).toContain("A statement has at most 1,000 characters.");
    expect(html).toContain(`>${long}</textarea>`);
    expect(html).toContain('aria-invalid="true"');

    const stale = await endorse(bo, acme.id, "New words.", "0");
    expect(stale.status).toBe(400);
    const future = await endorse(bo, acme.id, "New words.", "7");
    expect(future.status).toBe(409);
    expect(await textOf(future)).toContain("There is no version 7 of this badge.");

    expect((await endorse(eve, acme.id, "I am only an editor.")).status).toBe(403);
    expect((await endorse(ada, acme.id, "Not my organisation.")).status).toBe(403);
    expect((await anonymous().post(endorsePath, { intent: "endorse", organisationId: acme.id, statement: "Hi", versionNumber: "1" })).status).toBe(302);
    expect((await bo.session.post(endorsePath, { intent: "nonsense" })).status).toBe(400);
    // Nothing of this was recorded.
    expect(await textOf(await anonymous().get(`/badges/${badgeId}`))).not.toContain("New words.");
  });

  it("the steward reviews by hand: pending ones wait, hidden, on its admins' page and dashboard, until accepted", async () => {
    const off = await ada.session.post(endorsePath, { intent: "auto-accept", autoAccept: "off", redirectTo: `/badges/${badgeId}` });
    expect(off.status).toBe(302);
    expect(off.headers.get("location")).toContain("endorsement=auto-off");
    expect((await bo.session.post(endorsePath, { intent: "auto-accept", autoAccept: "on" })).status).toBe(403);

    expect((await endorse(cy, northside.id, "Our students take it every spring.")).status).toBe(302);
    expect(await textOf(await anonymous().get(`/badges/${badgeId}`))).not.toContain("Our students take it every spring.");
    const cyPage = await textOf(await cy.session.get(`/badges/${badgeId}`));
    expect(cyPage).toContain("Northside School&#x27;s endorsement waits for the steward&#x27;s decision.");
    const adaPage = await textOf(await ada.session.get(`/badges/${badgeId}`));
    expect(adaPage).toContain("Waiting for your decision (1)");
    expect(adaPage).toContain("Our students take it every spring.");
    expect(await textOf(await ada.session.get("/dashboard"))).toContain("An endorsement waits for your decision");

    const id = adaPage.match(/name="intent" value="accept"\/><input type="hidden" name="endorsementId" value="([^"]+)"/)![1];
    expect((await bo.session.post(endorsePath, { intent: "accept", endorsementId: id })).status).toBe(403);
    const accepted = await ada.session.post(endorsePath, { intent: "accept", endorsementId: id, redirectTo: `/badges/${badgeId}` });
    expect(accepted.headers.get("location")).toBe(`/badges/${badgeId}?endorsement=accepted#endorsements`);
    const page = await textOf(await anonymous().get(`/badges/${badgeId}`));
    expect(page).toContain("Our students take it every spring.");
    expect(page).toMatch(/>1 business<\/a>.*>1 school<\/a>/s);
    expect(await textOf(await ada.session.get("/dashboard"))).not.toContain("waits for your decision");
  });

  it("serves each accepted credential at its id as JSON-LD, and answers 410 once withdrawn", async () => {
    const page = await textOf(await anonymous().get(`/badges/${badgeId}`));
    const href = page.match(/href="(\/endorsements\/[0-9a-f-]{36})"[^>]*>signed credential/)![1];
    const res = await anonymous().get(href);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/ld+json; charset=utf-8");
    expect(res.headers.get("vary")).toContain("Accept");
    const credential = (await res.json()) as { id: string; type: string[] };
    expect(credential.id).toBe(`http://localhost:${server.port}${href}`);
    expect(endorsementCredentialErrors(credential)).toEqual([]);
    const vc = await anonymous().request(href, { headers: { accept: "application/vc" } });
    expect(vc.headers.get("content-type")).toBe("application/vc");
    expect(await vc.json()).toEqual(credential);
    expect((await anonymous().get("/endorsements/no-such-endorsement")).status).toBe(404);

    const achievement = (await (await anonymous().get(`/badges/${badgeId}/achievement.json`)).json()) as { endorsement: { id: string }[] };
    expect(achievement.endorsement.map((e) => e.id)).toContain(credential.id);

    const acmeId = (await textOf(await bo.session.get(`/badges/${badgeId}`))).match(
      /name="intent" value="withdraw"\/><input type="hidden" name="endorsementId" value="([^"]+)"/,
    )![1];
    expect((await ada.session.post(endorsePath, { intent: "withdraw", endorsementId: acmeId })).status).toBe(403);
    const withdrawn = await bo.session.post(endorsePath, { intent: "withdraw", endorsementId: acmeId, redirectTo: `/badges/${badgeId}` });
    expect(withdrawn.headers.get("location")).toBe(`/badges/${badgeId}?endorsement=withdrawn#endorsements`);
    expect(await textOf(await anonymous().get(`/badges/${badgeId}`))).not.toContain("We hire for this.");
    expect((await anonymous().get(`/endorsements/${acmeId}`)).status).toBe(410);
  });

  it("filters the catalogue by endorser and by kind, and lists endorsements on organisation pages", async () => {
    const bySchools = await textOf(await anonymous().get("/badges?endorserKind=school"));
    expect(bySchools).toContain("1 badge found");
    expect(bySchools).toContain("Endorsed by a school");
    const byBusinesses = await textOf(await anonymous().get("/badges?endorserKind=business"));
    expect(byBusinesses).toContain("No badges found.");
    const byNorthside = await textOf(await anonymous().get("/badges?endorser=northside"));
    expect(byNorthside).toContain("1 badge found");
    expect(byNorthside).toContain("Endorsed by Northside School");
    expect(await textOf(await anonymous().get("/badges?endorser=acme"))).toContain("No badges found.");
    expect(await textOf(await anonymous().get("/badges"))).toMatch(/<h3>Endorsed by<\/h3>.*Schools<\/a> <span class="count">1<\/span>/s);

    const school = await textOf(await anonymous().get("/orgs/northside"));
    expect(school).toMatch(/<h2 id="endorses-heading">Endorses<\/h2>.*Social Innovation 101/s);
    const steward = await textOf(await anonymous().get("/orgs/changemakers"));
    expect(steward).toMatch(/<h2 id="endorsed-by-heading">Endorsed by<\/h2>.*Northside School.*endorses.*Social Innovation 101/s);
    expect(await textOf(await anonymous().get("/orgs/acme"))).toContain("Acme Ventures has not endorsed any badge yet.");
  });

  it("the full list pages through endorsements; drafts have none", async () => {
    const list = await textOf(await anonymous().get(endorsePath));
    expect(list).toContain("Endorsements of Social Innovation 101");
    expect(list).toContain("Our students take it every spring.");
    const draft = makeCoauthoredBadge(ctx, team(acme, bo), [], { name: "A draft" });
    expect((await anonymous().get(`/badges/${draft.id}/endorsements`)).status).toBe(404);
    expect((await bo.session.get(`/badges/${draft.id}/endorsements`)).status).toBe(404);
  });

  it("open pages hear of endorsements as they change", async () => {
    const watcher = await LiveClient.connect(server.url, ada.session.cookieHeader);
    clients.push(watcher);
    expect(await watcher.watch(badgeId)).toEqual({ ok: true });
    // Acme endorses again after its withdrawal: a new endorsement, waiting for the steward.
    expect((await endorse(bo, acme.id, "Back, with more to say.")).status).toBe(302);
    await waitFor(() => watcher.changes.some((c) => c.what === "endorsements" && c.badgeId === badgeId), 3000, "the endorsement notice");
    expect(getBadge(server.db, badgeId).autoAcceptEndorsements).toBe(false);
  });
});
