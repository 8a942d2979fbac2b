// Types for digitalbazaar's signing libraries, used only by tests (test/support/
// rdfc-credentials.ts) to make credentials with an implementation that is not ours.
declare module "@digitalbazaar/vc" {
  export function issue(options: { credential: object; suite: unknown; documentLoader: (url: string) => Promise<object>; now?: Date }): Promise<object>;
}
declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(options: { signer: unknown; cryptosuite: unknown; date?: string });
  }
}
declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  export const cryptosuite: unknown;
}
declare module "@digitalbazaar/ed25519-multikey" {
  export interface Ed25519MultikeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    export(options: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<Record<string, unknown>>;
    signer(): unknown;
  }
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519MultikeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519MultikeyPair>;
}
declare module "@digitalbazaar/ed25519-signature-2020" {
  export class Ed25519Signature2020 {
    constructor(options: { key: unknown; date?: string; canonizeOptions?: Record<string, unknown> });
  }
}
declare module "@digitalbazaar/ed25519-verification-key-2020" {
  export class Ed25519VerificationKey2020 {
    static from(options: { id: string; controller: string; publicKeyMultibase: string; privateKeyMultibase?: string }): Promise<Ed25519VerificationKey2020>;
  }
}
