// Sharing: an organisation passes another organisation's published badge on to its own
// followers (an ActivityPub Announce), so that a badge worth knowing travels beyond its
// steward's followers. Local organisations share through their admins; remote ones share
// on their instance and we record what they tell us. A badge's own authors never share it:
// their followers receive it already.
import { and, desc, eq, inArray, isNotNull, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import { badgeShares, badges, coauthors, memberships, organisations, versions } from "../../db/schema";
import type { BadgeContent } from "./badge-content";
import type { OrganisationSummary } from "./catalogue-authors.server";
import type { ServiceContext } from "./context.server";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { getLocalOrganisationById } from "./organisations.server";
import { requireRole } from "./roles.server";

export const ShareSchema = z.object({
  organisationId: z.string().trim().min(1, "Choose the organisation that shares it").max(100),
});
export type ShareInput = z.input<typeof ShareSchema>;

function parseShare(input: unknown) {
  const parsed = ShareSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("Choose the organisation that shares it.", parsed.error.flatten().fieldErrors);
  return parsed.data;
}


/** Steward and accepted co-authors. */
function authorIds(db: DatabaseLike, badgeId: string, stewardId: string): Set<string> {
  const rows = db
    .select({ id: coauthors.organisationId })
    .from(coauthors)
    .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.status, "accepted")))
    .all();
  return new Set([stewardId, ...rows.map((r) => r.id)]);
}

function getShare(db: DatabaseLike, organisationId: string, badgeId: string) {
  return db
    .select()
    .from(badgeShares)
    .where(and(eq(badgeShares.organisationId, organisationId), eq(badgeShares.badgeId, badgeId)))
    .get();
}

/**
 * An admin of a local organisation shares a published badge it does not author with the
 * organisation's followers. The share and its Announce commit together.
 */
export function shareBadge(ctx: ServiceContext, userId: string, badgeId: string, input: ShareInput): { activityUri: string } {
  const { organisationId } = parseShare(input);
  return ctx.db.transaction((tx) => {
    const org = getLocalOrganisationById(tx, organisationId);
    requireRole(tx, org.id, userId, "admin");
    const badge = tx.select().from(badges).where(eq(badges.id, badgeId)).get();
    // A draft is not revealed to outsiders; withdrawn badges are gone.
    if (!badge || badge.status === "draft" || badge.status === "withdrawn") throw new NotFoundError("That badge");
    if (badge.status === "deprecated") throw new ConflictError("This badge is deprecated: it should no longer be awarded, so it is not shared.");
    if (authorIds(tx, badge.id, badge.stewardOrganisationId).has(org.id)) {
      throw new ConflictError(`${org.name} is one of this badge's authors; its followers receive it already.`);
    }
    if (getShare(tx, org.id, badge.id)) throw new ConflictError(`${org.name} already shares this badge.`);
    const activityUri = ctx.federation.badgeShared(tx, org.id, badge.id);
    tx.insert(badgeShares).values({ organisationId: org.id, badgeId: badge.id, activityUri }).run();
    return { activityUri };
  });
}

/** An admin takes the organisation's share back; its followers are told (Undo). */
export function stopSharing(ctx: ServiceContext, userId: string, badgeId: string, input: ShareInput): void {
  const { organisationId } = parseShare(input);
  ctx.db.transaction((tx) => {
    const org = getLocalOrganisationById(tx, organisationId);
    requireRole(tx, org.id, userId, "admin");
    const share = getShare(tx, org.id, badgeId);
    if (!share) throw new NotFoundError("That share");
    tx.delete(badgeShares).where(and(eq(badgeShares.organisationId, org.id), eq(badgeShares.badgeId, badgeId))).run();
    ctx.federation.shareWithdrawn(tx, org.id, badgeId, share.activityUri);
  });
}

export interface ShareOption {
  organisationId: string;
  name: string;
  handle: string;
  shared: boolean;
}

/**
 * The local organisations in which `userId` is an admin and which may share the badge (not
 * its authors), each saying whether it shares it now. Empty for anyone else, and for a badge
 * that can no longer be shared and is shared by none of them.
 */
