// Real, signed Open Badges credentials for tests: OB 3.0 credentials secured with an
// eddsa-jcs-2022 proof or as VC-JWTs, OB 2.0 hosted assertions (their BadgeClass and
// Issuer served by a loopback server) and signed ones (RS256 JWS), and badge images with a
// credential baked in. Keys are generated per test; nothing here is a canned result.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { deflateSync } from "node:zlib";
import { createProof } from "../../federation/proof";
import { ed25519MultikeyFromRaw } from "../../federation/multibase";

export type Json = Record<string, unknown>;

export const OB3_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"];

export interface Ed25519Issuer {
  did: string;
  verificationMethod: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  multikey: string;
}

/** A did:key issuer with a fresh Ed25519 key pair. */
export function didKeyIssuer(): Ed25519Issuer {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const multikey = ed25519MultikeyFromRaw(Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url"));
  const did = `did:key:${multikey}`;
  return { did, verificationMethod: `${did}#${multikey}`, privateKey, publicKey, multikey };
}

/** An Ed25519 key pair whose verification method lives at `verificationMethod`, controlled by `controller`. */
export function ed25519Key(controller: string, verificationMethod: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const multikey = ed25519MultikeyFromRaw(Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url"));
  return { did: controller, verificationMethod, privateKey, publicKey, multikey } satisfies Ed25519Issuer;
}

export const sha256Identity = (email: string, salt: string) => `sha256$${createHash("sha256").update(email + salt).digest("hex")}`;

export interface Ob3Options {
  issuer: string;
  issuerName?: string;
  achievementId: string;
  achievementName?: string;
  email?: string | null;
  subjectId?: string;
  validFrom?: string;
  validUntil?: string;
}

/** An unsigned OpenBadgeCredential that follows the official schema. */
export function ob3Credential(o: Ob3Options): Json {
  const salt = "pepper";
  return {
    "@context": OB3_CONTEXT,
    id: `urn:uuid:${randomUUID()}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: o.achievementName ?? "Social Innovation 101",
    issuer: { id: o.issuer, type: ["Profile"], name: o.issuerName ?? "Harbour College" },
    validFrom: o.validFrom ?? "2026-01-10T09:00:00Z",
    ...(o.validUntil ? { validUntil: o.validUntil } : {}),
    credentialSubject: {
      type: ["AchievementSubject"],
      ...(o.subjectId ? { id: o.subjectId } : {}),
      ...(o.email
        ? { identifier: [{ type: "IdentityObject", identityType: "emailAddress", hashed: true, salt, identityHash: sha256Identity(o.email, salt) }] }
        : {}),
      achievement: {
        id: o.achievementId,
        type: ["Achievement"],
        name: o.achievementName ?? "Social Innovation 101",
        description: "Frames a social problem and tests one idea with the people it affects.",
        criteria: { narrative: "Interview five people affected by a problem." },
      },
    },
  };
}

/** `credential` with an eddsa-jcs-2022 proof, in the one-element array the OB schema wants. */
export function signJcs(credential: Json, issuer: Pick<Ed25519Issuer, "verificationMethod" | "privateKey">): Json {
  const signed = createProof(credential, { verificationMethod: issuer.verificationMethod, privateKey: issuer.privateKey, created: new Date("2026-01-10T09:00:00Z") });
  return { ...signed, proof: [signed.proof] };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact JWS over `payload` (EdDSA for Ed25519 keys, RS256 for RSA). */
export function signJws(payload: Json, privateKey: KeyObject, header: Json): string {
  const alg = privateKey.asymmetricKeyType === "ed25519" ? "EdDSA" : "RS256";
  const input = `${b64({ alg, ...header })}.${b64(payload)}`;
  const signature = sign(alg === "EdDSA" ? null : "sha256", Buffer.from(input), privateKey);
  return `${input}.${signature.toString("base64url")}`;
}

/** A JWS whose payload was changed after signing. */
export function tamperJws(token: string, change: (payload: Json) => void): string {
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Json;
  change(payload);
  return `${h}.${b64(payload)}.${s}`;
}

export interface Ob2Site {
  assertion: Json & { id: string };
  badgeClass: Json & { id: string };
  issuer: Json & { id: string };
}

/** An OB 2.0 hosted assertion, its BadgeClass and Issuer, all on `origin`. */
export function ob2Hosted(origin: string, email: string, overrides: { assertion?: Json; issuer?: Json } = {}): Ob2Site {
  const salt = "s@lt";
  const issuer: Json & { id: string } = { "@context": "https://w3id.org/openbadges/v2", type: "Issuer", id: `${origin}/issuer`, name: "Harbour College", url: origin, email: "badges@harbour.example", ...overrides.issuer };
  const badgeClass = {
    "@context": "https://w3id.org/openbadges/v2",
    type: "BadgeClass",
    id: `${origin}/badges/si101`,
    name: "Social Innovation 101",
    description: "Frames a social problem.",
    image: `${origin}/badges/si101.png`,
    criteria: { narrative: "Interview five people." },
    issuer: issuer.id,
  };
  const assertion: Json & { id: string } = {
    "@context": "https://w3id.org/openbadges/v2",
    type: "Assertion",
    id: `${origin}/assertions/42`,
    recipient: { type: "email", hashed: true, salt, identity: sha256Identity(email, salt) },
    badge: badgeClass.id,
    verification: { type: "hosted" },
    issuedOn: "2026-01-10T09:00:00Z",
    ...overrides.assertion,
  };
  return { assertion, badgeClass, issuer };
}

/** An OB 2.0 signed assertion: RSA key, CryptographicKey document, Issuer listing it. */
export function ob2Signed(origin: string, email: string, overrides: { assertion?: Json; issuer?: Json } = {}) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const site = ob2Hosted(origin, email, overrides);
  const key = { "@context": "https://w3id.org/openbadges/v2", type: "CryptographicKey", id: `${origin}/keys/1`, owner: site.issuer.id, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
  const issuer: Json & { id: string } = { ...site.issuer, publicKey: key.id, ...overrides.issuer };
  const assertion: Json & { id: string } = { ...site.assertion, id: `urn:uuid:${randomUUID()}`, verification: { type: "SignedBadge", creator: key.id }, ...overrides.assertion };
  return { ...site, issuer, assertion, key, privateKey, token: signJws(assertion, privateKey, {}) };
}

// PNG with one iTXt chunk (CRCs computed, so any PNG reader accepts it).
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A 1x1 PNG with `text` baked in an iTXt chunk under `keyword` (compressed when asked). */
export function bakedPng(text: string, keyword = "openbadgecredential", compressed = false): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  const body = compressed ? deflateSync(Buffer.from(text, "utf8")) : Buffer.from(text, "utf8");
  const itxt = Buffer.concat([Buffer.from(`${keyword}\0`, "latin1"), Buffer.from([compressed ? 1 : 0, 0]), Buffer.from("\0\0"), body]);
  const idat = deflateSync(Buffer.from([0, 0, 0, 0, 0]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("iTXt", itxt),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** An SVG badge with `text` baked in (OB 3.0 <openbadges:credential>, or OB 2.0 assertion). */
export function bakedSvg(text: string, element: "credential" | "assertion" = "credential", verify?: string): string {
  return `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 10 10">
  <openbadges:${element}${verify ? ` verify="${verify}"` : ""}>${text ? `<![CDATA[${text}]]>` : ""}</openbadges:${element}>
  <circle cx="5" cy="5" r="4" fill="#1d4e89"/>
</svg>`;
}
