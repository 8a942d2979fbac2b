// Badge definitions and their drafts: creation, who may do what, revisions (save, merge
// against a stale base, restore) and history. Co-authoring invitations, approvals and
// publication live in their own services and build on `badgeAccess` here.
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  APPROVAL_POLICIES,
  badges,
  coauthors,
  memberships,
  organisations,
  revisions,
  users,
  type Badge,
  type Organisation,
  type Revision,
} from "../../db/schema";
import {
  BadgeContentSchema,
  changedFields,
  emptyContent,
  mergeContent,
  sameValue,
  type BadgeContent,
  type BadgeField,
  type FieldConflict,
} from "./badge-content";
import { authorRights, type AuthorOrganisation } from "./author-access.server";
import type { ServiceContext } from "./context.server";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { generateDefaultBadgeImage } from "./images.server";
import { organisationNames } from "./organisations.server";
import { findPrerequisiteCycle } from "./prerequisite-rules.server";
import { requireRole, roleAtLeast } from "./roles.server";

export const CreateBadgeSchema = z.object({
  stewardOrganisationId: z.string().min(1, "Choose the steward organisation"),
  name: z.string().trim().min(1, "Give the badge a name").max(120, "At most 120 characters"),
  approvalPolicy: z.enum(APPROVAL_POLICIES).default("all"),
});

export function badgeUri(publicUrl: string, badgeId: string) {
  return `${publicUrl}/badges/${badgeId}`;
}

export function getBadge(db: DatabaseLike, badgeId: string): Badge {
  const badge = db.select().from(badges).where(eq(badges.id, badgeId)).get();
  if (!badge) throw new NotFoundError("That badge");
  return badge;
}

/** Starts a badge definition with its steward organisation and a first revision. */
export function createBadge(
  ctx: ServiceContext,
  userId: string,
  input: z.infer<typeof CreateBadgeSchema>,
): Badge {
  return ctx.db.transaction((tx) => {
    const steward = tx
      .select()
      .from(organisations)
      .where(eq(organisations.id, input.stewardOrganisationId))
      .get();
    if (!steward || steward.host !== null) throw new NotFoundError("That organisation");
    requireRole(tx, steward.id, userId, "editor");
    const id = randomUUID();
    const revisionId = randomUUID();
    // Every badge has a picture from the start: a generated one until someone uploads theirs.
    const content = { ...emptyContent(input.name), imageId: generateDefaultBadgeImage(tx, input.name, id).id };
    tx.insert(badges)
      .values({
        id,
        uri: badgeUri(ctx.publicUrl, id),
        stewardOrganisationId: steward.id,
        approvalPolicy: input.approvalPolicy,
      })
      .run();
    tx.insert(revisions)
      .values({
        id: revisionId,
        badgeId: id,
        number: 1,
        content,
        changedFields: changedFields(null, content),
        authorUserId: userId,
        authorOrganisationId: steward.id,
      })
      .run();
    tx.update(badges).set({ currentRevisionId: revisionId }).where(eq(badges.id, id)).run();
    return getBadge(tx, id);
  });
}

export type { AuthorOrganisation };

export interface BadgeAccess {
  badge: Badge;
  steward: Organisation;
  // Steward first, then accepted co-authors.
  authors: AuthorOrganisation[];
  canView: boolean;
  canEdit: boolean;
  // Author organisations in which the user may approve (admin or owner).
  approverFor: Organisation[];
  isStewardAdmin: boolean;
  // The author organisation a user's edits are credited to (their highest role first).
  editingAs: Organisation | null;
}

/**
 * What a user may do with a badge. A draft is visible to members of its author
 * organisations only; once published, everyone may read it.
 */
export function badgeAccess(db: DatabaseLike, badgeId: string, userId: string | null): BadgeAccess {
  const badge = getBadge(db, badgeId);
  const rows = db
    .select({ organisation: organisations })
    .from(organisations)
    .where(eq(organisations.id, badge.stewardOrganisationId))
    .all()
    .map((r) => ({ organisation: r.organisation, isSteward: true }))
    .concat(
      db
        .select({ organisation: organisations })
        .from(coauthors)
        .innerJoin(organisations, eq(organisations.id, coauthors.organisationId))
        .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.status, "accepted")))
        .orderBy(asc(organisations.name))
        .all()
        .map((r) => ({ organisation: r.organisation, isSteward: false })),
    );
  const rights = authorRights(db, rows, userId);
  // Deprecated and withdrawn badges are closed; a badge stewarded on another instance is
  // edited there, never here, even when one of our organisations co-authors it.
  const closed = badge.status === "deprecated" || badge.status === "withdrawn" || !!rights.steward.host;
  return {
    badge,
    steward: rights.steward,
    authors: rights.authors,
    canView: badge.status !== "draft" || rights.isMember,
    canEdit: !closed && rights.isEditor,
    approverFor: rights.approverFor,
    isStewardAdmin: rights.isStewardAdmin,
    editingAs: rights.editingAs,
  };
}


