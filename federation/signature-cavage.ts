// Reading a draft-cavage-http-signatures-12 `Signature` header, as Mastodon and most of the
// fediverse send it, and rebuilding the signing string it covers. Nothing here trusts the
// signature yet: it checks coverage, time and body digest, then hands the bytes on.
import { checkDigest } from "./body-digest";
import { withinSkew, type ClaimedSignature, type ReceivedRequest, type Refusal } from "./signature-common";

function parseParams(header: string): Map<string, string> | null {
  const PARAM = /\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|(\d+))\s*(?:,|$)/y;
  const params = new Map<string, string>();
  while (PARAM.lastIndex < header.length) {
    const start = PARAM.lastIndex;
    const match = PARAM.exec(header);
    if (!match || match.index !== start) return null;
    if (params.has(match[1])) return null;
    params.set(match[1], match[2] ?? match[3]);
  }
  return params;
}

function refuse(reason: string): Refusal {
  return { reason };
}

export function readCavageSignature(request: ReceivedRequest, header: string, now: Date): ClaimedSignature | Refusal {
  const params = parseParams(header);
  if (!params) return refuse("The Signature header is malformed.");
  const keyId = params.get("keyId");
  const signature = params.get("signature");
  if (!keyId) return refuse("The Signature header has no keyId.");
  if (!signature || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return refuse("The Signature header has no base64 signature.");

  const algorithm = params.get("algorithm")?.toLowerCase();
  if (algorithm !== undefined && algorithm !== "rsa-sha256" && algorithm !== "hs2019") {
    return refuse(`The signature algorithm ${algorithm} is not supported (use rsa-sha256 or hs2019).`);
  }

  // The draft's default when `headers` is absent is just "date", which covers too little.
  const covered = (params.get("headers") ?? "date").toLowerCase().split(/\s+/).filter(Boolean);
  const hasBody = request.body.length > 0;
  const required = ["(request-target)", "host", "date", ...(hasBody ? ["digest"] : [])];
  const missing = required.filter((name) => !covered.includes(name));
  if (missing.length > 0) return refuse(`The signature must cover ${missing.join(", ")}.`);

  const lines: string[] = [];
  for (const name of covered) {
    let value: string | undefined;
    if (name === "(request-target)") value = `${request.method.toLowerCase()} ${request.url.pathname}${request.url.search}`;
    else if (name === "(created)" || name === "(expires)") value = params.get(name.slice(1, -1));
    else value = request.headers.get(name);
    if (value === undefined) return refuse(`The signed header ${name} is not in the request.`);
    lines.push(`${name}: ${value}`);
  }

  const date = Date.parse(request.headers.get("date")!);
  if (Number.isNaN(date)) return refuse("The Date header is not a date.");
  if (!withinSkew(date, now)) return refuse("The Date header is more than an hour away from the server's clock.");
  const created = params.get("created");
  if (created !== undefined && !withinSkew(Number(created) * 1000, now)) {
    return refuse("The signature's created time is more than an hour away from the server's clock.");
  }
  const expires = params.get("expires");
  if (expires !== undefined && Number(expires) * 1000 < now.getTime()) return refuse("The signature has expired.");

  const digest = request.headers.get("digest");
  if (digest !== undefined) {
    const check = checkDigest(digest, request.body);
    if (!check.ok) return refuse(check.reason);
  }

  return {
    scheme: "cavage",
    keyId,
    algorithm,
    signed: Buffer.from(lines.join("\n"), "utf8"),
    signature: Buffer.from(signature, "base64"),
  };
}
