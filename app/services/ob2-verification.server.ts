// Verifying an imported Open Badges 2.0 assertion (and 1.1, whose `verify` it shares), as
// the OB 2.0 specification's verification section describes:
// - hosted: the assertion is fetched again from its own id on the issuer's origin (or an
//   origin the issuer allows) and must be the same assertion; a 410 or `revoked` means revoked;
// - signed: a compact JWS whose key (`verification.creator`) the issuer lists in `publicKey`
//   and whose revocation list, if the issuer keeps one, does not name it.
// Both: the BadgeClass and the Issuer are fetched from their ids; `expires`; the recipient's
// identity (plain or hashed) against the learner's e-mail address.
import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { ValidationError } from "./errors";
import type { CredentialNetwork, Outcome } from "./credential-network";
import { CheckList, checkJwsSignature, identityNamesEmail, isHttpUrl, parseDate } from "./credential-checks.server";
import type { Json } from "./credential-reading.server";
import type { CredentialVerdict, Learner } from "./ob3-verification.server";

export const OB2_DOCUMENT_BYTES = 256 * 1024;
const ACCEPT = "application/ld+json, application/json;q=0.9";

const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const idOf = (value: unknown): string | null => (typeof value === "string" ? value : isObject(value) && typeof value.id === "string" ? value.id : null);

const httpUrl = z.string().trim().max(2000).refine(isHttpUrl, "is not an http(s) URL");
const dateValue = z.union([z.string(), z.number()]).optional();

const VerificationShape = z.object({ type: z.string(), url: z.string().optional(), creator: z.string().optional() }).passthrough();

const AssertionShape = z
  .object({
    id: z.string().max(2000).optional(),
    uid: z.string().max(500).optional(),
    recipient: z
      .object({
        type: z.string().default("email"),
        identity: z.string().min(1).max(500),
        hashed: z.boolean().default(false),
        salt: z.string().max(500).nullish(),
      })
      .passthrough(),
    badge: z.union([httpUrl, z.object({ id: httpUrl, name: z.string().optional() }).passthrough()]),
    verification: VerificationShape.optional(),
    verify: VerificationShape.optional(),
    issuedOn: dateValue,
    expires: dateValue,
    revoked: z.boolean().optional(),
    revocationReason: z.string().optional(),
  })
  .passthrough();
type Assertion = z.infer<typeof AssertionShape>;

