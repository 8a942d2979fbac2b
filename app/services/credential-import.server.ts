// A learner imports an Open Badges credential, by file or by URL. It is read, verified
// (network first, outside any transaction), matched to a badge of the catalogue by its
// Achievement / BadgeClass id, and then, in one transaction, kept with what verification
// found and the badge marked held. Whatever fails verification is kept as "unverified"
// with the reason; only what cannot be read as a credential at all is refused.
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import { badges, learnerCredentials, users, versions, type CredentialVerification } from "../../db/schema";
import type { CredentialNetwork } from "./credential-network";
import { readCredential, type CredentialPayload } from "./credential-reading.server";
import { isHttpUrl, type CheckList } from "./credential-checks.server";
import { organisationsOfBadges } from "./catalogue-authors.server";
import { isValidationError, NotFoundError, ValidationError, type FieldErrors } from "./errors";
import { setLearnerBadge } from "./learner-badges.server";
import { verifyOb2 } from "./ob2-verification.server";
import { verifyOb3, type CredentialVerdict } from "./ob3-verification.server";

/** At most this much is read, from a file or from a URL. */
export const CREDENTIAL_MAX_BYTES = 256 * 1024;
const ACCEPT = "application/ld+json, application/vc, application/vc+jwt, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, text/plain;q=0.5";

export const ImportUrlSchema = z
  .string()
  .trim()
  .max(2000, "That address is too long.")
  .refine(isHttpUrl, "Give an http(s) address, e.g. https://example.org/assertions/42.");

export interface ImportInput {
  file: { bytes: Uint8Array } | null;
  url: string;
  // Errors found while reading the upload (a file over the cap).
  uploadErrors?: FieldErrors;
}

export interface ImportedCredential {
  id: string;
  badgeUri: string;
  // The badge's page here, when the catalogue knows it.
  localBadgeId: string | null;
  achievementName: string | null;
  verification: CredentialVerification;
  reason: string | null;
}

/** The badge of this catalogue an Achievement / BadgeClass id names: by badge or version URI. */
export function badgeNamedBy(db: DatabaseLike, uri: string): { id: string; uri: string } | null {
  const badge = db.select({ id: badges.id, uri: badges.uri, status: badges.status }).from(badges).where(eq(badges.uri, uri)).get();
  const found =
    badge ??
    db
      .select({ id: badges.id, uri: badges.uri, status: badges.status })
      .from(versions)
      .innerJoin(badges, eq(badges.id, versions.badgeId))
      .where(eq(versions.uri, uri))
      .get();
  return found && (found.status === "published" || found.status === "deprecated") ? { id: found.id, uri: found.uri } : null;
}

async function bytesOf(network: CredentialNetwork, input: ImportInput): Promise<{ bytes: Uint8Array; source: "file" | "url"; sourceUrl: string | null }> {
  const url = input.url.trim();
  const fileErrors = input.uploadErrors?.file;
  if (fileErrors?.length) throw new ValidationError(fileErrors.join(" "), { file: fileErrors });
  if (input.file && url) {
    const message = "Choose a file or give an address, not both.";
    throw new ValidationError(message, { file: [message], url: [message] });
  }
  if (input.file) {
    if (input.file.bytes.byteLength > CREDENTIAL_MAX_BYTES) {
      throw new ValidationError("The file is larger than 256 KiB.", { file: ["The file is larger than 256 KiB. Choose a smaller one."] });
    }
    return { bytes: input.file.bytes, source: "file", sourceUrl: null };
  }
  if (!url) {
    const message = "Choose a credential file or give its address.";
    throw new ValidationError(message, { file: [message] });
  }
  const parsed = ImportUrlSchema.safeParse(url);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0].message, { url: [parsed.error.issues[0].message] });
  const got = await network.fetch(parsed.data, { accept: ACCEPT, maxBytes: CREDENTIAL_MAX_BYTES });
  if (!got.ok) {
    const message = `That address could not be read: ${got.reason}`;
    throw new ValidationError(message, { url: [message] });
  }
  return { bytes: got.value.body, source: "url", sourceUrl: parsed.data };
}

function readOrExplain(bytes: Uint8Array, field: "file" | "url"): CredentialPayload {
  try {
    return readCredential(bytes);
  } catch (error) {
    if (isValidationError(error)) {
      throw new ValidationError(error.message, { [field]: [error.message] });
    }
    throw error;
  }
}

/**
 * Open Badges lets anyone award an achievement: a valid signature says who issued the
 * credential, not that they stand behind the badge. Whether the issuer is one of the
 * badge's authors is said next to the checks, as a note; it does not make a proof fail.
 */
