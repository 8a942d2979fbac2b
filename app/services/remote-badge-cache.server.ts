// The lifecycle of remote badges this instance fetched itself (named as prerequisites,
// pasted in an editor, or reached from those) rather than received from an organisation
// it follows: when each was last had and last asked for, when to ask again, and whether
// its home said it is gone. Look-ups (federation/badge-lookup.ts) record every answer
// here; the periodic refresh (federation/remote-badge-refresh.ts) asks again for those
// that are due; operators see the figures on /admin/federation. ADR 010.
//
// The rules: an answer with a version makes the copy fresh (and restores one found gone);
// an answer that it is gone (404, 410, a Tombstone) withdraws the copy at once, and it is
// asked again at a slower rate, backing off, so a mistaken 404 heals; a transient failure
// (timeout, 5xx, network, an unreadable answer) changes nothing shown, and is retried.
import { and, asc, desc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, remoteBadgeFetches, remoteBadgeRefreshPasses, type RemoteBadgeRefreshPass } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import { NotFoundError } from "./errors";
import type { RemoteBadgeLookup } from "./federation-outbox";

const HOUR = 60 * 60 * 1000;

export interface RemoteBadgeCachePolicy {
  /** A copy last had longer ago than this is stale and due to be asked for again. */
  staleAfterMs: number;
  /** After a transient failure, the first retry; doubles with each failure in a row. */
  failureRetryMs: number;
  /** After a "gone" answer, the first re-check; doubles with each such answer in a row. */
  goneRecheckMs: number;
  /** The longest wait between checks of a failing or gone badge. */
  maxRecheckMs: number;
}

export const DEFAULT_REMOTE_BADGE_CACHE_POLICY: RemoteBadgeCachePolicy = {
  staleAfterMs: 24 * HOUR,
  failureRetryMs: 6 * HOUR,
  goneRecheckMs: 24 * HOUR,
  maxRecheckMs: 30 * 24 * HOUR,
};

/** The policy with copies stale after `staleHours` (REMOTE_BADGE_STALE_HOURS). */
export function remoteBadgeCachePolicy(staleHours: number): RemoteBadgeCachePolicy {
  return { ...DEFAULT_REMOTE_BADGE_CACHE_POLICY, staleAfterMs: staleHours * HOUR };
}

/** `base`, doubled for each time after the first in a row, at most `max`. */
export function backoff(base: number, times: number, max: number): number {
  return Math.min(base * 2 ** Math.min(Math.max(times - 1, 0), 30), max);
}

const ERROR_KEPT = 500;
const clip = (reason: string) => (reason.length > ERROR_KEPT ? `${reason.slice(0, ERROR_KEPT - 1)}…` : reason);

/** Its home answered with a version, stored now: fresh until `staleAfterMs` from `at`. */
export function recordRemoteBadgeFetched(db: DatabaseLike, badgeId: string, at: Date, policy = DEFAULT_REMOTE_BADGE_CACHE_POLICY): void {
  const row = { fetchedAt: at, checkedAt: at, nextCheckAt: new Date(at.getTime() + policy.staleAfterMs), goneSince: null, goneChecks: 0, failures: 0, lastError: null };
  db.insert(remoteBadgeFetches)
    .values({ badgeId, ...row })
    .onConflictDoUpdate({ target: remoteBadgeFetches.badgeId, set: row })
    .run();
}

/**
 * Its home could not be asked or gave no usable answer (timeout, 5xx, network, refused
 * content): what is shown stays as it is, and it is asked again later. Only badges held
 * and already recorded; returns whether one was.
 */
export function recordRemoteBadgeCheckFailed(db: DatabaseLike, badgeUri: string, at: Date, reason: string, policy = DEFAULT_REMOTE_BADGE_CACHE_POLICY): boolean {
  const held = db
    .select({ badgeId: remoteBadgeFetches.badgeId, failures: remoteBadgeFetches.failures, goneSince: remoteBadgeFetches.goneSince, goneChecks: remoteBadgeFetches.goneChecks })
    .from(remoteBadgeFetches)
    .innerJoin(badges, eq(badges.id, remoteBadgeFetches.badgeId))
    .where(eq(badges.uri, badgeUri))
    .get();
  if (!held) return false;
  const failures = held.failures + 1;
  // A badge found gone keeps its slow pace: failing to reach it again says nothing new.
  const wait = held.goneSince
    ? backoff(policy.goneRecheckMs, held.goneChecks, policy.maxRecheckMs)
    : backoff(policy.failureRetryMs, failures, policy.maxRecheckMs);
  db.update(remoteBadgeFetches)
    .set({ checkedAt: at, nextCheckAt: new Date(at.getTime() + wait), failures, lastError: clip(reason) })
    .where(eq(remoteBadgeFetches.badgeId, held.badgeId))
    .run();
  return true;
}

/**
 * Its home answered that it is gone, and our copy was withdrawn for that (in the caller's
 * transaction): asked again after a wait that doubles with each such answer in a row.
 */
