// Learners: any signed-in user keeps the badges they hold or plan to earn, by badge URI
// (a badge of this instance, one federation brought here, or one only a credential names),
// and the Open Badges credentials they imported to prove what they hold. See
// docs/decisions/009-learner-credentials.md.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt } from "./common";

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
