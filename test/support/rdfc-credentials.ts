// Open Badges 3.0 credentials signed by an implementation that is not ours: digitalbazaar's
// @digitalbazaar/vc with the eddsa-rdfc-2022 Data Integrity cryptosuite and with the
// Ed25519Signature2020 suite (devDependencies). Our verifier (federation/rdfc-proof.ts) only
// shares jsonld / rdf-canonize with them; the way the proof options and the document are
// assembled and hashed, the key handling and the context loading are each side's own. The
// signer's contexts come from the npm context packages and the official OB 3.0.3 context in
// test/fixtures/ob3, not from federation/jsonld-contexts.ts.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { Ed25519VerificationKey2020 } from "@digitalbazaar/ed25519-verification-key-2020";
import { contexts as credentialsContexts } from "@digitalbazaar/credentials-context";
import dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import ed25519Context from "ed25519-signature-2020-context";
import type { Json } from "./credentials";

export const OB_CONTEXT_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
export const ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1";

const obContext = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/ob3/context-3.0.3.json", import.meta.url)), "utf8")) as object;

/** The signer's loader: the published contexts, and whatever a test adds (`extra`). */
function documentLoaderWith(extra: Record<string, object> = {}) {
  const documents = new Map<string, object>([
    ...credentialsContexts,
    ...dataIntegrityContext.contexts,
    ...ed25519Context.contexts,
    [OB_CONTEXT_3_0_3, obContext],
    ...Object.entries(extra),
  ]);
  return async (url: string) => {
    const document = documents.get(url);
    if (!document) throw new Error(`test signer: no document for ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
}

export interface RdfcIssuer {
  // The issuer's id: a did:key, or whatever controller the key was made for.
  did: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  // The key as an Ed25519VerificationKey2020 / Multikey verification method object.
  verificationMethodObject: Json;
  sign2022(credential: Json, options?: SignOptions): Promise<Json>;
  sign2020(credential: Json, options?: SignOptions): Promise<Json>;
}

export interface SignOptions {
  // Contexts the signer may load besides the published ones.
  contexts?: Record<string, object>;
  // Passed to rdf-canonize by the Ed25519Signature2020 suite (e.g. an unbounded work factor).
  canonizeOptions?: Record<string, unknown>;
}

const CREATED = "2026-01-10T09:00:00Z";

/**
 * A fresh Ed25519 key pair, held by digitalbazaar's key classes. Without `controller` and
 * `verificationMethod` it is a did:key issuer (`did:key:z6Mk…#z6Mk…`).
 */
export async function rdfcIssuer(where: { controller?: string; verificationMethod?: string } = {}): Promise<RdfcIssuer> {
  const generated = await Ed25519Multikey.generate();
  const publicKeyMultibase = generated.publicKeyMultibase as string;
  const did = where.controller ?? `did:key:${publicKeyMultibase}`;
  const verificationMethod = where.verificationMethod ?? `${did}#${publicKeyMultibase}`;
  const multikey = await Ed25519Multikey.from({ ...(await generated.export({ publicKey: true, secretKey: true, includeContext: true })), id: verificationMethod, controller: did });
  const key2020 = await Ed25519VerificationKey2020.from({
    id: verificationMethod,
    controller: did,
    publicKeyMultibase,
    privateKeyMultibase: (await multikey.export({ secretKey: true })).secretKeyMultibase as string,
  });
  const issue = (credential: Json, suite: unknown, options: SignOptions) =>
    vc.issue({ credential: structuredClone(credential), suite, documentLoader: documentLoaderWith(options.contexts), now: new Date(CREATED) }) as Promise<Json>;
  return {
    did,
    verificationMethod,
    publicKeyMultibase,
    verificationMethodObject: { id: verificationMethod, type: "Ed25519VerificationKey2020", controller: did, publicKeyMultibase },
    sign2022: (credential, options = {}) =>
      issue(credential, new DataIntegrityProof({ signer: multikey.signer(), cryptosuite: eddsaRdfc2022, date: CREATED }), options),
    sign2020: (credential, options = {}) =>
      issue(credential, new Ed25519Signature2020({ key: key2020, date: CREATED, canonizeOptions: options.canonizeOptions }), options),
  };
}

/** `credential` with the Ed25519Signature2020 suite context added, as that suite requires. */
export function with2020Context(credential: Json): Json {
  return { ...credential, "@context": [...(credential["@context"] as string[]), ED25519_2020_CONTEXT] };
}

/** A signed credential with its one proof in the one-element array the OB 3.0 schema wants. */
export function proofAsArray(signed: Json): Json {
  return Array.isArray(signed.proof) ? signed : { ...signed, proof: [signed.proof] };
}
