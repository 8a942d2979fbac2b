// Reading what a learner hands in (a file or the bytes at a URL) as an Open Badges
// credential: JSON(-LD), a compact JWS/JWT, or a badge image with the credential baked in
// (PNG iTXt chunk, SVG element; Open Badges Baking 2.0 and OB 3.0 §5.3). Nothing is
// verified here; this only finds the credential and says which kind it is.
import { inflateSync } from "node:zlib";
import type { CredentialEncoding, CredentialFormat } from "../../db/schema";
import { ValidationError } from "./errors";

export type Json = Record<string, unknown>;

export type CredentialPayload =
  // The JSON as handed in (`text`), parsed.
  | { kind: "json"; format: CredentialFormat; encoding: CredentialEncoding; text: string; document: Json }
  // A compact JWS (OB 2.0 signed assertion) or JWT (OB 3.0 VC-JWT), with its decoded parts.
  | { kind: "jws"; format: CredentialFormat; encoding: CredentialEncoding; text: string; header: Json; payload: Json }
  // A baked image that carries only the address of a hosted OB 2.0 assertion.
  | { kind: "url"; format: "ob2"; encoding: CredentialEncoding; text: string; url: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// Keywords of the baked credential: OB 3.0, then OB 2.0 (and 1.x in tEXt).
const PNG_KEYWORDS = ["openbadgecredential", "openbadges"];

const NOT_A_CREDENTIAL =
  "This is not an Open Badges credential: choose the JSON of an Open Badges 2.0 assertion or 3.0 credential, its signed (JWS/JWT) form, or a badge image (PNG or SVG) with one baked in.";

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

function decodeSegment(segment: string): Json | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Which standard a credential document follows: OB 3.0 (a Verifiable Credential) or OB 2.0. */
export function formatOf(document: Json): CredentialFormat | null {
  const types = asArray(document.type).map(String);
  if (types.includes("VerifiableCredential") || isObject(document.vc)) return "ob3";
  if (types.includes("Assertion") || (document.recipient !== undefined && document.badge !== undefined)) return "ob2";
  return null;
}

function fromText(raw: string, encoding: CredentialEncoding): CredentialPayload {
  const text = raw.trim();
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ValidationError("The credential is not valid JSON.");
    }
    if (!isObject(parsed)) throw new ValidationError(NOT_A_CREDENTIAL);
    const format = formatOf(parsed);
    if (!format) throw new ValidationError(NOT_A_CREDENTIAL);
    return { kind: "json", format, encoding, text, document: parsed };
  }
  if (JWS.test(text)) {
    const [h, p] = text.split(".");
    const header = decodeSegment(h);
    const payload = decodeSegment(p);
    const format = payload ? formatOf(payload) : null;
    if (!header || !payload || !format) throw new ValidationError(NOT_A_CREDENTIAL);
    return { kind: "jws", format, encoding: encoding === "json" ? "jws" : encoding, text, header, payload };
  }
  if (encoding !== "json" && /^https?:\/\/\S+$/i.test(text)) return { kind: "url", format: "ob2", encoding, text, url: text };
  throw new ValidationError(NOT_A_CREDENTIAL);
}

/** The text of the first openbadges iTXt (or tEXt) chunk of a PNG, or null. */
export function bakedPngText(png: Buffer): string | null {
  const found = new Map<string, string>();
  let offset = PNG_SIGNATURE.length;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const start = offset + 8;
    const end = start + length;
    if (end + 4 > png.length) break;
    if (type === "iTXt" || type === "tEXt") {
      const data = png.subarray(start, end);
      const nul = data.indexOf(0);
      const keyword = nul > 0 ? data.toString("latin1", 0, nul) : "";
      if (PNG_KEYWORDS.includes(keyword) && !found.has(keyword)) {
        if (type === "tEXt") found.set(keyword, data.toString("latin1", nul + 1));
        else {
          // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
          const compressed = data[nul + 1] === 1;
          const languageEnd = data.indexOf(0, nul + 3);
          const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
          if (translatedEnd >= 0) {
            const body = data.subarray(translatedEnd + 1);
            try {
              found.set(keyword, (compressed ? inflateSync(body, { maxOutputLength: 1024 * 1024 }) : body).toString("utf8"));
            } catch {
              throw new ValidationError("The badge image's credential chunk cannot be read.");
            }
          }
        }
      }
    }
    if (type === "IEND") break;
    offset = end + 4;
  }
  return PNG_KEYWORDS.map((k) => found.get(k)).find((t) => t !== undefined) ?? null;
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/**
 * What an SVG badge carries: the content of <openbadges:credential> (OB 3.0) or
 * <openbadges:assertion> (OB 2.0), else that element's `verify` attribute (a hosted
 * assertion's URL, or a signed one). The SVG is only searched, never rendered.
 */
export function bakedSvgText(svg: string): string | null {
  for (const element of ["credential", "assertion"]) {
    const match = new RegExp(`<openbadges:${element}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</openbadges:${element}\\s*>)`).exec(svg);
    if (!match) continue;
    const body = (match[2] ?? "").trim();
    const cdata = /^<!\[CDATA\[([\s\S]*?)\]\]>$/.exec(body);
    const content = cdata ? cdata[1] : unescapeXml(body);
    if (content.trim()) return content;
    const verify = /\bverify\s*=\s*("([^"]*)"|'([^']*)')/.exec(match[1]);
    if (verify) return unescapeXml(verify[2] ?? verify[3] ?? "");
  }
  return null;
}

/** Finds the credential in what was handed in. ValidationError when there is none. */
export function readCredential(bytes: Uint8Array): CredentialPayload {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) throw new ValidationError("The file is empty.");
  if (buffer.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const text = bakedPngText(buffer);
    if (text === null) throw new ValidationError("This PNG has no Open Badges credential baked in.");
    return fromText(text, "png");
  }
  const text = buffer.toString("utf8").replace(/^\uFEFF/, "");
  const head = text.trimStart().slice(0, 512);
  if (head.startsWith("<") && /<svg[\s>]/i.test(text)) {
    const baked = bakedSvgText(text);
    if (baked === null) throw new ValidationError("This SVG has no Open Badges credential baked in.");
    return fromText(baked, "svg");
  }
  return fromText(text, "json");
}
