// FEP-8b32 Object Integrity Proofs: a Data Integrity proof with the eddsa-jcs-2022
// cryptosuite (W3C vc-di-eddsa §3.3), so an activity forwarded by a relay or a third
// instance still proves who made it. Canonical form is RFC 8785 JCS from the `canonicalize`
// package, not our canonicalJson: JCS is a contract with other implementations (number
// formatting, refusing NaN and lone surrogates), and our own helper exists to hash badge
// content and may change for that purpose.
import { createHash, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { z } from "zod";
import { base58btcDecode, base58btcEncode } from "./multibase";

export type JsonObject = Record<string, unknown>;

export interface DataIntegrityProof {
  "@context"?: unknown;
  type: "DataIntegrityProof";
  cryptosuite: "eddsa-jcs-2022";
  verificationMethod: string;
  proofPurpose: "assertionMethod";
  created: string;
  proofValue: string;
}

export interface ProofSigningKey {
  /** The Multikey id, e.g. `${actorUri}#ed25519-key`. */
  verificationMethod: string;
  privateKey: KeyObject;
  created?: Date;
}

export interface MultikeyOwner {
  /** The key's controller, checked against the document that lists it in `assertionMethod`. */
  controller: string;
  publicKey: KeyObject;
  /** As for ResolvedKey: false when just fetched or local, so a refresh would not help. */
  cached?: boolean;
}

export type ResolveMultikey = (verificationMethod: string, opts?: { refresh: boolean }) => Promise<MultikeyOwner | null>;

export type ProofResult = { ok: true; controller: string } | { ok: false; reason: string };

function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON form");
  return text;
}

/** hashData of vc-di-eddsa §3.3.4: SHA-256(JCS(proofConfig)) ‖ SHA-256(JCS(document)). */
function hashData(proofConfig: JsonObject, document: JsonObject): Buffer {
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return Buffer.concat([sha256(jcs(proofConfig)), sha256(jcs(document))]);
}

/** XML Schema dateTime to the second, as the spec's examples write it. */
function dateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `document` with an eddsa-jcs-2022 proof made with an Ed25519 private key. */
export function createProof<T extends JsonObject>(document: T, key: ProofSigningKey): T & { proof: DataIntegrityProof } {
  if (key.privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("eddsa-jcs-2022 needs an Ed25519 private key");
  if ("proof" in document) throw new TypeError("the document already carries a proof");
  const proofConfig: Omit<DataIntegrityProof, "proofValue"> = {
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-jcs-2022",
    verificationMethod: key.verificationMethod,
    proofPurpose: "assertionMethod",
    created: dateTime(key.created ?? new Date()),
  };
  // §3.3.5: the proof configuration takes the document's @context, and so does the proof.
  if (document["@context"] !== undefined) proofConfig["@context"] = document["@context"];
  const signature = cryptoSign(null, hashData(proofConfig, document), key.privateKey);
  return { ...document, proof: { ...proofConfig, proofValue: `z${base58btcEncode(signature)}` } };
}

const proofSchema = z
  .object({
    type: z.literal("DataIntegrityProof"),
    cryptosuite: z.literal("eddsa-jcs-2022"),
    verificationMethod: z.string().url(),
    proofPurpose: z.literal("assertionMethod"),
    proofValue: z.string().regex(/^z[1-9A-HJ-NP-Za-km-z]+$/),
    created: z.string().datetime({ offset: true }).optional(),
    expires: z.string().datetime({ offset: true }).optional(),
  })
  .passthrough();

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function fail(reason: string): ProofResult {
  return { ok: false, reason };
}

/**
 * Verifies the eddsa-jcs-2022 proof on `document` (vc-di-eddsa §3.3.2). The key must be an
 * Ed25519 Multikey; a failure with a cached key is retried once with it fetched afresh.
 * The caller checks that the controller may speak for the document (actor, attributedTo).
 */
export async function verifyProof(document: unknown, resolveMultikey: ResolveMultikey, now = new Date()): Promise<ProofResult> {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return fail("The document is not a JSON object.");
  const secured = document as JsonObject;
  const proofs = asArray(secured.proof ?? []);
  if (proofs.length === 0) return fail("The document carries no proof.");
  if (proofs.length > 1) return fail("The document carries several proofs; only one is supported.");
  const parsed = proofSchema.safeParse(proofs[0]);
  if (!parsed.success) {
    return fail(`The proof is not an eddsa-jcs-2022 assertion proof: ${parsed.error.issues.map((i) => i.path.join(".") || i.message).join(", ")}.`);
  }
  const proof = parsed.data;
  if (proof.expires !== undefined && Date.parse(proof.expires) < now.getTime()) return fail("The proof has expired.");

  const { proofValue, ...proofOptions } = proofs[0] as JsonObject;
  const { proof: _proof, ...unsecured } = secured;
  if (proofOptions["@context"] !== undefined) {
    const documentContext = asArray(unsecured["@context"]);
    const proofContext = asArray(proofOptions["@context"]);
    const startsWith = proofContext.every((entry, i) => i < documentContext.length && jcs(entry) === jcs(documentContext[i]));
    if (!startsWith) return fail("The proof's @context is not the start of the document's @context.");
    unsecured["@context"] = proofOptions["@context"];
  }
  const proofConfig: JsonObject = { ...proofOptions };
  if (unsecured["@context"] !== undefined) proofConfig["@context"] = unsecured["@context"];

  let data: Buffer;
  try {
    data = hashData(proofConfig, unsecured);
  } catch (error) {
    return fail(`The document cannot be canonicalised: ${(error as Error).message}.`);
  }
  const signature = Buffer.from(base58btcDecode(String(proofValue).slice(1)));
  if (signature.length !== 64) return fail("The proofValue is not an Ed25519 signature.");

  const check = (key: MultikeyOwner) =>
    key.publicKey.asymmetricKeyType === "ed25519" && cryptoVerify(null, data, key.publicKey, signature);
  let key = await resolve(resolveMultikey, proof.verificationMethod, false);
  if (typeof key === "string") return fail(key);
  let verified = check(key);
  if (!verified && key.cached !== false) {
    key = await resolve(resolveMultikey, proof.verificationMethod, true);
    if (typeof key === "string") return fail(key);
    verified = check(key);
  }
  return verified ? { ok: true, controller: key.controller } : fail(`The proof does not verify with ${proof.verificationMethod}.`);
}

async function resolve(resolveMultikey: ResolveMultikey, id: string, refresh: boolean): Promise<MultikeyOwner | string> {
  try {
    return (await resolveMultikey(id, { refresh })) ?? `The verification method ${id} is not known.`;
  } catch (error) {
    return `The verification method ${id} could not be used: ${(error as Error).message}`;
  }
}
