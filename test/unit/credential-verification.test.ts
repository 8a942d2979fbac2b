// The verifiers of imported credentials, on real signed credentials made here: OB 3.0 with
// eddsa-jcs-2022 proofs, with eddsa-rdfc-2022 and Ed25519Signature2020 proofs (signed by
// digitalbazaar's libraries, not by our code) and as VC-JWTs (did:key, did:web and https
// keys), OB 2.0 hosted (served by a loopback issuer) and signed (RS256). Each tampered,
// expired, revoked or misaddressed one must come out unverified, with the reason.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredentialNetwork } from "../../federation/credential-network";
import { createFetcher } from "../../federation/fetcher";
import { readCredential } from "../../app/services/credential-reading.server";
import { verifyOb2 } from "../../app/services/ob2-verification.server";
import { verifyOb3 } from "../../app/services/ob3-verification.server";
import { isValidationError } from "../../app/services/errors";
import { contextUrlsIn } from "../../federation/jsonld-contexts";
import { MAX_QUADS } from "../../federation/rdfc-proof";
import { base58btcEncode, ed25519RawFromMultikey } from "../../federation/multibase";
import { startLoopbackServer, type LoopbackServer } from "../support/loopback";
import { achievementErrors } from "../support/ob3";
import {
  bakedPng,
  bakedSvg,
  didKeyIssuer,
  ed25519Key,
  ob2Hosted,
  ob2Signed,
  ob3Credential,
  signJcs,
  signJws,
  tamperJws,
  type Json,
} from "../support/credentials";
import { OB_CONTEXT_3_0_3, proofAsArray, rdfcIssuer, with2020Context } from "../support/rdfc-credentials";

const EMAIL = "learner@example.org";
const learner = { email: EMAIL };
const NOW = new Date("2026-06-01T12:00:00Z");
const fetcher = createFetcher({ allowPrivateAddresses: true, userAgent: "BadgeCommons-test" });
const network = createCredentialNetwork({ fetcher, allowPlainHttp: true });

// What the loopback issuer serves, by path: a document, or a bare status; and every path asked for.
const served = new Map<string, Json | number>();
const requested: string[] = [];
let site: LoopbackServer;
const send = (res: ServerResponse, path: string) => {
  requested.push(path);
  const entry = served.get(path);
  if (entry === undefined || typeof entry === "number") return res.writeHead(typeof entry === "number" ? entry : 404).end();
  res.writeHead(200, { "content-type": "application/ld+json" }).end(JSON.stringify(entry));
};
const serve = (documents: Record<string, Json | number>) => {
  served.clear();
  for (const [url, doc] of Object.entries(documents)) served.set(new URL(url).pathname, doc);
};

beforeAll(async () => {
  site = await startLoopbackServer((req, res) => void send(res, new URL(req.url, "http://x").pathname));
});
afterAll(async () => {
  fetcher.close();
  await site.close();
});

const failed = (verdict: { checks: { checks: { check: string; outcome: string; detail: string }[] } }) =>
  verdict.checks.checks.filter((c) => c.outcome === "failed").map((c) => `${c.check}: ${c.detail}`);

