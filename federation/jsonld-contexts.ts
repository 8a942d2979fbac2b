// The JSON-LD contexts this instance knows, served from memory: verifying an RDF-canonicalised
// proof expands a credential with the contexts it names, and a context fetched at that moment
// would let whoever serves it change what the signature covers (and make every import a
// request to a third party). So nothing is fetched: the W3C Verifiable Credentials contexts
// (v1, v2), the Data Integrity contexts (v1, v2) and the Ed25519Signature2020 suite context
// come from their npm packages, the Open Badges 3.0.3 context from the official file kept
// in federation/contexts/. Any other URL is "not known here".
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { contexts as credentialsContexts } from "@digitalbazaar/credentials-context";
import dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import ed25519Context from "ed25519-signature-2020-context";
import type { DocumentLoader } from "jsonld";

export const CREDENTIALS_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1";
export const CREDENTIALS_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export const DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2";
export const ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1";
export const OB_3_0_3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

let known: Map<string, object> | null = null;

/** Every context URL this instance can expand, with its document. */
export function knownContexts(): ReadonlyMap<string, object> {
  if (known) return known;
  const ob = JSON.parse(readFileSync(fileURLToPath(new URL("./contexts/ob-v3p0-context-3.0.3.json", import.meta.url)), "utf8")) as object;
  known = new Map<string, object>([
    ...credentialsContexts,
    ...dataIntegrityContext.contexts,
    ...ed25519Context.contexts,
    [OB_3_0_3_CONTEXT, ob],
  ]);
  for (const url of [CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, DATA_INTEGRITY_V2_CONTEXT, ED25519_2020_CONTEXT]) {
    if (!known.has(url)) throw new Error(`the bundled JSON-LD contexts lack ${url}`);
  }
  return known;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The context URLs `document` names anywhere (`@context` of any node, inline contexts and
 * their `@import`s included), in order of appearance, without repeats.
 */
export function contextUrlsIn(document: unknown): string[] {
  const found = new Set<string>();
  const contextValue = (value: unknown) => {
    for (const entry of Array.isArray(value) ? value : [value]) {
      if (typeof entry === "string") found.add(entry);
      else if (isObject(entry)) walk(entry);
    }
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === "@context") contextValue(child);
      else if (key === "@import" && typeof child === "string") found.add(child);
      else walk(child);
    }
  };
  walk(document);
  return [...found];
}

/** The first context URL `document` names that this instance does not know, or null. */
export function unknownContextIn(document: unknown): string | null {
  const contexts = knownContexts();
  return contextUrlsIn(document).find((url) => !contexts.has(url)) ?? null;
}

export class UnknownContextError extends Error {
  constructor(readonly url: string) {
    super(`The JSON-LD context ${url} is not known here.`);
    this.name = "UnknownContextError";
  }
}

/**
 * A jsonld document loader that answers the known contexts and refuses everything else
 * without a request. Nothing is tagged static, so jsonld's process-wide cache of resolved
 * contexts never holds (or serves) an entry of ours.
 */
export const staticDocumentLoader: DocumentLoader = async (url) => {
  const document = knownContexts().get(url);
  if (!document) throw new UnknownContextError(url);
  return { contextUrl: null, documentUrl: url, document };
};
