// What verifying a learner's credential asks of the network and of key material, so that
// services never import federation/: implemented in federation/credential-network.ts with
// the guarded fetcher (timeouts, size caps, no private addresses unless the operator
// allows them) and federation's proof verifiers (federation/proof.ts, rdfc-proof.ts).
// Failures come back as values with a reason in plain words, never thrown: they become the
// reason a credential is unverified.
import type { KeyObject } from "node:crypto";

export interface RemoteResource {
  body: Buffer;
  // The Content-Type header as sent, lower-cased, without parameters.
  contentType: string;
  // Where it was finally read from (after redirects).
  url: string;
}

// `status`: the HTTP status when the remote answered with a failure (410: gone, revoked).
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string; status?: number };

export interface VerificationKey {
  publicKey: KeyObject;
  // Who the key speaks for: a DID, or the URL of the document that lists the key.
  controller: string;
}

export interface CredentialNetwork {
  /** The bytes at `url`, at most `maxBytes`; any 2xx answer, whatever its type. */
  fetch(url: string, options: { accept: string; maxBytes: number }): Promise<Outcome<RemoteResource>>;
  /**
   * The public key a verification method names, and its controller: did:key offline,
   * did:web and http(s) documents through the fetcher. Only keys the controller lists for
   * making assertions count.
   */
  resolveKey(verificationMethod: string): Promise<Outcome<VerificationKey>>;
  /**
   * Checks the proof on `document`: Data Integrity eddsa-jcs-2022 or eddsa-rdfc-2022, or
   * Ed25519Signature2020 (RDF canonicalisation with bundled JSON-LD contexts only, never
   * fetched, and bounded work); gives the key's controller and the suite as `cryptosuite`.
   */
  verifyDataIntegrity(document: Record<string, unknown>): Promise<Outcome<{ controller: string; verificationMethod: string; cryptosuite: string }>>;
}
