// Reading endorsements: what a badge page, an organisation page, the dashboard and the
// credential's own URL show. The public sees accepted endorsements only; the steward's
// admins also see those waiting for them; an endorser's admins see their own whatever its
// state. Each read is a fixed handful of indexed queries whatever the number of
// endorsements: lists are paged, counts are grouped in SQL.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { ROLES, type EndorsementStatus, type OrganisationKind } from "../../db/schema";
import { badgeAccess, type BadgeAccess } from "./badges.server";
import { endorsableProblem } from "./endorsements.server";
import { NotFoundError } from "./errors";
import { roleAtLeast } from "./roles.server";

// Who may endorse, withdraw and decide for an organisation (as endorsements.server.ts checks).
const ENDORSING_ROLES = ROLES.filter((r) => roleAtLeast(r, "admin"));

export interface EndorserSummary {
  id: string;
  uri: string;
  handle: string;
  // null for organisations of this instance.
  host: string | null;
  name: string;
  kind: OrganisationKind;
  logoImageId: string | null;
}

export interface EndorsementView {
  id: string;
  uri: string;
  status: EndorsementStatus;
  statement: string;
  issuedAt: Date;
  decidedAt: Date | null;
  versionNumber: number;
  // false: made for an earlier version than the badge's latest ("for version N — renew?").
  isCurrent: boolean;
  endorser: EndorserSummary;
}

interface ViewRow {
  id: string;
  uri: string;
  status: EndorsementStatus;
  statement: string;
  issuedAt: number;
  decidedAt: number | null;
  versionNumber: number;
  isCurrent: number;
  orgId: string;
  orgUri: string;
  handle: string;
  host: string | null;
  name: string;
  kind: OrganisationKind;
  logoImageId: string | null;
}

const VIEW_COLUMNS = sql`e.id AS id, e.uri AS uri, e.status AS status, e.statement AS statement, e.issued_at AS issuedAt,
  e.decided_at AS decidedAt, v.number AS versionNumber, (v.id = b.latest_version_id) AS isCurrent,
  o.id AS orgId, o.uri AS orgUri, o.handle AS handle, o.host AS host, o.name AS name, o.kind AS kind, o.logo_image_id AS logoImageId`;

const VIEW_FROM = sql`endorsements e
  JOIN organisations o ON o.id = e.endorser_organisation_id
  JOIN versions v ON v.id = e.version_id
  JOIN badges b ON b.id = e.badge_id`;

function toView(r: ViewRow): EndorsementView {
  return {
    id: r.id,
    uri: r.uri,
    status: r.status,
    statement: r.statement,
    issuedAt: new Date(r.issuedAt),
    decidedAt: r.decidedAt === null ? null : new Date(r.decidedAt),
    versionNumber: r.versionNumber,
    isCurrent: r.isCurrent === 1,
    endorser: { id: r.orgId, uri: r.orgUri, handle: r.handle, host: r.host, name: r.name, kind: r.kind, logoImageId: r.logoImageId },
  };
}

/** A badge's endorsements in one state, newest first. */
export function listBadgeEndorsements(
  db: DatabaseLike,
  badgeId: string,
  options: { status?: EndorsementStatus; limit?: number; offset?: number } = {},
): EndorsementView[] {
  const rows = db.all<ViewRow>(sql`
    SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM}
    WHERE e.badge_id = ${badgeId} AND e.status = ${options.status ?? "accepted"}
    ORDER BY e.issued_at DESC, e.id
    LIMIT ${options.limit ?? 20} OFFSET ${options.offset ?? 0}`);
  return rows.map(toView);
}

export interface EndorsementCounts {
  total: number;
  // Accepted endorsements made for an earlier version than the latest.
  forEarlierVersions: number;
  byKind: { kind: OrganisationKind; count: number }[];
  // null: this instance.
  byInstance: { host: string | null; count: number }[];
}

