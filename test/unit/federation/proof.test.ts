import { createPrivateKey, generateKeyPairSync, webcrypto, type KeyObject } from "node:crypto";
import { signObject, verifyObject } from "@fedify/fedify/sig";
import { Create, Delete, Note } from "@fedify/fedify/vocab";
import { getDocumentLoader } from "@fedify/fedify/runtime";
import { describe, expect, it } from "vitest";
import { deleteActivity } from "../../../federation/activities";
import { toBadgeTombstone } from "../../../federation/badge-object";
import { createProof, verifyProof, type JsonObject, type MultikeyOwner, type ResolveMultikey } from "../../../federation/proof";
import { ed25519PublicKeyFromMultikey } from "../../../federation/keys";
import { base58btcDecode, ed25519MultikeyFromRaw } from "../../../federation/multibase";
import {
  EDDSA_JCS_2022_PRIVATE_MULTIKEY,
  EDDSA_JCS_2022_PUBLIC_MULTIKEY,
  EDDSA_JCS_2022_SIGNED,
} from "../../support/signature-vectors";

const ACTOR = "https://peer.example/orgs/makers";
const KEY_ID = `${ACTOR}#ed25519-key`;
const ed = generateKeyPairSync("ed25519");

/** An Ed25519 private key from a `z…` Multikey secret (multicodec 0x8026 + 32-byte seed). */
function privateKeyFromMultikey(multibase: string): KeyObject {
  const bytes = base58btcDecode(multibase.slice(1));
  if (bytes[0] !== 0x80 || bytes[1] !== 0x26) throw new Error("not an Ed25519 secret Multikey");
  const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, bytes.subarray(2)]), format: "der", type: "pkcs8" });
}

function keysFor(entries: Record<string, MultikeyOwner>, refreshed = entries): ResolveMultikey & { calls: boolean[] } {
  const calls: boolean[] = [];
  const resolve = async (id: string, opts?: { refresh: boolean }) => {
    calls.push(opts?.refresh ?? false);
    return (opts?.refresh ? refreshed : entries)[id] ?? null;
  };
  return Object.assign(resolve, { calls });
}

const ownKeys = () => keysFor({ [KEY_ID]: { controller: ACTOR, publicKey: ed.publicKey } });

function badgeActivity() {
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1", { bc: "https://badgecommons.org/ns#" }],
    id: `${ACTOR}/activities/1`,
    type: "Create",
    actor: ACTOR,
    object: {
      id: "https://peer.example/badges/b1/versions/1",
      type: "Note",
      attributedTo: [ACTOR],
      name: "Community Gardener",
      content: "<p>Kept a garden for a season — “with care”.</p>",
      "bc:version": 1,
    },
  };
}

describe("eddsa-jcs-2022 against the W3C vc-di-eddsa test vector", () => {
  const publicKey = ed25519PublicKeyFromMultikey(EDDSA_JCS_2022_PUBLIC_MULTIKEY);
  const specKeys = () =>
    keysFor({ [EDDSA_JCS_2022_SIGNED.proof.verificationMethod]: { controller: "https://vc.example/issuers/5678", publicKey } });

  it("verifies the published signed credential", async () => {
    expect(await verifyProof(EDDSA_JCS_2022_SIGNED, specKeys())).toEqual({ ok: true, controller: "https://vc.example/issuers/5678" });
  });

  it("reproduces the published proof byte for byte from the unsigned credential", () => {
    const { proof, ...unsigned } = EDDSA_JCS_2022_SIGNED;
    const signed = createProof(unsigned, {
      verificationMethod: proof.verificationMethod,
      privateKey: privateKeyFromMultikey(EDDSA_JCS_2022_PRIVATE_MULTIKEY),
      created: new Date(proof.created),
    });
    expect(signed.proof).toEqual(proof);
  });

  it("refuses the credential once any part of it or of its proof changes", async () => {
    const changed = [
      { ...EDDSA_JCS_2022_SIGNED, name: "Alumni Credential!" },
      { ...EDDSA_JCS_2022_SIGNED, credentialSubject: { ...EDDSA_JCS_2022_SIGNED.credentialSubject, alumniOf: "Elsewhere" } },
      { ...EDDSA_JCS_2022_SIGNED, proof: { ...EDDSA_JCS_2022_SIGNED.proof, created: "2023-02-24T23:36:39Z" } },
      { ...EDDSA_JCS_2022_SIGNED, proof: { ...EDDSA_JCS_2022_SIGNED.proof, nonce: "added" } },
    ];
    for (const document of changed) {
      expect(await verifyProof(document, specKeys())).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
    }
  });
});

