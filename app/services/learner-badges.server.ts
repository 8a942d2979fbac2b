// What a learner holds and plans. Any signed-in user is a learner: no organisation needed.
// Badges are named by URI, so a badge of this instance, a badge federation brought here and
// a badge only an imported credential names all fit (docs/decisions/009). A held badge
// shows how it is known: self-declared, or the best credential the learner imported for it
// (verified before unverified, then the newest); an unverified one never shows as proof.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  badges,
  catalogueEntries,
  learnerBadges,
  learnerCredentials,
  LEARNER_BADGE_STATUSES,
  organisations,
  type CredentialCheck,
  type LearnerBadgeStatus,
  type LearnerCredential,
} from "../../db/schema";
import { NotFoundError } from "./errors";

export const BadgeUriSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/i, "Not a URI.");

export const MarkBadgeSchema = z.object({ status: z.enum(LEARNER_BADGE_STATUSES) });

/**
 * The badge URIs a learner holds and plans: what pathways and "what I can earn next" join
 * with prerequisite edges. Held includes self-declared badges and badges shown by an
 * unverified credential; `proven` is the subset a verified credential shows.
 * SQL: SELECT badge_uri, status, credential_id FROM learner_badges WHERE user_id = ?
 *      (proven: JOIN learner_credentials c ON c.id = credential_id AND c.verification = 'verified').
 */
export function learnerBadgeUris(db: DatabaseLike, userId: string): { held: string[]; planned: string[]; proven: string[] } {
  const rows = db
    .select({ badgeUri: learnerBadges.badgeUri, status: learnerBadges.status, verification: learnerCredentials.verification })
    .from(learnerBadges)
    .leftJoin(learnerCredentials, eq(learnerCredentials.id, learnerBadges.credentialId))
    .where(eq(learnerBadges.userId, userId))
    .all();
  return {
    held: rows.filter((r) => r.status === "held").map((r) => r.badgeUri),
    planned: rows.filter((r) => r.status === "planned").map((r) => r.badgeUri),
    proven: rows.filter((r) => r.status === "held" && r.verification === "verified").map((r) => r.badgeUri),
  };
}

export interface CredentialProof {
  id: string;
  format: LearnerCredential["format"];
  verification: LearnerCredential["verification"];
  reason: string | null;
  issuerName: string | null;
  issuerUri: string | null;
  issuedAt: Date | null;
  expiresAt: Date | null;
  verifiedAt: Date;
  checks: CredentialCheck[];
}

export interface LearnerBadgeState {
  status: LearnerBadgeStatus;
  // Null: self-declared (held) or planned.
  proof: CredentialProof | null;
}

const proofOf = (c: LearnerCredential | null | undefined): CredentialProof | null =>
  c
    ? {
        id: c.id,
        format: c.format,
        verification: c.verification,
        reason: c.reason,
        issuerName: c.issuerName,
        issuerUri: c.issuerUri,
        issuedAt: c.issuedAt,
        expiresAt: c.expiresAt,
        verifiedAt: c.verifiedAt,
        checks: c.checks,
      }
    : null;

/** Where the learner stands with one badge (its page), or null when neither held nor planned. */
export function learnerBadgeState(db: DatabaseLike, userId: string, badgeUri: string): LearnerBadgeState | null {
  const row = db
    .select({ status: learnerBadges.status, credential: learnerCredentials })
    .from(learnerBadges)
    .leftJoin(learnerCredentials, eq(learnerCredentials.id, learnerBadges.credentialId))
    .where(and(eq(learnerBadges.userId, userId), eq(learnerBadges.badgeUri, badgeUri)))
    .get();
  return row ? { status: row.status, proof: proofOf(row.credential) } : null;
}

/** The credential that best shows `badgeUri` is held: a verified one first, then the newest. */
function bestCredentialId(db: DatabaseLike, userId: string, badgeUri: string): string | null {
  const row = db
    .select({ id: learnerCredentials.id })
    .from(learnerCredentials)
    .where(and(eq(learnerCredentials.userId, userId), eq(learnerCredentials.badgeUri, badgeUri)))
    .orderBy(desc(sql`${learnerCredentials.verification} = 'verified'`), desc(learnerCredentials.verifiedAt), desc(sql`rowid`))
    .limit(1)
    .get();
  return row?.id ?? null;
}

/** Holds (or plans) `badgeUri` for `userId`, pointing a held badge at its best credential. */
export function setLearnerBadge(db: DatabaseLike, userId: string, badgeUri: string, status: LearnerBadgeStatus): void {
  const credentialId = status === "held" ? bestCredentialId(db, userId, badgeUri) : null;
  db.insert(learnerBadges)
    .values({ userId, badgeUri, status, credentialId })
    .onConflictDoUpdate({
      target: [learnerBadges.userId, learnerBadges.badgeUri],
      set: { status, credentialId, updatedAt: new Date() },
    })
    .run();
}