/** Accepted endorsements of a badge, counted by the endorsers' kind and instance. */
export function endorsementCounts(db: DatabaseLike, badgeId: string): EndorsementCounts {
  const groups = db.all<{ kind: OrganisationKind; host: string | null; count: number; earlier: number }>(sql`
    SELECT o.kind AS kind, o.host AS host, count(*) AS count, sum(e.version_id != b.latest_version_id) AS earlier
    FROM endorsements e
    JOIN organisations o ON o.id = e.endorser_organisation_id
    JOIN badges b ON b.id = e.badge_id
    WHERE e.badge_id = ${badgeId} AND e.status = 'accepted'
    GROUP BY o.kind, o.host`);
  const sum = (rows: { count: number }[]) => rows.reduce((n, r) => n + r.count, 0);
  const byKind = new Map<OrganisationKind, number>();
  const byInstance = new Map<string | null, number>();
  for (const g of groups) {
    byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + g.count);
    byInstance.set(g.host, (byInstance.get(g.host) ?? 0) + g.count);
  }
  const sorted = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  return {
    total: sum(groups),
    forEarlierVersions: groups.reduce((n, g) => n + g.earlier, 0),
    byKind: sorted(byKind).map(([kind, count]) => ({ kind, count })),
    byInstance: sorted(byInstance).map(([host, count]) => ({ host, count })),
  };
}

