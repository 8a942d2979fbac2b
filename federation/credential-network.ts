// The network and key material behind verifying learners' credentials (the service side is
// app/services/credential-network.ts). Every fetch goes through the guarded fetcher; keys
// are found where the Verifiable Credentials world publishes them: did:key (decoded, no
// network), did:web (the DID document over https), and http(s) controller documents
// (an issuer profile or actor listing the key under `assertionMethod`, or a key document of
// its own whose controller lists it). Proofs: eddsa-jcs-2022 (federation/proof.ts), and
// eddsa-rdfc-2022 / Ed25519Signature2020 (federation/rdfc-proof.ts, with the bundled JSON-LD
// contexts of federation/jsonld-contexts.ts: contexts are never fetched). Nothing here is
// cached: imports are rare and a learner expects today's answer.
import { createPublicKey, type KeyObject } from "node:crypto";
import type { CredentialNetwork, Outcome, RemoteResource, VerificationKey } from "../app/services/credential-network";
import { isFetchError, type RemoteError } from "./fetch-errors";
import type { Fetcher } from "./fetcher";
import { ed25519PublicKeyFromMultikey, ed25519PublicKeyFromRaw } from "./keys";
import { ed25519RawFromBase58 } from "./multibase";
import { verifyProof } from "./proof";
import { rdfcSuiteOf, verifyRdfcProof } from "./rdfc-proof";

export interface CredentialNetworkOptions {
  fetcher: Fetcher;
  // did:web means https; operators who let the fetcher reach private addresses (tests,
  // demos) also let it fall back to plain http there, as WebFinger does.
  allowPlainHttp: boolean;
}

type Json = Record<string, unknown>;

const KEY_DOCUMENT_BYTES = 64 * 1024;
const DID_ACCEPT = "application/did+ld+json, application/did+json, application/ld+json, application/json;q=0.9";

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(reason: string): Outcome<T> => ({ ok: false, reason });
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const withoutFragment = (id: string) => id.split("#")[0];

