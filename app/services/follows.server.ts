// Follows between organisations across instances, by actor uri. A local organisation
// follows a remote one (its admins ask; the remote answers Accept or Reject); remote actors
// (organisations of other instances, Mastodon users) follow ours and are accepted at once,
// since everything an organisation publishes is public anyway.
import { and, count, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { prepared, type DatabaseLike } from "../../db/client";
import { follows, organisations, remoteActors, type Follow, type Organisation } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "./errors";
import { findLocalOrganisationByUri, getLocalOrganisationById } from "./organisations.server";
import { requireRole } from "./roles.server";

/**
 * A remote actor asked to follow one of our organisations. Recorded as accepted; a repeated
 * Follow (a retry, or a new one after an Undo we missed) replaces the activity id, so the
 * Undo that names the newest one still matches.
 */
export function recordIncomingFollow(db: DatabaseLike, input: { followerUri: string; followingUri: string; activityUri: string }): Follow {
  if (!findLocalOrganisationByUri(db, input.followingUri)) throw new NotFoundError("That organisation");
  // Prepared: an inbox runs this for every Follow it receives.
  const s = prepared(db, "recordIncomingFollow", (d) => ({
    forgetActivity: d.delete(follows).where(eq(follows.activityUri, sql.placeholder("activityUri"))).prepare(),
    accept: d
      .insert(follows)
      .values({
        followerUri: sql.placeholder("followerUri"),
        followingUri: sql.placeholder("followingUri"),
        activityUri: sql.placeholder("activityUri"),
        status: "accepted",
        acceptedAt: sql.placeholder("acceptedAt"),
      })
      .onConflictDoUpdate({
        target: [follows.followerUri, follows.followingUri],
        set: { activityUri: sql`excluded.activity_uri`, status: "accepted", acceptedAt: sql`excluded.accepted_at` },
      })
      .returning()
      .prepare(),
  }));
  return db.transaction(() => {
    s.forgetActivity.run({ activityUri: input.activityUri });
    return s.accept.get({ ...input, acceptedAt: new Date() })!;
  });
}

/** The follower takes its Follow back (Undo). Only the follower itself can; idempotent. */
export function removeFollow(db: DatabaseLike, actorUri: string, input: { followerUri: string; followingUri: string }): boolean {
  if (input.followerUri !== actorUri) throw new ForbiddenError("Only the follower can undo its follow.");
  return db.delete(follows).where(and(eq(follows.followerUri, input.followerUri), eq(follows.followingUri, input.followingUri))).run().changes > 0;
}

/** An admin of a local organisation asks to follow a remote organisation: a pending follow. */
export function requestFollow(
  db: DatabaseLike,
  userId: string,
  input: { organisationId: string; followingUri: string; activityUri: string },
): Follow {
  const follower = getLocalOrganisationById(db, input.organisationId);
  requireRole(db, follower.id, userId, "admin");
  const target = db.select().from(organisations).where(eq(organisations.uri, input.followingUri)).get();
  if (!target) throw new NotFoundError("The organisation to follow");
  if (!target.host) throw new ConflictError("That organisation is on this instance; its badges are already here.");
  return db.transaction((tx) => {
    const existing = getFollow(tx, follower.uri, target.uri);
    if (existing?.status === "accepted") throw new ConflictError(`${follower.name} already follows ${target.name}.`);
    tx.insert(follows)
      .values({ followerUri: follower.uri, followingUri: target.uri, activityUri: input.activityUri, status: "pending" })
      .onConflictDoUpdate({
        target: [follows.followerUri, follows.followingUri],
        set: { activityUri: input.activityUri, status: "pending", acceptedAt: null },
      })
      .run();
    return getFollow(tx, follower.uri, target.uri)!;
  });
}

/**
 * The followed actor answered our Follow. Only it may answer, and only a Follow we sent:
 * the answer names the Follow by id, or (as some servers do) by follower and followed.
 */
export function answerFollow(
  db: DatabaseLike,
  actorUri: string,
  answer: "accepted" | "rejected",
  ref: { activityUri?: string; followerUri?: string },
): Follow | null {
  const follow = ref.activityUri
    ? db.select().from(follows).where(eq(follows.activityUri, ref.activityUri)).get()
    : ref.followerUri
      ? getFollow(db, ref.followerUri, actorUri)
      : undefined;
  if (!follow) return null;
  if (follow.followingUri !== actorUri) throw new ForbiddenError("Only the followed organisation answers a follow.");
  if (!findLocalOrganisationByUri(db, follow.followerUri)) return null;
  db.update(follows)
    .set({ status: answer, acceptedAt: answer === "accepted" ? new Date() : null })
    .where(and(eq(follows.followerUri, follow.followerUri), eq(follows.followingUri, follow.followingUri)))
    .run();
  return getFollow(db, follow.followerUri, follow.followingUri)!;
}

/** An admin stops following: the row goes; the caller federates the Undo. */
export function stopFollowing(db: DatabaseLike, userId: string, input: { organisationId: string; followingUri: string }): Follow {
  const follower = getLocalOrganisationById(db, input.organisationId);
  requireRole(db, follower.id, userId, "admin");
  const follow = getFollow(db, follower.uri, input.followingUri);
  if (!follow) throw new NotFoundError("That follow");
  db.delete(follows).where(and(eq(follows.followerUri, follower.uri), eq(follows.followingUri, input.followingUri))).run();
  return follow;
}

export function getFollow(db: DatabaseLike, followerUri: string, followingUri: string): Follow | undefined {
  return prepared(db, "getFollow", (d) =>
    d
      .select()
      .from(follows)
      .where(and(eq(follows.followerUri, sql.placeholder("followerUri")), eq(follows.followingUri, sql.placeholder("followingUri"))))
      .prepare(),
  ).get({ followerUri, followingUri });
}

/** Back-fill progress of a followed outbox, for the progress indicator. */
export function recordBackfillProgress(db: DatabaseLike, followerUri: string, followingUri: string, done: number, total: number | null) {
  db.update(follows)
    .set({ backfillDone: done, backfillTotal: total })
    .where(and(eq(follows.followerUri, followerUri), eq(follows.followingUri, followingUri)))
    .run();
}

export interface FollowedOrganisation {
  follow: Follow;
  organisation: Organisation;
}

/** Remote organisations a local organisation follows (or asked to), newest first. */
export function listFollowing(db: DatabaseLike, organisationUri: string): FollowedOrganisation[] {
  return db
    .select({ follow: follows, organisation: organisations })
    .from(follows)
    .innerJoin(organisations, eq(organisations.uri, follows.followingUri))
    .where(eq(follows.followerUri, organisationUri))
    .orderBy(desc(follows.createdAt))
    .all();
}

export interface Follower {
  uri: string;
  handle: string | null;
  host: string | null;
  name: string | null;
  url: string | null;
}

/** Who follows a local organisation, with what we know of each. */
export function listFollowers(db: DatabaseLike, organisationUri: string): Follower[] {
  return db
    .select({ uri: follows.followerUri, handle: remoteActors.handle, host: remoteActors.host, name: remoteActors.name, url: remoteActors.url })
    .from(follows)
    .leftJoin(remoteActors, eq(remoteActors.uri, follows.followerUri))
    .where(and(eq(follows.followingUri, organisationUri), eq(follows.status, "accepted")))
    .orderBy(desc(follows.createdAt))
    .all();
}

/** How many accepted follows an organisation has in each direction (what its collections publish). */
export function followCounts(db: DatabaseLike, organisationUri: string): { followers: number; following: number } {
  const n = (which: "followers" | "following") => {
    const side = which === "followers" ? eq(follows.followingUri, organisationUri) : eq(follows.followerUri, organisationUri);
    return db.select({ n: count() }).from(follows).where(and(side, eq(follows.status, "accepted"))).get()?.n ?? 0;
  };
  return { followers: n("followers"), following: n("following") };
}

/** Accepted follows by our organisations whose back-fill never finished (a restart, say). */
export function followsAwaitingBackfill(db: DatabaseLike): Follow[] {
  return db
    .select({ follow: follows })
    .from(follows)
    .innerJoin(organisations, eq(organisations.uri, follows.followerUri))
    .where(
      and(
        eq(follows.status, "accepted"),
        isNull(organisations.host),
        or(isNull(follows.backfillTotal), lt(follows.backfillDone, follows.backfillTotal)),
      ),
    )
    .all()
    .map((r) => r.follow);
}