/** A badge someone can see in the catalogue (published or deprecated, here or federated). */
function publicBadgeUri(db: DatabaseLike, badgeId: string): string {
  const badge = db.select({ uri: badges.uri, status: badges.status }).from(badges).where(eq(badges.id, badgeId)).get();
  if (!badge || (badge.status !== "published" && badge.status !== "deprecated")) throw new NotFoundError("That badge");
  return badge.uri;
}

/** From a badge's page: "I hold this" or "I plan to earn this". */
export function markBadge(db: DatabaseLike, userId: string, badgeId: string, input: z.input<typeof MarkBadgeSchema>): void {
  const { status } = MarkBadgeSchema.parse(input);
  db.transaction((tx) => setLearnerBadge(tx, userId, publicBadgeUri(tx, badgeId), status));
}

/**
 * Takes a badge off the learner's list, with the credentials they imported for it: what
 * they remove is theirs to remove, and a credential left behind would prove it again later.
 */
export function forgetBadge(db: DatabaseLike, userId: string, badgeUri: string): void {
  db.transaction((tx) => {
    tx.delete(learnerBadges).where(and(eq(learnerBadges.userId, userId), eq(learnerBadges.badgeUri, badgeUri))).run();
    tx.delete(learnerCredentials).where(and(eq(learnerCredentials.userId, userId), eq(learnerCredentials.badgeUri, badgeUri))).run();
  });
}

/** From a badge's page: the same, by the badge's id here. */
export function unmarkBadge(db: DatabaseLike, userId: string, badgeId: string): void {
  forgetBadge(db, userId, publicBadgeUri(db, badgeId));
}

export interface LearnerBadgeEntry {
  badgeUri: string;
  status: LearnerBadgeStatus;
  // The badge's page here, when the catalogue knows the badge.
  localId: string | null;
  name: string;
  summary: string | null;
  imageId: string | null;
  // The instance the badge lives on: null for this one.
  homeHost: string | null;
  // Whether the catalogue knows the badge (else only a credential names it).
  known: boolean;
  proof: CredentialProof | null;
  updatedAt: Date;
}

const hostOf = (uri: string): string | null => {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host : null;
  } catch {
    return null;
  }
};

/** Everything a learner holds and plans, newest change first, for their page. */
export function listLearnerBadges(db: DatabaseLike, userId: string): LearnerBadgeEntry[] {
  const rows = db
    .select({
      row: learnerBadges,
      badgeId: badges.id,
      badgeStatus: badges.status,
      entryName: catalogueEntries.name,
      entrySummary: catalogueEntries.summary,
      entryImageId: catalogueEntries.imageId,
      stewardHost: organisations.host,
      credential: learnerCredentials,
    })
    .from(learnerBadges)
    .leftJoin(badges, and(eq(badges.uri, learnerBadges.badgeUri), inArray(badges.status, ["published", "deprecated"])))
    .leftJoin(catalogueEntries, eq(catalogueEntries.badgeId, badges.id))
    .leftJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .leftJoin(learnerCredentials, eq(learnerCredentials.id, learnerBadges.credentialId))
    .where(eq(learnerBadges.userId, userId))
    .orderBy(desc(learnerBadges.updatedAt), learnerBadges.badgeUri)
    .all();
  // Badges only a credential names take their name from the newest credential naming them.
  const unknown = rows.filter((r) => !r.badgeId && !r.credential).map((r) => r.row.badgeUri);
  const named = new Map<string, string | null>();
  if (unknown.length) {
    for (const c of db
      .select({ badgeUri: learnerCredentials.badgeUri, name: learnerCredentials.achievementName })
      .from(learnerCredentials)
      .where(and(eq(learnerCredentials.userId, userId), inArray(learnerCredentials.badgeUri, unknown)))
      .orderBy(desc(learnerCredentials.createdAt))
      .all()) {
      if (!named.has(c.badgeUri)) named.set(c.badgeUri, c.name);
    }
  }
  return rows.map((r) => {
    const known = !!r.badgeId;
    return {
      badgeUri: r.row.badgeUri,
      status: r.row.status,
      localId: r.badgeId ?? null,
      name: r.entryName ?? r.credential?.achievementName ?? named.get(r.row.badgeUri) ?? r.row.badgeUri,
      summary: r.entrySummary ?? null,
      imageId: r.entryImageId ?? null,
      homeHost: known ? (r.stewardHost ?? null) : hostOf(r.row.badgeUri),
      known,
      proof: proofOf(r.credential),
      updatedAt: r.row.updatedAt,
    };
  });
}

/** One of the learner's own imported credentials (the notice after an import), or null. */
export function learnerCredential(db: DatabaseLike, userId: string, credentialId: string): (CredentialProof & { badgeUri: string; achievementName: string | null }) | null {
  const row = db
    .select()
    .from(learnerCredentials)
    .where(and(eq(learnerCredentials.userId, userId), eq(learnerCredentials.id, credentialId)))
    .get();
  return row ? { ...proofOf(row)!, badgeUri: row.badgeUri, achievementName: row.achievementName } : null;
}