describe("createProof / verifyProof", () => {
  it("signs a badge activity that then verifies and names the key's controller", async () => {
    const signed = createProof(badgeActivity(), { verificationMethod: KEY_ID, privateKey: ed.privateKey, created: new Date("2026-12-01T10:00:00.123Z") });
    expect(signed.proof).toMatchObject({
      type: "DataIntegrityProof",
      cryptosuite: "eddsa-jcs-2022",
      verificationMethod: KEY_ID,
      proofPurpose: "assertionMethod",
      created: "2026-12-01T10:00:00Z",
      "@context": badgeActivity()["@context"],
      proofValue: expect.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]+$/),
    });
    expect(await verifyProof(signed, ownKeys())).toEqual({ ok: true, controller: ACTOR });
    // Key order and whitespace do not matter: JCS canonicalises them away.
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse()), null, 2));
    expect(await verifyProof(reordered, ownKeys())).toMatchObject({ ok: true });
  });

  it("refuses a tampered activity, a wrong key, and a forged controller's key", async () => {
    const signed = createProof(badgeActivity(), { verificationMethod: KEY_ID, privateKey: ed.privateKey });
    const tampered = { ...signed, object: { ...signed.object, name: "Master Gardener" } };
    expect(await verifyProof(tampered, ownKeys())).toEqual({ ok: false, reason: `The proof does not verify with ${KEY_ID}.` });

    const other = generateKeyPairSync("ed25519").publicKey;
    expect(await verifyProof(signed, keysFor({ [KEY_ID]: { controller: ACTOR, publicKey: other, cached: false } }))).toMatchObject({ ok: false });

    const rsaKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    expect(await verifyProof(signed, keysFor({ [KEY_ID]: { controller: ACTOR, publicKey: rsaKey } }))).toMatchObject({ ok: false });
  });

  it("fetches the key again once when the cached one fails (rotation)", async () => {
    const signed = createProof(badgeActivity(), { verificationMethod: KEY_ID, privateKey: ed.privateKey });
    const stale = generateKeyPairSync("ed25519").publicKey;
    const keys = keysFor(
      { [KEY_ID]: { controller: ACTOR, publicKey: stale, cached: true } },
      { [KEY_ID]: { controller: ACTOR, publicKey: ed.publicKey, cached: false } },
    );
    expect(await verifyProof(signed, keys)).toEqual({ ok: true, controller: ACTOR });
    expect(keys.calls).toEqual([false, true]);
  });

  it("explains what is wrong with proofs it cannot use", async () => {
    const signed = createProof(badgeActivity(), { verificationMethod: KEY_ID, privateKey: ed.privateKey });
    const { proof: _proof, ...unsigned } = signed;
    expect(await verifyProof(unsigned, ownKeys())).toEqual({ ok: false, reason: "The document carries no proof." });
    expect(await verifyProof("text", ownKeys())).toEqual({ ok: false, reason: "The document is not a JSON object." });
    expect(await verifyProof({ ...signed, proof: [signed.proof, signed.proof] }, ownKeys())).toMatchObject({ ok: false, reason: expect.stringMatching(/several proofs/) });
    expect(await verifyProof({ ...signed, proof: [signed.proof] }, ownKeys())).toMatchObject({ ok: true });
    expect(await verifyProof({ ...signed, proof: { ...signed.proof, proofPurpose: "authentication" } }, ownKeys())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^The proof is not an eddsa-jcs-2022 assertion proof: proofPurpose/),
    });
    expect(await verifyProof({ ...signed, proof: { ...signed.proof, cryptosuite: "eddsa-rdfc-2022" } }, ownKeys())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cryptosuite/),
    });
    expect(await verifyProof({ ...signed, proof: { ...signed.proof, expires: "2020-01-01T00:00:00Z" } }, ownKeys())).toEqual({
      ok: false,
      reason: "The proof has expired.",
    });
    expect(await verifyProof({ ...signed, "@context": "https://www.w3.org/ns/activitystreams" }, ownKeys())).toEqual({
      ok: false,
      reason: "The proof's @context is not the start of the document's @context.",
    });
    expect(await verifyProof(signed, keysFor({}))).toEqual({ ok: false, reason: `The verification method ${KEY_ID} is not known.` });
    const failing: ResolveMultikey = async () => {
      throw new Error("timed out");
    };
    expect(await verifyProof(signed, failing)).toEqual({ ok: false, reason: `The verification method ${KEY_ID} could not be used: timed out` });
  });

  it("refuses to sign with a non-Ed25519 key or over an existing proof", () => {
    const rsaKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    expect(() => createProof(badgeActivity(), { verificationMethod: KEY_ID, privateKey: rsaKey })).toThrow(/Ed25519/);
    const signed = createProof(badgeActivity(), { verificationMethod: KEY_ID, privateKey: ed.privateKey });
    expect(() => createProof(signed, { verificationMethod: KEY_ID, privateKey: ed.privateKey })).toThrow(/already carries a proof/);
  });
});

