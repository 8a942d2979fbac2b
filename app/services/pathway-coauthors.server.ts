// Co-authoring a pathway, with consent, as badges are co-authored: the steward's admins
// invite another organisation of this instance by handle; an admin of that organisation
// accepts or declines. Editors of accepted co-authors may then edit the draft and their
// admins approve versions (pathway-publishing.server.ts). The steward is implicit.
import { and, asc, desc, eq, inArray, notInArray } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import {
  organisations,
  pathwayApprovals,
  pathwayCoauthors,
  pathwayRevisions,
  pathways,
  users,
  type CoauthorStatus,
  type PathwayCoauthor,
} from "../../db/schema";
import { invitedOrganisation, refuseRepeatInvitation, type CoauthorEntry } from "./coauthoring.server";
import type { ServiceContext } from "./context.server";
import { ConflictError, ForbiddenError, NotFoundError } from "./errors";
import type { PathwayContent } from "./pathway-content";
import { getPathway, pathwayAccess, requirePathwayView, type PathwayAccess } from "./pathways.server";
import { organisationNames } from "./organisations.server";
import { organisationsAdministeredBy, requireRole } from "./roles.server";

function requireOpen(status: string) {
  if (status === "deprecated" || status === "withdrawn") throw new ConflictError(`This pathway is ${status}; its co-authors no longer change.`);
}

function requireStewardAdmin(db: DatabaseLike, pathwayId: string, userId: string): PathwayAccess {
  const access = requirePathwayView(db, pathwayId, userId);
  if (!access.isStewardAdmin) throw new ForbiddenError("Only admins of the steward organisation can manage co-authors.");
  return access;
}

function getInvitation(db: DatabaseLike, pathwayId: string, organisationId: string): PathwayCoauthor {
  const row = db
    .select()
    .from(pathwayCoauthors)
    .where(and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.organisationId, organisationId)))
    .get();
  if (!row) throw new NotFoundError("That co-author invitation");
  return row;
}

/** The steward's admin invites another local organisation, by handle, to co-author the pathway. */
export function invitePathwayCoauthor(ctx: ServiceContext, userId: string, pathwayId: string, input: { handle: string }): PathwayCoauthor {
  return ctx.db.transaction((tx) => {
    const access = requireStewardAdmin(tx, pathwayId, userId);
    requireOpen(access.pathway.status);
    const org = invitedOrganisation(tx, input, access.steward, "pathway");
    const key = and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.organisationId, org.id));
    const existing = tx.select().from(pathwayCoauthors).where(key).get();
    refuseRepeatInvitation(existing?.status, org);
    if (existing) {
      // A declined organisation may be asked again.
      tx.update(pathwayCoauthors)
        .set({ status: "invited", invitedByUserId: userId, respondedByUserId: null, respondedAt: null, createdAt: new Date() })
        .where(key)
        .run();
    } else {
      tx.insert(pathwayCoauthors).values({ pathwayId, organisationId: org.id, status: "invited", invitedByUserId: userId }).run();
    }
    return getInvitation(tx, pathwayId, org.id);
  });
}

/** An admin (or owner) of the invited organisation accepts or declines. */
export function respondToPathwayInvitation(
  ctx: ServiceContext,
  userId: string,
  pathwayId: string,
  organisationId: string,
  answer: "accept" | "decline",
): PathwayCoauthor {
  return ctx.db.transaction((tx) => {
    const pathway = getPathway(tx, pathwayId);
    requireRole(tx, organisationId, userId, "admin");
    const invitation = getInvitation(tx, pathwayId, organisationId);
    if (invitation.status !== "invited") {
      throw new ConflictError(
        invitation.status === "accepted"
          ? "Your organisation is already a co-author of this pathway."
          : "Your organisation has already declined this invitation.",
      );
    }
    if (answer === "accept") requireOpen(pathway.status);
    tx.update(pathwayCoauthors)
      .set({ status: answer === "accept" ? "accepted" : "declined", respondedByUserId: userId, respondedAt: new Date() })
      .where(and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.organisationId, organisationId)))
      .run();
    return getInvitation(tx, pathwayId, organisationId);
  });
}

/**
 * Ends a co-authorship or withdraws an invitation: the steward's admins may remove any
 * co-author; an admin of an accepted co-author may leave. Its approvals go with it.
 */
