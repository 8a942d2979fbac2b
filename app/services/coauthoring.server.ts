// Co-authoring between organisations: the steward's admins invite another organisation
// of this instance by handle; an admin of the invited organisation accepts or declines.
// Editors of accepted co-authors may then edit the draft, and their admins approve
// versions (see publishing.server.ts). The steward is implicit, never a `coauthors` row.
import { and, asc, desc, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  approvals,
  badges,
  coauthors,
  organisations,
  revisions,
  users,
  type Coauthor,
  type CoauthorStatus,
  type Organisation,
} from "../../db/schema";
import type { BadgeContent } from "./badge-content";
import { badgeAccess, getBadge, requireView } from "./badges.server";
import type { ServiceContext } from "./context.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { organisationNames } from "./organisations.server";
import { organisationsAdministeredBy, requireRole } from "./roles.server";

export const InviteCoauthorSchema = z.object({
  handle: z
    .string()
    .trim()
    .transform((h) => h.replace(/^@/, ""))
    .pipe(
      z
        .string()
        .min(1, "Enter the handle of the organisation to invite")
        .max(64, "A handle has at most 64 characters")
        .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, "A handle uses letters, digits, - and _"),
    ),
});

/**
 * The organisation of this instance that an invitation names by handle. ValidationError
 * (on the `handle` field) for a malformed handle, an unknown organisation, or the steward
 * of the work itself. Used for badges and pathways alike.
 */
export function invitedOrganisation(db: DatabaseLike, input: { handle: string }, steward: Organisation, work: "badge" | "pathway"): Organisation {
  const parsed = InviteCoauthorSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError("Check the handle.", { handle: parsed.error.issues.map((i) => i.message) });
  }
  const { handle } = parsed.data;
  const org = db
    .select()
    .from(organisations)
    .where(and(sql`lower(${organisations.handle}) = ${handle.toLowerCase()}`, isNull(organisations.host)))
    .get();
  if (!org) throw new ValidationError("Check the handle.", { handle: [`No organisation @${handle} on this instance.`] });
  if (org.id === steward.id) {
    throw new ValidationError("Check the handle.", { handle: [`${org.name} is the steward of this ${work} already.`] });
  }
  return org;
}

/** An organisation invited or co-authoring already is not invited again; one that declined may be. */
export function refuseRepeatInvitation(status: CoauthorStatus | undefined, org: Organisation): void {
  if (status === "invited") throw new ValidationError("Check the handle.", { handle: [`${org.name} is already invited.`] });
  if (status === "accepted") throw new ValidationError("Check the handle.", { handle: [`${org.name} is already a co-author.`] });
}

function requireStewardAdmin(db: DatabaseLike, badgeId: string, userId: string) {
  const access = requireView(db, badgeId, userId);
  if (!access.isStewardAdmin) {
    throw new ForbiddenError("Only admins of the steward organisation can manage co-authors.");
  }
  return access;
}

function requireNotDeprecated(status: string) {
  if (status === "deprecated" || status === "withdrawn") throw new ConflictError(`This badge is ${status}; its co-authors no longer change.`);
}

/** The steward's admin invites another local organisation, by handle, to co-author the badge. */
export function inviteCoauthor(ctx: ServiceContext, userId: string, badgeId: string, input: { handle: string }): Coauthor {
  const row = ctx.db.transaction((tx) => {
    const access = requireStewardAdmin(tx, badgeId, userId);
    requireNotDeprecated(access.badge.status);
    const org = invitedOrganisation(tx, input, access.steward, "badge");
    const existing = tx
      .select()
      .from(coauthors)
      .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, org.id)))
      .get();
    refuseRepeatInvitation(existing?.status, org);
    if (existing) {
      // A declined organisation may be asked again.
      tx.update(coauthors)
        .set({ status: "invited", invitedByUserId: userId, respondedByUserId: null, respondedAt: null, createdAt: new Date() })
        .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, org.id)))
        .run();
    } else {
      tx.insert(coauthors).values({ badgeId, organisationId: org.id, status: "invited", invitedByUserId: userId }).run();
    }
    return getCoauthor(tx, badgeId, org.id);
  });
  ctx.events.badgeChanged(badgeId, "coauthors");
  return row;
}

function getCoauthor(db: DatabaseLike, badgeId: string, organisationId: string): Coauthor {
  const row = db
    .select()
    .from(coauthors)
    .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, organisationId)))
    .get();
  if (!row) throw new NotFoundError("That co-author invitation");
  return row;
}

/** An admin or owner of the invited organisation accepts or declines the invitation. */
export function respondToCoauthorInvitation(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  organisationId: string,
  answer: "accept" | "decline",
): Coauthor {
  const row = ctx.db.transaction((tx) => {
    const badge = getBadge(tx, badgeId);
    requireRole(tx, organisationId, userId, "admin");
    const invitation = getCoauthor(tx, badgeId, organisationId);
    if (invitation.status !== "invited") {
      throw new ConflictError(
        invitation.status === "accepted"
          ? "Your organisation is already a co-author of this badge."
          : "Your organisation has already declined this invitation.",
      );
    }
    if (answer === "accept") requireNotDeprecated(badge.status);
    tx.update(coauthors)
      .set({ status: answer === "accept" ? "accepted" : "declined", respondedByUserId: userId, respondedAt: new Date() })
      .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, organisationId)))
      .run();
    return getCoauthor(tx, badgeId, organisationId);
  });
  ctx.events.badgeChanged(badgeId, "coauthors");
  return row;
}