export function requireView(db: DatabaseLike, badgeId: string, userId: string | null): BadgeAccess {
  const access = badgeAccess(db, badgeId, userId);
  // A draft others cannot see does not exist for them.
  if (!access.canView) throw new NotFoundError("That badge");
  return access;
}

export function requireEdit(db: DatabaseLike, badgeId: string, userId: string): BadgeAccess {
  const access = requireView(db, badgeId, userId);
  if (access.badge.status === "deprecated" || access.badge.status === "withdrawn") {
    throw new ForbiddenError(`This badge is ${access.badge.status}; its draft can no longer change.`);
  }
  if (access.steward.host) throw new ForbiddenError("This badge is stewarded on another instance; it is edited there.");
  if (!access.canEdit) {
    throw new ForbiddenError("Only editors of the steward or a co-author organisation can edit this draft.");
  }
  return access;
}

export function getRevision(db: DatabaseLike, badgeId: string, revisionId: string): Revision {
  const rev = db
    .select()
    .from(revisions)
    .where(and(eq(revisions.id, revisionId), eq(revisions.badgeId, badgeId)))
    .get();
  if (!rev) throw new NotFoundError("That revision");
  return rev;
}

export function currentRevision(db: DatabaseLike, badge: Badge): Revision {
  return getRevision(db, badge.id, badge.currentRevisionId!);
}

export function revisionContent(rev: Revision): BadgeContent {
  return BadgeContentSchema.parse(rev.content);
}

/** Parses content typed by a co-author; field errors are keyed by field name. */
export function parseContent(input: unknown): BadgeContent {
  const parsed = BadgeContentSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    throw new ValidationError("Some fields need a look.", fieldErrors);
  }
  return parsed.data;
}

export type SaveDraftResult =
  | { status: "saved"; revision: Revision; merged: BadgeField[] }
  | { status: "unchanged"; revision: Revision }
  | { status: "conflict"; current: Revision; conflicts: FieldConflict[]; partial: BadgeContent };

/**
 * Saves a co-author's edit of the draft as a new revision. `baseRevisionId` is the
 * revision the edit started from: when others saved since, the two edits are merged field
 * by field, and a real conflict is returned (nothing written) rather than overwriting.
 */
export function saveDraft(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: { content: BadgeContent; baseRevisionId: string; source?: "form" | "live" },
): SaveDraftResult {
  const result = ctx.db.transaction((tx): SaveDraftResult => {
    const access = requireEdit(tx, badgeId, userId);
    const current = currentRevision(tx, access.badge);
    let content = input.content;
    let merged: BadgeField[] = [];
    if (input.baseRevisionId !== current.id) {
      const base = getRevision(tx, badgeId, input.baseRevisionId);
      const outcome = mergeContent(revisionContent(base), content, revisionContent(current));
      if (!outcome.ok) {
        return { status: "conflict", current, conflicts: outcome.conflicts, partial: outcome.partial };
      }
      content = outcome.content;
      merged = outcome.merged;
    }
    return appendRevision(tx, access, current, content, userId, null, merged);
  });
  if (result.status === "saved") announce(ctx, badgeId, result.revision, input.source ?? "form");
  return result;
}

/** Restores an older revision's content as a new revision; history is never rewritten. */
export function restoreRevision(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  revisionId: string,
): SaveDraftResult {
  const result = ctx.db.transaction((tx): SaveDraftResult => {
    const access = requireEdit(tx, badgeId, userId);
    const old = getRevision(tx, badgeId, revisionId);
    const current = currentRevision(tx, access.badge);
    return appendRevision(tx, access, current, revisionContent(old), userId, old.id, []);
  });
  if (result.status === "saved") announce(ctx, badgeId, result.revision, "restore");
  return result;
}

function appendRevision(
  tx: DatabaseLike,
  access: BadgeAccess,
  current: Revision,
  content: BadgeContent,
  userId: string,
  restoredFromRevisionId: string | null,
  merged: BadgeField[],
): SaveDraftResult {
  const before = revisionContent(current);
  // In its canonical form (prerequisites especially), whoever built it: what is compared,
  // stored and later hashed must be the same for the same meaning.
  content = parseContent(content);
  if (sameValue(before, content)) return { status: "unchanged", revision: current };
  // Checked only when the prerequisites change: a cycle others' publishing made since is
  // the steward's to resolve at publication, and must not block every other edit.
  if (!sameValue(before.prerequisites, content.prerequisites)) {
    const cycle = findPrerequisiteCycle(tx, access.badge.uri, content);
    if (cycle) throw new ValidationError(cycle.message, { prerequisites: [cycle.message] });
  }
  const id = randomUUID();
  tx.insert(revisions)
    .values({
      id,
      badgeId: access.badge.id,
      number: current.number + 1,
      parentRevisionId: current.id,
      content,
      changedFields: changedFields(before, content),
      authorUserId: userId,
      authorOrganisationId: access.editingAs?.id ?? null,
      restoredFromRevisionId,
    })
    .run();
  // Moving the current revision is what voids earlier approvals (they name the old one).
  tx.update(badges)
    .set({ currentRevisionId: id, updatedAt: new Date() })
    .where(eq(badges.id, access.badge.id))
    .run();
  return { status: "saved", revision: getRevision(tx, access.badge.id, id), merged };
}

