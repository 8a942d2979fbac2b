// Read models kept in step with published versions (catalogue rows, tags, the prerequisite
// graph), and the lifecycle of remote badges this instance fetched itself.
import { index, integer, real, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { badges } from "./badges";

// Tags of the latest published version, for catalogue filters.
export const badgeTags = sqliteTable(
  "badge_tags",
  {
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.badgeId, t.tag] }), index("badge_tags_tag_idx").on(t.tag)],
);

// The catalogue's read model: one narrow row per badge with a published version, holding
// what a result card shows, so listing, sorting and facets never read version JSON. Its
// integer id is also the badge's rowid in the `badge_search` FTS5 table, so search hits
// join it without reading the FTS content. `kindMask` has a bit per organisation kind
// (ORGANISATION_KINDS order) of the steward and accepted co-authors at publication.
// Kept in step by catalogue-index.server.ts inside the publishing transaction.
export const catalogueEntries = sqliteTable(
  "catalogue_entries",
  {
    id: integer("id").primaryKey(),
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    versionNumber: integer("version_number").notNull(),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
    name: text("name").notNull(),
    summary: text("summary").notNull(),
    imageId: text("image_id"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    achievementType: text("achievement_type").notNull(),
    kindMask: integer("kind_mask").notNull(),
    // The same bits for the kinds of organisations whose endorsements of the badge are
    // accepted; kept in step by endorsements.server.ts in each endorsement's transaction.
    endorserKindMask: integer("endorser_kind_mask").notNull().default(0),
    // The definition's language (BCP 47, lower case) and estimated hours of learning, for
    // the catalogue's filters.
    language: text("language").notNull().default("en"),
    estimatedHours: real("estimated_hours"),
  },
  (t) => [
    uniqueIndex("catalogue_entries_badge_unique").on(t.badgeId),
    index("catalogue_entries_published_idx").on(t.publishedAt),
    index("catalogue_entries_language_idx").on(t.language),
  ],
);
export type CatalogueEntryRow = typeof catalogueEntries.$inferSelect;

// The prerequisite graph's read model: one row per badge named by a condition of the latest
// published version of every badge known here, local or remote (withdrawn badges and drafts
// have none). A version's conditions must all be met; each needs `requiredNumber` of its
// `conditionSize` badges. The prerequisite is a URI (it may name a badge not held here,
// shown as unavailable), so "what leads to X" reads by badge id (the key's prefix, in the
// order written) and "what X unlocks" by X's URI (its own index). Kept in step by
// prerequisite-index.server.ts in the transactions that publish, store a remote version or
// withdraw a badge.
export const prerequisiteEdges = sqliteTable(
  "prerequisite_edges",
  {
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    conditionIndex: integer("condition_index").notNull(),
    requiredNumber: integer("required_number").notNull(),
    conditionSize: integer("condition_size").notNull(),
    // The badge's place within its condition, as the author ordered them.
    position: integer("position").notNull(),
    prerequisiteUri: text("prerequisite_uri").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.badgeId, t.conditionIndex, t.position] }),
    index("prerequisite_edges_prerequisite_idx").on(t.prerequisiteUri, t.badgeId),
  ],
);
export type PrerequisiteEdgeRow = typeof prerequisiteEdges.$inferSelect;

// Remote badges this instance fetched itself (named as prerequisites, pasted, or reached
// from those), with when it last had them and when to ask their home instance again. Those
// whose steward an organisation here follows are kept current by its Update and Delete
// activities and are not asked again; the others are re-fetched by the periodic refresh
// (federation/remote-badge-refresh.ts, ADR 010). `goneSince` is set when the home answered
// that the badge is gone (404, 410, a Tombstone) and our copy was withdrawn for it: such a
// badge is asked again at a slower rate and restored if it answers with a version again.
// A transient failure (timeout, 5xx, network) only sets `lastError` and a retry.
export const remoteBadgeFetches = sqliteTable(
  "remote_badge_fetches",
  {
    badgeId: text("badge_id")
      .primaryKey()
      .references(() => badges.id, { onDelete: "cascade" }),
    // The last time its home answered with a version (stored, hash-checked).
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
    // The last time we asked, whatever the answer.
    checkedAt: integer("checked_at", { mode: "timestamp_ms" }).notNull(),
    // Due for the refresh from then; moved ahead while a pass holds it.
    nextCheckAt: integer("next_check_at", { mode: "timestamp_ms" }).notNull(),
    goneSince: integer("gone_since", { mode: "timestamp_ms" }),
    // Answers of "gone" in a row: the slower re-checks back off with it.
    goneChecks: integer("gone_checks").notNull().default(0),
    // Transient failures in a row since the last answer.
    failures: integer("failures").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("remote_badge_fetches_due_idx").on(t.nextCheckAt)],
);
export type RemoteBadgeFetch = typeof remoteBadgeFetches.$inferSelect;

// What each pass of the refresh did (the latest few are kept), for operators.
export const remoteBadgeRefreshPasses = sqliteTable("remote_badge_refresh_passes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }).notNull(),
  checked: integer("checked").notNull(),
  refreshed: integer("refreshed").notNull(),
  restored: integer("restored").notNull(),
  gone: integer("gone").notNull(),
  failed: integer("failed").notNull(),
});
export type RemoteBadgeRefreshPass = typeof remoteBadgeRefreshPasses.$inferSelect;