function reasonOf(error: unknown): string {
  if (isFetchError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** An id as written in a DID or controller document: absolute, or `#fragment` of the document. */
function absolute(id: unknown, base: string): string | null {
  if (typeof id !== "string") return null;
  if (id.startsWith("#")) return `${withoutFragment(base)}${id}`;
  return id;
}

// The method types whose publicKeyBase58 is an Ed25519 key; other types use base58 for other
// curves (X25519, secp256k1), which must not be read as Ed25519.
const ED25519_BASE58_TYPES = new Set(["Ed25519VerificationKey2018", "Ed25519VerificationKey2020"]);

/** The public key a verification method object carries: Multikey, base58 Ed25519, JWK or PEM. */
function keyMaterial(method: Json): KeyObject | string {
  try {
    if (typeof method.publicKeyMultibase === "string") return ed25519PublicKeyFromMultikey(method.publicKeyMultibase);
    if (typeof method.publicKeyBase58 === "string") {
      if (!asArray(method.type).some((t) => typeof t === "string" && ED25519_BASE58_TYPES.has(t))) {
        return `its publicKeyBase58 is read only for Ed25519VerificationKey2018 or 2020, not ${JSON.stringify(method.type ?? null)}`;
      }
      return ed25519PublicKeyFromRaw(ed25519RawFromBase58(method.publicKeyBase58));
    }
    if (isObject(method.publicKeyJwk)) {
      const { d: _private, ...jwk } = method.publicKeyJwk;
      return createPublicKey({ key: jwk as never, format: "jwk" });
    }
    if (typeof method.publicKeyPem === "string") return createPublicKey(method.publicKeyPem);
  } catch (error) {
    return `its key material cannot be read (${(error as Error).message})`;
  }
  return "it carries no public key (publicKeyMultibase, publicKeyBase58, publicKeyJwk or publicKeyPem)";
}

/**
 * The key `methodId` in a controller document whose id is `controller`, only when the
 * document lists it for making assertions (`assertionMethod`, embedded or by reference).
 */
function assertionKey(document: Json, controller: string, methodId: string): Outcome<VerificationKey> {
  const listed = asArray(document.assertionMethod).find((entry) =>
    absolute(isObject(entry) ? entry.id : entry, controller) === methodId,
  );
  if (listed === undefined) return fail(`${controller} does not list the key ${methodId} for making assertions.`);
  const method = isObject(listed)
    ? listed
    : [...asArray(document.verificationMethod), ...asArray(document.publicKey)].find(
        (entry): entry is Json => isObject(entry) && absolute(entry.id, controller) === methodId,
      );
  if (!method) return fail(`${controller} names the key ${methodId} but does not describe it.`);
  const owner = method.controller ?? method.owner;
  if (owner !== undefined && absolute(owner, controller) !== controller) {
    return fail(`The key ${methodId} names ${String(owner)} as its controller, not ${controller}.`);
  }
  const key = keyMaterial(method);
  return typeof key === "string" ? fail(`The key ${methodId}: ${key}.`) : ok({ publicKey: key, controller });
}

/** The https URL of a did:web DID document (W3C did:web §3.2). */
export function didWebDocumentUrl(did: string, scheme: "https" | "http" = "https"): string | null {
  const parts = did.slice("did:web:".length).split(":").map((p) => decodeURIComponent(p));
  if (!parts[0] || parts.some((p) => p === "" || p.includes("/"))) return null;
  const [host, ...path] = parts;
  return `${scheme}://${host}/${path.length ? `${path.join("/")}/did.json` : ".well-known/did.json"}`;
}

export function createCredentialNetwork(options: CredentialNetworkOptions): CredentialNetwork {
  const { fetcher } = options;

  async function fetchResource(url: string, accept: string, maxBytes: number): Promise<Outcome<RemoteResource>> {
    try {
      const res = await fetcher.getBytes(url, { accept, maxBytes });
      return ok({ body: res.body, url: res.url, contentType: res.contentType.split(";")[0].trim().toLowerCase() });
    } catch (error) {
      const status = isFetchError(error, "remote") ? (error as RemoteError).status : undefined;
      return { ok: false, reason: reasonOf(error), ...(status ? { status } : {}) };
    }
  }

  async function fetchJson(url: string, accept: string): Promise<Outcome<Json>> {
    const got = await fetchResource(url, accept, KEY_DOCUMENT_BYTES);
    if (!got.ok) return got;
    try {
      const parsed: unknown = JSON.parse(got.value.body.toString("utf8"));
      return isObject(parsed) ? ok(parsed) : fail(`${url} is not a JSON object.`);
    } catch {
      return fail(`${url} is not JSON.`);
    }
  }

  async function didKey(methodId: string): Promise<Outcome<VerificationKey>> {
    const [did, fragment] = methodId.split("#");
    const multibase = did.slice("did:key:".length);
    if (fragment !== undefined && fragment !== multibase) return fail(`${methodId} is not the key of ${did}.`);
    try {
      return ok({ publicKey: ed25519PublicKeyFromMultikey(multibase), controller: did });
    } catch {
      return fail(`${did} is not an Ed25519 did:key; only those are read here.`);
    }
  }

  async function didWeb(methodId: string): Promise<Outcome<VerificationKey>> {
    const did = withoutFragment(methodId);
    const url = didWebDocumentUrl(did);
    if (!url) return fail(`${did} is not a did:web this instance can read.`);
    let document = await fetchJson(url, DID_ACCEPT);
    if (!document.ok && options.allowPlainHttp) {
      const plain = await fetchJson(didWebDocumentUrl(did, "http")!, DID_ACCEPT);
      if (plain.ok) document = plain;
    }
    if (!document.ok) return fail(`The DID document of ${did} could not be read: ${document.reason}`);
    if (document.value.id !== did) return fail(`The DID document at ${url} is not that of ${did}.`);
    return assertionKey(document.value, did, methodId);
  }

  async function httpKey(methodId: string): Promise<Outcome<VerificationKey>> {
    const documentUrl = withoutFragment(methodId);
    const got = await fetchJson(documentUrl, "application/ld+json, application/json, application/activity+json;q=0.9");
    if (!got.ok) return fail(`The key ${methodId} could not be read: ${got.reason}`);
    const document = got.value;
    const id = typeof document.id === "string" ? document.id : null;
    if (!id) return fail(`The document at ${documentUrl} has no id.`);
    // A key published on its own counts only once its controller's document lists it.
    if (id === methodId && (document.controller ?? document.owner) !== undefined) {
      const controller = String(document.controller ?? document.owner);
      if (!/^https?:\/\//i.test(controller) || new URL(controller).origin !== new URL(methodId).origin) {
        return fail(`The key ${methodId} names a controller of another origin.`);
      }
      const owner = await fetchJson(controller, "application/ld+json, application/json, application/activity+json;q=0.9");
      if (!owner.ok) return fail(`The controller of ${methodId} could not be read: ${owner.reason}`);
      if (owner.value.id !== controller) return fail(`The document at ${controller} is not that controller.`);
      const listed = assertionKey(owner.value, controller, methodId);
      if (!listed.ok) return listed;
      const own = keyMaterial(document);
      if (typeof own === "string" || !own.equals(listed.value.publicKey)) return fail(`${controller} lists another key as ${methodId}.`);
      return listed;
    }
    if (withoutFragment(id) !== documentUrl) return fail(`The document at ${documentUrl} claims the id ${id}.`);
    return assertionKey(document, id, methodId);
  }

  async function resolveKey(methodId: string): Promise<Outcome<VerificationKey>> {
    if (methodId.startsWith("did:key:")) return didKey(methodId);
    if (methodId.startsWith("did:web:")) return didWeb(methodId);
    if (/^https?:\/\//i.test(methodId)) return httpKey(methodId);
    return fail(`Keys named like ${methodId.slice(0, 40)} cannot be resolved here (did:key, did:web and https are).`);
  }

  return {
    fetch: (url, { accept, maxBytes }) => fetchResource(url, accept, maxBytes),
    resolveKey,
    async verifyDataIntegrity(document) {
      const proof = asArray(document.proof)[0];
      const cryptosuite = isObject(proof) && typeof proof.cryptosuite === "string" ? proof.cryptosuite : null;
      const verificationMethod = isObject(proof) && typeof proof.verificationMethod === "string" ? proof.verificationMethod : "";
      const rdfcSuite = rdfcSuiteOf(proof);
      if (rdfcSuite) {
        const result = await verifyRdfcProof(document, async (id) => {
          const key = await resolveKey(id);
          return key.ok ? key.value : key.reason;
        });
        return result.ok ? ok({ controller: result.controller, verificationMethod: result.verificationMethod, cryptosuite: result.suite }) : fail(result.reason);
      }
      if (cryptosuite !== "eddsa-jcs-2022") {
        const named = cryptosuite ?? (isObject(proof) && typeof proof.type === "string" ? proof.type : "(none)");
        return fail(`The proof's cryptosuite ${named} is not one this instance verifies (eddsa-jcs-2022, eddsa-rdfc-2022, Ed25519Signature2020).`);
      }
      const result = await verifyProof(document, async (id) => {
        const key = await resolveKey(id);
        if (!key.ok) throw new Error(key.reason);
        return { controller: key.value.controller, publicKey: key.value.publicKey, cached: false };
      });
      return result.ok ? ok({ controller: result.controller, verificationMethod, cryptosuite }) : fail(result.reason);
    },
  };
}