export function recordRemoteBadgeFoundGone(tx: DatabaseLike, badgeId: string, at: Date, reason: string, policy = DEFAULT_REMOTE_BADGE_CACHE_POLICY): void {
  const held = tx.select().from(remoteBadgeFetches).where(eq(remoteBadgeFetches.badgeId, badgeId)).get();
  const goneChecks = (held?.goneChecks ?? 0) + 1;
  const row = {
    checkedAt: at,
    nextCheckAt: new Date(at.getTime() + backoff(policy.goneRecheckMs, goneChecks, policy.maxRecheckMs)),
    goneSince: held?.goneSince ?? at,
    goneChecks,
    failures: 0,
    lastError: clip(reason),
  };
  if (held) tx.update(remoteBadgeFetches).set(row).where(eq(remoteBadgeFetches.badgeId, badgeId)).run();
  // Held through a follow and never fetched: recorded now, so it can be restored.
  else tx.insert(remoteBadgeFetches).values({ badgeId, fetchedAt: at, ...row }).run();
}

/** Whether the copy `badgeId` was withdrawn because its home said it was gone (not by its steward's Delete). */
export function wasFoundGone(tx: DatabaseLike, badgeId: string): boolean {
  const row = tx.select({ goneSince: remoteBadgeFetches.goneSince }).from(remoteBadgeFetches).where(eq(remoteBadgeFetches.badgeId, badgeId)).get();
  return !!row?.goneSince;
}

/** The copy answers again (restored by the caller): no longer gone. */
export function clearFoundGone(tx: DatabaseLike, badgeId: string): void {
  tx.update(remoteBadgeFetches).set({ goneSince: null, goneChecks: 0 }).where(eq(remoteBadgeFetches.badgeId, badgeId)).run();
}

/** Its steward withdrew it (a Delete): final, never asked for again. */
export function forgetRemoteBadgeFetch(tx: DatabaseLike, badgeId: string): void {
  tx.delete(remoteBadgeFetches).where(eq(remoteBadgeFetches.badgeId, badgeId)).run();
}

// The steward of a fetched badge is followed here (an accepted Follow by one of our
// organisations): its activities keep the copy current, so it is not asked again.
const followed = sql`EXISTS (SELECT 1 FROM follows f JOIN organisations so ON so.uri = f.following_uri
  WHERE so.id = ${badges.stewardOrganisationId} AND f.status = 'accepted')`;
// What the refresh looks after: copies not withdrawn by their steward's word.
const refreshable = sql`(${badges.status} <> 'withdrawn' OR ${remoteBadgeFetches.goneSince} IS NOT NULL)`;

export interface DueRemoteBadge {
  badgeId: string;
  uri: string;
  goneSince: Date | null;
}

/**
 * Takes up to `limit` fetched badges due for a check at `at`, the longest due first, and
 * holds them for `holdMs` (moves their next check ahead) so another pass leaves them be;
 * each check then sets the next one by its answer. A pass that dies lets them come due again.
 */
export function claimDueRemoteBadges(db: DatabaseLike, at: Date, options: { limit: number; holdMs: number }): DueRemoteBadge[] {
  return db.transaction((tx) => {
    const due = tx
      .select({ badgeId: remoteBadgeFetches.badgeId, uri: badges.uri, goneSince: remoteBadgeFetches.goneSince })
      .from(remoteBadgeFetches)
      .innerJoin(badges, eq(badges.id, remoteBadgeFetches.badgeId))
      .where(and(lte(remoteBadgeFetches.nextCheckAt, at), refreshable, sql`NOT ${followed}`))
      .orderBy(asc(remoteBadgeFetches.nextCheckAt), asc(remoteBadgeFetches.badgeId))
      .limit(options.limit)
      .all();
    if (due.length) {
      tx.update(remoteBadgeFetches)
        .set({ nextCheckAt: new Date(at.getTime() + options.holdMs) })
        .where(inArray(remoteBadgeFetches.badgeId, due.map((d) => d.badgeId)))
        .run();
    }
    return due;
  });
}

export type RefreshPassFigures = Omit<RemoteBadgeRefreshPass, "id">;

const PASSES_KEPT = 20;

/** Keeps what a pass did (the latest few passes), for the operators' page. */
export function recordRefreshPass(db: DatabaseLike, pass: RefreshPassFigures): void {
  db.transaction((tx) => {
    tx.insert(remoteBadgeRefreshPasses).values(pass).run();
    const keepFrom = tx
      .select({ id: remoteBadgeRefreshPasses.id })
      .from(remoteBadgeRefreshPasses)
      .orderBy(desc(remoteBadgeRefreshPasses.id))
      .limit(1)
      .offset(PASSES_KEPT - 1)
      .get();
    if (keepFrom) tx.delete(remoteBadgeRefreshPasses).where(lt(remoteBadgeRefreshPasses.id, keepFrom.id)).run();
  });
}

