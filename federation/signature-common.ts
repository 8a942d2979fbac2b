// What the two HTTP signature schemes share: the request as the verifier sees it, the
// signature extracted from it, and checking the signed bytes against a public key.
import { constants, verify as cryptoVerify, type KeyObject } from "node:crypto";

/** How far a signature's time (Date header or `created`) may be from ours, either way. */
export const SIGNATURE_MAX_SKEW_MS = 60 * 60 * 1000;

/** A received request with header names lower-cased and repeated headers joined by ", ". */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: Map<string, string>;
  /** The body bytes; empty for a request without one. */
  body: Uint8Array;
}

export type SignatureAlgorithm = "rsa-sha256" | "hs2019" | "rsa-v1_5-sha256" | "rsa-pss-sha512" | "ed25519";

/** A signature taken apart: who claims to have signed what, still unverified. */
export interface ClaimedSignature {
  scheme: "cavage" | "rfc9421";
  keyId: string;
  /** The algorithm the signer named; undefined when it left the key to decide. */
  algorithm: SignatureAlgorithm | undefined;
  /** The exact bytes the signature is over (signing string or signature base). */
  signed: Buffer;
  signature: Buffer;
}

export type Refusal = { reason: string };

export function withinSkew(time: number, now: Date): boolean {
  return Math.abs(now.getTime() - time) <= SIGNATURE_MAX_SKEW_MS;
}

/**
 * Checks `claim` against `publicKey`: true, or why not. The algorithm must suit the key's
 * type, so a signer cannot pick a weaker reading of a key than its owner published.
 */
export function checkSignature(claim: ClaimedSignature, publicKey: KeyObject): true | string {
  const type = publicKey.asymmetricKeyType;
  const algorithm = claim.algorithm ?? defaultAlgorithm(type);
  try {
    switch (algorithm) {
      case "rsa-sha256":
      case "rsa-v1_5-sha256":
        if (type !== "rsa") break;
        return cryptoVerify("sha256", claim.signed, publicKey, claim.signature) || notVerified(claim);
      case "hs2019":
        // draft-cavage leaves hs2019 to the key: Mastodon and others sign it as RSA PKCS#1 v1.5 / SHA-256.
        if (type === "rsa") return cryptoVerify("sha256", claim.signed, publicKey, claim.signature) || notVerified(claim);
        if (type === "ed25519") return cryptoVerify(null, claim.signed, publicKey, claim.signature) || notVerified(claim);
        break;
      case "rsa-pss-sha512":
        if (type !== "rsa" && type !== "rsa-pss") break;
        return (
          cryptoVerify("sha512", claim.signed, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, claim.signature) ||
          notVerified(claim)
        );
      case "ed25519":
        if (type !== "ed25519") break;
        return cryptoVerify(null, claim.signed, publicKey, claim.signature) || notVerified(claim);
      case undefined:
        return `The key ${claim.keyId} is of a type (${type ?? "unknown"}) that cannot verify request signatures.`;
    }
  } catch {
    return notVerified(claim);
  }
  return `The signature's algorithm ${algorithm} does not suit the key ${claim.keyId} (${type ?? "unknown type"}).`;
}

// RFC 9421 lets the key decide when `alg` is absent. For plain RSA keys the fediverse
// (Mastodon, Fedify) uses PKCS#1 v1.5 with SHA-256; a key marked RSA-PSS means PSS.
function defaultAlgorithm(type: string | undefined): SignatureAlgorithm | undefined {
  if (type === "rsa") return "rsa-v1_5-sha256";
  if (type === "rsa-pss") return "rsa-pss-sha512";
  if (type === "ed25519") return "ed25519";
  return undefined;
}

function notVerified(claim: ClaimedSignature): string {
  return `The signature does not verify with the key ${claim.keyId}.`;
}
