// A learner through the real forms of a running server: marks badges held and planned from
// their pages (local and federated), imports credentials by file and by URL (an issuer on
// loopback, reached through the guarded fetcher with FEDERATION_ALLOW_PRIVATE_ADDRESSES),
// and sees what is proven and what is not (eddsa-jcs-2022, eddsa-rdfc-2022 and
// Ed25519Signature2020 proofs; OB 2.0 hosted). Nothing half-applied when input is bad.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { learnerBadges, learnerCredentials, users } from "../../db/schema";
import { learnerBadgeUris } from "../../app/services/learner-badges.server";
import { makePublishedBadge, makeDraftBadge } from "../support/catalogue-factories";
import { makeOrganisation, makeUser } from "../support/factories";
import { createOrganisation } from "../../app/services/organisations.server";
import { bakedPng, didKeyIssuer, ob2Hosted, ob3Credential, signJcs, type Json } from "../support/credentials";
import { proofAsArray, rdfcIssuer, with2020Context } from "../support/rdfc-credentials";
import { startLoopbackServer, type LoopbackServer } from "../support/loopback";
import { HttpSession, serviceContextOf, startTestServer, type TestServer } from "../support/server";

const EMAIL = "lena@example.org";
let server: TestServer;
let issuerSite: LoopbackServer;
const served = new Map<string, Json | number>();
// Every path the issuer's site was asked for.
const asked: string[] = [];
let lena: HttpSession;
let localBadge: { id: string; uri: string };
let remoteBadge: { id: string; uri: string };
let draft: { id: string };

// What a page says, without its markup.
const textOf = (html: string) => html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")");
const userId = () => server.db.select().from(users).where(eq(users.email, EMAIL)).get()!.id;
const rows = () => server.db.select().from(learnerBadges).where(eq(learnerBadges.userId, userId())).all();
const credentials = () => server.db.select().from(learnerCredentials).where(eq(learnerCredentials.userId, userId())).all();

function importForm(fields: { file?: { bytes: Uint8Array | string; name: string; type: string }; url?: string }) {
  const form = new FormData();
  form.append("intent", "import");
  if (fields.file) {
    const { bytes } = fields.file;
    form.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type: fields.file.type }), fields.file.name);
  }
  else form.append("file", new Blob([]), "");
  form.append("url", fields.url ?? "");
  return form;
}

beforeAll(async () => {
  server = await startTestServer();
  issuerSite = await startLoopbackServer((req, res) => {
    asked.push(new URL(req.url, "http://x").pathname);
    const entry = served.get(new URL(req.url, "http://x").pathname);
    if (entry === undefined || typeof entry === "number") return void res.writeHead(typeof entry === "number" ? entry : 404).end();
    res.writeHead(200, { "content-type": "application/ld+json" }).end(JSON.stringify(entry));
  });
  const publicUrl = `http://localhost:${server.port}`;
  const steward = makeOrganisation(server.db, { name: "Changemakers Network" });
  const harbour = makeOrganisation(server.db, { name: "Harbour College", host: "harbour.example" });
  localBadge = makePublishedBadge(server.db, { steward, content: { name: "Social Innovation 101", summary: "Frame a social problem." }, publicUrl });
  remoteBadge = makePublishedBadge(server.db, { steward: harbour, content: { name: "Theory of Change" }, publicUrl: "https://harbour.example" });
  draft = makeDraftBadge(server.db, steward, { name: "Unpublished idea" });
  lena = new HttpSession(server.url);
  await lena.signUp(EMAIL, "Lena Ortiz");
});

afterAll(async () => {
  await issuerSite?.close();
  await server?.close();
});

