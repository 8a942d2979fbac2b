// People, sessions, organisations and their members, invitations, and stored images.
import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./common";

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
