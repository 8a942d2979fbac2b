// Invitation links: an admin makes a link carrying a role; whoever opens it signed in
// joins with that role. The link holds a random token; only its SHA-256 is stored, so the
// link is shown once, when made. Links expire after 7 days and work once.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { invitations, memberships, users, type Invitation, type Organisation, type Role } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { RoleSchema } from "./members.server";
import { getLocalOrganisationById } from "./organisations.server";
import { requireRole, roleAtLeast, roleIn } from "./roles.server";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const hashInvitationToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function invitationUrl(publicUrl: string, token: string) {
  return `${publicUrl}/invitations/${token}`;
}

export interface CreatedInvitation {
  invitation: Invitation;
  // The secret part of the link: returned once, never stored.
  token: string;
  url: string;
}

/** Makes an invitation link (admins and owners; a link that makes owners by owners only). */
export function createInvitation(
  ctx: ServiceContext,
  actorId: string,
  organisationId: string,
  role: Role,
  now = new Date(),
): CreatedInvitation {
  const parsed = RoleSchema.safeParse(role);
  if (!parsed.success) throw new ValidationError("Choose the role the link gives.", { role: ["Choose a role"] });
  getLocalOrganisationById(ctx.db, organisationId);
  const actorRole = requireRole(ctx.db, organisationId, actorId, "admin");
  if (parsed.data === "owner" && actorRole !== "owner") throw new ForbiddenError("Only owners can invite new owners.");
  const token = randomBytes(32).toString("base64url");
  const invitation: Invitation = {
    id: randomUUID(),
    organisationId,
    tokenHash: hashInvitationToken(token),
    role: parsed.data,
    createdByUserId: actorId,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    acceptedByUserId: null,
    acceptedAt: null,
    revokedAt: null,
    createdAt: now,
  };
  ctx.db.insert(invitations).values(invitation).run();
  return { invitation, token, url: invitationUrl(ctx.publicUrl, token) };
}

export interface PendingInvitation {
  id: string;
  role: Role;
  createdByName: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Links not yet used, revoked or expired, soonest to expire first (admins and owners). */
export function listPendingInvitations(db: DatabaseLike, actorId: string, organisationId: string, now = new Date()): PendingInvitation[] {
  requireRole(db, organisationId, actorId, "admin");
  return db
    .select({
      id: invitations.id,
      role: invitations.role,
      createdByName: users.displayName,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.createdByUserId))
    .where(
      and(
        eq(invitations.organisationId, organisationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .orderBy(asc(invitations.expiresAt))
    .all();
}

/** Revokes a link so that it no longer works (admins and owners). */
export function revokeInvitation(ctx: ServiceContext, actorId: string, organisationId: string, invitationId: string, now = new Date()): void {
  ctx.db.transaction((tx) => {
    requireRole(tx, organisationId, actorId, "admin");
    const inv = tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.organisationId, organisationId)))
      .get();
    if (!inv) throw new NotFoundError("That invitation link");
    if (inv.acceptedAt) throw new ValidationError("That invitation link has already been used; it cannot be revoked.");
    if (inv.revokedAt) return;
    tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, inv.id)).run();
  });
}

export type InvitationState = "pending" | "expired" | "revoked" | "used";

export interface InvitationView {
  invitation: Invitation;
  organisation: Organisation;
  state: InvitationState;
  // The signed-in user's current role there, if any.
  currentRole: Role | null;
}

function stateOf(inv: Invitation, now: Date): InvitationState {
  if (inv.revokedAt) return "revoked";
  if (inv.acceptedAt) return "used";
  if (inv.expiresAt.getTime() <= now.getTime()) return "expired";
  return "pending";
}

export function stateMessage(state: Exclude<InvitationState, "pending">, inv: Invitation): string {
  switch (state) {
    case "revoked":
      return "This invitation link was revoked. Ask the organisation for a new one.";
    case "used":
      return "This invitation link has already been used. Invitation links work once; ask for a new one.";
    case "expired":
      return `This invitation link expired on ${inv.expiresAt.toISOString().slice(0, 10)}. Ask the organisation for a new one.`;
  }
}

function findByToken(db: DatabaseLike, token: string): Invitation {
  // Tokens are 43 base64url characters; anything else cannot be one of ours.
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new NotFoundError("That invitation link");
  const inv = db.select().from(invitations).where(eq(invitations.tokenHash, hashInvitationToken(token))).get();
  if (!inv) throw new NotFoundError("That invitation link");
  return inv;
}

/** What an invitation link offers, for the page that opens it. */
export function viewInvitation(db: DatabaseLike, token: string, userId: string | null, now = new Date()): InvitationView {
  const invitation = findByToken(db, token);
  const organisation = getLocalOrganisationById(db, invitation.organisationId);
  const currentRole = userId ? roleIn(db, organisation.id, userId) : null;
  let state = stateOf(invitation, now);
  // Reopening a link one accepted oneself is not an error.
  if (state === "used" && userId && invitation.acceptedByUserId === userId && currentRole) state = "pending";
  return { invitation, organisation, state, currentRole };
}

export interface AcceptResult {
  organisation: Organisation;
  role: Role;
  // True when the user was already a member with this role or a higher one.
  alreadyMember: boolean;
}

/**
 * Joins the organisation through the link. A member keeps the higher of their role and
 * the link's; a link that gives a member nothing new is left unused for its intended guest.
 */
export function acceptInvitation(ctx: ServiceContext, userId: string, token: string, now = new Date()): AcceptResult {
  return ctx.db.transaction((tx) => {
    const inv = findByToken(tx, token);
    const organisation = getLocalOrganisationById(tx, inv.organisationId);
    const current = roleIn(tx, organisation.id, userId);
    if (inv.acceptedByUserId === userId && current) {
      return { organisation, role: current, alreadyMember: true };
    }
    const state = stateOf(inv, now);
    if (state !== "pending") throw new ValidationError(stateMessage(state, inv));
    if (current && roleAtLeast(current, inv.role)) {
      return { organisation, role: current, alreadyMember: true };
    }
    const claimed = tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedByUserId: userId })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .run();
    if (claimed.changes !== 1) throw new ValidationError(stateMessage("used", inv));
    if (current) {
      tx.update(memberships)
        .set({ role: inv.role })
        .where(and(eq(memberships.organisationId, organisation.id), eq(memberships.userId, userId)))
        .run();
    } else {
      tx.insert(memberships).values({ organisationId: organisation.id, userId, role: inv.role }).run();
    }
    return { organisation, role: inv.role, alreadyMember: false };
  });
}
