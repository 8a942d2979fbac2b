// Types for the JSON-LD packages used to verify RDF-canonicalised proofs (they ship none):
// only what federation/jsonld-contexts.ts and federation/rdfc-proof.ts call.
declare module "jsonld" {
  export interface RemoteDocument {
    contextUrl: string | null;
    documentUrl: string;
    document: unknown;
    tag?: string;
  }
  export type DocumentLoader = (url: string) => Promise<RemoteDocument>;
  export interface ToRdfOptions {
    base?: string | null;
    safe?: boolean;
    rdfDirection?: "i18n-datatype";
    produceGeneralizedRdf?: boolean;
    documentLoader?: DocumentLoader;
  }
  const jsonld: {
    /** The RDF dataset (quads) of a JSON-LD document. */
    toRDF(input: object, options?: ToRdfOptions): Promise<unknown[]>;
  };
  export default jsonld;
}

declare module "rdf-canonize" {
  export interface CanonizeOptions {
    algorithm: "RDFC-1.0";
    format?: "application/n-quads";
    maxWorkFactor?: number;
    maxDeepIterations?: number;
    signal?: AbortSignal;
  }
  const rdfCanonize: {
    /** RDFC-1.0 canonical N-Quads of a dataset. */
    canonize(dataset: unknown, options: CanonizeOptions): Promise<string>;
  };
  export default rdfCanonize;
}

declare module "@digitalbazaar/credentials-context" {
  export const contexts: Map<string, object>;
}

declare module "@digitalbazaar/data-integrity-context" {
  const dataIntegrityContext: { contexts: Map<string, object>; CONTEXT_URL: string };
  export default dataIntegrityContext;
}

declare module "ed25519-signature-2020-context" {
  const ed25519Context: { contexts: Map<string, object>; CONTEXT_URL: string };
  export default ed25519Context;
}
