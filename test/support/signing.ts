// Test-side helpers for HTTP signatures: an in-memory key resolver that records what it was
// asked, and signers for the request shapes our own signRequest does not make (hs2019 with
// extra headers, RFC 9421), so the verifier's rules can be probed one by one. Interop with
// code we did not write is checked separately against Fedify and published vectors.
import { createHash, sign as cryptoSign, type KeyObject } from "node:crypto";
import type { KeyResolver, ResolvedKey } from "../../federation/signature-verify";

export interface RecordingResolver extends KeyResolver {
  calls: Array<{ keyId: string; refresh: boolean }>;
}

/** Answers from `first` for cached reads and from `refreshed` (default: the same) when asked to refresh. */
export function memoryKeys(
  first: Record<string, ResolvedKey>,
  refreshed: Record<string, ResolvedKey> = first,
): RecordingResolver {
  const calls: RecordingResolver["calls"] = [];
  return {
    calls,
    async resolve(keyId, { refresh }) {
      calls.push({ keyId, refresh });
      return (refresh ? refreshed : first)[keyId] ?? null;
    },
  };
}

export interface CavageOptions {
  method: string;
  url: string;
  headers: Record<string, string>;
  covered: string[];
  keyId: string;
  privateKey: KeyObject;
  algorithm?: string;
}

/** A draft-cavage Signature header over `covered`, computed as Mastodon does (RSA PKCS#1 v1.5, SHA-256). */
export function cavageSignature(o: CavageOptions): string {
  const url = new URL(o.url);
  const lines = o.covered.map((name) =>
    name === "(request-target)" ? `${name}: ${o.method.toLowerCase()} ${url.pathname}${url.search}` : `${name}: ${o.headers[name]}`,
  );
  const signature = cryptoSign("sha256", Buffer.from(lines.join("\n")), o.privateKey).toString("base64");
  return `keyId="${o.keyId}",algorithm="${o.algorithm ?? "hs2019"}",headers="${o.covered.join(" ")}",signature="${signature}"`;
}

export function sha256Base64(body: string): string {
  return createHash("sha256").update(body).digest("base64");
}

export interface Rfc9421Options {
  method: string;
  url: string;
  headers: Record<string, string>;
  components: string[];
  keyId: string;
  privateKey: KeyObject;
  created: Date;
  alg?: string;
  extraParams?: string;
}

/** `Signature-Input` and `Signature` for an Ed25519 or RSA (PKCS#1 v1.5) key, label sig1. */
export function rfc9421Headers(o: Rfc9421Options): { "signature-input": string; signature: string } {
  const url = new URL(o.url);
  const derived: Record<string, string> = {
    "@method": o.method,
    "@target-uri": url.href,
    "@authority": url.host,
    "@path": url.pathname,
    "@query": url.search || "?",
  };
  const params =
    `(${o.components.map((c) => `"${c}"`).join(" ")});created=${Math.floor(o.created.getTime() / 1000)}` +
    `;keyid="${o.keyId}"${o.alg ? `;alg="${o.alg}"` : ""}${o.extraParams ?? ""}`;
  const lines = o.components.map((c) => `"${c}": ${derived[c] ?? o.headers[c]}`);
  lines.push(`"@signature-params": ${params}`);
  const data = Buffer.from(lines.join("\n"));
  const signature = cryptoSign(o.privateKey.asymmetricKeyType === "ed25519" ? null : "sha256", data, o.privateKey);
  return { "signature-input": `sig1=${params}`, signature: `sig1=:${signature.toString("base64")}:` };
}
