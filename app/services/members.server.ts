// Who belongs to an organisation and with which role. Admins manage members; only owners
// make or unmake owners; an organisation always keeps at least one owner.
import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import { memberships, ROLES, users, type Role } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { getLocalOrganisationById } from "./organisations.server";
import { requireRole, roleAtLeast, roleIn } from "./roles.server";

export const RoleSchema = z.enum(ROLES, { errorMap: () => ({ message: "Choose a role" }) });

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including making and removing owners.",
  admin: "Manages members and invitation links, edits the profile, approves badge versions.",
  editor: "Starts and edits badge drafts.",
  viewer: "Reads the organisation's drafts.",
};

export interface Member {
  userId: string;
  displayName: string;
  // Shown to admins and owners only, so they can tell people apart.
  email: string | null;
  role: Role;
  joinedAt: Date;
}

const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, editor: 2, viewer: 3 };

/** The members, owners first. Any member may see the list. */
export function listMembers(db: DatabaseLike, userId: string, organisationId: string): Member[] {
  getLocalOrganisationById(db, organisationId);
  const myRole = requireRole(db, organisationId, userId, "viewer");
  const showEmail = roleAtLeast(myRole, "admin");
  return db
    .select({
      userId: memberships.userId,
      displayName: users.displayName,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organisationId, organisationId))
    .orderBy(asc(users.displayName))
    .all()
    .map((m) => ({ ...m, email: showEmail ? m.email : null }))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

function ownerCount(db: DatabaseLike, organisationId: string): number {
  return (
    db
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.organisationId, organisationId), eq(memberships.role, "owner")))
      .get()?.n ?? 0
  );
}

function memberRole(db: DatabaseLike, organisationId: string, userId: string): Role {
  const role = roleIn(db, organisationId, userId);
  if (!role) throw new NotFoundError("That member");
  return role;
}

const LAST_OWNER = "An organisation needs at least one owner: make someone else an owner first.";

/** The member who is the organisation's only owner, if there is exactly one: they may neither leave nor step down. */
export function soleOwnerOf(members: Pick<Member, "userId" | "role">[]): string | null {
  const owners = members.filter((m) => m.role === "owner");
  return owners.length === 1 ? owners[0].userId : null;
}

/** Gives a member another role (admins and owners; owner changes by owners only). */
export function changeMemberRole(
  ctx: ServiceContext,
  actorId: string,
  organisationId: string,
  targetUserId: string,
  newRole: Role,
): Role {
  const parsed = RoleSchema.safeParse(newRole);
  if (!parsed.success) throw new ValidationError("Choose a role.", { role: ["Choose a role"] });
  const role = parsed.data;
  return ctx.db.transaction((tx) => {
    getLocalOrganisationById(tx, organisationId);
    const actorRole = requireRole(tx, organisationId, actorId, "admin");
    const current = memberRole(tx, organisationId, targetUserId);
    if ((role === "owner" || current === "owner") && actorRole !== "owner") {
      throw new ForbiddenError("Only owners can make someone an owner or change an owner's role.");
    }
    if (current === role) return role;
    if (current === "owner" && ownerCount(tx, organisationId) <= 1) {
      throw new ValidationError(LAST_OWNER, { role: [LAST_OWNER] });
    }
    tx.update(memberships)
      .set({ role })
      .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, targetUserId)))
      .run();
    return role;
  });
}

/**
 * Removes a member. Admins and owners remove others (an owner only by an owner); any
 * member may leave. The last owner can neither be removed nor leave.
 */
export function removeMember(ctx: ServiceContext, actorId: string, organisationId: string, targetUserId: string): void {
  ctx.db.transaction((tx) => {
    getLocalOrganisationById(tx, organisationId);
    const leaving = actorId === targetUserId;
    const actorRole = leaving ? requireRole(tx, organisationId, actorId, "viewer") : requireRole(tx, organisationId, actorId, "admin");
    const current = memberRole(tx, organisationId, targetUserId);
    if (current === "owner" && !leaving && actorRole !== "owner") {
      throw new ForbiddenError("Only owners can remove an owner.");
    }
    if (current === "owner" && ownerCount(tx, organisationId) <= 1) {
      throw new ValidationError(LAST_OWNER, { member: [LAST_OWNER] });
    }
    tx.delete(memberships)
      .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, targetUserId)))
      .run();
  });
}