describe("Open Badges 3.0, Data Integrity (eddsa-jcs-2022)", () => {
  it("verifies a credential signed with a did:key of its issuer and addressed to the learner", async () => {
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/badges/si101", email: EMAIL }), issuer);
    // The fixture is what the official schema describes, proof and all.
    expect(achievementErrors((credential.credentialSubject as Json).achievement)).toEqual([]);
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict.checks.verified).toBe(true);
    expect(verdict.badgeUri).toBe("https://badges.example/badges/si101");
    expect(verdict.issuerUri).toBe(issuer.did);
    expect(verdict.checks.checks.map((c) => c.check)).toEqual(["Open Badges 3.0 schema", "Issuer's signature", "Validity period", "Recipient"]);
  });

  it("refuses a credential changed after signing", async () => {
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/badges/si101", email: EMAIL }), issuer);
    const subject = credential.credentialSubject as Json;
    const tampered = { ...credential, credentialSubject: { ...subject, achievement: { ...(subject.achievement as Json), id: "https://badges.example/badges/other" } } };
    const verdict = await verifyOb3(network, { document: tampered }, learner, NOW);
    expect(verdict.checks.verified).toBe(false);
    expect(verdict.checks.reason).toMatch(/does not verify/);
  });

  it("refuses a proof made with someone else's key, and a credential with no proof", async () => {
    const issuer = didKeyIssuer();
    const impostor = didKeyIssuer();
    const claimed = signJcs(ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/b", email: EMAIL }), impostor);
    const verdict = await verifyOb3(network, { document: claimed }, learner, NOW);
    expect(verdict.checks.reason).toBe(`The proof was made with a key of ${impostor.did}, not of the issuer ${issuer.did}.`);

    const unsigned = await verifyOb3(network, { document: ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/b", email: EMAIL }) }, learner, NOW);
    expect(unsigned.checks.reason).toMatch(/carries no proof/);
  });

  it("refuses an expired, a not yet valid and a misaddressed credential", async () => {
    const issuer = didKeyIssuer();
    const sign = (o: Partial<Parameters<typeof ob3Credential>[0]>) =>
      signJcs(ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/b", email: EMAIL, ...o }), issuer);
    const expired = await verifyOb3(network, { document: sign({ validUntil: "2026-03-01T00:00:00Z" }) }, learner, NOW);
    expect(expired.checks.reason).toBe("The credential expired on 2026-03-01T00:00:00.000Z.");
    const early = await verifyOb3(network, { document: sign({ validFrom: "2027-01-01T00:00:00Z" }) }, learner, NOW);
    expect(early.checks.reason).toMatch(/valid only from 2027-01-01/);
    const other = await verifyOb3(network, { document: sign({ email: "someone.else@example.org" }) }, learner, NOW);
    expect(other.checks.reason).toMatch(/another e-mail address/);
    const byDid = await verifyOb3(network, { document: sign({ email: null, subjectId: "did:example:holder" }) }, learner, NOW);
    expect(byDid.checks.reason).toMatch(/as did:example:holder, which this instance cannot tie/);
    // The signature itself was fine each time: only the named check failed.
    for (const v of [expired, early, other, byDid]) expect(failed(v)).toHaveLength(1);
  });

  it("finds a did:web issuer's key in its DID document", async () => {
    const did = `did:web:127.0.0.1%3A${site.port}:issuers:harbour`;
    const key = ed25519Key(did, `${did}#key-1`);
    serve({
      [`${site.origin}/issuers/harbour/did.json`]: {
        "@context": ["https://www.w3.org/ns/did/v1"],
        id: did,
        verificationMethod: [{ id: "#key-1", type: "Multikey", controller: did, publicKeyMultibase: key.multikey }],
        assertionMethod: ["#key-1"],
      },
    });
    const credential = signJcs(ob3Credential({ issuer: did, achievementId: "https://badges.example/b", email: EMAIL }), key);
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(failed(verdict)).toEqual([]);

    // A key the DID document lists, but not for assertions, does not count.
    serve({
      [`${site.origin}/issuers/harbour/did.json`]: {
        id: did,
        verificationMethod: [{ id: "#key-1", type: "Multikey", controller: did, publicKeyMultibase: key.multikey }],
        authentication: ["#key-1"],
      },
    });
    const notForAssertions = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(notForAssertions.checks.reason).toMatch(/does not list the key .* for making assertions/);
  });

  it("reads an Ed25519VerificationKey2018 key published as publicKeyBase58, and refuses that encoding for other key types", async () => {
    const did = `did:web:127.0.0.1%3A${site.port}:issuers:harbour-2018`;
    const key = ed25519Key(did, `${did}#key-1`);
    const base58 = base58btcEncode(ed25519RawFromMultikey(key.multikey));
    const didDocument = (type: string) => ({
      "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2018/v1"],
      id: did,
      verificationMethod: [{ id: `${did}#key-1`, type, controller: did, publicKeyBase58: base58 }],
      assertionMethod: [`${did}#key-1`],
    });
    const credential = signJcs(ob3Credential({ issuer: did, achievementId: "https://badges.example/b", email: EMAIL }), key);
    serve({ [`${site.origin}/issuers/harbour-2018/did.json`]: didDocument("Ed25519VerificationKey2018") });
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict.checks.verified).toBe(true);

    // The same key, changed by one character, no longer verifies the proof.
    const other = base58btcEncode(ed25519RawFromMultikey(ed25519Key(did, `${did}#key-1`).multikey));
    serve({ [`${site.origin}/issuers/harbour-2018/did.json`]: { ...didDocument("Ed25519VerificationKey2018"), verificationMethod: [{ id: `${did}#key-1`, type: "Ed25519VerificationKey2018", controller: did, publicKeyBase58: other }] } });
    expect((await verifyOb3(network, { document: credential }, learner, NOW)).checks.verified).toBe(false);

    // base58 of another curve's key is not taken for Ed25519.
    serve({ [`${site.origin}/issuers/harbour-2018/did.json`]: didDocument("X25519KeyAgreementKey2019") });
    const refused = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(refused.checks.verified).toBe(false);
    expect(failed(refused).join("\n")).toMatch(/publicKeyBase58 is read only for Ed25519VerificationKey2018 or 2020/);
  });

  it("says which cryptosuites it does not verify instead of passing them", async () => {
    const issuer = didKeyIssuer();
    const credential = signJcs(ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/b", email: EMAIL }), issuer);
    const proof = (credential.proof as Json[])[0];
    const verdict = await verifyOb3(network, { document: { ...credential, proof: [{ ...proof, cryptosuite: "ecdsa-rdfc-2019" }] } }, learner, NOW);
    expect(verdict.checks.reason).toMatch(/cryptosuite ecdsa-rdfc-2019 is not one this instance verifies/);
  });

  it("refuses what is not an Open Badges 3.0 credential, before any check", async () => {
    const error = await verifyOb3(network, { document: { type: ["VerifiableCredential"], issuer: "did:example:x", credentialSubject: {} } }, learner, NOW).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/not an Open Badges 3.0 credential we can read/);
  });
});

describe("Open Badges 3.0, RDF-canonicalised proofs (eddsa-rdfc-2022, Ed25519Signature2020)", () => {
  const achievementId = "https://badges.example/badges/si101";
  const signature = (verdict: Awaited<ReturnType<typeof verifyOb3>>) => verdict.checks.checks.find((c) => c.check === "Issuer's signature");

  it("verifies an eddsa-rdfc-2022 credential that digitalbazaar's cryptosuite signed with a did:key of its issuer", async () => {
    const issuer = await rdfcIssuer();
    const credential = proofAsArray(await issuer.sign2022(ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL })));
    expect((credential.proof as Json[])[0]).toMatchObject({ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022" });
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict.checks.verified).toBe(true);
    expect(signature(verdict)?.detail).toBe(`Data Integrity proof (eddsa-rdfc-2022) verified with ${issuer.verificationMethod}, a key of the issuer.`);
  });

  it("verifies a credential whose single proof is an object, not a list (the VC data model allows both)", async () => {
    const issuer = await rdfcIssuer();
    const credential = await issuer.sign2022(ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL }));
    expect(Array.isArray(credential.proof)).toBe(false);
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict.checks.verified).toBe(true);
  });

  it("verifies an Ed25519Signature2020 credential, the suite context named beside VC 2.0 and OB 3.0.3", async () => {
    const issuer = await rdfcIssuer();
    const credential = proofAsArray(await issuer.sign2020(with2020Context(ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL }))));
    expect((credential.proof as Json[])[0]).toMatchObject({ type: "Ed25519Signature2020", proofPurpose: "assertionMethod" });
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(signature(verdict)?.detail).toBe(`Linked Data proof (Ed25519Signature2020) verified with ${issuer.verificationMethod}, a key of the issuer.`);
  });

  it("refuses either suite changed after signing: in the credential, in the proof's options, or with a property its contexts do not define", async () => {
    const issuer = await rdfcIssuer();
    const unsigned = ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL });
    for (const credential of [proofAsArray(await issuer.sign2022(unsigned)), proofAsArray(await issuer.sign2020(with2020Context(unsigned)))]) {
      const subject = credential.credentialSubject as Json;
      const proof = (credential.proof as Json[])[0];
      const otherBadge = { ...credential, credentialSubject: { ...subject, achievement: { ...(subject.achievement as Json), id: "https://badges.example/badges/other" } } };
      const laterDate = { ...credential, validFrom: "2026-01-01T00:00:00Z" };
      const otherCreated = { ...credential, proof: [{ ...proof, created: "2026-01-11T09:00:00Z" }] };
      for (const tampered of [otherBadge, laterDate, otherCreated]) {
        const verdict = await verifyOb3(network, { document: tampered }, learner, NOW);
        expect(verdict.checks.verified).toBe(false);
        expect(signature(verdict)).toEqual({ check: "Issuer's signature", outcome: "failed", detail: `The proof does not verify with ${issuer.verificationMethod}.` });
      }
      // A term no context defines would be dropped from what the signature covers; safe mode refuses it instead.
      const added = await verifyOb3(network, { document: { ...credential, favouriteColour: "green" } }, learner, NOW);
      expect(signature(added)?.outcome).toBe("failed");
      expect(signature(added)?.detail).toMatch(/cannot be read as JSON-LD with its contexts .*so what its proof covers cannot be computed/);
    }
  });

  it("refuses a proof made with someone else's key", async () => {
    const issuer = await rdfcIssuer();
    const impostor = await rdfcIssuer();
    const claimed = proofAsArray(await impostor.sign2022(ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL })));
    const verdict = await verifyOb3(network, { document: claimed }, learner, NOW);
    expect(verdict.checks.reason).toBe(`The proof was made with a key of ${impostor.did}, not of the issuer ${issuer.did}.`);
  });

  it("finds the key as for eddsa-jcs-2022: in a did:web DID document, or an https issuer profile, listed for assertions", async () => {
    const did = `did:web:127.0.0.1%3A${site.port}:issuers:rdfc`;
    const webIssuer = await rdfcIssuer({ controller: did, verificationMethod: `${did}#key-1` });
    const didDocument = (listedFor: string) => ({
      "@context": ["https://www.w3.org/ns/did/v1"],
      id: did,
      verificationMethod: [webIssuer.verificationMethodObject],
      [listedFor]: [`${did}#key-1`],
    });
    const byDidWeb = proofAsArray(await webIssuer.sign2022(ob3Credential({ issuer: did, achievementId, email: EMAIL })));
    serve({ [`${site.origin}/issuers/rdfc/did.json`]: didDocument("assertionMethod") });
    expect(failed(await verifyOb3(network, { document: byDidWeb }, learner, NOW))).toEqual([]);
    serve({ [`${site.origin}/issuers/rdfc/did.json`]: didDocument("authentication") });
    expect((await verifyOb3(network, { document: byDidWeb }, learner, NOW)).checks.reason).toMatch(/does not list the key .* for making assertions/);

    const profile = `${site.origin}/issuers/harbour-2020`;
    const httpsIssuer = await rdfcIssuer({ controller: profile, verificationMethod: `${profile}#key-2020` });
    serve({
      [profile]: { "@context": ["https://www.w3.org/ns/credentials/v2"], id: profile, type: ["Profile"], name: "Harbour College", verificationMethod: [httpsIssuer.verificationMethodObject], assertionMethod: [`${profile}#key-2020`] },
    });
    const byProfile = proofAsArray(await httpsIssuer.sign2020(with2020Context(ob3Credential({ issuer: profile, achievementId, email: EMAIL }))));
    const verdict = await verifyOb3(network, { document: byProfile }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(signature(verdict)?.detail).toMatch(/Linked Data proof \(Ed25519Signature2020\) verified with http:\/\/127\.0\.0\.1:\d+\/issuers\/harbour-2020#key-2020/);
  });

  it("keeps the other checks: an expired credential, or one addressed to someone else, is unverified for that", async () => {
    const issuer = await rdfcIssuer();
    const expired = proofAsArray(await issuer.sign2020(with2020Context(ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL, validUntil: "2026-03-01T00:00:00Z" }))));
    const expiredVerdict = await verifyOb3(network, { document: expired }, learner, NOW);
    expect(failed(expiredVerdict)).toEqual(["Validity period: The credential expired on 2026-03-01T00:00:00.000Z."]);
    const other = proofAsArray(await issuer.sign2022(ob3Credential({ issuer: issuer.did, achievementId, email: "someone.else@example.org" })));
    expect(failed(await verifyOb3(network, { document: other }, learner, NOW))).toEqual([
      "Recipient: The credential is addressed to another e-mail address than your account's.",
    ]);
  });

  it("never fetches a context: one it does not know makes the credential unverified, with the reason, and no request", async () => {
    const issuer = await rdfcIssuer();
    // Genuinely signed over the extra context, which the issuer's loopback site also serves.
    const extraUrl = `${site.origin}/contexts/extra.json`;
    const extra = { "@context": { favouriteColour: "https://example.org/vocab#favouriteColour" } };
    serve({ [extraUrl]: extra });
    requested.length = 0;
    const unsigned: Json = { ...ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL }), favouriteColour: "green" };
    unsigned["@context"] = [...(unsigned["@context"] as string[]), extraUrl];
    const credential = proofAsArray(await issuer.sign2022(unsigned, { contexts: { [extraUrl]: extra } }));
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(verdict.checks.verified).toBe(false);
    expect(signature(verdict)?.detail).toBe(`The JSON-LD context ${extraUrl} is not known here; contexts are never fetched, so this proof cannot be checked.`);
    expect(requested).toEqual([]);

    // An earlier OB 3.0 context URL is not taken for 3.0.3, whose content differs.
    const older = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
    const olderCredential = { ...ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL }), "@context": ["https://www.w3.org/ns/credentials/v2", older] };
    const signedOlder = proofAsArray(await issuer.sign2022(olderCredential, { contexts: { [older]: JSON.parse(readFileSync("test/fixtures/ob3/context-3.0.3.json", "utf8")) } }));
    expect(signature(await verifyOb3(network, { document: signedOlder }, learner, NOW))?.detail).toMatch(/context https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context-3\.0\.2\.json is not known here/);
  });

  it("finds every context a document names, inline ones and their @import included", () => {
    const document = {
      "@context": ["https://www.w3.org/ns/credentials/v2", { "@import": "https://a.example/ctx", term: { "@id": "https://a.example/t", "@context": "https://b.example/ctx" } }],
      credentialSubject: { "@context": "https://c.example/ctx", achievement: { "@context": [null, "https://www.w3.org/ns/credentials/v2"] } },
    };
    expect(contextUrlsIn(document)).toEqual(["https://www.w3.org/ns/credentials/v2", "https://a.example/ctx", "https://b.example/ctx", "https://c.example/ctx"]);
  });

  it("keeps the official OB 3.0.3 context byte for byte", () => {
    expect(readFileSync("federation/contexts/ob-v3p0-context-3.0.3.json", "utf8")).toBe(readFileSync("test/fixtures/ob3/context-3.0.3.json", "utf8"));
    expect(OB_CONTEXT_3_0_3).toBe("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json");
  });

  it("refuses, quickly and with the reason, a credential whose blank nodes would make canonicalisation expensive", async () => {
    const issuer = await rdfcIssuer();
    // Two identical rings of blank nodes: every node looks alike, so RDFC-1.0 has to run its
    // deep (N-degree) hashing on each. Signed with the work bound lifted, so the signature is genuine.
    const ring = (p: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `_:${p}${i}`, type: ["Profile"], parentOrg: `_:${p}${(i + 1) % n}` }));
    const unsigned = { ...ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL }), endorsement: [...ring("a", 8), ...ring("b", 8)] };
    const credential = proofAsArray(await issuer.sign2020(with2020Context(unsigned), { canonizeOptions: { maxWorkFactor: Infinity } }));
    const started = Date.now();
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(signature(verdict)).toEqual({
      check: "Issuer's signature",
      outcome: "failed",
      detail: "The credential's blank nodes are too tangled to canonicalise within this instance's limits; it was refused rather than checked.",
    });
  });

  it("refuses a credential with more statements than it canonicalises", async () => {
    const issuer = await rdfcIssuer();
    const unsigned = ob3Credential({ issuer: issuer.did, achievementId, email: EMAIL });
    const subject = unsigned.credentialSubject as Json;
    const tags = Array.from({ length: MAX_QUADS }, (_, i) => `t${i}`);
    const large = { ...unsigned, credentialSubject: { ...subject, achievement: { ...(subject.achievement as Json), tag: tags } } };
    expect(JSON.stringify(large).length).toBeLessThan(256 * 1024);
    // Signed properly over every tag; the size cap of an import would let it through.
    const credential = proofAsArray(await issuer.sign2022(large));
    const verdict = await verifyOb3(network, { document: credential }, learner, NOW);
    expect(signature(verdict)?.detail).toMatch(new RegExp(`too large to canonicalise here \\(\\d+ statements; at most ${MAX_QUADS}\\)`));
  });
});

