// Endorsements across two Badge Commons instances on loopback, each with its own database:
// an organisation on B endorses a badge stewarded on A; A (the steward's instance) accepts
// it automatically or by hand, and both instances show the same set; withdrawal takes it
// away on both. Then what a third party may not do: forge, take over or decide someone
// else's endorsement, or endorse what does not exist.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, endorsements, follows, inboxActivities, notifications, versions } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { decideEndorsement, endorseBadge, setAutoAcceptEndorsements, withdrawEndorsement } from "../../app/services/endorsements.server";
import { listBadgeEndorsements } from "../../app/services/endorsement-queries.server";
import { EXTENSION } from "../../app/services/open-badges.server";
import { signRequest } from "../../federation/http-signatures";
import { generateActorKeys, ed25519PrivateKey, rsaPrivateKey } from "../../federation/keys";
import { createProof } from "../../federation/proof";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { sendJson, startLoopbackServer, waitFor, type LoopbackServer } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { HttpSession, startTestServer, type TestServer, serviceContextOf } from "../support/server";
import { addMember } from "../support/factories";
import { endorsementCredentialErrors } from "../support/ob3";

const FAST = { retry: { scheduleMs: [100, 200, 400, 800, 1600], jitter: 0 } };

describe("endorsements between two instances", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let riverside: Team; // on A: steward of the badges
  let cityFarm: Team; // on A: endorses its neighbour's badge
  let changemakers: Team; // on B: follows Riverside, so B holds its badges
  let greenJobs: Team; // on B: an employer that endorses
  let toolLibrary: Team; // on B
  let seedSaving: { id: string; uri: string };

  const copyOnB = (uri: string) => b.db.select().from(badges).where(eq(badges.uri, uri)).get()!;
  const shownOn = (server: TestServer, badgeId: string) => listBadgeEndorsements(server.db, badgeId).map((e) => [e.endorser.name, e.statement]);
  const rowOn = (server: TestServer, uri: string) => server.db.select().from(endorsements).where(eq(endorsements.uri, uri)).get();
  const pageText = async (server: TestServer, badgeId: string) => (await fetch(`${server.url}/badges/${badgeId}`)).text();

  beforeAll(async () => {
    a = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    ctxA = serviceContextOf(a);
    ctxB = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    cityFarm = makeLocalTeam(ctxA, { handle: "cityfarm", name: "City Farm", kind: "community" });
    changemakers = makeLocalTeam(ctxB, { handle: "changemakers", name: "Changemakers Network" });
    greenJobs = makeLocalTeam(ctxB, { handle: "greenjobs", name: "Green Jobs Co", kind: "business" });
    toolLibrary = makeLocalTeam(ctxB, { handle: "tools", name: "Tool Library", kind: "nonprofit" });

    const badge = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name: "Seed Saving", approvalPolicy: "steward" });
    editDraft(ctxA, riverside.editor.id, badge.id, { summary: "Save seeds together.", criteria: "Save seeds from three plants and share them.", tags: ["gardening"] });
    approveAndPublish(ctxA, badge.id, [riverside]);
    seedSaving = { id: badge.id, uri: badge.uri };

    await b.federation.follow(changemakers.admin.id, changemakers.org.id, riverside.org.uri);
    await waitFor(() => b.db.select().from(follows).where(eq(follows.status, "accepted")).get(), 5000, "the Accept of B's follow");
    await b.federation.idle();
    await waitFor(() => b.db.select().from(badges).where(eq(badges.uri, seedSaving.uri)).get(), 5000, "the back-filled badge on B");
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("an endorsement from B reaches the steward on A, is accepted automatically, and shows on both", async () => {
    const copy = copyOnB(seedSaving.uri);
    const { endorsement } = endorseBadge(ctxB, greenJobs.admin.id, copy.id, {
      organisationId: greenJobs.org.id,
      statement: "We hire people who can save seeds.",
      versionNumber: 1,
    });
    // Until the steward's instance answers, B does not show it.
    expect(endorsement.status).toBe("pending");
    expect(shownOn(b, copy.id)).toEqual([]);

    const onA = await waitFor(() => rowOn(a, endorsement.uri), 5000, "the endorsement on A");
    expect(onA.status).toBe("accepted");
    expect(shownOn(a, seedSaving.id)).toEqual([["Green Jobs Co", "We hire people who can save seeds."]]);
    // A stores the credential as signed on B, and it is a valid OB 3.0 EndorsementCredential.
    expect(onA.credential).toEqual(endorsement.credential);
    expect(endorsementCredentialErrors(onA.credential)).toEqual([]);
    // The steward's admins are told.
    expect(a.db.select().from(notifications).where(eq(notifications.organisationId, riverside.org.id)).all().map((n) => n.kind)).toEqual(["endorsement_received"]);

    await waitFor(() => rowOn(b, endorsement.uri)?.status === "accepted", 5000, "A's Accept on B");
    expect(shownOn(b, copy.id)).toEqual([["Green Jobs Co", "We hire people who can save seeds."]]);
    expect(b.db.select().from(notifications).where(eq(notifications.organisationId, greenJobs.org.id)).all().map((n) => n.kind)).toEqual(["endorsement_accepted"]);
    for (const [server, id] of [[a, seedSaving.id], [b, copy.id]] as const) {
      const html = await pageText(server, id);
      expect(html).toContain("Green Jobs Co");
      expect(html).toContain("We hire people who can save seeds.");
    }
    // The badge's Achievement on A lists it.
    const achievement = (await (await fetch(`${seedSaving.uri}/achievement.json`)).json()) as { endorsement?: { id: string }[] };
    expect(achievement.endorsement?.map((e) => e.id)).toEqual([endorsement.uri]);
  });

  it("tells the steward's admins on their notifications page, until they mark it read", async () => {
    const session = new HttpSession(a.url);
    await session.signUp("steward@riverside.example", "Steward admin");
    const admin = a.db.query.users.findFirst({ where: (u, { eq: equals }) => equals(u.email, "steward@riverside.example") }).sync()!;
    addMember(a.db, riverside.org.id, admin.id, "admin");
    const page = await (await session.get("/notifications")).text();
    expect(page).toMatch(/Notifications <span class="count-pill">1<\/span>/);
    expect(page).toContain(`Green Jobs Co (localhost:${b.port})<!-- --> endorses`);
    expect(page).toContain("We hire people who can save seeds.");
    const read = await session.post("/notifications", {});
    expect(read.status).toBe(302);
    expect(await (await session.get("/notifications")).text()).toContain("Nothing unread.");
    expect(await (await session.get("/badges")).text()).not.toContain("count-pill");
  });

  it("serves the endorsement as a Note replying to the badge, readable by Mastodon, with the credential inside", async () => {
    const e = b.db.select().from(endorsements).where(eq(endorsements.endorserOrganisationId, greenJobs.org.id)).get()!;
    const res = await fetch(e.uri, { headers: { accept: "application/activity+json" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("vary")).toMatch(/accept/i);
    const note = (await res.json()) as Record<string, unknown>;
    expect(note).toMatchObject({ id: e.uri, type: "Note", attributedTo: greenJobs.org.uri, inReplyTo: seedSaving.uri });
    expect(note.content).toContain("We hire people who can save seeds.");
    expect(note.content).toContain("Seed Saving");
    expect(note.tag).toEqual([{ type: "Mention", href: riverside.org.uri, name: `@riverside@localhost:${a.port}` }]);
    expect((note.endorsementCredential as { id: string }).id).toBe(e.uri);
    // Everyone else still gets the credential itself.
    const vc = (await (await fetch(e.uri)).json()) as { type: string[] };
    expect(vc.type).toContain("EndorsementCredential");
  });

  it("a steward reviewing by hand: pending on both until declined, then gone; accepted later when renewed", async () => {
    setAutoAcceptEndorsements(ctxA, riverside.admin.id, seedSaving.id, { autoAccept: false });
    const copy = copyOnB(seedSaving.uri);
    const { endorsement } = endorseBadge(ctxB, toolLibrary.admin.id, copy.id, { organisationId: toolLibrary.org.id, statement: "We lend the tools for it.", versionNumber: 1 });
    const onA = await waitFor(() => rowOn(a, endorsement.uri), 5000, "the endorsement on A");
    expect(onA.status).toBe("pending");
    expect(shownOn(a, seedSaving.id).map(([name]) => name)).toEqual(["Green Jobs Co"]);

    decideEndorsement(ctxA, riverside.admin.id, onA.id, "decline");
    await waitFor(() => rowOn(b, endorsement.uri)?.status === "declined", 5000, "A's Reject on B");
    expect(shownOn(b, copy.id).map(([name]) => name)).toEqual(["Green Jobs Co"]);
    expect(b.db.select().from(notifications).where(eq(notifications.organisationId, toolLibrary.org.id)).all().map((n) => n.kind)).toEqual(["endorsement_declined"]);

    // A new endorsement (a new id: a declined one stays declined) waits for a decision again.
    const again = endorseBadge(ctxB, toolLibrary.admin.id, copy.id, { organisationId: toolLibrary.org.id, statement: "We lend the tools, and teach them.", versionNumber: 1 });
    expect(again.endorsement.uri).not.toBe(endorsement.uri);
    const pendingOnA = await waitFor(() => rowOn(a, again.endorsement.uri), 5000, "the second endorsement on A");
    expect(pendingOnA.status).toBe("pending");
    decideEndorsement(ctxA, riverside.admin.id, pendingOnA.id, "accept");
    await waitFor(() => rowOn(b, again.endorsement.uri)?.status === "accepted", 5000, "A's Accept on B");
    expect(shownOn(b, copy.id).map(([name]) => name).sort()).toEqual(["Green Jobs Co", "Tool Library"]);
    expect(shownOn(a, seedSaving.id).map(([name]) => name).sort()).toEqual(["Green Jobs Co", "Tool Library"]);
    setAutoAcceptEndorsements(ctxA, riverside.admin.id, seedSaving.id, { autoAccept: true });
  });

  it("an endorsement made on the steward's own instance reaches the instances holding the badge through the steward's Accept", async () => {
    const { endorsement } = endorseBadge(ctxA, cityFarm.admin.id, seedSaving.id, { organisationId: cityFarm.org.id, statement: "Our volunteers teach it.", versionNumber: 1 });
    expect(endorsement.status).toBe("accepted");
    const copy = copyOnB(seedSaving.uri);
    const onB = await waitFor(() => rowOn(b, endorsement.uri), 5000, "the endorsement on B");
    expect(onB.status).toBe("accepted");
    expect(shownOn(b, copy.id).map(([name]) => name)).toContain("City Farm");

    // Withdrawn on A: the Delete goes to the badge's audience too, so B drops it.
    withdrawEndorsement(ctxA, cityFarm.admin.id, endorsement.id);
    await waitFor(() => rowOn(b, endorsement.uri)?.status === "withdrawn", 5000, "the withdrawal on B");
    expect(shownOn(b, copy.id).map(([name]) => name)).not.toContain("City Farm");
  });

  it("renewing for a new version keeps the acceptance; withdrawing on B removes it on both", async () => {
    editDraft(ctxA, riverside.editor.id, seedSaving.id, { summary: "Save and swap seeds together." });
    approveAndPublish(ctxA, seedSaving.id, [riverside]);
    await waitFor(() => b.db.select().from(versions).where(eq(versions.uri, `${seedSaving.uri}/versions/2`)).get(), 5000, "version 2 on B");
    const copy = copyOnB(seedSaving.uri);

    const renewed = endorseBadge(ctxB, greenJobs.admin.id, copy.id, { organisationId: greenJobs.org.id, statement: "We hire people who can save seeds.", versionNumber: 2 });
    expect(renewed.outcome).toBe("renewed");
    const uri = renewed.endorsement.uri;
    await waitFor(() => {
      const row = rowOn(a, uri);
      return row && (row.credential as { credentialSubject: Record<string, unknown> }).credentialSubject[EXTENSION.versionId] === `${seedSaving.uri}/versions/2` ? row : null;
    }, 5000, "the renewal on A");
    expect(rowOn(a, uri)!.status).toBe("accepted");

    withdrawEndorsement(ctxB, greenJobs.admin.id, renewed.endorsement.id);
    expect(shownOn(b, copy.id).map(([name]) => name)).not.toContain("Green Jobs Co");
    await waitFor(() => rowOn(a, uri)?.status === "withdrawn", 5000, "the withdrawal on A");
    expect(shownOn(a, seedSaving.id).map(([name]) => name)).toEqual(["Tool Library"]);
    expect(await pageText(a, seedSaving.id)).not.toContain("We hire people who can save seeds.");
    expect(await pageText(b, copy.id)).not.toContain("We hire people who can save seeds.");
    // The endorsement's URL on B now answers 410 with a Tombstone.
    const gone = await fetch(uri, { headers: { accept: "application/activity+json" } });
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { type: string }).type).toBe("Tombstone");
    // Nothing either side received about endorsements was refused.
    for (const server of [a, b]) {
      expect(server.db.select().from(inboxActivities).where(eq(inboxActivities.status, "rejected")).all().map((r) => [r.type, r.reason])).toEqual([]);
    }
  });

  describe("against a third party that signs its own requests", () => {
    let peer: LoopbackServer;
    const mallory = { uri: "", keys: generateActorKeys("x") };
    const documents = new Map<string, unknown>();

    beforeAll(async () => {
      peer = await startLoopbackServer((req, res) => {
        const doc = documents.get(new URL(req.url, peer.origin).pathname);
        if (req.method === "GET" && doc) return sendJson(res, doc);
        if (req.method === "POST") return void res.writeHead(202).end();
        res.writeHead(404).end();
      });
      mallory.uri = `${peer.origin}/orgs/mallory`;
      mallory.keys = generateActorKeys(mallory.uri);
      documents.set("/orgs/mallory", {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", "https://w3id.org/security/data-integrity/v1"],
        id: mallory.uri,
        type: "Organization",
        preferredUsername: "mallory",
        name: "Mallory Ltd",
        inbox: `${mallory.uri}/inbox`,
        followers: `${mallory.uri}/followers`,
        publicKey: { id: `${mallory.uri}#main-key`, owner: mallory.uri, publicKeyPem: mallory.keys.rsaPublicKeyPem },
        assertionMethod: [{ id: `${mallory.uri}#ed25519-key`, type: "Multikey", controller: mallory.uri, publicKeyMultibase: mallory.keys.ed25519PublicKeyMultibase }],
      });
    });
    afterAll(async () => {
      await peer?.close();
    });

    async function deliver(activity: Record<string, unknown>) {
      const inbox = `${a.url}/orgs/riverside/inbox`;
      const body = JSON.stringify(activity);
      const headers = signRequest(
        { method: "POST", url: inbox, body, headers: { "content-type": "application/activity+json" } },
        { keyId: `${mallory.uri}#main-key`, privateKey: rsaPrivateKey(mallory.keys) },
      );
      delete headers.host;
      const res = await fetch(inbox, { method: "POST", headers, body });
      return { status: res.status, reason: await res.text() };
    }

    function credential(overrides: { id?: string; issuer?: string; badgeUri?: string; versionUri?: string; contentHash?: string; statement?: string } = {}) {
      const version = a.db.query.versions.findFirst({ where: (v, { eq: equals }) => equals(v.badgeId, seedSaving.id), orderBy: (v, { desc }) => desc(v.number) }).sync()!;
      const id = overrides.id ?? `${peer.origin}/endorsements/${randomUUID()}`;
      const unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        id,
        type: ["VerifiableCredential", "EndorsementCredential"],
        name: "Mallory endorses",
        issuer: { id: overrides.issuer ?? mallory.uri, type: ["Profile"], name: "Mallory Ltd" },
        validFrom: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        credentialSubject: {
          id: overrides.badgeUri ?? seedSaving.uri,
          type: ["EndorsementSubject"],
          endorsementComment: overrides.statement ?? "Mallory vouches.",
          [EXTENSION.versionId]: overrides.versionUri ?? version.uri,
          [EXTENSION.contentHash]: overrides.contentHash ?? version.contentHash,
        },
      };
      const signed = createProof(unsigned, { verificationMethod: `${mallory.uri}#ed25519-key`, privateKey: ed25519PrivateKey(mallory.keys) });
      return { ...signed, proof: [signed.proof] };
    }

    function create(vc: Record<string, unknown> & { id: string }, actor = mallory.uri) {
      return {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${actor}/activities/${randomUUID()}`,
        type: "Create",
        actor,
        object: { id: vc.id, type: "Note", attributedTo: actor, inReplyTo: seedSaving.uri, content: "<p>Mallory vouches.</p>", endorsementCredential: vc },
      };
    }

    it("takes an endorsement from software other than ours when it is signed, proven and names a real version", async () => {
      const vc = credential();
      expect(await deliver(create(vc))).toEqual({ status: 202, reason: "Endorsement received." });
      expect(rowOn(a, vc.id)?.status).toBe("accepted");
      // …and answers the endorser with an Accept carrying the endorsement.
      await waitFor(() => peer.requests.find((r) => r.method === "POST" && r.url.endsWith("/orgs/mallory/inbox")), 5000, "the Accept to Mallory");
      const accept = JSON.parse(peer.requests.find((r) => r.url.endsWith("/orgs/mallory/inbox"))!.body) as { type: string; object: { id: string } };
      expect(accept.type).toBe("Accept");
      expect(accept.object.id).toBe(vc.id);
    });

    it("refuses a forged issuer, tampered words, an unknown badge or version, and a wrong content hash", async () => {
      // Claiming to be Green Jobs (a credential with its id and issuer, signed by Mallory).
      const forged = credential({ id: `${new URL(greenJobs.org.uri).origin}/endorsements/${randomUUID()}`, issuer: greenJobs.org.uri });
      const asOther = await deliver({ ...create(forged), object: { ...create(forged).object, attributedTo: greenJobs.org.uri } });
      expect(asOther.status).toBe(401);
      expect(asOther.reason).toMatch(/signed by .*mallory, not by its issuer/);
      // Mallory's own credential wrapped as if Green Jobs wrote the Note.
      const mine = credential();
      const wrapped = await deliver({ ...create(mine), object: { ...create(mine).object, attributedTo: greenJobs.org.uri } });
      expect(wrapped.status).toBe(422);
      expect(wrapped.reason).toMatch(/issuer is not the endorsement's author/);
      // Words changed after signing: the proof no longer verifies.
      const vc = credential();
      const tampered = { ...vc, credentialSubject: { ...vc.credentialSubject, endorsementComment: "Mallory REALLY vouches." } };
      const t = await deliver(create(tampered));
      expect(t.status).toBe(401);
      expect(t.reason).toMatch(/does not verify/);
      // A badge or a version that does not exist here, or content that is not the version's.
      const unknownBadge = await deliver(create(credential({ badgeUri: `${new URL(seedSaving.uri).origin}/badges/${randomUUID()}` })));
      expect(unknownBadge.status).toBe(422);
      expect(unknownBadge.reason).toMatch(/no badge/);
      const unknownVersion = await deliver(create(credential({ versionUri: `${seedSaving.uri}/versions/99` })));
      expect(unknownVersion.status).toBe(422);
      const wrongHash = await deliver(create(credential({ contentHash: "0".repeat(64) })));
      expect(wrongHash.status).toBe(422);
      expect(wrongHash.reason).toMatch(/content hash/);
      // None of them was stored.
      expect(a.db.select().from(endorsements).all().filter((e) => e.statement.includes("REALLY"))).toEqual([]);
    });

    it("refuses withdrawing, updating or deciding someone else's endorsement", async () => {
      const onB = b.db.select().from(endorsements).where(and(eq(endorsements.endorserOrganisationId, toolLibrary.org.id), eq(endorsements.status, "accepted"))).get()!;
      const theirs = rowOn(a, onB.uri)!;
      expect(theirs).toBeTruthy();
      const del = await deliver({ "@context": "https://www.w3.org/ns/activitystreams", id: `${mallory.uri}/activities/${randomUUID()}`, type: "Delete", actor: mallory.uri, object: theirs.uri });
      expect(del.status).toBe(403);
      const accept = await deliver({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${mallory.uri}/activities/${randomUUID()}`,
        type: "Reject",
        actor: mallory.uri,
        object: theirs.uri,
      });
      expect(accept.status).toBe(403);
      expect(rowOn(a, theirs.uri)!.status).toBe("accepted");
    });
  });
});