function countWithStatus(db: DatabaseLike, badgeId: string, status: EndorsementStatus): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM endorsements WHERE badge_id = ${badgeId} AND status = ${status}`)?.n ?? 0;
}

export interface EndorseAsOption {
  organisation: { id: string; handle: string; name: string; kind: OrganisationKind };
  // Its live endorsement of this badge, else the last one it made (declined or withdrawn).
  endorsement: EndorsementView | null;
}

export interface EndorsementPanel {
  latestVersionNumber: number | null;
  // Why no one can endorse this badge now (draft, deprecated, another instance's badge).
  closedReason: string | null;
  // Organisations the viewer may endorse as: local ones they administer, not authors.
  endorseAs: EndorseAsOption[];
  // Steward admins: what waits for them, and the badge's setting.
  steward: { autoAccept: boolean; pending: EndorsementView[]; pendingTotal: number } | null;
}

/** What the viewer may do with the badge's endorsements, and what waits for them. */
export function endorsementPanel(db: DatabaseLike, badgeId: string, userId: string | null, access?: BadgeAccess): EndorsementPanel {
  const a = access ?? badgeAccess(db, badgeId, userId);
  const latestVersionNumber =
    db.get<{ n: number }>(sql`SELECT number AS n FROM versions WHERE id = ${a.badge.latestVersionId ?? ""}`)?.n ?? null;
  const closedReason = endorsableProblem(a);
  const steward =
    a.isStewardAdmin && a.steward.host === null
      ? {
          autoAccept: a.badge.autoAcceptEndorsements,
          pending: listBadgeEndorsements(db, badgeId, { status: "pending", limit: 50 }),
          pendingTotal: countWithStatus(db, badgeId, "pending"),
        }
      : null;
  if (!userId) return { latestVersionNumber, closedReason, endorseAs: [], steward };
  const authorIds = new Set(a.authors.map((x) => x.organisation.id));
  const administered = db
    .all<{ id: string; handle: string; name: string; kind: OrganisationKind }>(sql`
      SELECT o.id AS id, o.handle AS handle, o.name AS name, o.kind AS kind
      FROM memberships m JOIN organisations o ON o.id = m.organisation_id
      WHERE m.user_id = ${userId} AND m.role IN (${sql.join(ENDORSING_ROLES.map((r) => sql`${r}`), sql`, `)}) AND o.host IS NULL
      ORDER BY o.name COLLATE NOCASE`)
    .filter((o) => !authorIds.has(o.id));
  const endorseAs = administered.map((organisation) => {
    // Live first, then the most recently changed.
    const row = db.get<ViewRow>(sql`
      SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM}
      WHERE e.badge_id = ${badgeId} AND e.endorser_organisation_id = ${organisation.id}
      ORDER BY e.status IN ('pending', 'accepted') DESC, e.updated_at DESC
      LIMIT 1`);
    return { organisation, endorsement: row ? toView(row) : null };
  });
  return { latestVersionNumber, closedReason, endorseAs, steward };
}

export interface NetworkNode {
  name: string;
  kind: OrganisationKind;
  host: string | null;
  handle: string;
  isCurrent: boolean;
}

export interface EndorsementNetwork {
  badgeName: string;
  // The most recent endorsers, up to the limit the picture can show legibly.
  nodes: NetworkNode[];
  // Endorsers not drawn, by kind.
  others: { kind: OrganisationKind; count: number }[];
}

/** Who vouches for a badge, for the picture of its endorsement network. */
export function endorsementNetwork(
  db: DatabaseLike,
  badgeId: string,
  badgeName: string,
  counts: EndorsementCounts = endorsementCounts(db, badgeId),
  maxNodes = 16,
): EndorsementNetwork {
  const nodes = db
    .all<{ name: string; kind: OrganisationKind; host: string | null; handle: string; isCurrent: number }>(sql`
      SELECT o.name AS name, o.kind AS kind, o.host AS host, o.handle AS handle, (e.version_id = b.latest_version_id) AS isCurrent
      FROM endorsements e
      JOIN organisations o ON o.id = e.endorser_organisation_id
      JOIN badges b ON b.id = e.badge_id
      WHERE e.badge_id = ${badgeId} AND e.status = 'accepted'
      ORDER BY e.issued_at DESC, e.id
      LIMIT ${maxNodes}`)
    .map((n) => ({ ...n, isCurrent: n.isCurrent === 1 }));
  const drawn = new Map<OrganisationKind, number>();
  for (const n of nodes) drawn.set(n.kind, (drawn.get(n.kind) ?? 0) + 1);
  const others = counts.byKind
    .map(({ kind, count }) => ({ kind, count: count - (drawn.get(kind) ?? 0) }))
    .filter((o) => o.count > 0);
  return { badgeName, nodes, others };
}

export interface OrganisationEndorsementItem {
  endorsementId: string;
  badge: { id: string; name: string; status: string };
  endorser: EndorserSummary;
  versionNumber: number;
  isCurrent: boolean;
  issuedAt: Date;
}

interface ItemRow {
  endorsementId: string;
  badgeId: string;
  badgeName: string;
  badgeStatus: string;
  versionNumber: number;
  isCurrent: number;
  issuedAt: number;
  orgId: string;
  orgUri: string;
  handle: string;
  host: string | null;
  name: string;
  kind: OrganisationKind;
  logoImageId: string | null;
}

const ITEM_COLUMNS = sql`e.id AS endorsementId, b.id AS badgeId, json_extract(lv.content, '$.name') AS badgeName, b.status AS badgeStatus,
  v.number AS versionNumber, (v.id = b.latest_version_id) AS isCurrent, e.issued_at AS issuedAt,
  o.id AS orgId, o.uri AS orgUri, o.handle AS handle, o.host AS host, o.name AS name, o.kind AS kind, o.logo_image_id AS logoImageId`;

const ITEM_FROM = sql`endorsements e
  JOIN organisations o ON o.id = e.endorser_organisation_id
  JOIN versions v ON v.id = e.version_id
  JOIN badges b ON b.id = e.badge_id
  JOIN versions lv ON lv.id = b.latest_version_id`;

const toItem = (r: ItemRow): OrganisationEndorsementItem => ({
  endorsementId: r.endorsementId,
  badge: { id: r.badgeId, name: r.badgeName, status: r.badgeStatus },
  endorser: { id: r.orgId, uri: r.orgUri, handle: r.handle, host: r.host, name: r.name, kind: r.kind, logoImageId: r.logoImageId },
  versionNumber: r.versionNumber,
  isCurrent: r.isCurrent === 1,
  issuedAt: new Date(r.issuedAt),
});

export interface OrganisationEndorsements {
  endorses: OrganisationEndorsementItem[];
  endorsesTotal: number;
  // Accepted endorsements of badges the organisation stewards or co-authors.
  endorsedBy: OrganisationEndorsementItem[];
  endorsedByTotal: number;
}

/** What an organisation vouches for, and who vouches for its badges (accepted, public badges). */
export function organisationEndorsements(db: DatabaseLike, organisationId: string, limit = 50): OrganisationEndorsements {
  const visible = sql`e.status = 'accepted' AND b.status IN ('published', 'deprecated')`;
  const endorses = sql`${visible} AND e.endorser_organisation_id = ${organisationId}`;
  const endorsedBy = sql`${visible} AND e.badge_id IN (
    SELECT id FROM badges WHERE steward_organisation_id = ${organisationId}
    UNION ALL SELECT badge_id FROM coauthors WHERE organisation_id = ${organisationId} AND status = 'accepted')`;
  const list = (where: ReturnType<typeof sql>) =>
    db.all<ItemRow>(sql`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE ${where} ORDER BY e.issued_at DESC, e.id LIMIT ${limit}`).map(toItem);
  const count = (where: ReturnType<typeof sql>) =>
    db.get<{ n: number }>(sql`SELECT count(*) AS n FROM endorsements e JOIN badges b ON b.id = e.badge_id WHERE ${where}`)?.n ?? 0;
  return { endorses: list(endorses), endorsesTotal: count(endorses), endorsedBy: list(endorsedBy), endorsedByTotal: count(endorsedBy) };
}

/** Endorsements waiting for a decision by the user, as an admin of the badges' steward. */
export function pendingEndorsementsForUser(db: DatabaseLike, userId: string, limit = 20): { items: OrganisationEndorsementItem[]; total: number } {
  const where = sql`e.status = 'pending' AND b.steward_organisation_id IN (
    SELECT m.organisation_id FROM memberships m JOIN organisations so ON so.id = m.organisation_id
    WHERE m.user_id = ${userId} AND m.role IN ('admin', 'owner') AND so.host IS NULL)`;
  return {
    items: db.all<ItemRow>(sql`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE ${where} ORDER BY e.issued_at DESC LIMIT ${limit}`).map(toItem),
    total: db.get<{ n: number }>(sql`SELECT count(*) AS n FROM endorsements e JOIN badges b ON b.id = e.badge_id WHERE ${where}`)?.n ?? 0,
  };
}

/** The signed credentials of a badge's accepted endorsements, oldest first (the Achievement's `endorsement`). */
export function acceptedEndorsementCredentials(db: DatabaseLike, badgeId: string): Record<string, unknown>[] {
  return db
    .all<{ credential: string }>(sql`
      SELECT credential FROM endorsements WHERE badge_id = ${badgeId} AND status = 'accepted' ORDER BY issued_at, id`)
    .map((r) => JSON.parse(r.credential) as Record<string, unknown>);
}

export type PublicEndorsementCredential = { state: "accepted"; credential: Record<string, unknown> } | { state: "withdrawn"; uri: string };

/**
 * A local endorsement's credential at its own URL. Accepted ones are public; withdrawn ones
 * are gone (410). Pending and declined ones were never shown, and endorsements received
 * from other instances are served by their origin: NotFound.
 */
export function publicEndorsementCredential(db: DatabaseLike, publicUrl: string, endorsementId: string): PublicEndorsementCredential {
  const row = db.get<{ uri: string; status: EndorsementStatus; credential: string; badgeStatus: string }>(sql`
    SELECT e.uri AS uri, e.status AS status, e.credential AS credential, b.status AS badgeStatus
    FROM endorsements e JOIN badges b ON b.id = e.badge_id WHERE e.id = ${endorsementId}`);
  if (!row || row.uri !== `${publicUrl}/endorsements/${endorsementId}`) throw new NotFoundError("That endorsement");
  if (row.status === "withdrawn" || row.badgeStatus === "withdrawn") return { state: "withdrawn", uri: row.uri };
  if (row.status !== "accepted") throw new NotFoundError("That endorsement");
  return { state: "accepted", credential: JSON.parse(row.credential) as Record<string, unknown> };
}
