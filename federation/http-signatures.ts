// Signing outgoing requests the way Mastodon sends and expects them: draft-cavage HTTP
// Signatures, rsa-sha256 over `(request-target) host date` plus `digest` when there is a
// body, with an RFC 3230 `Digest: SHA-256=…` header. Verification of incoming requests
// (cavage and RFC 9421) lives in signature-verify.ts.
import { createHash, createSign, sign as cryptoSign, type KeyObject } from "node:crypto";

export interface SignableRequest {
  method: "GET" | "POST";
  url: string;
  /** The exact bytes that will be sent; absent for GET. */
  body?: string | Uint8Array;
  /** Extra headers to send (Accept, Content-Type); they are returned with the signature. */
  headers?: Record<string, string>;
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

export function sha256Digest(body: string | Uint8Array): string {
  return `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
}

/** The headers to send with `request`: its own, plus Host, Date, Digest and Signature. */
export function signRequest(request: SignableRequest, key: SigningKey, now = new Date()): Record<string, string> {
  const { headers, signingString, covered } = prepareSignature(request, now);
  const signature = createSign("sha256").update(signingString).sign(key.privateKey, "base64");
  return withSignature(headers, key, covered, signature);
}

/**
 * The same as signRequest, with the RSA operation done on libuv's thread pool: a delivery
 * worker signing thousands of requests keeps its event loop free for the requests.
 */
export function signRequestAsync(request: SignableRequest, key: SigningKey, now = new Date()): Promise<Record<string, string>> {
  const { headers, signingString, covered } = prepareSignature(request, now);
  return new Promise((resolve, reject) =>
    cryptoSign("sha256", Buffer.from(signingString), key.privateKey, (error, signature) =>
      error ? reject(error) : resolve(withSignature(headers, key, covered, signature.toString("base64"))),
    ),
  );
}

function prepareSignature(request: SignableRequest, now: Date) {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  headers.date = now.toUTCString();
  const covered = ["(request-target)", "host", "date"];
  if (request.body !== undefined) {
    headers.digest = sha256Digest(request.body);
    covered.push("digest");
  }
  const target = `${request.method.toLowerCase()} ${url.pathname}${url.search}`;
  const signingString = covered
    .map((name) => (name === "(request-target)" ? `(request-target): ${target}` : `${name}: ${headers[name]}`))
    .join("\n");
  return { headers, signingString, covered };
}

function withSignature(headers: Record<string, string>, key: SigningKey, covered: string[], signature: string) {
  headers.signature = `keyId="${key.keyId}",algorithm="rsa-sha256",headers="${covered.join(" ")}",signature="${signature}"`;
  return headers;
}
