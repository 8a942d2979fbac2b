// Pathways: an organisation's named route to a goal badge, through steps (badges, local or
// of other instances) combined into routes. Modelled on Credential Engine's CTDL Pathway
// (ADR 011): the goal is the destination component, each step a credential component,
// each stage of a route a component condition ("any N of these"). Drafted, co-authored,
// approved, published as immutable hashed versions and federated like badges.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations, users } from "./accounts";
import { BADGE_STATUSES, COAUTHOR_STATUSES } from "./badges";
import { createdAt } from "./common";

// "all": every author organisation approves the exact revision; "steward": its approval alone.
export const PATHWAY_APPROVAL_POLICIES = ["all", "steward"] as const;
export type PathwayApprovalPolicy = (typeof PATHWAY_APPROVAL_POLICIES)[number];

export const pathways = sqliteTable(
  "pathways",
  {
    id: text("id").primaryKey(),
    // ActivityPub id; for local pathways `${PUBLIC_URL}/pathways/${id}`.
    uri: text("uri").notNull(),
    stewardOrganisationId: text("steward_organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "restrict" }),
    approvalPolicy: text("approval_policy", { enum: PATHWAY_APPROVAL_POLICIES }).notNull().default("all"),
    status: text("status", { enum: BADGE_STATUSES }).notNull().default("draft"),
    currentRevisionId: text("current_revision_id"),
    latestVersionId: text("latest_version_id"),
    deprecatedAt: integer("deprecated_at", { mode: "timestamp_ms" }),
    // Remote pathways: the page on their home instance that people are sent to.
    remoteUrl: text("remote_url"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("pathways_uri_unique").on(t.uri),
    index("pathways_steward_idx").on(t.stewardOrganisationId),
    index("pathways_status_idx").on(t.status),
  ],
);
export type Pathway = typeof pathways.$inferSelect;

// Co-author organisations of a pathway other than its steward, with their consent.
export const pathwayCoauthors = sqliteTable(
  "pathway_coauthors",
  {
    pathwayId: text("pathway_id")
      .notNull()
      .references(() => pathways.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    status: text("status", { enum: COAUTHOR_STATUSES }).notNull().default("invited"),
    invitedByUserId: text("invited_by_user_id").references(() => users.id, { onDelete: "set null" }),
    respondedByUserId: text("responded_by_user_id").references(() => users.id, { onDelete: "set null" }),
    respondedAt: integer("responded_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.pathwayId, t.organisationId] }),
    index("pathway_coauthors_org_idx").on(t.organisationId),
  ],
);
export type PathwayCoauthor = typeof pathwayCoauthors.$inferSelect;

// Every saved state of a pathway's draft (PathwayContent as JSON), with who and when.
export const pathwayRevisions = sqliteTable(
  "pathway_revisions",
  {
    id: text("id").primaryKey(),
    pathwayId: text("pathway_id")
      .notNull()
      .references(() => pathways.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    parentRevisionId: text("parent_revision_id"),
    content: text("content", { mode: "json" }).notNull(),
    changedFields: text("changed_fields", { mode: "json" }).$type<string[]>().notNull(),
    authorUserId: text("author_user_id").references(() => users.id, { onDelete: "set null" }),
    authorOrganisationId: text("author_organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("pathway_revisions_number_unique").on(t.pathwayId, t.number)],
);
export type PathwayRevision = typeof pathwayRevisions.$inferSelect;

// An author organisation's admin approving one exact revision; an edit voids it.
export const pathwayApprovals = sqliteTable(
  "pathway_approvals",
  {
    pathwayId: text("pathway_id")
      .notNull()
      .references(() => pathways.id, { onDelete: "cascade" }),
    revisionId: text("revision_id")
      .notNull()
      .references(() => pathwayRevisions.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.revisionId, t.organisationId] })],
);

// A published pathway version never changes; the next one supersedes it. The hash covers
// content, steward, sorted co-authors and number, as for badge versions.
export const pathwayVersions = sqliteTable(
  "pathway_versions",
  {
    id: text("id").primaryKey(),
    pathwayId: text("pathway_id")
      .notNull()
      .references(() => pathways.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    uri: text("uri").notNull(),
    revisionId: text("revision_id"),
    content: text("content", { mode: "json" }).notNull(),
    stewardUri: text("steward_uri").notNull(),
    coauthorUris: text("coauthor_uris", { mode: "json" }).$type<string[]>().notNull(),
    contentHash: text("content_hash").notNull(),
    publishedByUserId: text("published_by_user_id").references(() => users.id, { onDelete: "set null" }),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("pathway_versions_number_unique").on(t.pathwayId, t.number),
    uniqueIndex("pathway_versions_uri_unique").on(t.uri),
  ],
);
export type PathwayVersion = typeof pathwayVersions.$inferSelect;

// The pathway list's read model: one narrow row per pathway with a published version (its
// latest), so listing never parses version JSON. Its id is the rowid of the pathway in the
// `pathway_search` FTS5 table. Kept in step by pathway-index.server.ts in the publishing
// (or receiving) transaction.
export const pathwayEntries = sqliteTable(
  "pathway_entries",
  {
    id: integer("id").primaryKey(),
    pathwayId: text("pathway_id")
      .notNull()
      .references(() => pathways.id, { onDelete: "cascade" }),
    versionNumber: integer("version_number").notNull(),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
    name: text("name").notNull(),
    summary: text("summary").notNull(),
    goalUri: text("goal_uri").notNull(),
    stepCount: integer("step_count").notNull(),
    routeCount: integer("route_count").notNull(),
  },
  (t) => [
    uniqueIndex("pathway_entries_pathway_unique").on(t.pathwayId),
    index("pathway_entries_published_idx").on(t.publishedAt),
  ],
);

export const PATHWAY_BADGE_ROLES = ["goal", "step"] as const;

// The badges the latest published version of each pathway names (its goal and steps), by
// URI: which pathways lead to a badge, or pass through it, without reading version JSON.
export const pathwayBadges = sqliteTable(
  "pathway_badges",
  {
    pathwayId: text("pathway_id")
      .notNull()
      .references(() => pathways.id, { onDelete: "cascade" }),
    badgeUri: text("badge_uri").notNull(),
    role: text("role", { enum: PATHWAY_BADGE_ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pathwayId, t.badgeUri] }), index("pathway_badges_badge_idx").on(t.badgeUri)],
);
