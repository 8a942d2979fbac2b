// Checking that a request body is the one its digest header names: RFC 3230 `Digest`
// (sent with draft-cavage signatures) and RFC 9530 `Content-Digest` (sent with RFC 9421).
// A signature covers only the header, so without this check a signed request could carry
// any body. Digests are compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { parseDictionary } from "structured-headers";

/** Algorithms we compute, by the names each header uses (lower-cased). */
const HASHES: Record<string, "sha256" | "sha512"> = { "sha-256": "sha256", "sha-512": "sha512" };

export type DigestCheck = { ok: true } | { ok: false; reason: string };

function sameBytes(expected: Uint8Array, given: Uint8Array): boolean {
  // Lengths are fixed per algorithm and public; only the content must not leak timing.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function compare(pairs: Array<[string, Uint8Array]>, body: Uint8Array, header: string): DigestCheck {
  let checked = 0;
  for (const [name, given] of pairs) {
    const hash = HASHES[name];
    if (!hash) continue;
    const expected = createHash(hash).update(body).digest();
    if (!sameBytes(expected, given)) return { ok: false, reason: `The ${header} header does not match the request body.` };
    checked++;
  }
  if (checked === 0) return { ok: false, reason: `The ${header} header names no supported algorithm (SHA-256 or SHA-512).` };
  return { ok: true };
}

/** RFC 3230: `Digest: SHA-256=<base64>[, SHA-512=<base64>]`. Every supported entry must match. */
export function checkDigest(header: string, body: Uint8Array): DigestCheck {
  const pairs: Array<[string, Uint8Array]> = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at < 0) return { ok: false, reason: "The Digest header is malformed." };
    const value = part.slice(at + 1).trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { ok: false, reason: "The Digest header is not base64." };
    pairs.push([part.slice(0, at).trim().toLowerCase(), Buffer.from(value, "base64")]);
  }
  return compare(pairs, body, "Digest");
}

/** RFC 9530: `Content-Digest: sha-256=:<base64>:`, a structured-field dictionary of byte sequences. */
export function checkContentDigest(header: string, body: Uint8Array): DigestCheck {
  let dictionary;
  try {
    dictionary = parseDictionary(header);
  } catch {
    return { ok: false, reason: "The Content-Digest header is not a valid structured field." };
  }
  const pairs: Array<[string, Uint8Array]> = [];
  for (const [name, member] of dictionary) {
    const value = member[0];
    if (!(value instanceof ArrayBuffer)) {
      return { ok: false, reason: `The Content-Digest entry ${name} is not a byte sequence.` };
    }
    pairs.push([name.toLowerCase(), new Uint8Array(value)]);
  }
  return compare(pairs, body, "Content-Digest");
}
