// What a signed-in user may do as a member of the author organisations of a work (a badge
// or a pathway): its steward and accepted co-authors. Shared by badges.server.ts and
// pathways.server.ts, which find the authors in their own tables.
import { and, eq, inArray } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { memberships, type Organisation, type Role } from "../../db/schema";
import { roleAtLeast } from "./roles.server";

export interface AuthorOrganisation {
  organisation: Organisation;
  isSteward: boolean;
  // The signed-in user's role there, if a member.
  role: Role | null;
}

export interface AuthorRights {
  steward: Organisation;
  // Steward first, then accepted co-authors.
  authors: AuthorOrganisation[];
  // A member of any author organisation (drafts are theirs to see).
  isMember: boolean;
  // An editor (or more) of some author organisation.
  isEditor: boolean;
  // Author organisations in which the user may approve (admin or owner).
  approverFor: Organisation[];
  isStewardAdmin: boolean;
  // The author organisation a user's edits are credited to (their highest role first).
  editingAs: Organisation | null;
}

const rank = (r: Role | null) => (r ? ["viewer", "editor", "admin", "owner"].indexOf(r) : -1);

/** `rows`: the steward first, then the accepted co-authors. */
export function authorRights(
  db: DatabaseLike,
  rows: readonly { organisation: Organisation; isSteward: boolean }[],
  userId: string | null,
): AuthorRights {
  const roles = new Map<string, Role>();
  if (userId && rows.length) {
    const ids = rows.map((r) => r.organisation.id);
    for (const m of db
      .select({ organisationId: memberships.organisationId, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), inArray(memberships.organisationId, ids)))
      .all())
      roles.set(m.organisationId, m.role);
  }
  const authors = rows.map((r) => ({ ...r, role: roles.get(r.organisation.id) ?? null }));
  const steward = authors[0]!;
  return {
    steward: steward.organisation,
    authors,
    isMember: authors.some((a) => a.role !== null),
    isEditor: authors.some((a) => roleAtLeast(a.role, "editor")),
    approverFor: authors.filter((a) => roleAtLeast(a.role, "admin")).map((a) => a.organisation),
    isStewardAdmin: roleAtLeast(steward.role, "admin"),
    editingAs: [...authors].sort((a, b) => rank(b.role) - rank(a.role)).find((a) => roleAtLeast(a.role, "editor"))?.organisation ?? null,
  };
}
