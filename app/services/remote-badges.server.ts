// Badges and organisations of other instances, as federation delivers them. Federation
// checks signatures and origins first; these functions still hold to the rules that keep
// one instance from rewriting another's work: only the steward publishes, changes or
// withdraws a badge, published versions never change, and hashes must match.
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  APPROVAL_POLICIES,
  badges,
  coauthors,
  ORGANISATION_KINDS,
  organisations,
  versions,
  type Organisation,
} from "../../db/schema";
import { BadgeContentSchema, type BadgeContent } from "./badge-content";
import { indexPublishedVersion } from "./catalogue-index.server";
import { indexPrerequisites } from "./prerequisite-index.server";
import {
  clearFoundGone,
  DEFAULT_REMOTE_BADGE_CACHE_POLICY,
  forgetRemoteBadgeFetch,
  recordRemoteBadgeFoundGone,
  wasFoundGone,
  type RemoteBadgeCachePolicy,
} from "./remote-badge-cache.server";
import { remoteSteward, requireStewardsVersion, unreadableVersion } from "./remote-versions.server";
import { ConflictError, ForbiddenError, ValidationError } from "./errors";

const httpUrl = z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "Only http(s) URLs");

export const RemoteOrganisationSchema = z.object({
  uri: httpUrl,
  handle: z.string().trim().min(1).max(100),
  host: z.string().trim().min(1).max(255),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORGANISATION_KINDS).default("community"),
  description: z.string().max(5000).default(""),
  website: httpUrl.nullable().default(null),
  logoImageId: z.string().nullable().default(null),
});
export type RemoteOrganisation = z.input<typeof RemoteOrganisationSchema>;

/** Creates or refreshes the local row of a remote organisation; returns it. */
export function recordRemoteOrganisation(db: DatabaseLike, input: RemoteOrganisation): Organisation {
  const profile = RemoteOrganisationSchema.parse(input);
  if (new URL(profile.uri).host !== profile.host) throw new ValidationError("An organisation's host must be its id's host.");
  const existing = db.select().from(organisations).where(eq(organisations.uri, profile.uri)).get();
  if (existing && !existing.host) throw new ForbiddenError("That is an organisation of this instance.");
  const taken = db
    .select({ uri: organisations.uri })
    .from(organisations)
    .where(and(eq(organisations.handle, profile.handle), eq(organisations.host, profile.host)))
    .get();
  if (taken && taken.uri !== profile.uri) {
    throw new ConflictError(`@${profile.handle}@${profile.host} already names another organisation.`);
  }
  if (existing) {
    db.update(organisations).set(profile).where(eq(organisations.id, existing.id)).run();
    return db.select().from(organisations).where(eq(organisations.id, existing.id)).get()!;
  }
  const id = randomUUID();
  db.insert(organisations).values({ id, ...profile }).run();
  return db.select().from(organisations).where(eq(organisations.id, id)).get()!;
}

export const RemoteBadgeVersionSchema = z.object({
  badgeUri: httpUrl,
  versionUri: httpUrl,
  number: z.number().int().min(1).max(1_000_000),
  // The badge's page on its home instance.
  url: httpUrl.nullable().default(null),
  content: BadgeContentSchema,
  stewardUri: httpUrl,
  coauthorUris: z.array(httpUrl).max(100).default([]),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  publishedAt: z.coerce.date(),
  approvalPolicy: z.enum(APPROVAL_POLICIES).default("all"),
  status: z.enum(["published", "deprecated"]).default("published"),
  successorUri: httpUrl.nullable().default(null),
  deprecatedAt: z.coerce.date().nullable().default(null),
  mirroredImageId: z.string().nullable().default(null),
});
export type RemoteBadgeVersion = z.input<typeof RemoteBadgeVersionSchema>;

export interface AppliedRemoteVersion {
  badgeId: string;
  versionId: string;
  badgeCreated: boolean;
  versionCreated: boolean;
  // The copy had been withdrawn because its home answered that it was gone; it answers
  // again with a version, so it is back.
  restored: boolean;
}


/**
 * Stores a version of a remote badge sent or published by `actorUri`, which must be the
 * badge's steward. A version already held is accepted again only unchanged (same hash):
 * re-deliveries and back-fills are harmless, rewrites are refused. The latest version and
 * the badge's status (published or deprecated) follow what the steward says. A copy we
 * withdrew only because its home once answered that it was gone is restored; one its
 * steward withdrew (a Delete) is not.
 */
