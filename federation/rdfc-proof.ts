// Verifying Ed25519 proofs over RDF-canonicalised documents, the two forms Open Badges 3.0
// issuers use besides eddsa-jcs-2022:
// - DataIntegrityProof with cryptosuite eddsa-rdfc-2022 (W3C vc-di-eddsa §3.2);
// - Ed25519Signature2020 (W3C CCG, the suite of OB 3.0's first certified issuers).
// Both hash the same way: SHA-256 of the RDFC-1.0 canonical N-Quads of the proof options
// (the proof without its value, under the document's @context), then of the document without
// its proof; the signature is Ed25519 over the two hashes, proof options first.
//
// The JSON-LD work is digitalbazaar's `jsonld` (expansion to RDF) and `rdf-canonize`
// (RDFC-1.0), the implementations the W3C test suites run against; this file only assembles
// the inputs as those suites' reference code does (jsonld-signatures, @digitalbazaar/
// data-integrity), resolves the key with our own resolvers, and bounds the work:
// - contexts come from federation/jsonld-contexts.ts; a credential naming another one is
//   refused before any expansion, and the loader refuses it again if it slips through;
// - safe mode: a property the contexts do not define is an error, not silently dropped from
//   what the signature covers;
// - at most MAX_QUADS statements, and RDFC-1.0's blank-node work capped (maxWorkFactor 1: at
//   most as many deep hashing steps as there are indistinguishable blank nodes) and timed.
import { createHash, verify as cryptoVerify, type KeyObject } from "node:crypto";
import jsonld from "jsonld";
import rdfCanonize from "rdf-canonize";
import { z } from "zod";
import { base58btcDecode } from "./multibase";
import {
  CREDENTIALS_V2_CONTEXT,
  DATA_INTEGRITY_V2_CONTEXT,
  ED25519_2020_CONTEXT,
  staticDocumentLoader,
  UnknownContextError,
  unknownContextIn,
} from "./jsonld-contexts";

type Json = Record<string, unknown>;

export const RDFC_SUITES = ["eddsa-rdfc-2022", "Ed25519Signature2020"] as const;
export type RdfcSuite = (typeof RDFC_SUITES)[number];

/** Statements (quads) one canonicalisation may hold: a badge credential has about a hundred. */
export const MAX_QUADS = 5000;
/** RDFC-1.0 work: deep iterations at most (non-unique blank nodes)^MAX_WORK_FACTOR. */
export const MAX_WORK_FACTOR = 1;
/** Wall-clock bound on one canonicalisation, should the work factor still allow too much. */
export const CANONICALISE_TIMEOUT_MS = 5000;

export interface RdfcKey {
  publicKey: KeyObject;
  controller: string;
}

export type RdfcResult =
  | { ok: true; controller: string; verificationMethod: string; suite: RdfcSuite }
  | { ok: false; reason: string };

const fail = (reason: string): RdfcResult => ({ ok: false, reason });
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const includesContext = (context: unknown, url: string) => asArray(context).includes(url);

/** The RDF-canonicalised suite a proof object names, or null. */
export function rdfcSuiteOf(proof: unknown): RdfcSuite | null {
  if (!isObject(proof)) return null;
  if (proof.type === "DataIntegrityProof" && proof.cryptosuite === "eddsa-rdfc-2022") return "eddsa-rdfc-2022";
  if (proof.type === "Ed25519Signature2020") return "Ed25519Signature2020";
  return null;
}

const proofSchema = z
  .object({
    verificationMethod: z.string().min(1).max(2000),
    proofPurpose: z.literal("assertionMethod"),
    proofValue: z.string().regex(/^z[1-9A-HJ-NP-Za-km-z]+$/, "is not a base58btc multibase value"),
    created: z.string().datetime({ offset: true }).optional(),
    expires: z.string().datetime({ offset: true }).optional(),
  })
  .passthrough();

/** Why canonicalisation was refused, in words a learner can read. */
class CanonicalisationRefused extends Error {}

/** RDFC-1.0 canonical N-Quads of `input`, with the bounds above. */
async function canonicalise(input: Json): Promise<string> {
  let dataset: unknown[];
  try {
    dataset = await jsonld.toRDF(input, {
      base: null,
      safe: true,
      rdfDirection: "i18n-datatype",
      produceGeneralizedRdf: false,
      documentLoader: staticDocumentLoader,
    });
  } catch (error) {
    throw new CanonicalisationRefused(expansionFailure(error));
  }
  if (dataset.length > MAX_QUADS) {
    throw new CanonicalisationRefused(`The credential is too large to canonicalise here (${dataset.length} statements; at most ${MAX_QUADS}).`);
  }
  try {
    return await rdfCanonize.canonize(dataset, {
      algorithm: "RDFC-1.0",
      format: "application/n-quads",
      maxWorkFactor: MAX_WORK_FACTOR,
      signal: AbortSignal.timeout(CANONICALISE_TIMEOUT_MS),
    });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/deep iterations/i.test(message)) {
      throw new CanonicalisationRefused("The credential's blank nodes are too tangled to canonicalise within this instance's limits; it was refused rather than checked.");
    }
    if (/abort/i.test(message)) {
      throw new CanonicalisationRefused(`Canonicalising the credential took longer than ${CANONICALISE_TIMEOUT_MS / 1000} s; it was refused rather than checked.`);
    }
    throw new CanonicalisationRefused(`The credential cannot be canonicalised: ${message}.`);
  }
}