export function removePathwayCoauthor(ctx: ServiceContext, userId: string, pathwayId: string, organisationId: string): void {
  ctx.db.transaction((tx) => {
    const access = pathwayAccess(tx, pathwayId, userId);
    const row = tx
      .select()
      .from(pathwayCoauthors)
      .where(and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.organisationId, organisationId)))
      .get();
    const leaving = row?.status === "accepted" && access.approverFor.some((o) => o.id === organisationId);
    if (!access.isStewardAdmin && !leaving) {
      if (!access.canView) throw new NotFoundError("That pathway");
      throw new ForbiddenError("Only admins of the steward, or of the co-author itself, can end a co-authorship.");
    }
    if (!row) throw new NotFoundError("That co-author");
    requireOpen(access.pathway.status);
    tx.delete(pathwayCoauthors).where(and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.organisationId, organisationId))).run();
    tx.delete(pathwayApprovals).where(and(eq(pathwayApprovals.pathwayId, pathwayId), eq(pathwayApprovals.organisationId, organisationId))).run();
  });
}

/** Every co-author row of a pathway (invited, accepted, declined), accepted first. */
export function listPathwayCoauthors(db: DatabaseLike, pathwayId: string): CoauthorEntry[] {
  const order: Record<CoauthorStatus, number> = { accepted: 0, invited: 1, declined: 2 };
  return db
    .select({
      organisationId: organisations.id,
      handle: organisations.handle,
      name: organisations.name,
      uri: organisations.uri,
      status: pathwayCoauthors.status,
      invitedByName: users.displayName,
      invitedAt: pathwayCoauthors.createdAt,
      respondedAt: pathwayCoauthors.respondedAt,
    })
    .from(pathwayCoauthors)
    .innerJoin(organisations, eq(organisations.id, pathwayCoauthors.organisationId))
    .leftJoin(users, eq(users.id, pathwayCoauthors.invitedByUserId))
    .where(eq(pathwayCoauthors.pathwayId, pathwayId))
    .orderBy(asc(organisations.name))
    .all()
    .sort((a, b) => order[a.status] - order[b.status]);
}

export interface PendingPathwayInvitation {
  pathwayId: string;
  pathwayName: string;
  stewardName: string;
  organisationId: string;
  organisationName: string;
  invitedByName: string | null;
  invitedAt: Date;
}

/** Invitations waiting for an answer from organisations the user administers. */
export function pendingPathwayInvitationsForUser(db: DatabaseLike, userId: string, options: { pathwayId?: string } = {}): PendingPathwayInvitation[] {
  const adminOf = organisationsAdministeredBy(db, userId);
  if (!adminOf.length) return [];
  const rows = db
    .select({
      pathwayId: pathways.id,
      content: pathwayRevisions.content,
      stewardOrganisationId: pathways.stewardOrganisationId,
      organisationId: pathwayCoauthors.organisationId,
      invitedByName: users.displayName,
      invitedAt: pathwayCoauthors.createdAt,
    })
    .from(pathwayCoauthors)
    .innerJoin(pathways, eq(pathways.id, pathwayCoauthors.pathwayId))
    .innerJoin(pathwayRevisions, eq(pathwayRevisions.id, pathways.currentRevisionId))
    .leftJoin(users, eq(users.id, pathwayCoauthors.invitedByUserId))
    .where(
      and(
        eq(pathwayCoauthors.status, "invited"),
        inArray(pathwayCoauthors.organisationId, adminOf),
        notInArray(pathways.status, ["deprecated", "withdrawn"]),
        options.pathwayId ? eq(pathwayCoauthors.pathwayId, options.pathwayId) : undefined,
      ),
    )
    .orderBy(desc(pathwayCoauthors.createdAt))
    .all();
  if (!rows.length) return [];
  const names = organisationNames(db, rows.flatMap((r) => [r.stewardOrganisationId, r.organisationId]));
  return rows.map((r) => ({
    pathwayId: r.pathwayId,
    pathwayName: (r.content as PathwayContent).name,
    stewardName: names.get(r.stewardOrganisationId) ?? "",
    organisationId: r.organisationId,
    organisationName: names.get(r.organisationId) ?? "",
    invitedByName: r.invitedByName,
    invitedAt: r.invitedAt,
  }));
}

/**
 * Who may see a pathway's publishing page: whoever may view the pathway, and admins of an
 * organisation invited to co-author it, who must see the draft to answer.
 */
export function requirePathwayPublishingView(db: DatabaseLike, pathwayId: string, userId: string | null) {
  const access = pathwayAccess(db, pathwayId, userId);
  const invitations = userId ? pendingPathwayInvitationsForUser(db, userId, { pathwayId }) : [];
  if (!access.canView && invitations.length === 0) throw new NotFoundError("That pathway");
  return { access, invitations };
}