function announce(ctx: ServiceContext, badgeId: string, rev: Revision, source: "form" | "live" | "restore") {
  const who = revisionAuthors(ctx.db, [rev]).get(rev.id);
  ctx.events.revisionSaved(badgeId, {
    revisionId: rev.id,
    number: rev.number,
    content: rev.content,
    authorName: who?.authorName ?? null,
    organisationName: who?.organisationName ?? null,
    source,
  });
}

function revisionAuthors(db: DatabaseLike, revs: Revision[]) {
  const userIds = [...new Set(revs.map((r) => r.authorUserId).filter((x): x is string => !!x))];
  const names = new Map<string, string>();
  if (userIds.length)
    for (const u of db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, userIds)).all())
      names.set(u.id, u.name);
  const orgNames = organisationNames(
    db,
    revs.map((r) => r.authorOrganisationId).filter((x): x is string => !!x),
  );
  return new Map(
    revs.map((r) => [
      r.id,
      {
        authorName: r.authorUserId ? (names.get(r.authorUserId) ?? null) : null,
        organisationName: r.authorOrganisationId ? (orgNames.get(r.authorOrganisationId) ?? null) : null,
      },
    ]),
  );
}

export interface RevisionSummary {
  id: string;
  number: number;
  createdAt: Date;
  authorName: string | null;
  organisationName: string | null;
  changedFields: string[];
  restoredFromRevisionId: string | null;
  isCurrent: boolean;
}

/** The draft's history, newest first. */
export function listRevisions(db: DatabaseLike, userId: string | null, badgeId: string): RevisionSummary[] {
  const access = requireView(db, badgeId, userId);
  const revs = db
    .select()
    .from(revisions)
    .where(eq(revisions.badgeId, badgeId))
    .orderBy(desc(revisions.number))
    .all();
  const who = revisionAuthors(db, revs);
  return revs.map((r) => ({
    id: r.id,
    number: r.number,
    createdAt: r.createdAt,
    authorName: who.get(r.id)?.authorName ?? null,
    organisationName: who.get(r.id)?.organisationName ?? null,
    changedFields: r.changedFields,
    restoredFromRevisionId: r.restoredFromRevisionId,
    isCurrent: r.id === access.badge.currentRevisionId,
  }));
}

/** One revision with its parent, for a field-by-field diff. */
export function revisionWithParent(db: DatabaseLike, userId: string | null, badgeId: string, revisionId: string) {
  requireView(db, badgeId, userId);
  const rev = getRevision(db, badgeId, revisionId);
  const parent = rev.parentRevisionId ? getRevision(db, badgeId, rev.parentRevisionId) : null;
  const who = revisionAuthors(db, [rev]).get(rev.id);
  return {
    revision: { ...rev, content: revisionContent(rev), ...who },
    parent: parent ? { ...parent, content: revisionContent(parent) } : null,
  };
}

/** Badges a user can work on: drafts and published badges of their organisations. */
export function listBadgesForUser(db: DatabaseLike, userId: string) {
  const orgIds = db
    .select({ id: memberships.organisationId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .all()
    .map((r) => r.id);
  if (!orgIds.length) return [];
  const stewarded = db.select({ id: badges.id }).from(badges).where(inArray(badges.stewardOrganisationId, orgIds)).all();
  const coauthored = db
    .select({ id: coauthors.badgeId })
    .from(coauthors)
    .where(and(inArray(coauthors.organisationId, orgIds), eq(coauthors.status, "accepted")))
    .all();
  const ids = [...new Set([...stewarded, ...coauthored].map((r) => r.id))];
  if (!ids.length) return [];
  return db
    .select({
      id: badges.id,
      status: badges.status,
      updatedAt: badges.updatedAt,
      content: revisions.content,
      stewardName: organisations.name,
    })
    .from(badges)
    .innerJoin(revisions, eq(revisions.id, badges.currentRevisionId))
    .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .where(inArray(badges.id, ids))
    .orderBy(desc(badges.updatedAt))
    .all()
    .map((r) => ({ ...r, name: (r.content as BadgeContent).name }));
}
