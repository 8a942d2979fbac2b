import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actorKeys, remoteKeys } from "../../../db/schema";
import type { Db } from "../../../db/client";
import { signRequest } from "../../../federation/http-signatures";
import { actorKeysFor, ed25519KeyId, ed25519PrivateKey, rsaKeyId, rsaPrivateKey } from "../../../federation/keys";
import { createKeyResolver, localKeyResolver, multikeyResolver, remoteKeyResolver } from "../../../federation/key-resolver";
import { ed25519MultikeyFromRaw } from "../../../federation/multibase";
import { createProof, verifyProof } from "../../../federation/proof";
import { verifyRequest } from "../../../federation/signature-verify";
import { fetchJson, startDocumentServer, type DocumentServer } from "../../support/document-server";
import { createTestDb, PUBLIC_URL } from "../../support/factories";

let server: DocumentServer;
let db: Db;
let actor: string;
let rsa: { publicKey: KeyObject; privateKey: KeyObject };
const ed = generateKeyPairSync("ed25519");

beforeAll(async () => {
  server = await startDocumentServer();
  rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
});
afterAll(() => server.close());

let n = 0;
beforeEach(() => {
  db = createTestDb();
  actor = `${server.origin}/orgs/makers${++n}`; // a fresh actor path per test keeps hit counts apart
});

const pem = (key: KeyObject) => key.export({ type: "spki", format: "pem" }).toString();
const multikey = (key: KeyObject) => ed25519MultikeyFromRaw(Buffer.from(key.export({ format: "jwk" }).x!, "base64url"));
const path = (uri: string) => new URL(uri).pathname;

/** An actor document in the shape Mastodon publishes, plus a FEP-521a Ed25519 Multikey. */
function actorDocument(id: string, rsaKey: KeyObject = rsa.publicKey, overrides: Record<string, unknown> = {}) {
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", "https://w3id.org/security/data-integrity/v1"],
    id,
    type: "Organization",
    preferredUsername: "makers",
    inbox: `${id}/inbox`,
    publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: pem(rsaKey) },
    assertionMethod: [{ id: `${id}#ed25519-key`, type: "Multikey", controller: id, publicKeyMultibase: multikey(ed.publicKey) }],
    ...overrides,
  };
}

const resolver = (options = {}) => remoteKeyResolver(db, fetchJson, options);
const cachedRow = (keyId: string) => db.select().from(remoteKeys).where(eq(remoteKeys.keyId, keyId)).get();

