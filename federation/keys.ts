// Key pairs of local actors, made on first use and kept in `actor_keys`.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { prepared, type DatabaseLike } from "../db/client";
import { actorKeys, type ActorKeys } from "../db/schema";
import { ed25519MultikeyFromRaw, ed25519RawFromMultikey } from "./multibase";

/** Key ids as published in actor documents. */
export const rsaKeyId = (actorUri: string) => `${actorUri}#main-key`;
export const ed25519KeyId = (actorUri: string) => `${actorUri}#ed25519-key`;

export function generateActorKeys(actorUri: string): ActorKeys {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ed = generateKeyPairSync("ed25519");
  const rawEd = ed.publicKey.export({ format: "jwk" }).x;
  if (!rawEd) throw new Error("Ed25519 key without x");
  return {
    actorUri,
    rsaPublicKeyPem: rsa.publicKey.export({ type: "spki", format: "pem" }).toString(),
    rsaPrivateKeyPem: rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    ed25519PublicKeyMultibase: ed25519MultikeyFromRaw(Buffer.from(rawEd, "base64url")),
    ed25519PrivateKeyPem: ed.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    createdAt: new Date(),
  };
}

/**
 * The keys of a local actor, generated and stored the first time they are asked for.
 * Generation happens outside any transaction the caller holds open only in the sense that
 * it is pure CPU; the insert is idempotent (a concurrent first use keeps the first pair).
 */
export function actorKeysFor(db: DatabaseLike, actorUri: string): ActorKeys {
  const stored = prepared(db, "actorKeysFor", (d) => d.select().from(actorKeys).where(eq(actorKeys.actorUri, sql.placeholder("actorUri"))).prepare());
  const existing = stored.get({ actorUri });
  if (existing) return existing;
  const fresh = generateActorKeys(actorUri);
  db.insert(actorKeys).values(fresh).onConflictDoNothing().run();
  return stored.get({ actorUri })!;
}

// Parsing a PEM costs about as much as an RSA signature here (0.7 ms on the project's VM),
// so parsed keys are kept by their text: a key read again from `actor_keys` is parsed again
// only when it changed.
const PARSED_KEYS_KEPT = 256;
const parsedKeys = new Map<string, KeyObject>();
function parsedPrivateKey(pem: string): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    if (parsedKeys.size >= PARSED_KEYS_KEPT) parsedKeys.delete(parsedKeys.keys().next().value!);
    parsedKeys.set(pem, (key = createPrivateKey(pem)));
  }
  return key;
}

export function rsaPrivateKey(keys: ActorKeys): KeyObject {
  return parsedPrivateKey(keys.rsaPrivateKeyPem);
}

export function ed25519PrivateKey(keys: ActorKeys): KeyObject {
  return parsedPrivateKey(keys.ed25519PrivateKeyPem);
}

/** A KeyObject for a published Ed25519 Multikey. */
export function ed25519PublicKeyFromMultikey(multibase: string): KeyObject {
  return ed25519PublicKeyFromRaw(ed25519RawFromMultikey(multibase));
}

/** A KeyObject for a raw 32-byte Ed25519 public key. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") }, format: "jwk" });
}
