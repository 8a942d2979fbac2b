// Comments on a badge's draft: the co-authors' discussion. Any member of an author
// organisation (steward or accepted co-author, any role) may read and add them; bodies
// are plain text, shown with their line breaks and never as HTML.
import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import { comments, organisations, users, type Role } from "../../db/schema";
import { requireView, type BadgeAccess } from "./badges.server";
import type { ServiceContext } from "./context.server";
import type { CommentAddedEvent } from "./events";
import { ForbiddenError, ValidationError } from "./errors";

export const CommentSchema = z.object({
  body: z
    .string()
    .trim()
    .min(1, "Write a comment first")
    .max(5000, "A comment has at most 5,000 characters"),
});

export interface CommentView {
  id: string;
  body: string;
  authorName: string | null;
  organisationName: string | null;
  createdAt: Date;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Members of an author organisation take part in the discussion; others may not. */
function requireAuthorMember(db: DatabaseLike, badgeId: string, userId: string): BadgeAccess & { as: string } {
  const access = requireView(db, badgeId, userId);
  const member = access.authors
    .filter((a) => a.role !== null)
    .sort((a, b) => RANK[b.role!] - RANK[a.role!])[0];
  if (!member) {
    throw new ForbiddenError("Only members of the steward or a co-author organisation can take part in the discussion.");
  }
  return { ...access, as: member.organisation.id };
}

export function listComments(db: DatabaseLike, userId: string, badgeId: string): CommentView[] {
  requireAuthorMember(db, badgeId, userId);
  return db
    .select({
      id: comments.id,
      body: comments.body,
      authorName: users.displayName,
      organisationName: organisations.name,
      createdAt: comments.createdAt,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorUserId))
    .leftJoin(organisations, eq(organisations.id, comments.authorOrganisationId))
    .where(eq(comments.badgeId, badgeId))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .all();
}

/** Adds a comment credited to the user and the author organisation they belong to. */
export function addComment(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: { body: unknown },
): CommentView {
  const parsed = CommentSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError("The comment needs a look.", { body: parsed.error.issues.map((i) => i.message) });
  }
  const comment = ctx.db.transaction((tx) => {
    const access = requireAuthorMember(tx, badgeId, userId);
    const id = randomUUID();
    tx.insert(comments)
      .values({ id, badgeId, authorUserId: userId, authorOrganisationId: access.as, body: parsed.data.body })
      .run();
    return tx
      .select({
        id: comments.id,
        body: comments.body,
        authorName: users.displayName,
        organisationName: organisations.name,
        createdAt: comments.createdAt,
      })
      .from(comments)
      .leftJoin(users, eq(users.id, comments.authorUserId))
      .leftJoin(organisations, eq(organisations.id, comments.authorOrganisationId))
      .where(eq(comments.id, id))
      .get()!;
  });
  const event: CommentAddedEvent = { ...comment, createdAt: comment.createdAt.toISOString() };
  ctx.events.commentAdded(badgeId, event);
  return comment;
}