describe("marking badges from their pages", () => {
  beforeEach(() => {
    server.db.delete(learnerBadges).run();
    server.db.delete(learnerCredentials).run();
  });

  it("holds, plans and removes a local badge with plain form posts", async () => {
    const page = await (await lena.get(`/badges/${localBadge.id}`)).text();
    expect(page).toContain("Your learning");
    expect(page).toContain("I hold this");

    const hold = await lena.post(`/badges/${localBadge.id}`, { intent: "hold" });
    expect(hold.status).toBe(302);
    expect(hold.headers.get("location")).toBe(`/badges/${localBadge.id}?learning=held#learning-heading`);
    expect(rows()).toMatchObject([{ badgeUri: localBadge.uri, status: "held", credentialId: null }]);
    const after = await (await lena.get(`/badges/${localBadge.id}?learning=held`)).text();
    expect(after).toContain("Added to your badges as held.");
    expect(after).toContain("You hold this badge.");
    expect(after).toContain("Self-declared");

    await lena.post(`/badges/${localBadge.id}`, { intent: "plan" });
    expect(rows()).toMatchObject([{ status: "planned" }]);
    await lena.post(`/badges/${localBadge.id}`, { intent: "forget" });
    expect(rows()).toEqual([]);
  });

  it("marks a badge stewarded on another instance, and lists both with their home instance", async () => {
    await lena.post(`/badges/${remoteBadge.id}`, { intent: "plan" });
    await lena.post(`/badges/${localBadge.id}`, { intent: "hold" });
    expect(learnerBadgeUris(server.db, userId())).toEqual({ held: [localBadge.uri], planned: [remoteBadge.uri], proven: [] });
    const page = await (await lena.get("/learning")).text();
    expect(textOf(page)).toContain("Held (1)");
    expect(textOf(page)).toContain("Planned (1)");
    expect(page).toContain("Theory of Change");
    expect(page).toContain("From harbour.example");
    expect(page).toContain("On this instance");
  });

  it("asks visitors to sign in, and refuses drafts and unknown badges", async () => {
    const visitor = new HttpSession(server.url);
    expect(await (await visitor.get(`/badges/${localBadge.id}`)).text()).toContain("to keep track of the badges you hold and plan to earn");
    const anonymous = await visitor.post(`/badges/${localBadge.id}`, { intent: "hold" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/signin\?redirectTo=/);
    expect((await lena.post(`/badges/${draft.id}`, { intent: "hold" })).status).toBe(404);
    expect((await lena.post(`/badges/00000000-0000-4000-8000-000000000000`, { intent: "plan" })).status).toBe(404);
    expect(rows()).toEqual([]);
  });
});

describe("importing credentials", () => {
  beforeEach(() => {
    server.db.delete(learnerBadges).run();
    server.db.delete(learnerCredentials).run();
  });

  it("imports a signed OB 3.0 credential file for a catalogue badge: held and proven", async () => {
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, issuerName: "Harbour College", achievementId: localBadge.uri, email: EMAIL }), issuer);
    const res = await lena.post("/learning", importForm({ file: { bytes: JSON.stringify(credential), name: "si101.json", type: "application/json" } }));
    expect(res.status).toBe(302);
    const [stored] = credentials();
    expect(stored).toMatchObject({ verification: "verified", reason: null, badgeUri: localBadge.uri, format: "ob3", encoding: "json", source: "file", issuerName: "Harbour College" });
    expect(rows()).toMatchObject([{ badgeUri: localBadge.uri, status: "held", credentialId: stored.id }]);
    expect(learnerBadgeUris(server.db, userId()).proven).toEqual([localBadge.uri]);

    const page = await (await lena.get(res.headers.get("location")!)).text();
    expect(page).toContain("Imported and verified: Social Innovation 101 is on your list as held, proven by the credential.");
    expect(page).toContain("Verified credential");
    const badgePage = await (await lena.get(`/badges/${localBadge.id}`)).text();
    expect(badgePage).toContain("Verified credential");
    expect(badgePage).toContain("issued by Harbour College");
  });

  it("imports credentials signed with eddsa-rdfc-2022 (a file) and Ed25519Signature2020 (a URL): both verified", async () => {
    const issuer = await rdfcIssuer();
    const rdfc = proofAsArray(await issuer.sign2022(ob3Credential({ issuer: issuer.did, issuerName: "Harbour College", achievementId: localBadge.uri, email: EMAIL })));
    const res = await lena.post("/learning", importForm({ file: { bytes: JSON.stringify(rdfc), name: "si101-rdfc.json", type: "application/ld+json" } }));
    expect(res.status).toBe(302);
    expect(credentials()).toMatchObject([{ verification: "verified", reason: null, badgeUri: localBadge.uri, source: "file" }]);
    expect(credentials()[0].checks).toContainEqual({
      check: "Issuer's signature",
      outcome: "passed",
      detail: `Data Integrity proof (eddsa-rdfc-2022) verified with ${issuer.verificationMethod}, a key of the issuer.`,
    });
    expect(await (await lena.get(res.headers.get("location")!)).text()).toContain("Imported and verified: Social Innovation 101");

    const sig2020 = proofAsArray(await issuer.sign2020(with2020Context(ob3Credential({ issuer: issuer.did, achievementId: remoteBadge.uri, achievementName: "Theory of Change", email: EMAIL }))));
    served.set("/credentials/toc-2020", sig2020);
    const byUrl = await lena.post("/learning", importForm({ url: `${issuerSite.origin}/credentials/toc-2020` }));
    expect(byUrl.status).toBe(302);
    const stored = credentials().find((c) => c.badgeUri === remoteBadge.uri)!;
    expect(stored).toMatchObject({ verification: "verified", source: "url" });
    expect(stored.checks.find((c) => c.check === "Issuer's signature")?.detail).toMatch(/^Linked Data proof \(Ed25519Signature2020\) verified/);
    expect(learnerBadgeUris(server.db, userId()).proven.sort()).toEqual([localBadge.uri, remoteBadge.uri].sort());
  });

  it("keeps a credential naming a context it does not know as not verified, says why, and fetches no context", async () => {
    const issuer = await rdfcIssuer();
    const contextUrl = `${issuerSite.origin}/contexts/house.json`;
    const context = { "@context": { houseColour: "https://harbour.example/vocab#houseColour" } };
    served.set("/contexts/house.json", context);
    const unsigned: Json = { ...ob3Credential({ issuer: issuer.did, achievementId: localBadge.uri, email: EMAIL }), houseColour: "blue" };
    unsigned["@context"] = [...(unsigned["@context"] as string[]), contextUrl];
    const credential = proofAsArray(await issuer.sign2022(unsigned, { contexts: { [contextUrl]: context } }));
    asked.length = 0;
    const res = await lena.post("/learning", importForm({ file: { bytes: JSON.stringify(credential), name: "house.json", type: "application/json" } }));
    expect(res.status).toBe(302);
    const reason = `The JSON-LD context ${contextUrl} is not known here; contexts are never fetched, so this proof cannot be checked.`;
    expect(credentials()).toMatchObject([{ verification: "unverified", reason }]);
    expect(asked).toEqual([]);
    expect(learnerBadgeUris(server.db, userId())).toMatchObject({ held: [localBadge.uri], proven: [] });
    const page = textOf(await (await lena.get(res.headers.get("location")!)).text());
    expect(page).toContain("Imported, but it could not be verified");
    expect(page).toContain(`context ${contextUrl} is not known here`);
  });

  it("notes when the issuer is the badge's steward: an organisation here signs with its actor's key, fetched over HTTP", async () => {
    const ctx = serviceContextOf(server);
    const owner = makeUser(server.db);
    const riverside = createOrganisation(ctx, owner.id, { handle: "riverside", name: "Riverside Learning", kind: "school", description: "" });
    const badge = makePublishedBadge(server.db, { steward: riverside, content: { name: "Community Mapping" }, publicUrl: ctx.publicUrl });
    const unsigned = ob3Credential({ issuer: riverside.uri, issuerName: riverside.name, achievementId: badge.uri, email: EMAIL });
    const signed = server.db.transaction((tx) => ctx.federation.signAsActor(tx, riverside.uri, unsigned));
    const res = await lena.post("/learning", importForm({ file: { bytes: JSON.stringify({ ...signed, proof: [signed.proof] }), name: "c.json", type: "application/json" } }));
    expect(res.status).toBe(302);
    const [stored] = credentials();
    expect(stored.verification).toBe("verified");
    expect(stored.checks).toContainEqual({ check: "Issuer", outcome: "passed", detail: "The issuer is the badge's steward, Riverside Learning." });

    // Another issuer's credential for the same badge is verified too, with a note.
    const stranger = didKeyIssuer();
    const other = signJcs(ob3Credential({ issuer: stranger.did, achievementId: badge.uri, email: EMAIL }), stranger);
    await lena.post("/learning", importForm({ file: { bytes: JSON.stringify(other), name: "d.json", type: "application/json" } }));
    const note = credentials().find((c) => c.issuerUri === stranger.did)!;
    expect(note.verification).toBe("verified");
    expect(note.checks.find((c) => c.check === "Issuer")).toMatchObject({ outcome: "skipped", detail: expect.stringMatching(/not one of the badge's authors/) });
  });

  it("keeps a tampered credential as not verified, and never shows it as proof", async () => {
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, achievementId: localBadge.uri, email: EMAIL }), issuer);
    const tampered = { ...credential, validFrom: "2026-01-01T00:00:00Z" };
    const png = bakedPng(JSON.stringify(tampered));
    const res = await lena.post("/learning", importForm({ file: { bytes: png, name: "si101.png", type: "image/png" } }));
    expect(res.status).toBe(302);
    expect(credentials()).toMatchObject([{ verification: "unverified", encoding: "png", badgeUri: localBadge.uri }]);
    expect(credentials()[0].reason).toMatch(/does not verify/);
    expect(learnerBadgeUris(server.db, userId())).toMatchObject({ held: [localBadge.uri], proven: [] });
    const page = await (await lena.get(res.headers.get("location")!)).text();
    expect(page).toContain("Imported, but it could not be verified");
    expect(page).toContain("Not verified");
    expect(page).not.toContain("Verified credential");
    // A verified import later takes its place as the proof; the unverified one stays on record.
    const good = signJcs(ob3Credential({ issuer: issuer.did, achievementId: localBadge.uri, email: EMAIL }), issuer);
    await lena.post("/learning", importForm({ file: { bytes: JSON.stringify(good), name: "again.json", type: "application/json" } }));
    expect(credentials()).toHaveLength(2);
    expect(learnerBadgeUris(server.db, userId()).proven).toEqual([localBadge.uri]);
  });

  it("imports a hosted OB 2.0 assertion by URL for a badge this instance does not know, and shows it by its own name", async () => {
    const site = ob2Hosted(issuerSite.origin, EMAIL);
    for (const doc of [site.assertion, site.badgeClass, site.issuer]) served.set(new URL(doc.id).pathname, doc);
    const res = await lena.post("/learning", importForm({ url: site.assertion.id }));
    expect(res.status).toBe(302);
    expect(credentials()).toMatchObject([{ verification: "verified", format: "ob2", source: "url", sourceUrl: site.assertion.id, badgeUri: site.badgeClass.id, achievementName: "Social Innovation 101" }]);
    const page = await (await lena.get("/learning")).text();
    expect(page).toContain(`Not in this catalogue · from 127.0.0.1:${issuerSite.port}`);
    expect(page).toContain("issued by Harbour College");
  });

  it("refuses what it cannot read with the reason, keeps the address typed, and stores nothing", async () => {
    const notJson = await lena.post("/learning", importForm({ file: { bytes: "hello", name: "x.txt", type: "text/plain" } }));
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toContain("This is not an Open Badges credential");

    const missing = `${issuerSite.origin}/nothing-here`;
    const unreachable = await lena.post("/learning", importForm({ url: missing }));
    expect(unreachable.status).toBe(400);
    const html = await unreachable.text();
    expect(html).toContain("That address could not be read");
    expect(html).toContain(`value="${missing}"`);

    const tooLarge = await lena.post("/learning", importForm({ file: { bytes: "x".repeat(300 * 1024), name: "big.json", type: "application/json" } }));
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain("The file is larger than 256 KiB");

    const nothing = await lena.post("/learning", importForm({}));
    expect(nothing.status).toBe(400);
    expect(await nothing.text()).toContain("Choose a credential file or give its address.");

    const notHttp = await lena.post("/learning", importForm({ url: "file:///etc/passwd" }));
    expect(notHttp.status).toBe(400);
    expect(credentials()).toEqual([]);
    expect(rows()).toEqual([]);
  });

  it("removes a badge with the credentials imported for it", async () => {
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, achievementId: localBadge.uri, email: EMAIL }), issuer);
    await lena.post("/learning", importForm({ file: { bytes: JSON.stringify(credential), name: "c.json", type: "application/json" } }));
    expect(credentials()).toHaveLength(1);
    const res = await lena.post("/learning", { intent: "forget", badgeUri: localBadge.uri });
    expect(res.status).toBe(302);
    expect(rows()).toEqual([]);
    expect(credentials()).toEqual([]);
  });

  it("needs a signed-in user", async () => {
    const visitor = new HttpSession(server.url);
    const res = await visitor.get("/learning");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/signin?redirectTo=%2Flearning");
  });
});