/** The reason JSON-LD expansion failed: an unknown context, or what safe mode refused. */
function expansionFailure(error: unknown): string {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof UnknownContextError) return `The JSON-LD context ${cause.url} is not known here; contexts are never fetched.`;
    cause = (cause as { details?: { cause?: unknown }; cause?: unknown }).details?.cause ?? (cause as { cause?: unknown }).cause;
  }
  const e = error as { message?: string; details?: { event?: { message?: string }; code?: string } };
  const detail = e.details?.event?.message ?? e.message ?? String(error);
  return `The credential cannot be read as JSON-LD with its contexts (${detail.replace(/\.$/, "")}), so what its proof covers cannot be computed.`;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * The proof options each suite canonicalises: the proof without its value, under the
 * document's @context (the proof's own, when it has one), with the suite's context appended
 * when the document does not name it, so the proof's terms are defined: for eddsa-rdfc-2022
 * the Data Integrity context unless VC 2.0 (which includes it) is there, as
 * @digitalbazaar/data-integrity does; for Ed25519Signature2020 its suite context, as the
 * W3C vc-di-eddsa test vectors do (digitalbazaar's suite only signs documents that name it).
 */
function proofOptionsOf(proof: Json, document: Json, suite: RdfcSuite): Json {
  const options: Json = { "@context": document["@context"], ...proof };
  delete options.proofValue;
  delete options.jws;
  delete options.signatureValue;
  const context = options["@context"];
  const needed =
    suite === "eddsa-rdfc-2022"
      ? includesContext(context, DATA_INTEGRITY_V2_CONTEXT) || includesContext(context, CREDENTIALS_V2_CONTEXT)
        ? null
        : DATA_INTEGRITY_V2_CONTEXT
      : includesContext(context, ED25519_2020_CONTEXT)
        ? null
        : ED25519_2020_CONTEXT;
  if (needed) options["@context"] = [...asArray(context), needed];
  return options;
}

/**
 * Verifies the eddsa-rdfc-2022 or Ed25519Signature2020 proof on `document`. `resolveKey`
 * gives the key a verification method names and its controller (the caller checks that the
 * controller is the issuer). Failures come back with the reason, never thrown.
 */
export async function verifyRdfcProof(
  document: Json,
  resolveKey: (verificationMethod: string) => Promise<RdfcKey | string>,
  now = new Date(),
): Promise<RdfcResult> {
  const proofs = asArray(document.proof);
  if (proofs.length === 0) return fail("The document carries no proof.");
  if (proofs.length > 1) return fail("The document carries several proofs; only one is supported.");
  const proof = proofs[0];
  const suite = rdfcSuiteOf(proof);
  if (!suite || !isObject(proof)) return fail("The proof is neither eddsa-rdfc-2022 nor Ed25519Signature2020.");
  const parsed = proofSchema.safeParse(proof);
  if (!parsed.success) {
    return fail(`The ${suite} proof cannot be read: ${parsed.error.issues.map((i) => `${i.path.join(".") || "proof"} ${i.message}`).join(", ")}.`);
  }
  const { verificationMethod, expires } = parsed.data;
  if (expires !== undefined && Date.parse(expires) < now.getTime()) return fail("The proof has expired.");

  const { proof: _proof, ...unsecured } = document;
  if (proof["@context"] !== undefined && JSON.stringify(proof["@context"]) !== JSON.stringify(unsecured["@context"])) {
    return fail("The proof's @context differs from the credential's.");
  }
  // Named but unknown contexts: said before any JSON-LD processing, and never fetched.
  const unknown = unknownContextIn(document);
  if (unknown) return fail(`The JSON-LD context ${unknown} is not known here; contexts are never fetched, so this proof cannot be checked.`);

  const signature = Buffer.from(base58btcDecode(parsed.data.proofValue.slice(1)));
  if (signature.length !== 64) return fail("The proofValue is not an Ed25519 signature.");

  let data: Buffer;
  try {
    // One after the other: two canonicalisations at once would double the peak work.
    const proofHash = sha256(await canonicalise(proofOptionsOf(proof, unsecured, suite)));
    const documentHash = sha256(await canonicalise(unsecured));
    data = Buffer.concat([proofHash, documentHash]);
  } catch (error) {
    if (error instanceof CanonicalisationRefused) return fail(error.message);
    throw error;
  }

  const key = await resolveKey(verificationMethod);
  if (typeof key === "string") return fail(key);
  if (key.publicKey.asymmetricKeyType !== "ed25519") return fail(`The key ${verificationMethod} is not an Ed25519 key, as ${suite} needs.`);
  if (!cryptoVerify(null, data, key.publicKey, signature)) return fail(`The proof does not verify with ${verificationMethod}.`);
  return { ok: true, controller: key.controller, verificationMethod, suite };
}
