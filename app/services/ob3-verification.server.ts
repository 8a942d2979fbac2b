// Verifying an imported Open Badges 3.0 credential (OpenBadgeCredential or
// AchievementCredential, a W3C Verifiable Credential), secured either by a proof in the
// credential (Data Integrity eddsa-jcs-2022 or eddsa-rdfc-2022, or Ed25519Signature2020) or
// as a VC-JWT. What is checked (docs/decisions/009):
// conformance to the official schema; the signature, with a key its issuer controls;
// validFrom / validUntil; that the recipient is the learner (their e-mail address, plain
// or hashed). A credential status list is named as not checked.
import { z } from "zod";
import { ValidationError } from "./errors";
import type { CredentialNetwork } from "./credential-network";
import { CheckList, checkJwsSignature, identityNamesEmail, parseDate } from "./credential-checks.server";
import type { Json } from "./credential-reading.server";
import { ob3SchemaErrors } from "./ob3-schema.server";

export interface CredentialVerdict {
  credentialUri: string | null;
  badgeUri: string;
  achievementName: string | null;
  issuerUri: string | null;
  issuerName: string | null;
  issuedAt: Date | null;
  expiresAt: Date | null;
  checks: CheckList;
}

export interface Learner {
  email: string;
}

// Clocks differ; a credential issued a moment "in the future" is not refused for it.
const CLOCK_SKEW_MS = 5 * 60 * 1000;

const uri = z.string().trim().min(1).max(2000).regex(/^[a-z][a-z0-9+.-]*:\S+$/i, "is not a URI");
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const CredentialShape = z
  .object({
    id: z.string().max(2000).optional(),
    type: z.union([z.string(), z.array(z.string())]).refine((t) => {
      const types = asArray(t);
      return types.includes("VerifiableCredential") && (types.includes("OpenBadgeCredential") || types.includes("AchievementCredential"));
    }, "must name VerifiableCredential and OpenBadgeCredential (or AchievementCredential)"),
    issuer: z.union([uri, z.object({ id: uri, name: z.string().max(500).optional() }).passthrough()]),
    credentialSubject: z
      .object({
        id: z.string().max(2000).optional(),
        identifier: z.unknown().optional(),
        achievement: z.object({ id: uri, name: z.string().max(500).optional() }).passthrough(),
      })
      .passthrough(),
    validFrom: z.string().optional(),
    issuanceDate: z.string().optional(),
    validUntil: z.string().optional(),
    expirationDate: z.string().optional(),
  })
  .passthrough();

/**
 * The credential a VC-JWT carries: the payload itself (VC-JOSE-COSE, VC 2.0), or the `vc`
 * claim of a VC 1.1 JWT with the registered claims folded back in.
 */
export function credentialOfJwt(payload: Json): Json {
  if (!isObject(payload.vc)) return payload;
  const vc: Json = { ...payload.vc };
  const iso = (seconds: unknown) => (typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : undefined);
  if (vc.id === undefined && typeof payload.jti === "string") vc.id = payload.jti;
  if (vc.issuer === undefined && typeof payload.iss === "string") vc.issuer = payload.iss;
  if (vc.validFrom === undefined && vc.issuanceDate === undefined && iso(payload.nbf)) vc.issuanceDate = iso(payload.nbf);
  if (vc.validUntil === undefined && vc.expirationDate === undefined && iso(payload.exp)) vc.expirationDate = iso(payload.exp);
  if (isObject(vc.credentialSubject) && vc.credentialSubject.id === undefined && typeof payload.sub === "string") {
    vc.credentialSubject = { ...vc.credentialSubject, id: payload.sub };
  }
  return vc;
}

