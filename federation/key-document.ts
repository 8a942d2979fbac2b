// Finding a public key in the document its id points to, and deciding whether that document
// may vouch for it. Mastodon-style actors publish `publicKey: { id, owner, publicKeyPem }`;
// FEP-521a actors publish `assertionMethod: [{ type: "Multikey", id, controller,
// publicKeyMultibase }]`; some servers serve a key on its own (`{ id, owner, publicKeyPem }`),
// which only counts once the owner's actor document lists it too. Origins follow FEP-fe34:
// a document speaks only for ids on its own origin.
import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { ed25519PublicKeyFromMultikey } from "./keys";

export interface PublishedKey {
  keyId: string;
  ownerUri: string;
  kind: "rsa" | "ed25519";
  /** As stored in remote_keys: PEM for RSA, Multikey multibase for Ed25519. */
  text: string;
  publicKey: KeyObject;
}

/** What a document says about a key id. */
export type KeyLookup =
  | { status: "found"; key: PublishedKey }
  | { status: "absent" }
  /** A key document on its own: it counts only if `ownerUri`'s actor document lists it. */
  | { status: "needs-owner"; ownerUri: string; key: PublishedKey };

/** A document that cannot vouch for the key it was fetched for (wrong origin, owner or shape). */
export class KeyDocumentError extends Error {
  override name = "KeyDocumentError";
}

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:$/.test(new URL(value).protocol), "not an http(s) URL");

const documentSchema = z
  .object({
    id: httpUrl,
    owner: z.unknown().optional(),
    publicKeyPem: z.unknown().optional(),
    publicKey: z.unknown().optional(),
    assertionMethod: z.unknown().optional(),
  })
  .passthrough();

const pemKeySchema = z.object({ id: httpUrl, owner: httpUrl, publicKeyPem: z.string().min(1).max(16_384) });
const multikeySchema = z.object({
  id: httpUrl,
  type: z.literal("Multikey"),
  controller: httpUrl,
  publicKeyMultibase: z.string().regex(/^z[1-9A-HJ-NP-Za-km-z]{40,60}$/),
});

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const origin = (url: string) => new URL(url).origin;
const hasId = (keyId: string) => (entry: unknown) =>
  typeof entry === "object" && entry !== null && (entry as { id?: unknown }).id === keyId;

function rsaKey(keyId: string, ownerUri: string, pem: string): PublishedKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch {
    throw new KeyDocumentError(`The key ${keyId} is not a valid public key.`);
  }
  if (publicKey.asymmetricKeyType !== "rsa") throw new KeyDocumentError(`The key ${keyId} in publicKeyPem is not an RSA key.`);
  return { keyId, ownerUri, kind: "rsa", text: publicKey.export({ type: "spki", format: "pem" }).toString(), publicKey };
}

function ed25519Key(keyId: string, ownerUri: string, multibase: string): PublishedKey {
  try {
    return { keyId, ownerUri, kind: "ed25519", text: multibase, publicKey: ed25519PublicKeyFromMultikey(multibase) };
  } catch {
    throw new KeyDocumentError(`The key ${keyId} is not an Ed25519 Multikey.`);
  }
}

/**
 * What `document`, fetched from `documentUrl`, says about `keyId`. Throws KeyDocumentError
 * when the document is malformed or may not speak for the key.
 */
export function lookUpKey(document: unknown, keyId: string, documentUrl: string): KeyLookup {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) throw new KeyDocumentError(`The document at ${documentUrl} is not an ActivityStreams object with an id.`);
  const doc = parsed.data;
  if (origin(doc.id) !== origin(documentUrl)) {
    throw new KeyDocumentError(`The document at ${documentUrl} claims the id ${doc.id}, of another origin.`);
  }
  if (origin(keyId) !== origin(doc.id)) throw new KeyDocumentError(`The key ${keyId} is not on the origin of ${doc.id}.`);

  if (doc.id === keyId && doc.publicKeyPem !== undefined) {
    const key = pemKeySchema.safeParse(doc);
    if (!key.success) throw new KeyDocumentError(`The key document ${keyId} is malformed.`);
    if (origin(key.data.owner) !== origin(keyId)) throw new KeyDocumentError(`The key ${keyId} names an owner of another origin.`);
    return { status: "needs-owner", ownerUri: key.data.owner, key: rsaKey(keyId, key.data.owner, key.data.publicKeyPem) };
  }

  const pem = asArray(doc.publicKey).find(hasId(keyId));
  if (pem !== undefined) {
    const key = pemKeySchema.safeParse(pem);
    if (!key.success) throw new KeyDocumentError(`The publicKey ${keyId} of ${doc.id} is malformed.`);
    if (key.data.owner !== doc.id) {
      throw new KeyDocumentError(`The key ${keyId} names ${key.data.owner} as its owner, not ${doc.id} which publishes it.`);
    }
    return { status: "found", key: rsaKey(keyId, doc.id, key.data.publicKeyPem) };
  }

  const multikey = asArray(doc.assertionMethod).find(hasId(keyId));
  if (multikey !== undefined) {
    const key = multikeySchema.safeParse(multikey);
    if (!key.success) throw new KeyDocumentError(`The assertionMethod ${keyId} of ${doc.id} is not a Multikey.`);
    if (key.data.controller !== doc.id) {
      throw new KeyDocumentError(`The key ${keyId} names ${key.data.controller} as its controller, not ${doc.id} which publishes it.`);
    }
    return { status: "found", key: ed25519Key(keyId, doc.id, key.data.publicKeyMultibase) };
  }
  return { status: "absent" };
}