export type CachedBadgeState = "fresh" | "stale" | "unavailable";

export interface CachedRemoteBadge {
  badgeId: string;
  uri: string;
  name: string | null;
  host: string;
  state: CachedBadgeState;
  fetchedAt: number;
  checkedAt: number;
  nextCheckAt: number;
  goneSince: number | null;
  failures: number;
  lastError: string | null;
}

export interface RefreshPassSummary {
  startedAt: number;
  finishedAt: number;
  checked: number;
  refreshed: number;
  restored: number;
  gone: number;
  failed: number;
}

export interface RemoteBadgeCacheSummary {
  fresh: number;
  stale: number;
  unavailable: number;
  /** Fetched once, but their steward is followed now: its activities keep them current. */
  followed: number;
  lastPass: RefreshPassSummary | null;
  /** Those needing attention: unavailable, then stale, the longest unrefreshed first. */
  attention: CachedRemoteBadge[];
}

const SHOWN = 50;

/** What operators see of the copies fetched here, judged at `at`. */
export function remoteBadgeCacheSummary(db: DatabaseLike, at = new Date(), policy = DEFAULT_REMOTE_BADGE_CACHE_POLICY): RemoteBadgeCacheSummary {
  const staleBefore = at.getTime() - policy.staleAfterMs;
  const state = sql<CachedBadgeState>`CASE WHEN ${remoteBadgeFetches.goneSince} IS NOT NULL THEN 'unavailable'
    WHEN ${remoteBadgeFetches.fetchedAt} <= ${staleBefore} THEN 'stale' ELSE 'fresh' END`;
  const counts = db.get<{ fresh: number; stale: number; unavailable: number; followed: number }>(sql`
    SELECT
      coalesce(sum(NOT followed AND state = 'fresh'), 0) AS fresh,
      coalesce(sum(NOT followed AND state = 'stale'), 0) AS stale,
      coalesce(sum(NOT followed AND state = 'unavailable'), 0) AS unavailable,
      coalesce(sum(followed), 0) AS followed
    FROM (SELECT ${followed} AS followed, ${state} AS state
      FROM ${remoteBadgeFetches} JOIN ${badges} ON ${badges.id} = ${remoteBadgeFetches.badgeId}
      WHERE ${refreshable})`)!;
  const attention = db.all<CachedRemoteBadge>(sql`
    SELECT b.id AS badgeId, b.uri AS uri, json_extract(v.content, '$.name') AS name, o.host AS host, ${state} AS state,
      ${remoteBadgeFetches.fetchedAt} AS fetchedAt, ${remoteBadgeFetches.checkedAt} AS checkedAt,
      ${remoteBadgeFetches.nextCheckAt} AS nextCheckAt, ${remoteBadgeFetches.goneSince} AS goneSince,
      ${remoteBadgeFetches.failures} AS failures, ${remoteBadgeFetches.lastError} AS lastError
    FROM ${remoteBadgeFetches}
      JOIN ${badges} b ON b.id = ${remoteBadgeFetches.badgeId}
      JOIN organisations o ON o.id = b.steward_organisation_id
      LEFT JOIN versions v ON v.id = b.latest_version_id
    WHERE (b.status <> 'withdrawn' OR ${remoteBadgeFetches.goneSince} IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.following_uri = o.uri AND f.status = 'accepted')
      AND (${remoteBadgeFetches.goneSince} IS NOT NULL OR ${remoteBadgeFetches.fetchedAt} <= ${staleBefore} OR ${remoteBadgeFetches.failures} > 0)
    ORDER BY ${remoteBadgeFetches.goneSince} IS NULL, ${remoteBadgeFetches.fetchedAt}
    LIMIT ${SHOWN}`);
  const lastPass = db.select().from(remoteBadgeRefreshPasses).orderBy(desc(remoteBadgeRefreshPasses.id)).limit(1).get();
  return {
    ...counts,
    lastPass: lastPass ? { ...lastPass, startedAt: lastPass.startedAt.getTime(), finishedAt: lastPass.finishedAt.getTime() } : null,
    attention,
  };
}

/**
 * An operator asks now for one fetched badge (`badgeId`, a copy of a remote badge): its
 * home is asked as the refresh would, whatever its schedule. Returns the answer.
 */
export async function checkRemoteBadgeNow(ctx: ServiceContext, badgeId: string): Promise<{ uri: string; answer: RemoteBadgeLookup }> {
  const row = ctx.db
    .select({ uri: badges.uri })
    .from(remoteBadgeFetches)
    .innerJoin(badges, eq(badges.id, remoteBadgeFetches.badgeId))
    .where(eq(remoteBadgeFetches.badgeId, badgeId))
    .get();
  if (!row) throw new NotFoundError("That fetched remote badge");
  return { uri: row.uri, answer: await ctx.federation.lookUpRemoteBadge(row.uri, { refresh: true }) };
}
