// Reading RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`), as Fedify 1.6+
// and newer Mastodon send them, and rebuilding the signature base. Structured fields are
// parsed by `structured-headers` (RFC 8941/9651) rather than by hand: the `@signature-params`
// line must be re-serialised byte for byte, which is exactly what that library is for.
import {
  isInnerList,
  parseDictionary,
  serializeInnerList,
  serializeString,
  type Dictionary,
  type InnerList,
} from "structured-headers";
import { checkContentDigest } from "./body-digest";
import {
  withinSkew,
  type ClaimedSignature,
  type ReceivedRequest,
  type Refusal,
  type SignatureAlgorithm,
} from "./signature-common";

const ALGORITHMS: SignatureAlgorithm[] = ["rsa-v1_5-sha256", "rsa-pss-sha512", "ed25519"];

function refuse(reason: string): Refusal {
  return { reason };
}

function parse(name: string, value: string): Dictionary | Refusal {
  try {
    return parseDictionary(value);
  } catch {
    return refuse(`The ${name} header is not a valid structured field.`);
  }
}

/** The value of one derived component (RFC 9421 §2.2) or header field (§2.1). */
function componentValue(request: ReceivedRequest, name: string): string | Refusal {
  const url = request.url;
  switch (name) {
    case "@method":
      return request.method;
    case "@target-uri":
      return url.href;
    case "@authority":
      return url.host;
    case "@scheme":
      return url.protocol.slice(0, -1);
    case "@request-target":
      return `${url.pathname}${url.search}`;
    case "@path":
      return url.pathname;
    case "@query":
      return url.search || "?";
  }
  if (name.startsWith("@")) return refuse(`The signed component ${name} is not supported.`);
  const value = request.headers.get(name);
  return value === undefined ? refuse(`The signed header ${name} is not in the request.`) : value;
}

/** The signature base of `components` (RFC 9421 §2.5), or why it cannot be built. */
export function signatureBase(request: ReceivedRequest, member: InnerList): string | Refusal {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const [name, params] of member[0]) {
    if (typeof name !== "string") return refuse("Signature-Input lists a component that is not a string.");
    // ;sf, ;key, ;bs, ;req, ;tr change how a value is read; nobody in the fediverse sends them.
    if (params.size > 0) return refuse(`The component parameters on ${name} are not supported.`);
    if (name !== name.toLowerCase()) return refuse(`The component ${name} must be lower case.`);
    if (seen.has(name)) return refuse(`The component ${name} is listed twice.`);
    seen.add(name);
    const value = componentValue(request, name);
    if (typeof value !== "string") return value;
    lines.push(`${serializeString(name)}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(member)}`);
  return lines.join("\n");
}

function coversTarget(covered: Set<string>, url: URL): boolean {
  if (covered.has("@target-uri")) return true;
  if (!covered.has("@authority")) return false;
  if (covered.has("@request-target")) return true;
  return covered.has("@path") && (url.search === "" || covered.has("@query"));
}

export function readRfc9421Signature(
  request: ReceivedRequest,
  inputHeader: string,
  signatureHeader: string,
  now: Date,
): ClaimedSignature | Refusal {
  const inputs = parse("Signature-Input", inputHeader);
  if ("reason" in inputs) return inputs;
  const signatures = parse("Signature", signatureHeader);
  if ("reason" in signatures) return signatures;

  // A message may carry several signatures; we verify the first one it names in both fields.
  const label = [...inputs.keys()].find((key) => signatures.has(key));
  if (label === undefined) return refuse("No signature in the Signature header matches a label in Signature-Input.");
  const member = inputs.get(label)!;
  const sigItem = signatures.get(label)!;
  if (!isInnerList(member)) return refuse(`Signature-Input ${label} is not a list of components.`);
  if (isInnerList(sigItem) || !(sigItem[0] instanceof ArrayBuffer)) return refuse(`Signature ${label} is not a byte sequence.`);

  const params = member[1];
  const keyId = params.get("keyid");
  const created = params.get("created");
  const expires = params.get("expires");
  const alg = params.get("alg");
  if (typeof keyId !== "string" || keyId === "") return refuse("The signature has no keyid.");
  if (typeof created !== "number" || !Number.isInteger(created)) return refuse("The signature has no created time.");
  if (!withinSkew(created * 1000, now)) return refuse("The signature's created time is more than an hour away from the server's clock.");
  if (expires !== undefined && (typeof expires !== "number" || expires * 1000 < now.getTime())) return refuse("The signature has expired.");
  if (alg !== undefined && !ALGORITHMS.includes(alg as SignatureAlgorithm)) {
    return refuse(`The signature algorithm ${String(alg)} is not supported (use rsa-v1_5-sha256, rsa-pss-sha512 or ed25519).`);
  }

  const covered = new Set(member[0].map(([name]) => String(name)));
  const missing = [
    ...(covered.has("@method") ? [] : ["@method"]),
    ...(coversTarget(covered, request.url) ? [] : ["@target-uri (or @authority with @path and @query)"]),
    ...(request.body.length > 0 && !covered.has("content-digest") ? ["content-digest"] : []),
  ];
  if (missing.length > 0) return refuse(`The signature must cover ${missing.join(", ")}.`);

  const base = signatureBase(request, member);
  if (typeof base !== "string") return base;

  const contentDigest = request.headers.get("content-digest");
  if (contentDigest !== undefined) {
    const check = checkContentDigest(contentDigest, request.body);
    if (!check.ok) return refuse(check.reason);
  }

  return {
    scheme: "rfc9421",
    keyId,
    algorithm: alg as SignatureAlgorithm | undefined,
    signed: Buffer.from(base, "utf8"),
    signature: Buffer.from(sigItem[0]),
  };
}