describe("remoteKeyResolver", () => {
  it("fetches a Mastodon-style publicKey, caches it, and answers later asks from the cache", async () => {
    server.set(path(actor), actorDocument(actor));
    const keys = resolver();
    const first = await keys.resolve(`${actor}#main-key`, { refresh: false });
    expect(first).toMatchObject({ ownerUri: actor, cached: false });
    expect(first!.publicKey.equals(rsa.publicKey)).toBe(true);
    expect(cachedRow(`${actor}#main-key`)).toMatchObject({ ownerUri: actor, kind: "rsa", publicKey: pem(rsa.publicKey) });

    const again = await keys.resolve(`${actor}#main-key`, { refresh: false });
    expect(again).toMatchObject({ ownerUri: actor, cached: true });
    // A fresh resolver (another process) reads the same cache.
    expect(await resolver().resolve(`${actor}#main-key`, { refresh: false })).toMatchObject({ cached: true });
    expect(server.hits(path(actor))).toBe(1);
  });

  it("fetches a FEP-521a Multikey from assertionMethod", async () => {
    server.set(path(actor), actorDocument(actor));
    const key = await resolver().resolve(`${actor}#ed25519-key`, { refresh: false });
    expect(key!.publicKey.asymmetricKeyType).toBe("ed25519");
    expect(key!.publicKey.equals(ed.publicKey)).toBe(true);
    expect(cachedRow(`${actor}#ed25519-key`)).toMatchObject({ kind: "ed25519", publicKey: multikey(ed.publicKey) });
  });

  it("refuses a key whose owner or controller is not the actor publishing it", async () => {
    const other = `${server.origin}/orgs/someone-else`;
    server.set(path(actor), actorDocument(actor, rsa.publicKey, {
      publicKey: { id: `${actor}#main-key`, owner: other, publicKeyPem: pem(rsa.publicKey) },
      assertionMethod: [{ id: `${actor}#ed25519-key`, type: "Multikey", controller: other, publicKeyMultibase: multikey(ed.publicKey) }],
    }));
    await expect(resolver().resolve(`${actor}#main-key`, { refresh: false })).rejects.toThrow(
      `The key ${actor}#main-key names ${other} as its owner, not ${actor} which publishes it.`,
    );
    await expect(resolver().resolve(`${actor}#ed25519-key`, { refresh: false })).rejects.toThrow(/as its controller/);
    expect(cachedRow(`${actor}#main-key`)).toBeUndefined();
  });

  it("refuses a document that claims an id on another origin than it was served from", async () => {
    // Same server, different origin: localhost is not 127.0.0.1.
    const elsewhere = actor.replace("127.0.0.1", "localhost");
    server.set(path(actor), actorDocument(elsewhere));
    await expect(resolver().resolve(`${actor}#main-key`, { refresh: false })).rejects.toThrow(/of another origin/);
  });

  it("answers null for a key the actor does not publish, and for key ids that are not http(s) URLs", async () => {
    server.set(path(actor), actorDocument(actor));
    expect(await resolver().resolve(`${actor}#other-key`, { refresh: false })).toBeNull();
    expect(await resolver().resolve("Test", { refresh: false })).toBeNull();
    expect(await resolver().resolve("file:///etc/passwd#k", { refresh: false })).toBeNull();
  });

  it("rejects malformed documents and keys with a reason", async () => {
    server.set(path(actor), { type: "Organization", publicKey: { id: `${actor}#main-key` } });
    await expect(resolver().resolve(`${actor}#main-key`, { refresh: false })).rejects.toThrow(/not an ActivityStreams object with an id/);
    server.set(path(actor), actorDocument(actor, rsa.publicKey, { publicKey: { id: `${actor}#main-key`, owner: actor, publicKeyPem: "not a key" } }));
    await expect(resolver().resolve(`${actor}#main-key`, { refresh: false })).rejects.toThrow(/not a valid public key/);
    server.remove(path(actor));
    await expect(resolver().resolve(`${actor}#main-key`, { refresh: false })).rejects.toThrow(/answered 404/);
  });

  it("accepts a key served on its own only when its owner's actor lists the same key", async () => {
    const keyId = `${server.origin}/keys/k${n}`;
    server.set(path(keyId), { id: keyId, type: "CryptographicKey", owner: actor, publicKeyPem: pem(rsa.publicKey) });
    server.set(path(actor), actorDocument(actor, rsa.publicKey, { publicKey: { id: keyId, owner: actor, publicKeyPem: pem(rsa.publicKey) } }));
    expect(await resolver().resolve(keyId, { refresh: false })).toMatchObject({ ownerUri: actor });

    const impostor = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    server.set(path(keyId), { id: keyId, type: "CryptographicKey", owner: actor, publicKeyPem: pem(impostor) });
    await expect(resolver({ minRefreshIntervalMs: 0 }).resolve(keyId, { refresh: true })).rejects.toThrow(`The actor ${actor} does not list the key ${keyId}.`);
  });

  it("fetches again on refresh, replacing a rotated key, but at most once per interval", async () => {
    server.set(path(actor), actorDocument(actor));
    let clock = new Date("2026-12-01T10:00:00Z");
    const keys = resolver({ now: () => clock, minRefreshIntervalMs: 60_000 });
    await keys.resolve(`${actor}#main-key`, { refresh: false });

    const rotated = generateKeyPairSync("rsa", { modulusLength: 1024 });
    server.set(path(actor), actorDocument(actor, rotated.publicKey));
    clock = new Date(clock.getTime() + 30_000);
    const tooSoon = await keys.resolve(`${actor}#main-key`, { refresh: true });
    expect(tooSoon!.publicKey.equals(rsa.publicKey)).toBe(true);
    expect(tooSoon!.cached).toBe(false); // no point retrying with it
    expect(server.hits(path(actor))).toBe(1);

    clock = new Date(clock.getTime() + 60_000);
    const fresh = await keys.resolve(`${actor}#main-key`, { refresh: true });
    expect(fresh!.publicKey.equals(rotated.publicKey)).toBe(true);
    expect(cachedRow(`${actor}#main-key`)).toMatchObject({ publicKey: pem(rotated.publicKey), fetchedAt: clock });
    expect(server.hits(path(actor))).toBe(2);
  });

  it("forgets a cached key its owner no longer publishes", async () => {
    server.set(path(actor), actorDocument(actor));
    const keys = resolver({ minRefreshIntervalMs: 0 });
    await keys.resolve(`${actor}#main-key`, { refresh: false });
    server.set(path(actor), actorDocument(actor, rsa.publicKey, { publicKey: [] }));
    expect(await keys.resolve(`${actor}#main-key`, { refresh: true })).toBeNull();
    expect(cachedRow(`${actor}#main-key`)).toBeUndefined();
  });

  it("keeps a key in memory for a minute: what another process stores later is read after that, or at once on refresh", async () => {
    server.set(path(actor), actorDocument(actor));
    let clock = new Date("2026-12-01T10:00:00Z");
    const keys = resolver({ now: () => clock, minRefreshIntervalMs: 60_000 });
    await keys.resolve(`${actor}#main-key`, { refresh: false });

    // Another process on the same database stores a rotated key.
    const rotated = generateKeyPairSync("rsa", { modulusLength: 1024 });
    db.update(remoteKeys).set({ publicKey: pem(rotated.publicKey), fetchedAt: clock }).where(eq(remoteKeys.keyId, `${actor}#main-key`)).run();
    clock = new Date(clock.getTime() + 59_000);
    expect((await keys.resolve(`${actor}#main-key`, { refresh: false }))!.publicKey.equals(rsa.publicKey)).toBe(true);
    // A refresh (a signature that failed with the remembered key) reads the table at once.
    expect((await keys.resolve(`${actor}#main-key`, { refresh: true }))!.publicKey.equals(rotated.publicKey)).toBe(true);

    const other = resolver({ now: () => clock, minRefreshIntervalMs: 60_000 });
    await other.resolve(`${actor}#main-key`, { refresh: false });
    db.update(remoteKeys).set({ publicKey: pem(rsa.publicKey) }).where(eq(remoteKeys.keyId, `${actor}#main-key`)).run();
    clock = new Date(clock.getTime() + 60_001);
    expect((await other.resolve(`${actor}#main-key`, { refresh: false }))!.publicKey.equals(rsa.publicKey)).toBe(true);
    expect(server.hits(path(actor))).toBe(1);
  });

  it("makes one fetch for many concurrent asks about the same new key", async () => {
    server.set(path(actor), actorDocument(actor));
    const keys = resolver();
    const answers = await Promise.all(Array.from({ length: 10 }, () => keys.resolve(`${actor}#main-key`, { refresh: false })));
    expect(answers.every((a) => a?.ownerUri === actor)).toBe(true);
    expect(server.hits(path(actor))).toBe(1);
  });
});

