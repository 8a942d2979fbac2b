// An actor's collections. The outbox lists the public activities of `outbox_activities`
// (the transactional outbox: what was delivered is what is listed), newest first, in
// pages of OUTBOX_PAGE_SIZE; each item is the document exactly as it was sent, @context
// and proof included, so a reader back-filling from the outbox can verify the proofs.
// Followers and following are published as counts only: followers of an organisation
// include people (Mastodon users) whose follows are theirs to reveal, and nothing in the
// protocol needs the lists (delivery reads its own table).
import { and, count, desc, eq } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { follows, outboxActivities } from "../db/schema";
import { AS_CONTEXT } from "./vocabulary";

export const OUTBOX_PAGE_SIZE = 20;

const publicOf = (actorUri: string) => and(eq(outboxActivities.actorUri, actorUri), eq(outboxActivities.public, true));

export function outboxCollection(db: DatabaseLike, actorUri: string, outboxUri: string) {
  const total = db.select({ n: count() }).from(outboxActivities).where(publicOf(actorUri)).get()?.n ?? 0;
  return {
    "@context": AS_CONTEXT,
    id: outboxUri,
    type: "OrderedCollection",
    totalItems: total,
    first: `${outboxUri}?page=1`,
    last: `${outboxUri}?page=${Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE))}`,
  };
}

/** Page `page` (1 = newest) of the outbox; past the last page it is empty. */
export function outboxPage(db: DatabaseLike, actorUri: string, outboxUri: string, page: number) {
  const total = db.select({ n: count() }).from(outboxActivities).where(publicOf(actorUri)).get()?.n ?? 0;
  const rows = db
    .select({ document: outboxActivities.document })
    .from(outboxActivities)
    .where(publicOf(actorUri))
    .orderBy(desc(outboxActivities.id))
    .limit(OUTBOX_PAGE_SIZE)
    .offset((page - 1) * OUTBOX_PAGE_SIZE)
    .all();
  const lastPage = Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE));
  return {
    "@context": AS_CONTEXT,
    id: `${outboxUri}?page=${page}`,
    type: "OrderedCollectionPage",
    partOf: outboxUri,
    totalItems: total,
    startIndex: (page - 1) * OUTBOX_PAGE_SIZE,
    orderedItems: rows.map((r) => r.document),
    ...(page < lastPage ? { next: `${outboxUri}?page=${page + 1}` } : {}),
    ...(page > 1 ? { prev: `${outboxUri}?page=${Math.min(page - 1, lastPage)}` } : {}),
  };
}

/** One public activity of the outbox by its id, as it was sent; null if there is none. */
export function publicActivity(db: DatabaseLike, actorUri: string, activityUri: string): unknown {
  return (
    db
      .select({ document: outboxActivities.document })
      .from(outboxActivities)
      .where(and(publicOf(actorUri), eq(outboxActivities.uri, activityUri)))
      .get()?.document ?? null
  );
}

/** Followers or following as a count (see above for why without items). */
export function followCollection(db: DatabaseLike, actorUri: string, which: "followers" | "following") {
  const side = which === "followers" ? follows.followingUri : follows.followerUri;
  const total =
    db.select({ n: count() }).from(follows).where(and(eq(side, actorUri), eq(follows.status, "accepted"))).get()?.n ?? 0;
  return {
    "@context": AS_CONTEXT,
    id: `${actorUri}/${which}`,
    type: "OrderedCollection",
    totalItems: total,
  };
}
