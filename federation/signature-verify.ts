// Verifying the HTTP signature of an incoming request, whichever of the two schemes the
// peer used: draft-cavage `Signature` (Mastodon and most of the fediverse today) or RFC 9421
// `Signature-Input` + `Signature` (Fedify 1.6+, newer Mastodon). See
// docs/decisions/005-verifying-incoming-requests.md. The result names the key and its owner;
// whether that owner may do what the body says is the caller's check.
import type { KeyObject } from "node:crypto";
import { checkSignature, type ClaimedSignature, type ReceivedRequest } from "./signature-common";
import { readCavageSignature } from "./signature-cavage";
import { readRfc9421Signature } from "./signature-rfc9421";

export interface IncomingRequest {
  method: string;
  /** Absolute URL the request was addressed to: our public origin plus the request target as received. */
  url: string;
  /** Node's `req.headers`, a fetch `Headers`, or any map of names to values. */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body bytes exactly as received; absent for a request without one. */
  body?: string | Uint8Array;
}

export interface ResolvedKey {
  /** The actor that published the key (`owner` or `controller`, checked against its document). */
  ownerUri: string;
  publicKey: KeyObject;
  /**
   * False when the key was just fetched or is authoritative (a local actor's), so fetching it
   * again would not help; true or absent when it came from a cache and may be stale.
   */
  cached?: boolean;
}

export interface KeyResolver {
  /**
   * The public key named `keyId`, or null when there is no such key. `refresh: true` asks for
   * it to be fetched again rather than read from a cache (the owner may have rotated it).
   * May throw when the key's document cannot be fetched or cannot vouch for the key; the
   * error's message becomes part of the refusal.
   */
  resolve(keyId: string, opts: { refresh: boolean }): Promise<ResolvedKey | null>;
}

export type VerifyResult =
  | { ok: true; keyId: string; ownerUri: string; scheme: "cavage" | "rfc9421" }
  | { ok: false; reason: string };

function received(request: IncomingRequest): ReceivedRequest | string {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return "The request URL is not valid.";
  }
  const headers = new Map<string, string>();
  const entries: Iterable<[string, string | string[] | undefined]> =
    request.headers instanceof Headers ? request.headers.entries() : Object.entries(request.headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = (Array.isArray(value) ? value : [value]).map((v) => v.trim()).join(", ");
    headers.set(key, headers.has(key) ? `${headers.get(key)}, ${joined}` : joined);
  }
  const body = request.body === undefined ? new Uint8Array() : typeof request.body === "string" ? Buffer.from(request.body, "utf8") : request.body;
  return { method: request.method.toUpperCase(), url, headers, body };
}

function readSignature(request: ReceivedRequest, now: Date): ClaimedSignature | { reason: string } {
  const input = request.headers.get("signature-input");
  const signature = request.headers.get("signature");
  if (signature === undefined) return { reason: "The request is not signed: it has no Signature header." };
  if (input !== undefined) return readRfc9421Signature(request, input, signature, now);
  return readCavageSignature(request, signature, now);
}

async function resolveKey(keys: KeyResolver, keyId: string, refresh: boolean): Promise<ResolvedKey | string> {
  try {
    return (await keys.resolve(keyId, { refresh })) ?? `The signing key ${keyId} is not known.`;
  } catch (error) {
    return `The signing key ${keyId} could not be used: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Verifies `request`'s HTTP signature. Coverage, time and body digest are checked before any
 * key is looked up, so a malformed or replayed-late request costs no fetch. A signature that
 * fails with a cached key is tried once more with the key fetched afresh (key rotation).
 */
export async function verifyRequest(request: IncomingRequest, keys: KeyResolver, now = new Date()): Promise<VerifyResult> {
  const message = received(request);
  if (typeof message === "string") return { ok: false, reason: message };
  const claim = readSignature(message, now);
  if ("reason" in claim) return { ok: false, reason: claim.reason };

  let key = await resolveKey(keys, claim.keyId, false);
  if (typeof key === "string") return { ok: false, reason: key };
  let outcome = checkSignature(claim, key.publicKey);
  if (outcome !== true && key.cached !== false) {
    key = await resolveKey(keys, claim.keyId, true);
    if (typeof key === "string") return { ok: false, reason: key };
    outcome = checkSignature(claim, key.publicKey);
  }
  if (outcome !== true) return { ok: false, reason: outcome };
  return { ok: true, keyId: claim.keyId, ownerUri: key.ownerUri, scheme: claim.scheme };
}
