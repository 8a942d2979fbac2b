import { and, eq, inArray } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { memberships, type Role } from "../../db/schema";
import { ForbiddenError } from "./errors";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role | null | undefined, min: Role): boolean {
  return role != null && RANK[role] >= RANK[min];
}

export function roleIn(db: DatabaseLike, organisationId: string, userId: string): Role | null {
  const row = db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, userId)))
    .get();
  return row?.role ?? null;
}

/** Throws ForbiddenError unless the user holds at least `min` in the organisation. */
export function requireRole(db: DatabaseLike, organisationId: string, userId: string, min: Role): Role {
  const role = roleIn(db, organisationId, userId);
  if (!roleAtLeast(role, min)) {
    throw new ForbiddenError(`You need to be ${min === "admin" || min === "owner" ? "an" : "a"} ${min} of that organisation to do this.`);
  }
  return role!;
}

/** Ids of the organisations in which the user is an admin or owner: who answers for them. */
export function organisationsAdministeredBy(db: DatabaseLike, userId: string): string[] {
  return db
    .select({ id: memberships.organisationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), inArray(memberships.role, ["admin", "owner"])))
    .all()
    .map((r) => r.id);
}