function assertionOf(document: Json): Assertion {
  const parsed = AssertionShape.safeParse(document);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "assertion"} ${i.message}`);
    throw new ValidationError(`This is not an Open Badges 2.0 assertion we can read: ${issues.join("; ")}.`);
  }
  return parsed.data;
}

const badgeUrlOf = (a: Assertion) => (typeof a.badge === "string" ? a.badge : a.badge.id);
const kindOf = (a: Assertion): "hosted" | "signed" | null => {
  const type = (a.verification ?? a.verify)?.type.toLowerCase();
  if (type === "hosted" || type === "hostedbadge") return "hosted";
  if (type === "signed" || type === "signedbadge") return "signed";
  return null;
};

async function fetchJson(network: CredentialNetwork, url: string): Promise<Outcome<Json>> {
  const got = await network.fetch(url, { accept: ACCEPT, maxBytes: OB2_DOCUMENT_BYTES });
  if (!got.ok) return got;
  try {
    const parsed: unknown = JSON.parse(got.value.body.toString("utf8"));
    return isObject(parsed) ? { ok: true, value: parsed } : { ok: false, reason: `${url} is not a JSON object.` };
  } catch {
    return { ok: false, reason: `${url} is not JSON.` };
  }
}

/** The hosted copy, which must be the same assertion; it is what counts from then on. */
async function checkHosted(checks: CheckList, network: CredentialNetwork, imported: Assertion): Promise<Assertion | null> {
  const CHECK = "Hosted by its issuer";
  const url = (imported.verify?.url && isHttpUrl(imported.verify.url) ? imported.verify.url : null) ?? imported.id;
  if (!isHttpUrl(url)) {
    checks.fail(CHECK, "A hosted assertion must have an http(s) id to be fetched from; this one has none.");
    return null;
  }
  const got = await fetchJson(network, url);
  if (!got.ok) {
    if (got.status === 410) checks.fail("Not revoked", `The issuer answers that this assertion is gone (410): it was revoked.`);
    else checks.fail(CHECK, `The assertion could not be fetched from ${url}: ${got.reason}`);
    return null;
  }
  if (got.value.id !== url && got.value.id !== imported.id) {
    checks.fail(CHECK, `The document at ${url} is another assertion (${String(got.value.id)}).`);
    return null;
  }
  let hosted: Assertion;
  try {
    hosted = assertionOf(got.value);
  } catch (error) {
    checks.fail(CHECK, `The assertion at ${url} cannot be read: ${(error as Error).message}`);
    return null;
  }
  const same = hosted.recipient.identity === imported.recipient.identity && badgeUrlOf(hosted) === badgeUrlOf(imported);
  if (!same) {
    checks.fail(CHECK, "The assertion its issuer hosts names another recipient or badge than the one imported.");
    return null;
  }
  checks.pass(CHECK, `Fetched again from ${url}; it is the same assertion.`);
  return hosted;
}

interface SignedKey {
  id: string;
  owner: string;
}

async function checkSigned(checks: CheckList, network: CredentialNetwork, token: string, header: Json, assertion: Assertion): Promise<SignedKey | null> {
  const CHECK = "Issuer's signature";
  const creator = assertion.verification?.creator ?? assertion.verify?.creator;
  if (!creator || !isHttpUrl(creator)) {
    checks.fail(CHECK, "The signed assertion does not name the URL of its key (verification.creator).");
    return null;
  }
  const got = await fetchJson(network, creator);
  if (!got.ok) {
    checks.fail(CHECK, `The key ${creator} could not be fetched: ${got.reason}`);
    return null;
  }
  const doc = got.value;
  if (doc.id !== creator || typeof doc.publicKeyPem !== "string" || typeof doc.owner !== "string") {
    checks.fail(CHECK, `The document at ${creator} is not a CryptographicKey with that id, an owner and a publicKeyPem.`);
    return null;
  }
  let failure: string | null;
  try {
    failure = checkJwsSignature(token, header.alg, createPublicKey(doc.publicKeyPem));
  } catch {
    failure = `The key at ${creator} is not a public key.`;
  }
  if (failure) {
    checks.fail(CHECK, failure);
    return null;
  }
  checks.pass(CHECK, `Signed (${String(header.alg)}) with the key ${creator}.`);
  return { id: creator, owner: doc.owner };
}

/** Whether `url` is on the issuer's origin, or one its verification policy allows (OB 2.0 §Issuer verification). */
function hostedWhereAllowed(url: string, issuer: Json): boolean {
  const issuerId = idOf(issuer);
  if (isHttpUrl(issuerId) && new URL(issuerId).host === new URL(url).host) return true;
  const policy = isObject(issuer.verification) ? issuer.verification : {};
  const allowed = asArray(policy.allowedOrigins).map(String);
  if (allowed.includes(new URL(url).host)) return true;
  return asArray(policy.startsWith).some((prefix) => typeof prefix === "string" && prefix.length > 0 && url.startsWith(prefix));
}

async function checkRevocationList(checks: CheckList, network: CredentialNetwork, issuer: Json, assertion: Assertion) {
  const listUrl = issuer.revocationList;
  if (listUrl === undefined) return checks.pass("Not revoked", "The issuer keeps no revocation list.");
  if (!isHttpUrl(listUrl)) return checks.fail("Not revoked", "The issuer's revocation list has no http(s) address.");
  const list = await fetchJson(network, listUrl);
  if (!list.ok) return checks.fail("Not revoked", `The issuer's revocation list could not be read: ${list.reason}`);
  const entry = asArray(list.value.revokedAssertions).find((e) => {
    const id = idOf(e);
    const uid = isObject(e) && typeof e.uid === "string" ? e.uid : null;
    return (id !== null && id === assertion.id) || (uid !== null && uid === assertion.uid);
  });
  if (entry !== undefined) {
    const why = isObject(entry) && typeof entry.revocationReason === "string" ? `: ${entry.revocationReason}` : ".";
    return checks.fail("Not revoked", `The issuer revoked this assertion${why}`);
  }
  checks.pass("Not revoked", "Not on the issuer's revocation list.");
}