function noteIssuer(db: DatabaseLike, checks: CheckList, badgeId: string | null, issuerUri: string | null) {
  if (!badgeId) return checks.skip("Issuer", "This instance does not know the badge, so it cannot say whether the issuer is one of its authors.");
  const authors = organisationsOfBadges(db, [badgeId]).get(badgeId);
  const author = authors && issuerUri ? [authors.steward, ...authors.coAuthors].find((o) => o.uri === issuerUri) : undefined;
  if (author && authors) {
    return checks.pass("Issuer", `The issuer is the badge's ${author === authors.steward ? "steward" : "co-author"}, ${author.name}.`);
  }
  checks.skip("Issuer", "The issuer is not one of the badge's authors: Open Badges lets any organisation award a badge, so judge the issuer for yourself.");
}

async function verify(network: CredentialNetwork, payload: CredentialPayload, email: string, now: Date): Promise<CredentialVerdict> {
  if (payload.kind === "json") {
    return payload.format === "ob3" ? verifyOb3(network, { document: payload.document }, { email }, now) : verifyOb2(network, { document: payload.document }, { email }, now);
  }
  if (payload.kind === "jws") {
    const jwt = { token: payload.text, header: payload.header, payload: payload.payload };
    return payload.format === "ob3" ? verifyOb3(network, { jwt }, { email }, now) : verifyOb2(network, { jws: jwt }, { email }, now);
  }
  throw new Error("a baked address is fetched before verification");
}

/**
 * Imports a credential for `userId` (a file, or the document at a URL) and returns what
 * became of it. ValidationError, with the field to blame, when nothing credential-like
 * could be read; a credential that fails verification is kept, unverified, with the reason.
 */
export async function importCredential(
  db: DatabaseLike,
  network: CredentialNetwork,
  userId: string,
  input: ImportInput,
  options: { now?: Date } = {},
): Promise<ImportedCredential> {
  const now = options.now ?? new Date();
  const learner = db.select({ email: users.email }).from(users).where(eq(users.id, userId)).get();
  if (!learner) throw new NotFoundError("Your account");
  const { bytes, source, sourceUrl } = await bytesOf(network, input);
  const field = source === "file" ? "file" : "url";
  let payload = readOrExplain(bytes, field);
  if (payload.kind === "url") {
    // A badge image baked with only the address of its hosted assertion.
    const got = await network.fetch(payload.url, { accept: ACCEPT, maxBytes: CREDENTIAL_MAX_BYTES });
    if (!got.ok) {
      const message = `The badge image points to ${payload.url}, which could not be read: ${got.reason}`;
      throw new ValidationError(message, { [field]: [message] });
    }
    const hosted = readOrExplain(got.value.body, field);
    if (hosted.kind !== "json" || hosted.format !== "ob2") {
      const message = "The badge image points to something that is not an Open Badges 2.0 assertion.";
      throw new ValidationError(message, { [field]: [message] });
    }
    payload = { ...hosted, encoding: payload.encoding };
  }
  const verdict = await verify(network, payload, learner.email, now);
  const known = badgeNamedBy(db, verdict.badgeUri);
  noteIssuer(db, verdict.checks, known?.id ?? null, verdict.issuerUri);
  const badgeUri = known?.uri ?? verdict.badgeUri;
  const verification: CredentialVerification = verdict.checks.verified ? "verified" : "unverified";
  const id = randomUUID();

  db.transaction((tx) => {
    // Importing the same credential again checks it again: the newer verdict replaces the older.
    if (verdict.credentialUri) {
      tx.delete(learnerCredentials)
        .where(and(eq(learnerCredentials.userId, userId), eq(learnerCredentials.credentialUri, verdict.credentialUri)))
        .run();
    }
    tx.insert(learnerCredentials)
      .values({
        id,
        userId,
        format: payload.format,
        encoding: payload.encoding,
        source,
        sourceUrl,
        document: payload.text,
        credentialUri: verdict.credentialUri,
        badgeUri,
        achievementName: verdict.achievementName,
        issuerUri: verdict.issuerUri,
        issuerName: verdict.issuerName,
        issuedAt: verdict.issuedAt,
        expiresAt: verdict.expiresAt,
        verification,
        reason: verdict.checks.reason,
        checks: verdict.checks.checks,
        verifiedAt: now,
      })
      .run();
    setLearnerBadge(tx, userId, badgeUri, "held");
  });
  return { id, badgeUri, localBadgeId: known?.id ?? null, achievementName: verdict.achievementName, verification, reason: verdict.checks.reason };
}