describe("interop with Fedify 1.5.9's object integrity proofs", () => {
  const contextLoader = getDocumentLoader(); // preloaded JSON-LD contexts only are used
  const rawPublic = Buffer.from(ed.publicKey.export({ format: "jwk" }).x!, "base64url");
  // Fedify reads assertionMethod through JSON-LD, so the actor needs the DID and Multikey contexts.
  const actorDocument = {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id: ACTOR,
    type: "Organization",
    inbox: `${ACTOR}/inbox`,
    assertionMethod: [{ id: KEY_ID, type: "Multikey", controller: ACTOR, publicKeyMultibase: ed25519MultikeyFromRaw(rawPublic) }],
  };
  const documentLoader = async (url: string) =>
    url.split("#")[0] === ACTOR ? { contextUrl: null, documentUrl: url, document: actorDocument } : contextLoader(url);

  it("verifies an activity Fedify signed with signObject", async () => {
    const privateKey = await webcrypto.subtle.importKey("pkcs8", ed.privateKey.export({ type: "pkcs8", format: "der" }), "Ed25519", true, ["sign"]);
    const create = new Create({
      id: new URL(`${ACTOR}/activities/2`),
      actor: new URL(ACTOR),
      object: new Note({ id: new URL(`${ACTOR}/notes/2`), attribution: new URL(ACTOR), content: "A new badge: <b>Gardener</b>" }),
    });
    const signed = await signObject(create, privateKey as never, new URL(KEY_ID), { contextLoader });
    const json = (await signed.toJsonLd({ format: "compact", contextLoader })) as Record<string, unknown>;
    expect(json.proof).toMatchObject({ cryptosuite: "eddsa-jcs-2022", verificationMethod: KEY_ID });
    expect(await verifyProof(json, ownKeys())).toEqual({ ok: true, controller: ACTOR });
    expect(await verifyProof({ ...json, actor: `${ACTOR}x` }, ownKeys())).toMatchObject({ ok: false });
  });

  it("has Fedify's verifyObject accept an activity our createProof signed", async () => {
    const signed = createProof(
      {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1"],
        id: `${ACTOR}/activities/3`,
        type: "Create",
        actor: ACTOR,
        object: { id: `${ACTOR}/notes/3`, type: "Note", attributedTo: ACTOR, content: "A badge version" },
      },
      { verificationMethod: KEY_ID, privateKey: ed.privateKey },
    );
    const verified = await verifyObject(Create, signed, { documentLoader, contextLoader });
    expect(verified?.id?.href).toBe(`${ACTOR}/activities/3`);
    const tampered = { ...signed, object: { ...signed.object, content: "Another badge" } };
    expect(await verifyObject(Create, tampered, { documentLoader, contextLoader })).toBeNull();
  });

  it("has Fedify's verifyObject accept the Delete a withdrawal sends (its context defines proof)", async () => {
    const withdrawal = deleteActivity(ACTOR, toBadgeTombstone("https://peer.example/badges/b1", new Date(), { embedded: true }));
    const signed = createProof(withdrawal as unknown as JsonObject, { verificationMethod: KEY_ID, privateKey: ed.privateKey });
    const verified = await verifyObject(Delete, signed, { documentLoader, contextLoader });
    expect(verified?.id?.href).toBe(withdrawal.id);
    const tampered = { ...signed, object: { ...(signed.object as JsonObject), id: "https://peer.example/badges/b2" } };
    expect(await verifyObject(Delete, tampered, { documentLoader, contextLoader })).toBeNull();
  });
});