describe("verifying over loopback HTTP with the remote resolver", () => {
  const inbox = `${PUBLIC_URL}/orgs/changemakers/inbox`;
  const body = JSON.stringify({ type: "Follow" });

  it("accepts a request signed with a rotated key: the stale cached key fails, one refresh fetches the new one", async () => {
    server.set(path(actor), actorDocument(actor));
    const keys = resolver({ minRefreshIntervalMs: 0 });
    await keys.resolve(`${actor}#main-key`, { refresh: false }); // cache the old key

    const rotated = generateKeyPairSync("rsa", { modulusLength: 2048 });
    server.set(path(actor), actorDocument(actor, rotated.publicKey));
    const headers = signRequest({ method: "POST", url: inbox, body }, { keyId: `${actor}#main-key`, privateKey: rotated.privateKey });
    expect(await verifyRequest({ method: "POST", url: inbox, headers, body }, keys)).toEqual({
      ok: true,
      keyId: `${actor}#main-key`,
      ownerUri: actor,
      scheme: "cavage",
    });
    expect(server.hits(path(actor))).toBe(2);
    expect(cachedRow(`${actor}#main-key`)!.publicKey).toBe(pem(rotated.publicKey));
  });

  it("verifies an object proof with the actor's published Multikey", async () => {
    server.set(path(actor), actorDocument(actor));
    const signed = createProof(
      { "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1"], id: `${actor}/a/1`, type: "Update", actor },
      { verificationMethod: `${actor}#ed25519-key`, privateKey: ed.privateKey },
    );
    expect(await verifyProof(signed, multikeyResolver(resolver()))).toEqual({ ok: true, controller: actor });
    // The RSA key cannot stand in for a Multikey.
    const rsaSigned = { ...signed, proof: { ...signed.proof, verificationMethod: `${actor}#main-key` } };
    expect(await verifyProof(rsaSigned, multikeyResolver(resolver()))).toEqual({
      ok: false,
      reason: `The verification method ${actor}#main-key is not known.`,
    });
  });
});