describe("Open Badges 3.0, VC-JWT", () => {
  it("verifies a JWT signed with a did:key (EdDSA) and refuses it tampered", async () => {
    const issuer = didKeyIssuer();
    const credential = ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/b", email: EMAIL });
    const token = signJws(credential, issuer.privateKey, { kid: issuer.verificationMethod, typ: "vc+jwt" });
    const jwt = (t: string) => {
      const read = readCredential(Buffer.from(t));
      if (read.kind !== "jws") throw new Error("not read as a JWS");
      return { token: t, header: read.header, payload: read.payload };
    };
    const verdict = await verifyOb3(network, { jwt: jwt(token) }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict.checks.checks.find((c) => c.check === "Issuer's signature")?.detail).toMatch(/EdDSA, VC-JWT/);

    const lapsed = signJws({ ...credential, exp: Math.floor(Date.parse("2026-05-01T00:00:00Z") / 1000) }, issuer.privateKey, { kid: issuer.verificationMethod });
    expect((await verifyOb3(network, { jwt: jwt(lapsed) }, learner, NOW)).checks.reason).toBe("The credential expired on 2026-05-01T00:00:00.000Z.");

    const tampered = tamperJws(token, (p) => void ((p.credentialSubject as Json).achievement = { id: "https://badges.example/other", type: ["Achievement"], name: "x", description: "x", criteria: { narrative: "x" } }));
    const refused = await verifyOb3(network, { jwt: jwt(tampered) }, learner, NOW);
    expect(refused.checks.reason).toBe("The signature does not verify with the issuer's key.");
  });

  it("verifies an RS256 JWT whose key the issuer's https profile lists as a JsonWebKey; an inline key is not enough", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const issuerId = `${site.origin}/issuers/harbour`;
    serve({
      [issuerId]: {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        id: issuerId,
        type: ["Profile"],
        name: "Harbour College",
        verificationMethod: [{ id: `${issuerId}#rsa`, type: "JsonWebKey", controller: issuerId, publicKeyJwk: publicKey.export({ format: "jwk" }) }],
        assertionMethod: [`${issuerId}#rsa`],
      },
    });
    const credential = ob3Credential({ issuer: issuerId, achievementId: "https://badges.example/b", email: EMAIL });
    const token = signJws(credential, privateKey, { kid: `${issuerId}#rsa` });
    const read = readCredential(Buffer.from(token));
    if (read.kind !== "jws") throw new Error("not read as a JWS");
    const verdict = await verifyOb3(network, { jwt: { token, header: read.header, payload: read.payload } }, learner, NOW);
    expect(failed(verdict)).toEqual([]);

    const inline = signJws(credential, privateKey, { jwk: publicKey.export({ format: "jwk" }) });
    const inlineRead = readCredential(Buffer.from(inline));
    if (inlineRead.kind !== "jws") throw new Error("not read as a JWS");
    const refused = await verifyOb3(network, { jwt: { token: inline, header: inlineRead.header, payload: inlineRead.payload } }, learner, NOW);
    expect(refused.checks.reason).toMatch(/carries its key in the token itself/);
  });
});