function shapeOf(credential: Json) {
  const parsed = CredentialShape.safeParse(credential);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "credential"} ${i.message}`);
    throw new ValidationError(`This is not an Open Badges 3.0 credential we can read: ${issues.join("; ")}.`);
  }
  return parsed.data;
}

function checkRecipient(checks: CheckList, subject: { id?: string; identifier?: unknown }, learner: Learner) {
  const emails = asArray(subject.identifier)
    .filter(isObject)
    .filter((i) => typeof i.identityHash === "string" && (i.identityType === undefined || i.identityType === "emailAddress"))
    .map((i) => ({ identity: String(i.identityHash), hashed: i.hashed === true, salt: typeof i.salt === "string" ? i.salt : null }));
  const mailto = subject.id?.toLowerCase().startsWith("mailto:") ? subject.id.slice("mailto:".length) : null;
  if (mailto !== null) emails.push({ identity: mailto, hashed: false, salt: null });
  if (emails.some((e) => identityNamesEmail(e, learner.email))) {
    checks.pass("Recipient", "The credential is addressed to your e-mail address.");
  } else if (emails.length) {
    checks.fail("Recipient", "The credential is addressed to another e-mail address than your account's.");
  } else {
    const named = subject.id ? ` as ${subject.id}` : "";
    checks.fail("Recipient", `The credential names its recipient${named}, which this instance cannot tie to your account (it knows your e-mail address only).`);
  }
}

function checkValidity(checks: CheckList, issuedAt: Date | null, expiresAt: Date | null, now: Date) {
  if (!issuedAt) checks.fail("Validity period", "The credential does not say from when it is valid (validFrom).");
  else if (issuedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) checks.fail("Validity period", `The credential is valid only from ${issuedAt.toISOString()}.`);
  else if (expiresAt && expiresAt.getTime() < now.getTime()) checks.fail("Validity period", `The credential expired on ${expiresAt.toISOString()}.`);
  else checks.pass("Validity period", expiresAt ? `Valid until ${expiresAt.toISOString()}.` : "Valid, with no end date.");
}

const SIGNATURE = "Issuer's signature";

async function checkJwt(checks: CheckList, network: CredentialNetwork, token: string, header: Json, issuerId: string) {
  if (typeof header.kid !== "string") {
    const why = header.jwk ? "carries its key in the token itself, which nothing ties to the issuer" : "does not name its key (kid)";
    return checks.fail(SIGNATURE, `The token ${why}.`);
  }
  // A relative key id (`#key-1`) names a key in the issuer's own document.
  const kid = header.kid.startsWith("#") ? `${issuerId}${header.kid}` : header.kid;
  const key = await network.resolveKey(kid);
  if (!key.ok) return checks.fail(SIGNATURE, key.reason);
  if (key.value.controller !== issuerId) return checks.fail(SIGNATURE, `The key ${kid} belongs to ${key.value.controller}, not to the issuer ${issuerId}.`);
  const failure = checkJwsSignature(token, header.alg, key.value.publicKey);
  if (failure) return checks.fail(SIGNATURE, failure);
  checks.pass(SIGNATURE, `Signed (${String(header.alg)}, VC-JWT) with ${kid}, a key of the issuer.`);
}

async function checkProof(checks: CheckList, network: CredentialNetwork, document: Json, issuerId: string) {
  if (document.proof === undefined) return checks.fail(SIGNATURE, "The credential carries no proof: anyone could have written it.");
  const result = await network.verifyDataIntegrity(document);
  if (!result.ok) return checks.fail(SIGNATURE, result.reason);
  if (result.value.controller !== issuerId) {
    return checks.fail(SIGNATURE, `The proof was made with a key of ${result.value.controller}, not of the issuer ${issuerId}.`);
  }
  // Ed25519Signature2020 predates Data Integrity: a Linked Data proof suite of its own.
  const kind = result.value.cryptosuite === "Ed25519Signature2020" ? "Linked Data proof" : "Data Integrity proof";
  checks.pass(SIGNATURE, `${kind} (${result.value.cryptosuite}) verified with ${result.value.verificationMethod}, a key of the issuer.`);
}

/** Verifies an OB 3.0 credential, given as JSON-LD (`document`) or as a VC-JWT (`jwt`). */
export async function verifyOb3(
  network: CredentialNetwork,
  input: { document: Json } | { jwt: { token: string; header: Json; payload: Json } },
  learner: Learner,
  now = new Date(),
): Promise<CredentialVerdict> {
  const credential = "document" in input ? input.document : credentialOfJwt(input.jwt.payload);
  const shape = shapeOf(credential);
  const issuerId = typeof shape.issuer === "string" ? shape.issuer : shape.issuer.id;
  const issuerName = typeof shape.issuer === "string" ? null : (shape.issuer.name ?? null);
  const issuedAt = parseDate(shape.validFrom ?? shape.issuanceDate);
  // A VC-JWT's own `exp` bounds it too, whichever comes first.
  const untils = [parseDate(shape.validUntil ?? shape.expirationDate), "jwt" in input ? parseDate(input.jwt.payload.exp) : null].filter((d): d is Date => d !== null);
  const expiresAt = untils.length ? new Date(Math.min(...untils.map((d) => d.getTime()))) : null;
  const checks = new CheckList();

  const { proof: _proof, ...unsecured } = credential;
  const schemaErrors = ob3SchemaErrors("document" in input ? credential : unsecured);
  checks.record(
    "Open Badges 3.0 schema",
    schemaErrors.length === 0,
    schemaErrors.length ? `The credential does not follow the Open Badges 3.0 schema: ${schemaErrors.slice(0, 3).join("; ")}.` : "Follows the official OpenBadgeCredential schema.",
  );
  if ("document" in input) await checkProof(checks, network, credential, issuerId);
  else await checkJwt(checks, network, input.jwt.token, input.jwt.header, issuerId);
  checkValidity(checks, issuedAt, expiresAt, now);
  checkRecipient(checks, shape.credentialSubject, learner);
  for (const status of asArray(credential.credentialStatus).filter(isObject)) {
    checks.skip("Revocation", `The credential names a status list (${String(status.type ?? "unknown type")}); this instance does not read status lists yet.`);
  }

  return {
    credentialUri: shape.id ?? null,
    badgeUri: shape.credentialSubject.achievement.id,
    achievementName: shape.credentialSubject.achievement.name ?? null,
    issuerUri: issuerId,
    issuerName,
    issuedAt,
    expiresAt,
    checks,
  };
}