describe("local keys", () => {
  it("come from actor_keys for both key ids, and an actor without keys is unknown (none are made)", async () => {
    const local = `${PUBLIC_URL}/orgs/changemakers`;
    const stored = actorKeysFor(db, local);
    const keys = localKeyResolver(db);
    const rsaKey = await keys.resolve(rsaKeyId(local), { refresh: false });
    expect(rsaKey).toMatchObject({ ownerUri: local, cached: false });
    expect(pem(rsaKey!.publicKey)).toBe(stored.rsaPublicKeyPem);
    const edKey = await keys.resolve(ed25519KeyId(local), { refresh: false });
    expect(edKey!.publicKey.asymmetricKeyType).toBe("ed25519");
    expect(await keys.resolve(`${local}#other`, { refresh: false })).toBeNull();
    expect(await keys.resolve(rsaKeyId(`${PUBLIC_URL}/orgs/nobody`), { refresh: false })).toBeNull();
    expect(db.select().from(actorKeys).all()).toHaveLength(1);
  });

  it("createKeyResolver verifies our own actors' requests without fetching, and others' over HTTP", async () => {
    const noNetwork = async (url: string): Promise<unknown> => {
      throw new Error(`unexpected fetch of ${url}`);
    };
    const local = `${PUBLIC_URL}/actor`;
    const stored = actorKeysFor(db, local);
    const keys = createKeyResolver(db, { publicUrl: PUBLIC_URL, fetchDocument: noNetwork });
    const url = `${PUBLIC_URL}/orgs/changemakers/inbox`;
    const headers = signRequest({ method: "GET", url }, { keyId: rsaKeyId(local), privateKey: rsaPrivateKey(stored) });
    expect(await verifyRequest({ method: "GET", url, headers }, keys)).toMatchObject({ ok: true, ownerUri: local });

    const proved = createProof({ id: `${local}/x`, type: "Note" }, { verificationMethod: ed25519KeyId(local), privateKey: ed25519PrivateKey(stored) });
    expect(await verifyProof(proved, multikeyResolver(keys))).toEqual({ ok: true, controller: local });

    server.set(path(actor), actorDocument(actor));
    await expect(keys.resolve(`${actor}#main-key`, { refresh: false })).rejects.toThrow(/unexpected fetch/);
    const remote = createKeyResolver(db, { publicUrl: PUBLIC_URL, fetchDocument: fetchJson });
    expect(await remote.resolve(`${actor}#main-key`, { refresh: false })).toMatchObject({ ownerUri: actor });
  });
});