export function shareOptions(db: DatabaseLike, userId: string | null, badgeId: string): ShareOption[] {
  if (!userId) return [];
  const badge = db.select().from(badges).where(eq(badges.id, badgeId)).get();
  if (!badge || badge.status === "draft") return [];
  const authors = authorIds(db, badge.id, badge.stewardOrganisationId);
  const adminOf = db
    .select({ id: organisations.id, name: organisations.name, handle: organisations.handle })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(and(eq(memberships.userId, userId), inArray(memberships.role, ["admin", "owner"]), isNull(organisations.host)))
    .orderBy(organisations.name)
    .all()
    .filter((o) => !authors.has(o.id));
  if (!adminOf.length) return [];
  const shared = new Set(
    db
      .select({ id: badgeShares.organisationId })
      .from(badgeShares)
      .where(and(eq(badgeShares.badgeId, badgeId), inArray(badgeShares.organisationId, adminOf.map((o) => o.id))))
      .all()
      .map((r) => r.id),
  );
  const options = adminOf.map((o) => ({ organisationId: o.id, name: o.name, handle: o.handle, shared: shared.has(o.id) }));
  // Only a published badge is offered for sharing; a share made earlier can always be taken back.
  return badge.status === "published" ? options : options.filter((o) => o.shared);
}

/** Organisations (here and elsewhere) that share the badge, most recent first. */
export function badgeSharers(db: DatabaseLike, badgeId: string): OrganisationSummary[] {
  return db
    .select({
      id: organisations.id,
      uri: organisations.uri,
      handle: organisations.handle,
      host: organisations.host,
      name: organisations.name,
      kind: organisations.kind,
      logoImageId: organisations.logoImageId,
    })
    .from(badgeShares)
    .innerJoin(organisations, eq(organisations.id, badgeShares.organisationId))
    .where(eq(badgeShares.badgeId, badgeId))
    .orderBy(desc(badgeShares.createdAt))
    .all();
}

export interface SharedBadge {
  id: string;
  name: string;
  summary: string;
  imageId: string | null;
  versionNumber: number;
  steward: { name: string; handle: string; host: string | null };
}

/** The badges an organisation shares that are still in the catalogue, most recent first. */
export function sharedBadges(db: DatabaseLike, organisationId: string): SharedBadge[] {
  return db
    .select({
      id: badges.id,
      content: versions.content,
      versionNumber: versions.number,
      mirroredImageId: versions.mirroredImageId,
      stewardName: organisations.name,
      stewardHandle: organisations.handle,
      stewardHost: organisations.host,
    })
    .from(badgeShares)
    .innerJoin(badges, eq(badges.id, badgeShares.badgeId))
    .innerJoin(versions, eq(versions.id, badges.latestVersionId))
    .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .where(and(eq(badgeShares.organisationId, organisationId), inArray(badges.status, ["published", "deprecated"])))
    .orderBy(desc(badgeShares.createdAt))
    .all()
    .map((r) => {
      const c = r.content as Partial<BadgeContent>;
      return {
        id: r.id,
        name: c.name ?? "Untitled badge",
        summary: c.summary ?? "",
        // A remote badge's own image id names nothing here; our checked copy does, if made.
        imageId: r.mirroredImageId ?? (r.stewardHost ? null : (c.imageId ?? null)),
        versionNumber: r.versionNumber,
        steward: { name: r.stewardName, handle: r.stewardHandle, host: r.stewardHost },
      };
    });
}

// ---------------------------------------------------------------------------------------
// Shares other instances tell us about. Federation has checked the Announce's signature
// and origin; here only organisations we know of, sharing badges we hold, are recorded.

/** A remote organisation (`actorUri`) shared the badge `badgeUri`. False when nothing is recorded. */
export function recordRemoteShare(db: DatabaseLike, actorUri: string, badgeUri: string, activityUri: string): boolean {
  const org = db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.uri, actorUri), isNotNull(organisations.host)))
    .get();
  const badge = db
    .select({ id: badges.id, stewardId: badges.stewardOrganisationId })
    .from(badges)
    .where(and(eq(badges.uri, badgeUri), ne(badges.status, "draft")))
    .get();
  if (!org || !badge || org.id === badge.stewardId) return false;
  db.insert(badgeShares)
    .values({ organisationId: org.id, badgeId: badge.id, activityUri })
    .onConflictDoUpdate({ target: [badgeShares.organisationId, badgeShares.badgeId], set: { activityUri } })
    .run();
  return true;
}

/** The remote organisation `actorUri` took back its Announce `announceUri`. Only its own. */
export function removeRemoteShare(db: DatabaseLike, actorUri: string, announceUri: string): boolean {
  const org = db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.uri, actorUri), isNotNull(organisations.host)))
    .get();
  if (!org) return false;
  return (
    db
      .delete(badgeShares)
      .where(and(eq(badgeShares.organisationId, org.id), eq(badgeShares.activityUri, announceUri)))
      .run().changes > 0
  );
}

/** Whether `announceUri` is a share we recorded (an Undo may name it by id alone). */
export function isRecordedShare(db: DatabaseLike, announceUri: string): boolean {
  return !!db.select({ a: badgeShares.activityUri }).from(badgeShares).where(eq(badgeShares.activityUri, announceUri)).get();
}
