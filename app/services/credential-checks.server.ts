// Pieces both Open Badges verifiers use: the list of checks a learner is shown, the
// recipient's identity against the learner's e-mail address, compact JWS signatures, dates.
import { constants, createHash, verify as cryptoVerify, type KeyObject } from "node:crypto";
import type { CredentialCheck } from "../../db/schema";

/** The checks made on one credential; the first failure is the reason it is unverified. */
export class CheckList {
  readonly checks: CredentialCheck[] = [];
  pass(check: string, detail: string) {
    this.checks.push({ check, outcome: "passed", detail });
  }
  fail(check: string, detail: string) {
    this.checks.push({ check, outcome: "failed", detail });
  }
  skip(check: string, detail: string) {
    this.checks.push({ check, outcome: "skipped", detail });
  }
  /** Records `passed` as a pass or a failure. */
  record(check: string, passed: boolean, detail: string) {
    if (passed) this.pass(check, detail);
    else this.fail(check, detail);
  }
  get reason(): string | null {
    return this.checks.find((c) => c.outcome === "failed")?.detail ?? null;
  }
  get verified(): boolean {
    return this.reason === null && this.checks.some((c) => c.outcome === "passed");
  }
}

export interface RecipientIdentity {
  identity: string;
  hashed: boolean;
  salt?: string | null;
}

/**
 * Whether an Open Badges recipient identity (OB 2.0 IdentityObject, OB 3.0 identifier) names
 * `email`: in plain text, or as `sha256$hex` / `md5$hex` of the address and the salt.
 * Addresses compare without case, as mail systems treat them in practice.
 */
export function identityNamesEmail(recipient: RecipientIdentity, email: string): boolean {
  const candidates = [...new Set([email.trim(), email.trim().toLowerCase()])];
  if (!recipient.hashed) return candidates.some((c) => c.toLowerCase() === recipient.identity.trim().toLowerCase());
  const match = /^(sha256|md5)\$([0-9a-f]+)$/i.exec(recipient.identity.trim());
  if (!match) return false;
  const algorithm = match[1].toLowerCase();
  const expected = match[2].toLowerCase();
  return candidates.some((c) => createHash(algorithm).update(c + (recipient.salt ?? ""), "utf8").digest("hex") === expected);
}

const JWS_ALGORITHMS: Record<string, { keyTypes: string[]; verify(data: Buffer, key: KeyObject, signature: Buffer): boolean }> = {
  RS256: { keyTypes: ["rsa"], verify: (d, k, s) => cryptoVerify("sha256", d, k, s) },
  RS384: { keyTypes: ["rsa"], verify: (d, k, s) => cryptoVerify("sha384", d, k, s) },
  RS512: { keyTypes: ["rsa"], verify: (d, k, s) => cryptoVerify("sha512", d, k, s) },
  PS256: {
    keyTypes: ["rsa", "rsa-pss"],
    verify: (d, k, s) => cryptoVerify("sha256", d, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, s),
  },
  ES256: { keyTypes: ["ec"], verify: (d, k, s) => cryptoVerify("sha256", d, { key: k, dsaEncoding: "ieee-p1363" }, s) },
  ES384: { keyTypes: ["ec"], verify: (d, k, s) => cryptoVerify("sha384", d, { key: k, dsaEncoding: "ieee-p1363" }, s) },
  EdDSA: { keyTypes: ["ed25519"], verify: (d, k, s) => cryptoVerify(null, d, k, s) },
  Ed25519: { keyTypes: ["ed25519"], verify: (d, k, s) => cryptoVerify(null, d, k, s) },
};

/** Verifies a compact JWS with `key`; a reason when it does not verify. */
export function checkJwsSignature(token: string, alg: unknown, key: KeyObject): string | null {
  const algorithm = typeof alg === "string" ? JWS_ALGORITHMS[alg] : undefined;
  if (!algorithm) return `The signature algorithm ${String(alg)} is not one this instance verifies.`;
  if (!algorithm.keyTypes.includes(key.asymmetricKeyType ?? "")) return `The key is ${key.asymmetricKeyType} but the signature says ${String(alg)}.`;
  const [header, payload, signature] = token.split(".");
  try {
    const ok = algorithm.verify(Buffer.from(`${header}.${payload}`, "ascii"), key, Buffer.from(signature, "base64url"));
    return ok ? null : "The signature does not verify with the issuer's key.";
  } catch (error) {
    return `The signature cannot be checked: ${(error as Error).message}.`;
  }
}

/** A date from an ISO 8601 string (or a NumericDate in seconds), or null. */
export function parseDate(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
};
