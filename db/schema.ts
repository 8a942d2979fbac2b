// The Badge Commons data model (SQLite). SQL names are snake_case, fields camelCase.
// Ids are opaque text (UUIDs locally); things other instances may name carry a `uri`
// (their ActivityPub id), so remote organisations and badges fit the same tables.
import { sql } from "drizzle-orm";
import {
  blob,
  index,
  integer,
  real,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

// lucia's session table; `id` is the SHA-256 of the token in the cookie, never the token.
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const ORGANISATION_KINDS = ["nonprofit", "business", "school", "community"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const organisations = sqliteTable(
  "organisations",
  {
    id: text("id").primaryKey(),
    // ActivityPub actor id; for local organisations `${PUBLIC_URL}/orgs/${handle}`.
    uri: text("uri").notNull(),
    handle: text("handle").notNull(),
    // null for organisations of this instance; the remote host otherwise.
    host: text("host"),
    name: text("name").notNull(),
    kind: text("kind", { enum: ORGANISATION_KINDS }).notNull(),
    description: text("description").notNull().default(""),
    website: text("website"),
    logoImageId: text("logo_image_id").references(() => images.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("organisations_uri_unique").on(t.uri),
    // Handles are unique per host; local organisations (host null) among themselves.
    uniqueIndex("organisations_handle_host_unique").on(t.handle, t.host),
    uniqueIndex("organisations_local_handle_unique").on(t.handle).where(sql`${t.host} is null`),
  ],
);
export type Organisation = typeof organisations.$inferSelect;
export type NewOrganisation = typeof organisations.$inferInsert;

export const ROLES = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const memberships = sqliteTable(
  "memberships",
  {
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
  ],
);
export type Membership = typeof memberships.$inferSelect;

// An invitation link carries a random token; only its hash is stored.
export const invitations = sqliteTable("invitations", {
  id: text("id").primaryKey(),
  organisationId: text("organisation_id")
    .notNull()
    .references(() => organisations.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  role: text("role", { enum: ROLES }).notNull(),
  createdByUserId: text("created_by_user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  acceptedByUserId: text("accepted_by_user_id").references(() => users.id, {
    onDelete: "set null",
  }),
  acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
});
export type Invitation = typeof invitations.$inferSelect;

export const IMAGE_SOURCES = ["uploaded", "generated"] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

// Uploaded or generated pictures (logos, badge images). SVGs are stored sanitised.
export const images = sqliteTable("images", {
  id: text("id").primaryKey(),
  contentType: text("content_type", { enum: ["image/png", "image/svg+xml"] }).notNull(),
  // "generated": drawn by default-images.server.ts from a name; "uploaded": someone's file.
  source: text("source", { enum: IMAGE_SOURCES }).notNull().default("uploaded"),
  data: blob("data", { mode: "buffer" }).notNull(),
  sha256: text("sha256").notNull(),
  createdAt: createdAt(),
});
export type Image = typeof images.$inferSelect;

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
    // What a search's count and facets read of every match, looked up by the FTS hit's
    // rowid: the narrow index instead of the wide rows (name, summary) halves that pass.
    index("catalogue_entries_facets_idx").on(t.id, t.kindMask, t.endorserKindMask, t.language, t.tags),
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

export const ENDORSEMENT_STATUSES = ["pending", "accepted", "declined", "withdrawn"] as const;
export type EndorsementStatus = (typeof ENDORSEMENT_STATUSES)[number];
// Pending and accepted endorsements are live: at most one per (endorser, badge).
export const LIVE_ENDORSEMENT_STATUSES = ["pending", "accepted"] as const satisfies readonly EndorsementStatus[];

// An organisation vouching for one exact published version of a badge, as an Open Badges
// 3.0 EndorsementCredential signed by the endorser. The endorser may be local or remote
// (an organisations row with a host), and so may the badge: a credential received from
// another instance is stored as received, under its own id (`uri`). The steward decides
// (pending -> accepted/declined; automatic when the badge says so); the endorser may
// withdraw. Endorsing again while live updates the same row (same id, new validFrom);
// declined and withdrawn rows stay as the record, and a new endorsement gets a new row.
export const endorsements = sqliteTable(
  "endorsements",
  {
    id: text("id").primaryKey(),
    // The credential's id: `${PUBLIC_URL}/endorsements/${id}` for local endorsers.
    uri: text("uri").notNull(),
    endorserOrganisationId: text("endorser_organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    // The exact version endorsed; a later version makes this one "for version N".
    versionId: text("version_id")
      .notNull()
      .references(() => versions.id, { onDelete: "cascade" }),
    // Plain text, as the endorser wrote it (also the credential's endorsementComment).
    statement: text("statement").notNull(),
    status: text("status", { enum: ENDORSEMENT_STATUSES }).notNull(),
    // The signed EndorsementCredential (JSON-LD with its Data Integrity proof).
    credential: text("credential", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    // The credential's validFrom: when it was last issued (first endorsed or renewed).
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }).notNull(),
    // The endorser's last Create or Update of it over ActivityPub: what the steward's
    // Accept or Reject names. Null for endorsements that never left this instance.
    activityUri: text("activity_uri"),
    // Who endorsed on this instance (null when the credential came from elsewhere).
    endorsedByUserId: text("endorsed_by_user_id").references(() => users.id, { onDelete: "set null" }),
    // The steward's decision: null while pending, and for automatic acceptance.
    decidedByUserId: text("decided_by_user_id").references(() => users.id, { onDelete: "set null" }),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("endorsements_uri_unique").on(t.uri),
    uniqueIndex("endorsements_live_unique")
      .on(t.endorserOrganisationId, t.badgeId)
      .where(sql`${t.status} in ('pending', 'accepted')`),
    index("endorsements_badge_idx").on(t.badgeId, t.status, t.issuedAt),
    index("endorsements_endorser_idx").on(t.endorserOrganisationId, t.status),
  ],
);
export type Endorsement = typeof endorsements.$inferSelect;

export const NOTIFICATION_KINDS = ["endorsement_received", "endorsement_accepted", "endorsement_declined", "endorsement_withdrawn"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// What happened that an organisation's admins should hear about, whether it happened here
// or arrived from another instance: an endorsement of one of its badges arrived or was
// withdrawn, or the steward accepted or declined one of its endorsements. Read together
// by the organisation's admins (one `readAt` for the organisation).
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    endorsementId: text("endorsement_id").references(() => endorsements.id, { onDelete: "cascade" }),
    badgeId: text("badge_id").references(() => badges.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    readAt: integer("read_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("notifications_organisation_idx").on(t.organisationId, t.createdAt)],
);
export type Notification = typeof notifications.$inferSelect;

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

// ---------------------------------------------------------------------------------------
// Federation (ActivityPub). Local actors are organisations of this instance plus one
// instance actor (`${PUBLIC_URL}/actor`); remote actors are cached here with the addresses
// we deliver to. See FEDERATION.md.

// Key pairs of local actors. RSA-2048 signs HTTP requests (draft-cavage, as Mastodon
// expects); Ed25519 signs Data Integrity proofs (FEP-8b32) that survive forwarding.
export const actorKeys = sqliteTable("actor_keys", {
  actorUri: text("actor_uri").primaryKey(),
  rsaPublicKeyPem: text("rsa_public_key_pem").notNull(),
  rsaPrivateKeyPem: text("rsa_private_key_pem").notNull(),
  // Multikey encoding (base58btc, 0xed01 prefix), as `publicKeyMultibase` publishes it.
  ed25519PublicKeyMultibase: text("ed25519_public_key_multibase").notNull(),
  ed25519PrivateKeyPem: text("ed25519_private_key_pem").notNull(),
  createdAt: createdAt(),
});
export type ActorKeys = typeof actorKeys.$inferSelect;

export const REMOTE_ACTOR_TYPES = ["Organization", "Person", "Application", "Service", "Group"] as const;

// Remote actors we have fetched: organisations of other instances (linked to their
// `organisations` row) and people (e.g. Mastodon users) who follow ours.
export const remoteActors = sqliteTable(
  "remote_actors",
  {
    uri: text("uri").primaryKey(),
    type: text("type").notNull(),
    // preferredUsername and host make the `@handle@host` people type.
    handle: text("handle").notNull(),
    host: text("host").notNull(),
    name: text("name"),
    url: text("url"),
    iconUrl: text("icon_url"),
    inboxUrl: text("inbox_url").notNull(),
    sharedInboxUrl: text("shared_inbox_url"),
    outboxUrl: text("outbox_url"),
    followersUrl: text("followers_url"),
    organisationId: text("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("remote_actors_host_idx").on(t.host), index("remote_actors_org_idx").on(t.organisationId)],
);
export type RemoteActor = typeof remoteActors.$inferSelect;

// Public keys of remote actors, cached by key id; re-fetched once when a signature fails
// (the actor may have rotated its key).
export const remoteKeys = sqliteTable(
  "remote_keys",
  {
    keyId: text("key_id").primaryKey(),
    ownerUri: text("owner_uri").notNull(),
    kind: text("kind", { enum: ["rsa", "ed25519"] }).notNull(),
    // PEM for RSA, Multikey multibase for Ed25519.
    publicKey: text("public_key").notNull(),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("remote_keys_owner_idx").on(t.ownerUri)],
);
export type RemoteKey = typeof remoteKeys.$inferSelect;

export const FOLLOW_STATUSES = ["pending", "accepted", "rejected"] as const;
export type FollowStatus = (typeof FOLLOW_STATUSES)[number];

// Follows in both directions, by actor uri: local organisations following remote ones
// (we sent the Follow) and remote actors following local organisations (we received it).
export const follows = sqliteTable(
  "follows",
  {
    followerUri: text("follower_uri").notNull(),
    followingUri: text("following_uri").notNull(),
    // The Follow activity's id, so Accept/Reject/Undo can name it.
    activityUri: text("activity_uri").notNull(),
    status: text("status", { enum: FOLLOW_STATUSES }).notNull().default("pending"),
    // Back-fill of a followed remote outbox: items seen / total (null until known).
    backfillDone: integer("backfill_done").notNull().default(0),
    backfillTotal: integer("backfill_total"),
    createdAt: createdAt(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    primaryKey({ columns: [t.followerUri, t.followingUri] }),
    index("follows_following_idx").on(t.followingUri, t.status),
    uniqueIndex("follows_activity_unique").on(t.activityUri),
  ],
);
export type Follow = typeof follows.$inferSelect;

export const RELAY_STATUSES = ["pending", "accepted", "rejected"] as const;
export type RelayStatus = (typeof RELAY_STATUSES)[number];

// ActivityPub relays this instance follows (Mastodon-style: the instance actor follows the
// Public collection at the relay's inbox). The relay then passes on what other instances
// publish, and we send it our public badge activities. Known by inbox, as operators add
// them; the relay's actor is learnt from its Accept.
export const relays = sqliteTable(
  "relays",
  {
    inboxUrl: text("inbox_url").primaryKey(),
    actorUri: text("actor_uri"),
    followActivityUri: text("follow_activity_uri").notNull(),
    status: text("status", { enum: RELAY_STATUSES }).notNull().default("pending"),
    createdAt: createdAt(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("relays_follow_unique").on(t.followActivityUri), index("relays_actor_idx").on(t.actorUri)],
);
export type Relay = typeof relays.$inferSelect;

// The transactional outbox: an activity is written here in the same transaction as the
// change it announces; deliveries fan it out. It is also what the actor's outbox lists.
export const outboxActivities = sqliteTable(
  "outbox_activities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    uri: text("uri").notNull(),
    actorUri: text("actor_uri").notNull(),
    type: text("type").notNull(),
    objectUri: text("object_uri"),
    // The whole activity document as sent (with @context and any proof).
    document: text("document", { mode: "json" }).notNull(),
    // Whether it is listed in the public outbox collection (Follow/Accept are not).
    public: integer("public", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("outbox_activities_uri_unique").on(t.uri),
    index("outbox_activities_actor_idx").on(t.actorUri, t.id),
  ],
);
export type OutboxActivity = typeof outboxActivities.$inferSelect;

export const DELIVERY_STATUSES = ["pending", "delivered", "dead"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// One row per (activity, inbox). A worker claims due rows; a crash leaves them pending
// with a lease that expires, so a restart re-sends (receivers de-duplicate by activity id).
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    activityId: integer("activity_id")
      .notNull()
      .references(() => outboxActivities.id, { onDelete: "cascade" }),
    inboxUrl: text("inbox_url").notNull(),
    host: text("host").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    // Set while a worker holds the row; a row whose lease has passed is free again.
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    // Which worker run holds the lease (`host:pid:run`), so a restarted worker can free at
    // once the rows its own dead predecessor left, instead of waiting for the lease to pass.
    leaseOwner: text("lease_owner"),
    lastAttemptAt: integer("last_attempt_at", { mode: "timestamp_ms" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("deliveries_activity_inbox_unique").on(t.activityId, t.inboxUrl),
    index("deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("deliveries_host_idx").on(t.host, t.status),
  ],
);
export type Delivery = typeof deliveries.$inferSelect;

export const INBOX_STATUSES = ["applied", "ignored", "rejected"] as const;

// Every activity received, by id: the de-duplication record and an audit trail.
export const inboxActivities = sqliteTable(
  "inbox_activities",
  {
    uri: text("uri").primaryKey(),
    actorUri: text("actor_uri").notNull(),
    type: text("type").notNull(),
    status: text("status", { enum: INBOX_STATUSES }).notNull(),
    reason: text("reason"),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("inbox_activities_actor_idx").on(t.actorUri)],
);

// An organisation sharing (Announce) a peer's badge to its followers.
export const badgeShares = sqliteTable(
  "badge_shares",
  {
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    badgeId: text("badge_id")
      .notNull()
      .references(() => badges.id, { onDelete: "cascade" }),
    activityUri: text("activity_uri").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.badgeId] })],
);

// ---------------------------------------------------------------------------------------
// Learners: any signed-in user keeps the badges they hold or plan to earn, by badge URI
// (a badge of this instance, one federation brought here, or one only a credential names),
// and the Open Badges credentials they imported to prove what they hold. See
// docs/decisions/009-learner-credentials.md.

export const LEARNER_BADGE_STATUSES = ["held", "planned"] as const;
export type LearnerBadgeStatus = (typeof LEARNER_BADGE_STATUSES)[number];

export const CREDENTIAL_FORMATS = ["ob2", "ob3"] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];
// How the credential was carried: plain JSON(-LD), a compact JWS/JWT, or baked in an image.
export const CREDENTIAL_ENCODINGS = ["json", "jws", "png", "svg"] as const;
export type CredentialEncoding = (typeof CREDENTIAL_ENCODINGS)[number];
export const CREDENTIAL_VERIFICATIONS = ["verified", "unverified"] as const;
export type CredentialVerification = (typeof CREDENTIAL_VERIFICATIONS)[number];

/** One check made while verifying a credential, as shown to the learner. */
export interface CredentialCheck {
  check: string;
  outcome: "passed" | "failed" | "skipped";
  detail: string;
}

// An imported Open Badges 2.0 assertion or 3.0 credential, kept as imported whatever its
// verification said; only `verification = 'verified'` ever shows as proof.
export const learnerCredentials = sqliteTable(
  "learner_credentials",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    format: text("format", { enum: CREDENTIAL_FORMATS }).notNull(),
    encoding: text("encoding", { enum: CREDENTIAL_ENCODINGS }).notNull(),
    source: text("source", { enum: ["file", "url"] }).notNull(),
    sourceUrl: text("source_url"),
    // The credential as imported: JSON text, or the compact JWS (taken out of a baked image).
    document: text("document").notNull(),
    // The credential's (assertion's) own id, when it has one.
    credentialUri: text("credential_uri"),
    // The Achievement's (BadgeClass's) id: a badge URI, known here or not.
    badgeUri: text("badge_uri").notNull(),
    achievementName: text("achievement_name"),
    issuerUri: text("issuer_uri"),
    issuerName: text("issuer_name"),
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    verification: text("verification", { enum: CREDENTIAL_VERIFICATIONS }).notNull(),
    // Why it is unverified, in a sentence; null when verified.
    reason: text("reason"),
    checks: text("checks", { mode: "json" }).$type<CredentialCheck[]>().notNull(),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("learner_credentials_user_badge_idx").on(t.userId, t.badgeUri)],
);
export type LearnerCredential = typeof learnerCredentials.$inferSelect;

// What a learner holds or plans, one row per (learner, badge URI). A held badge points to
// the credential that shows it (the best the learner imported: verified first, then the
// newest); null means self-declared. Planned badges point to none.
export const learnerBadges = sqliteTable(
  "learner_badges",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    badgeUri: text("badge_uri").notNull(),
    status: text("status", { enum: LEARNER_BADGE_STATUSES }).notNull(),
    credentialId: text("credential_id").references(() => learnerCredentials.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.badgeUri] }),
    // Who holds or plans a badge (counts on a badge's page, pathways).
    index("learner_badges_badge_idx").on(t.badgeUri, t.status),
  ],
);
export type LearnerBadge = typeof learnerBadges.$inferSelect;

// ---------------------------------------------------------------------------------------
// Pathways: an organisation's named route to a goal badge, through steps (badges, local or
// of other instances) combined into routes. Modelled on Credential Engine's CTDL Pathway
// (ADR 011): the goal is the destination component, each step a credential component,
// each stage of a route a component condition ("any N of these"). Drafted, co-authored,
// approved, published as immutable hashed versions and federated like badges.

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