export const acceptCoauthorInvitation = (ctx: ServiceContext, userId: string, badgeId: string, organisationId: string) =>
  respondToCoauthorInvitation(ctx, userId, badgeId, organisationId, "accept");
export const declineCoauthorInvitation = (ctx: ServiceContext, userId: string, badgeId: string, organisationId: string) =>
  respondToCoauthorInvitation(ctx, userId, badgeId, organisationId, "decline");

/**
 * Ends a co-authorship (or withdraws an invitation): the steward's admins may remove any
 * co-author; an admin of an accepted co-author may leave. The organisation's approvals go
 * with it, so they stop counting towards the policy.
 */
export function removeCoauthor(ctx: ServiceContext, userId: string, badgeId: string, organisationId: string): void {
  ctx.db.transaction((tx) => {
    const access = badgeAccess(tx, badgeId, userId);
    const row = tx
      .select()
      .from(coauthors)
      .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, organisationId)))
      .get();
    const leaving = row?.status === "accepted" && access.approverFor.some((o) => o.id === organisationId);
    if (!access.isStewardAdmin && !leaving) {
      if (!access.canView) throw new NotFoundError("That badge");
      throw new ForbiddenError("Only admins of the steward, or of the co-author itself, can end a co-authorship.");
    }
    if (!row) throw new NotFoundError("That co-author");
    requireNotDeprecated(access.badge.status);
    tx.delete(coauthors).where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, organisationId))).run();
    tx.delete(approvals).where(and(eq(approvals.badgeId, badgeId), eq(approvals.organisationId, organisationId))).run();
  });
  ctx.events.badgeChanged(badgeId, "coauthors");
}

export interface CoauthorEntry {
  organisationId: string;
  handle: string;
  name: string;
  uri: string;
  status: CoauthorStatus;
  invitedByName: string | null;
  invitedAt: Date;
  respondedAt: Date | null;
}

/** Every co-author row of a badge (invited, accepted, declined), accepted first. */
export function listCoauthors(db: DatabaseLike, badgeId: string): CoauthorEntry[] {
  const order: Record<CoauthorStatus, number> = { accepted: 0, invited: 1, declined: 2 };
  return db
    .select({
      organisationId: organisations.id,
      handle: organisations.handle,
      name: organisations.name,
      uri: organisations.uri,
      status: coauthors.status,
      invitedByName: users.displayName,
      invitedAt: coauthors.createdAt,
      respondedAt: coauthors.respondedAt,
    })
    .from(coauthors)
    .innerJoin(organisations, eq(organisations.id, coauthors.organisationId))
    .leftJoin(users, eq(users.id, coauthors.invitedByUserId))
    .where(eq(coauthors.badgeId, badgeId))
    .orderBy(asc(organisations.name))
    .all()
    .sort((a, b) => order[a.status] - order[b.status]);
}

export interface PendingCoauthorInvitation {
  badgeId: string;
  badgeName: string;
  badgeStatus: string;
  stewardName: string;
  organisationId: string;
  organisationName: string;
  invitedByName: string | null;
  invitedAt: Date;
}

/** Invitations waiting for an answer from organisations the user administers (admin or owner). */
export function pendingCoauthorInvitationsForUser(
  db: DatabaseLike,
  userId: string,
  options: { badgeId?: string } = {},
): PendingCoauthorInvitation[] {
  const adminOf = organisationsAdministeredBy(db, userId);
  if (!adminOf.length) return [];
  const rows = db
    .select({
      badgeId: badges.id,
      badgeStatus: badges.status,
      content: revisions.content,
      stewardOrganisationId: badges.stewardOrganisationId,
      organisationId: coauthors.organisationId,
      invitedByName: users.displayName,
      invitedAt: coauthors.createdAt,
    })
    .from(coauthors)
    .innerJoin(badges, eq(badges.id, coauthors.badgeId))
    .innerJoin(revisions, eq(revisions.id, badges.currentRevisionId))
    .leftJoin(users, eq(users.id, coauthors.invitedByUserId))
    .where(
      and(
        eq(coauthors.status, "invited"),
        inArray(coauthors.organisationId, adminOf),
        // A deprecated badge takes no new co-authors; its invitations wait for nothing.
        notInArray(badges.status, ["deprecated", "withdrawn"]),
        options.badgeId ? eq(coauthors.badgeId, options.badgeId) : undefined,
      ),
    )
    .orderBy(desc(coauthors.createdAt))
    .all();
  if (!rows.length) return [];
  const names = organisationNames(db, rows.flatMap((r) => [r.stewardOrganisationId, r.organisationId]));
  return rows.map((r) => ({
    badgeId: r.badgeId,
    badgeName: (r.content as BadgeContent).name,
    badgeStatus: r.badgeStatus,
    stewardName: names.get(r.stewardOrganisationId) ?? "",
    organisationId: r.organisationId,
    organisationName: names.get(r.organisationId) ?? "",
    invitedByName: r.invitedByName,
    invitedAt: r.invitedAt,
  }));
}

/**
 * Who may follow a badge's co-authoring and publication (its publishing page and the
 * live notices about it): whoever may view the badge, and admins of an organisation
 * invited to co-author it, who must see the draft to answer. Others: NotFoundError.
 */
export function requirePublishingView(db: DatabaseLike, badgeId: string, userId: string | null) {
  const access = badgeAccess(db, badgeId, userId);
  const invitations = userId ? pendingCoauthorInvitationsForUser(db, userId, { badgeId }) : [];
  if (!access.canView && invitations.length === 0) throw new NotFoundError("That badge");
  return { access, invitations };
}
