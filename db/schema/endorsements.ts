// Endorsements of badge versions by organisations, and the notifications they raise.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations, users } from "./accounts";
import { badges, versions } from "./badges";
import { createdAt } from "./common";

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
