// Federation (ActivityPub). Local actors are organisations of this instance plus one
// instance actor (`${PUBLIC_URL}/actor`); remote actors are cached here with the addresses
// we deliver to. See FEDERATION.md.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations } from "./accounts";
import { badges } from "./badges";
import { createdAt } from "./common";

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
