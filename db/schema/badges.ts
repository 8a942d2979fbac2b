// Badge definitions: drafts with revisions, co-authors, approvals bound to a revision,
// published versions, comments and live draft documents.
import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { images, organisations, users } from "./accounts";
import { createdAt } from "./common";

export const APPROVAL_POLICIES = ["all", "majority", "steward"] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

// withdrawn: the steward took it back; federated as Delete (Tombstone).
export const BADGE_STATUSES = ["draft", "published", "deprecated", "withdrawn"] as const;
export type BadgeStatus = (typeof BADGE_STATUSES)[number];

// A badge definition: one steward organisation, any number of co-authors, a draft that
// changes by revisions, and published versions. `status` says whether any version is out.
export const badges = sqliteTable(
  "badges",
  {
    id: text("id").primaryKey(),
    // ActivityPub id; for local badges `${PUBLIC_URL}/badges/${id}`.
    uri: text("uri").notNull(),
    stewardOrganisationId: text("steward_organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "restrict" }),
    approvalPolicy: text("approval_policy", { enum: APPROVAL_POLICIES })
      .notNull()
      .default("all"),
    status: text("status", { enum: BADGE_STATUSES }).notNull().default("draft"),
    currentRevisionId: text("current_revision_id"),
    latestVersionId: text("latest_version_id"),
    // A deprecated badge may name the badge that replaces it (local id or remote uri).
    successorUri: text("successor_uri"),
    deprecatedAt: integer("deprecated_at", { mode: "timestamp_ms" }),
    // Remote badges: the page on their home instance that people are sent to.
    remoteUrl: text("remote_url"),
    // Whether endorsements from other organisations are shown without the steward's
    // review (the default); off, each waits in "pending" for an admin's decision.
    autoAcceptEndorsements: integer("auto_accept_endorsements", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("badges_uri_unique").on(t.uri),
    index("badges_steward_idx").on(t.stewardOrganisationId),
    index("badges_status_idx").on(t.status),
  ],
);
export type Badge = typeof badges.$inferSelect;

export const COAUTHOR_STATUSES = ["invited", "accepted", "declined"] as const;
export type CoauthorStatus = (typeof COAUTHOR_STATUSES)[number];

// Co-author organisations other than the steward (the steward is implicit).
export const coauthors = sqliteTable(
  "coauthors",
  {
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    status: text("status", { enum: COAUTHOR_STATUSES }).notNull().default("invited"),
    invitedByUserId: text("invited_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    respondedByUserId: text("responded_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    respondedAt: integer("responded_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.badgeId, t.organisationId] }),
    index("coauthors_org_idx").on(t.organisationId),
  ],
);
export type Coauthor = typeof coauthors.$inferSelect;

// Every saved state of a draft. `content` is the whole BadgeContent as JSON, so any
// revision can be shown, diffed against its parent, or restored.
export const revisions = sqliteTable(
  "revisions",
  {
    id: text("id").primaryKey(),
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    parentRevisionId: text("parent_revision_id"),
    content: text("content", { mode: "json" }).notNull(),
    changedFields: text("changed_fields", { mode: "json" }).$type<string[]>().notNull(),
    authorUserId: text("author_user_id").references(() => users.id, { onDelete: "set null" }),
    authorOrganisationId: text("author_organisation_id").references(() => organisations.id, {
      onDelete: "set null",
    }),
    restoredFromRevisionId: text("restored_from_revision_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("revisions_badge_number_unique").on(t.badgeId, t.number)],
);
export type Revision = typeof revisions.$inferSelect;

// An approval binds an organisation's admin to one exact revision; an approval whose
// revision is no longer the badge's current revision counts for nothing.
export const approvals = sqliteTable(
  "approvals",
  {
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    revisionId: text("revision_id")
      .notNull()
      .references(() => revisions.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.revisionId, t.organisationId] })],
);
export type Approval = typeof approvals.$inferSelect;

// A published version never changes; the next one supersedes it.
export const versions = sqliteTable(
  "versions",
  {
    id: text("id").primaryKey(),
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    uri: text("uri").notNull(),
    revisionId: text("revision_id"),
    content: text("content", { mode: "json" }).notNull(),
    // The authors as they stood when this version was published (the hash covers them,
    // and co-authors may join or leave later): the steward's uri and co-authors' uris, sorted.
    stewardUri: text("steward_uri").notNull().default(""),
    coauthorUris: text("coauthor_uris", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    // sha256 over the canonical JSON of content + steward + co-authors + version number.
    contentHash: text("content_hash").notNull(),
    publishedByUserId: text("published_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
    // Versions received from another instance: our checked copy of the image their content
    // names (content.imageId is the origin's own id, and the hash covers it unchanged).
    mirroredImageId: text("mirrored_image_id").references(() => images.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("versions_badge_number_unique").on(t.badgeId, t.number),
    uniqueIndex("versions_uri_unique").on(t.uri),
  ],
);
export type Version = typeof versions.$inferSelect;

export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    authorUserId: text("author_user_id").references(() => users.id, { onDelete: "set null" }),
    authorOrganisationId: text("author_organisation_id").references(() => organisations.id, {
      onDelete: "set null",
    }),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("comments_badge_idx").on(t.badgeId, t.createdAt)],
);
export type Comment = typeof comments.$inferSelect;

// The live co-editing document (Yjs state) of a badge's draft, persisted so that a
// restart keeps what people typed between revisions.
export const draftDocuments = sqliteTable("draft_documents", {
  badgeId: text("badge_id")
    .primaryKey()
    .references(() => badges.id, { onDelete: "cascade" }),
  state: blob("state", { mode: "buffer" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});
