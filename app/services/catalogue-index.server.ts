// Keeps the catalogue's read model in step with each badge's latest published version:
// the narrow `catalogue_entries` row (what a result card shows), the `badge_search` FTS5
// row (same rowid as the entry) and `badge_tags`. Called inside the transaction that
// publishes (or deprecates); a badge that is a draft, or has no version, is removed. The
// kinds of its accepted endorsers are kept on the entry too (indexEndorsements).
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import {
  badges,
  badgeTags,
  catalogueEntries,
  coauthors,
  endorsements,
  ORGANISATION_KINDS,
  organisations,
  versions,
  type OrganisationKind,
} from "../../db/schema";
import { BadgeContentSchema } from "./badge-content";

/** The bit of an organisation kind in `catalogue_entries.kind_mask`. */
export function kindBit(kind: OrganisationKind): number {
  return 1 << ORGANISATION_KINDS.indexOf(kind);
}

function isRemote(tx: DatabaseLike, organisationId: string): boolean {
  return !!tx.select({ host: organisations.host }).from(organisations).where(eq(organisations.id, organisationId)).get()?.host;
}

/** The kind bits of organisations whose endorsements of the badge are accepted. */
function endorserKindMask(tx: DatabaseLike, badgeId: string): number {
  const kinds = tx
    .selectDistinct({ kind: organisations.kind })
    .from(endorsements)
    .innerJoin(organisations, eq(organisations.id, endorsements.endorserOrganisationId))
    .where(and(eq(endorsements.badgeId, badgeId), eq(endorsements.status, "accepted")))
    .all();
  return kinds.reduce((mask, k) => mask | kindBit(k.kind), 0);
}

/**
 * Called in the transaction of every endorsement change: the catalogue's "endorsed by"
 * filter and facet read the entry's mask. An unchanged mask is not written, so the change
 * log that the in-memory facet copy follows (ADR 013) records real changes only.
 */
export function indexEndorsements(tx: DatabaseLike, badgeId: string): void {
  const mask = endorserKindMask(tx, badgeId);
  tx.update(catalogueEntries)
    .set({ endorserKindMask: mask })
    .where(and(eq(catalogueEntries.badgeId, badgeId), ne(catalogueEntries.endorserKindMask, mask)))
    .run();
}

export function indexPublishedVersion(tx: DatabaseLike, badgeId: string): void {
  const badge = tx.select().from(badges).where(eq(badges.id, badgeId)).get();
  const old = tx.select({ id: catalogueEntries.id }).from(catalogueEntries).where(eq(catalogueEntries.badgeId, badgeId)).get();
  if (old) tx.run(sql`DELETE FROM badge_search WHERE rowid = ${old.id}`);
  tx.delete(catalogueEntries).where(eq(catalogueEntries.badgeId, badgeId)).run();
  tx.delete(badgeTags).where(eq(badgeTags.badgeId, badgeId)).run();
  if (!badge?.latestVersionId || badge.status === "draft" || badge.status === "withdrawn") return;
  const version = tx.select().from(versions).where(eq(versions.id, badge.latestVersionId)).get();
  if (!version) return;
  const content = BadgeContentSchema.parse(version.content);

  const kinds = tx
    .select({ kind: organisations.kind })
    .from(organisations)
    .where(
      inArray(
        organisations.id,
        [badge.stewardOrganisationId].concat(
          tx
            .select({ id: coauthors.organisationId })
            .from(coauthors)
            .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.status, "accepted")))
            .all()
            .map((c) => c.id),
        ),
      ),
    )
    .all();
  const entry = tx
    .insert(catalogueEntries)
    .values({
      badgeId,
      versionNumber: version.number,
      publishedAt: version.publishedAt,
      name: content.name,
      summary: content.summary,
      // A remote version's content names its origin's image id; show our mirrored copy.
      imageId: version.mirroredImageId ?? (isRemote(tx, badge.stewardOrganisationId) ? null : content.imageId),
      tags: content.tags,
      achievementType: content.achievementType,
      kindMask: kinds.reduce((mask, k) => mask | kindBit(k.kind), 0),
      endorserKindMask: endorserKindMask(tx, badgeId),
      language: content.language.toLowerCase(),
      estimatedHours: content.estimatedHours,
    })
    .returning({ id: catalogueEntries.id })
    .get();
  tx.run(
    sql`INSERT INTO badge_search (rowid, badge_id, name, summary, criteria, tags)
        VALUES (${entry.id}, ${badgeId}, ${content.name}, ${content.summary}, ${content.criteria}, ${content.tags.join(" ")})`,
  );
  if (content.tags.length)
    tx.insert(badgeTags)
      .values(content.tags.map((tag) => ({ badgeId, tag })))
      .run();
}