/** Verifies an OB 2.0 assertion: hosted (`document`) or signed (`jws`). */
export async function verifyOb2(
  network: CredentialNetwork,
  input: { document: Json } | { jws: { token: string; header: Json; payload: Json } },
  learner: Learner,
  now = new Date(),
): Promise<CredentialVerdict> {
  const imported = assertionOf("document" in input ? input.document : input.jws.payload);
  const checks = new CheckList();
  const kind = kindOf(imported);
  let assertion = imported;
  let signedKey: SignedKey | null = null;

  if ("jws" in input) {
    if (kind !== "signed") checks.fail("Issuer's signature", "The assertion is signed but does not say so (verification.type SignedBadge).");
    else signedKey = await checkSigned(checks, network, input.jws.token, input.jws.header, imported);
  } else if (kind === "signed") {
    checks.fail("Issuer's signature", "This assertion is meant to be signed: import its signed form (the JWS), not its JSON.");
  } else if (kind === "hosted") {
    assertion = (await checkHosted(checks, network, imported)) ?? imported;
  } else {
    checks.fail("Hosted by its issuer", "The assertion does not say how to verify it (verification.type hosted or signed).");
  }

  // The BadgeClass and its Issuer, from their own ids.
  const badgeUrl = badgeUrlOf(assertion);
  let achievementName = typeof assertion.badge === "object" && typeof assertion.badge.name === "string" ? assertion.badge.name : null;
  let issuer: Json | null = null;
  const badgeClass = await fetchJson(network, badgeUrl);
  if (!badgeClass.ok) checks.fail("Badge and issuer", `The badge ${badgeUrl} could not be fetched: ${badgeClass.reason}`);
  else if (badgeClass.value.id !== badgeUrl) checks.fail("Badge and issuer", `The document at ${badgeUrl} is another badge (${String(badgeClass.value.id)}).`);
  else {
    if (typeof badgeClass.value.name === "string") achievementName = badgeClass.value.name.slice(0, 500);
    const issuerUrl = idOf(badgeClass.value.issuer);
    const fetched = isHttpUrl(issuerUrl) ? await fetchJson(network, issuerUrl) : null;
    if (!fetched) checks.fail("Badge and issuer", "The badge does not name its issuer by an http(s) id.");
    else if (!fetched.ok) checks.fail("Badge and issuer", `The issuer ${issuerUrl} could not be fetched: ${fetched.reason}`);
    else if (fetched.value.id !== issuerUrl) checks.fail("Badge and issuer", `The document at ${issuerUrl} is another issuer.`);
    else {
      issuer = fetched.value;
      checks.pass("Badge and issuer", `The badge and its issuer were fetched from ${new URL(badgeUrl).host}.`);
    }
  }

  if (issuer && kind === "hosted" && "document" in input && isHttpUrl(assertion.id)) {
    checks.record(
      "Issuer's origin",
      hostedWhereAllowed(assertion.id, issuer),
      hostedWhereAllowed(assertion.id, issuer)
        ? "The assertion is hosted where its issuer is."
        : `The assertion is hosted on ${new URL(assertion.id).host}, which is not its issuer's origin nor one the issuer allows.`,
    );
  }
  if (issuer && signedKey) {
    const listed = asArray(issuer.publicKey).map(idOf).includes(signedKey.id);
    checks.record(
      "Issuer's key",
      listed && signedKey.owner === issuer.id,
      listed && signedKey.owner === issuer.id ? "The issuer lists the signing key as its own." : `The issuer does not list ${signedKey.id} as its key.`,
    );
    await checkRevocationList(checks, network, issuer, assertion);
  }
  if (kind === "hosted" && "document" in input && assertion !== imported) {
    checks.record("Not revoked", assertion.revoked !== true, assertion.revoked ? `The issuer revoked this assertion${assertion.revocationReason ? `: ${assertion.revocationReason}` : "."}` : "The issuer does not mark it revoked.");
  }

  const issuedAt = parseDate(assertion.issuedOn);
  const expiresAt = parseDate(assertion.expires);
  if (expiresAt && expiresAt.getTime() < now.getTime()) checks.fail("Validity period", `The assertion expired on ${expiresAt.toISOString()}.`);
  else checks.pass("Validity period", expiresAt ? `Valid until ${expiresAt.toISOString()}.` : "Valid, with no end date.");

  const { recipient } = assertion;
  if (recipient.type !== "email") {
    checks.fail("Recipient", `The assertion names its recipient by ${recipient.type}, which this instance cannot tie to your account (it knows your e-mail address only).`);
  } else {
    checks.record(
      "Recipient",
      identityNamesEmail({ identity: recipient.identity, hashed: recipient.hashed, salt: recipient.salt }, learner.email),
      identityNamesEmail({ identity: recipient.identity, hashed: recipient.hashed, salt: recipient.salt }, learner.email)
        ? "The assertion is addressed to your e-mail address."
        : "The assertion is addressed to another e-mail address than your account's.",
    );
  }

  return {
    credentialUri: assertion.id ?? null,
    badgeUri: badgeUrl,
    achievementName,
    issuerUri: issuer ? idOf(issuer) : null,
    issuerName: issuer && typeof issuer.name === "string" ? issuer.name.slice(0, 500) : null,
    issuedAt,
    expiresAt,
    checks,
  };
}
