// Notifications: what an organisation's admins should hear about, written in the same
// transaction as the change that causes it, whether the change was made here or arrived
// from another instance. One read mark per organisation: an admin who opens the list
// marks it read for the organisation's other admins too, as a shared inbox does.
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, endorsements, notifications, organisations, ROLES, memberships, versions, type NotificationKind } from "../../db/schema";
import { BadgeContentSchema } from "./badge-content";
import { roleAtLeast } from "./roles.server";

const ADMIN_ROLES = ROLES.filter((r) => roleAtLeast(r, "admin"));

export function notify(
  tx: DatabaseLike,
  input: { organisationId: string; kind: NotificationKind; endorsementId?: string | null; badgeId?: string | null },
): void {
  tx.insert(notifications)
    .values({ id: randomUUID(), organisationId: input.organisationId, kind: input.kind, endorsementId: input.endorsementId ?? null, badgeId: input.badgeId ?? null, createdAt: new Date() })
    .run();
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  createdAt: Date;
  unread: boolean;
  organisation: { handle: string; name: string };
  badge: { id: string; name: string } | null;
  // The other party: the endorser for a received or withdrawn endorsement, the steward otherwise.
  endorser: { name: string; host: string | null } | null;
  statement: string | null;
}

/** Organisations in which the user may read notifications (admins and owners). */
function adminOrganisationIds(db: DatabaseLike, userId: string): string[] {
  return db
    .select({ id: memberships.organisationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), inArray(memberships.role, ADMIN_ROLES)))
    .all()
    .map((r) => r.id);
}

/** How many unread notifications the user's organisations have (for the navigation). */
export function unreadNotificationCount(db: DatabaseLike, userId: string): number {
  const ids = adminOrganisationIds(db, userId);
  if (!ids.length) return 0;
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(notifications)
      .where(and(inArray(notifications.organisationId, ids), isNull(notifications.readAt)))
      .get()?.n ?? 0
  );
}

/** The latest notifications of the user's organisations, newest first. */
export function listNotifications(db: DatabaseLike, userId: string, limit = 50): NotificationView[] {
  const ids = adminOrganisationIds(db, userId);
  if (!ids.length) return [];
  const endorser = db
    .select({ id: organisations.id, name: organisations.name, host: organisations.host })
    .from(organisations)
    .as("endorser");
  const rows = db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      orgHandle: organisations.handle,
      orgName: organisations.name,
      badgeId: badges.id,
      statement: endorsements.statement,
      endorserName: endorser.name,
      endorserHost: endorser.host,
      latestVersionId: badges.latestVersionId,
    })
    .from(notifications)
    .innerJoin(organisations, eq(organisations.id, notifications.organisationId))
    .leftJoin(badges, eq(badges.id, notifications.badgeId))
    .leftJoin(endorsements, eq(endorsements.id, notifications.endorsementId))
    .leftJoin(endorser, eq(endorser.id, endorsements.endorserOrganisationId))
    .where(inArray(notifications.organisationId, ids))
    .orderBy(desc(notifications.createdAt))
    .limit(limit)
    .all();
  const names = badgeNames(db, rows.map((r) => r.latestVersionId).filter((v): v is string => !!v));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    createdAt: r.createdAt,
    unread: r.readAt === null,
    organisation: { handle: r.orgHandle, name: r.orgName },
    badge: r.badgeId ? { id: r.badgeId, name: (r.latestVersionId && names.get(r.latestVersionId)) || "A badge" } : null,
    endorser: r.endorserName ? { name: r.endorserName, host: r.endorserHost } : null,
    statement: r.statement ?? null,
  }));
}

function badgeNames(db: DatabaseLike, versionIds: string[]): Map<string, string> {
  if (!versionIds.length) return new Map();
  const rows = db.select({ id: versions.id, content: versions.content }).from(versions).where(inArray(versions.id, [...new Set(versionIds)])).all();
  return new Map(rows.map((v) => [v.id, BadgeContentSchema.safeParse(v.content).data?.name ?? "A badge"]));
}

/** Marks every notification of the user's organisations read. */
export function markNotificationsRead(db: DatabaseLike, userId: string): void {
  const ids = adminOrganisationIds(db, userId);
  if (!ids.length) return;
  db.update(notifications)
    .set({ readAt: new Date() })
    .where(and(inArray(notifications.organisationId, ids), isNull(notifications.readAt)))
    .run();
}