describe("Open Badges 2.0, hosted", () => {
  const hosted = (overrides: Parameters<typeof ob2Hosted>[2] = {}) => {
    const s = ob2Hosted(site.origin, EMAIL, overrides);
    serve({ [String(s.assertion.id)]: s.assertion, [s.badgeClass.id]: s.badgeClass, [String(s.issuer.id)]: s.issuer });
    return s;
  };

  it("verifies an assertion its issuer still hosts, with the BadgeClass and Issuer", async () => {
    const s = hosted();
    const verdict = await verifyOb2(network, { document: s.assertion }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict).toMatchObject({ badgeUri: s.badgeClass.id, achievementName: "Social Innovation 101", issuerName: "Harbour College", credentialUri: s.assertion.id });
    expect(verdict.checks.checks.map((c) => c.check)).toEqual(["Hosted by its issuer", "Badge and issuer", "Issuer's origin", "Not revoked", "Validity period", "Recipient"]);
  });

  it("refuses one whose imported copy differs from what the issuer hosts", async () => {
    const s = hosted();
    const forged = { ...s.assertion, recipient: { type: "email", hashed: false, identity: EMAIL } };
    const verdict = await verifyOb2(network, { document: forged }, learner, NOW);
    expect(verdict.checks.reason).toBe("The assertion its issuer hosts names another recipient or badge than the one imported.");
  });

  it("refuses a revoked assertion: marked revoked, or gone (410)", async () => {
    const s = hosted();
    served.set(new URL(s.assertion.id as string).pathname, { ...s.assertion, revoked: true, revocationReason: "Awarded by mistake" });
    const marked = await verifyOb2(network, { document: s.assertion }, learner, NOW);
    expect(marked.checks.reason).toBe("The issuer revoked this assertion: Awarded by mistake");
    served.set(new URL(s.assertion.id as string).pathname, 410);
    const gone = await verifyOb2(network, { document: s.assertion }, learner, NOW);
    expect(gone.checks.reason).toMatch(/gone \(410\): it was revoked/);
  });

  it("refuses an assertion hosted away from its issuer's origin unless the issuer allows it", async () => {
    const elsewhere = "http://localhost:" + site.port;
    const s = hosted({ issuer: { id: `${elsewhere}/issuer` } });
    served.set("/badges/si101", { ...s.badgeClass, issuer: `${elsewhere}/issuer` });
    served.set("/issuer", { ...s.issuer, id: `${elsewhere}/issuer` });
    const verdict = await verifyOb2(network, { document: s.assertion }, learner, NOW);
    expect(verdict.checks.reason).toMatch(/hosted on 127\.0\.0\.1:\d+, which is not its issuer's origin/);
    served.set("/issuer", { ...s.issuer, id: `${elsewhere}/issuer`, verification: { allowedOrigins: [`127.0.0.1:${site.port}`] } });
    expect(failed(await verifyOb2(network, { document: s.assertion }, learner, NOW))).toEqual([]);
  });

  it("refuses an expired assertion and one for another e-mail address", async () => {
    const expired = hosted({ assertion: { expires: "2026-02-01T00:00:00Z" } });
    expect((await verifyOb2(network, { document: expired.assertion }, learner, NOW)).checks.reason).toBe("The assertion expired on 2026-02-01T00:00:00.000Z.");
    const s = hosted();
    expect((await verifyOb2(network, { document: s.assertion }, { email: "other@example.org" }, NOW)).checks.reason).toMatch(/another e-mail address/);
  });
});

describe("Open Badges 2.0, signed", () => {
  const signedSite = (overrides: Parameters<typeof ob2Signed>[2] = {}) => {
    const s = ob2Signed(site.origin, EMAIL, overrides);
    serve({ [s.key.id]: s.key, [s.badgeClass.id]: s.badgeClass, [String(s.issuer.id)]: s.issuer });
    return s;
  };
  const jws = (token: string) => {
    const read = readCredential(Buffer.from(token));
    if (read.kind !== "jws" || read.format !== "ob2") throw new Error("not read as an OB 2.0 JWS");
    return { token, header: read.header, payload: read.payload };
  };

  it("verifies an RS256 signed assertion whose key the issuer lists", async () => {
    const s = signedSite();
    const verdict = await verifyOb2(network, { jws: jws(s.token) }, learner, NOW);
    expect(failed(verdict)).toEqual([]);
    expect(verdict.checks.checks.map((c) => c.check)).toEqual(["Issuer's signature", "Badge and issuer", "Issuer's key", "Not revoked", "Validity period", "Recipient"]);
  });

  it("refuses a tampered one, one whose key the issuer does not list, and a revoked one", async () => {
    const s = signedSite();
    const tampered = tamperJws(s.token, (p) => void (p.badge = `${site.origin}/badges/other`));
    expect((await verifyOb2(network, { jws: jws(tampered) }, learner, NOW)).checks.reason).toBe("The signature does not verify with the issuer's key.");

    served.set("/issuer", { ...s.issuer, publicKey: `${site.origin}/keys/2` });
    expect((await verifyOb2(network, { jws: jws(s.token) }, learner, NOW)).checks.reason).toBe(`The issuer does not list ${s.key.id} as its key.`);

    served.set("/issuer", { ...s.issuer, revocationList: `${site.origin}/revocations` });
    served.set("/revocations", { type: "RevocationList", id: `${site.origin}/revocations`, revokedAssertions: [{ id: s.assertion.id, revocationReason: "Withdrawn by the issuer" }] });
    expect((await verifyOb2(network, { jws: jws(s.token) }, learner, NOW)).checks.reason).toBe("The issuer revoked this assertion: Withdrawn by the issuer");
  });

  it("will not take a signed assertion's JSON without its signature", async () => {
    const s = signedSite();
    const verdict = await verifyOb2(network, { document: s.assertion }, learner, NOW);
    expect(verdict.checks.reason).toMatch(/import its signed form/);
  });
});

describe("reading baked badge images", () => {
  it("finds an OB 3.0 credential in a PNG iTXt chunk (plain and compressed) and in an SVG", () => {
    const issuer = didKeyIssuer();
    const text = JSON.stringify(signJcs(ob3Credential({ issuer: issuer.did, achievementId: "https://badges.example/b", email: EMAIL }), issuer));
    for (const bytes of [bakedPng(text), bakedPng(text, "openbadgecredential", true), Buffer.from(bakedSvg(text))]) {
      const read = readCredential(bytes);
      expect(read).toMatchObject({ kind: "json", format: "ob3" });
      expect(read.text).toBe(text);
    }
  });

  it("finds an OB 2.0 hosted assertion's address in an SVG's verify attribute, and a signed one in a PNG", () => {
    expect(readCredential(Buffer.from(bakedSvg("", "assertion", "https://harbour.example/assertions/42")))).toMatchObject({ kind: "url", url: "https://harbour.example/assertions/42", encoding: "svg" });
    const s = ob2Signed("https://harbour.example", EMAIL);
    expect(readCredential(bakedPng(s.token, "openbadges"))).toMatchObject({ kind: "jws", format: "ob2", encoding: "png" });
  });

  it("says plainly what it cannot read", () => {
    const reasons = [bakedPng("", "tEXt-other"), Buffer.from("<svg></svg>"), Buffer.from("hello"), Buffer.from("{not json"), Buffer.from('{"a":1}')].map((b) => {
      try {
        readCredential(b);
        return "read";
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(reasons[0]).toBe("This PNG has no Open Badges credential baked in.");
    expect(reasons[1]).toBe("This SVG has no Open Badges credential baked in.");
    expect(reasons[2]).toMatch(/^This is not an Open Badges credential/);
    expect(reasons[3]).toBe("The credential is not valid JSON.");
    expect(reasons[4]).toMatch(/^This is not an Open Badges credential/);
  });
});