export function applyRemoteBadgeVersion(db: DatabaseLike, actorUri: string, input: RemoteBadgeVersion): AppliedRemoteVersion {
  const parsed = RemoteBadgeVersionSchema.safeParse(input);
  if (!parsed.success) throw unreadableVersion("badge", parsed.error);
  const v = parsed.data;
  requireStewardsVersion("badge", actorUri, v.badgeUri, v);

  // Nested in the caller's transaction (a savepoint) when there is one.
  return db.transaction((tx) => {
    const steward = remoteSteward(tx, "badge", v.stewardUri);

    let badge = tx.select().from(badges).where(eq(badges.uri, v.badgeUri)).get();
    const badgeCreated = !badge;
    if (badge && badge.stewardOrganisationId !== steward.id) throw new ForbiddenError("That badge has another steward.");
    const restored = badge?.status === "withdrawn" && wasFoundGone(tx, badge.id);
    if (badge?.status === "withdrawn" && !restored) throw new ConflictError("That badge was withdrawn by its steward.");
    if (!badge) {
      const id = randomUUID();
      tx.insert(badges)
        .values({ id, uri: v.badgeUri, stewardOrganisationId: steward.id, approvalPolicy: v.approvalPolicy, status: v.status, remoteUrl: v.url })
        .run();
      badge = tx.select().from(badges).where(eq(badges.id, id)).get()!;
    }

    const held = tx.select().from(versions).where(eq(versions.uri, v.versionUri)).get();
    if (held && (held.badgeId !== badge.id || held.contentHash !== v.contentHash)) {
      throw new ConflictError(`Version ${v.number} was already published with other content; versions never change.`);
    }
    const sameNumber = tx.select().from(versions).where(and(eq(versions.badgeId, badge.id), eq(versions.number, v.number))).get();
    if (!held && sameNumber) throw new ConflictError(`Version ${v.number} of that badge is already held under another id.`);
    const versionId = held?.id ?? randomUUID();
    if (!held) {
      tx.insert(versions)
        .values({
          id: versionId,
          badgeId: badge.id,
          number: v.number,
          uri: v.versionUri,
          content: v.content,
          stewardUri: v.stewardUri,
          coauthorUris: v.coauthorUris,
          contentHash: v.contentHash,
          publishedAt: v.publishedAt,
          mirroredImageId: v.mirroredImageId,
        })
        .run();
    }

    const latest = badge.latestVersionId ? tx.select().from(versions).where(eq(versions.id, badge.latestVersionId)).get() : undefined;
    const isLatest = !latest || latest.number <= v.number;
    if (isLatest) {
      tx.update(badges)
        .set({
          latestVersionId: versionId,
          approvalPolicy: v.approvalPolicy,
          status: v.status,
          successorUri: v.successorUri,
          deprecatedAt: v.status === "deprecated" ? (v.deprecatedAt ?? new Date()) : null,
          remoteUrl: v.url ?? badge.remoteUrl,
          updatedAt: new Date(),
        })
        .where(eq(badges.id, badge.id))
        .run();
      replaceCoauthors(tx, badge.id, v.coauthorUris);
      indexPublishedVersion(tx, badge.id);
      indexPrerequisites(tx, badge.id);
    } else if (restored) {
      // An older version than the latest held came back: the badge is back all the same.
      tx.update(badges).set({ status: v.status, updatedAt: new Date() }).where(eq(badges.id, badge.id)).run();
      indexPublishedVersion(tx, badge.id);
      indexPrerequisites(tx, badge.id);
    }
    if (restored) clearFoundGone(tx, badge.id);
    return { badgeId: badge.id, versionId, badgeCreated, versionCreated: !held, restored };
  });
}

/** Co-authors of the latest version that this instance knows; the others stay in its uris. */
function replaceCoauthors(tx: DatabaseLike, badgeId: string, uris: string[]) {
  tx.delete(coauthors).where(eq(coauthors.badgeId, badgeId)).run();
  if (!uris.length) return;
  const known = tx.select({ id: organisations.id }).from(organisations).where(inArray(organisations.uri, uris)).all();
  if (known.length) tx.insert(coauthors).values(known.map((o) => ({ badgeId, organisationId: o.id, status: "accepted" as const }))).run();
}

/** The steward (`actorUri`) took its badge back: it leaves the catalogue here too. */
export function withdrawRemoteBadge(db: DatabaseLike, actorUri: string, badgeUri: string): { badgeId: string } | null {
  return db.transaction((tx) => {
    const badge = tx.select().from(badges).where(eq(badges.uri, badgeUri)).get();
    if (!badge) return null; // never held: nothing to take back
    const steward = tx.select().from(organisations).where(eq(organisations.id, badge.stewardOrganisationId)).get();
    if (!steward?.host || steward.uri !== actorUri) throw new ForbiddenError("Only a badge's steward withdraws it.");
    tx.update(badges).set({ status: "withdrawn", updatedAt: new Date() }).where(eq(badges.id, badge.id)).run();
    // The steward's own word: final, not asked for again.
    forgetRemoteBadgeFetch(tx, badge.id);
    indexPublishedVersion(tx, badge.id);
    indexPrerequisites(tx, badge.id);
    return { badgeId: badge.id };
  });
}

/**
 * The badge's own instance answers, at the badge's URI, that it is gone (404, 410 or a
 * Tombstone): what a Delete from its steward would say, learnt by asking. Our copy leaves
 * the catalogue and the prerequisite graph like a withdrawn badge, and badges that name it
 * show it as unavailable. Only copies of remote badges. Unlike a Delete this is not final:
 * the answer is recorded (remote-badge-cache.server.ts), the badge is asked for again at a
 * slower rate, and restored if it answers with a version. Returns the copy withdrawn now;
 * null when none is held, or it was withdrawn already.
 */
export function recordRemoteBadgeGone(
  db: DatabaseLike,
  badgeUri: string,
  check: { at?: Date; reason?: string; policy?: RemoteBadgeCachePolicy } = {},
): { badgeId: string } | null {
  return db.transaction((tx) => {
    const badge = tx.select().from(badges).where(eq(badges.uri, badgeUri)).get();
    if (!badge) return null;
    const steward = tx.select().from(organisations).where(eq(organisations.id, badge.stewardOrganisationId)).get();
    if (!steward?.host) throw new ForbiddenError("A badge of this instance is not withdrawn by what another says.");
    // Withdrawn by its steward's Delete: that stands, whatever is answered since.
    if (badge.status === "withdrawn" && !wasFoundGone(tx, badge.id)) return null;
    recordRemoteBadgeFoundGone(tx, badge.id, check.at ?? new Date(), check.reason ?? "Its instance says it is gone.", check.policy ?? DEFAULT_REMOTE_BADGE_CACHE_POLICY);
    if (badge.status === "withdrawn") return null;
    tx.update(badges).set({ status: "withdrawn", updatedAt: new Date() }).where(eq(badges.id, badge.id)).run();
    indexPublishedVersion(tx, badge.id);
    indexPrerequisites(tx, badge.id);
    return { badgeId: badge.id };
  });
}
