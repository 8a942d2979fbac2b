// The delivery queue in SQL: claiming due rows under a lease, recording what happened,
// and freeing leases. Each claim is one UPDATE … RETURNING in an IMMEDIATE transaction,
// so two workers, in one process or several on the same database file, never hold the
// same row; a lease that passes (its worker died) makes the row claimable again.
//
// Plain prepared statements on the SQLite handle: the claim needs a window function and
// the worker runs these thousands of times a second.
import type Database from "better-sqlite3";
import type { Db } from "../db/client";

export interface ClaimedDelivery {
  id: number;
  activityId: number;
  inboxUrl: string;
  host: string;
  /** Attempts made, this one included. */
  attempts: number;
}

export interface ClaimOptions {
  owner: string;
  now: number;
  leaseMs: number;
  /** Rows wanted at most (the worker's free slots). */
  limit: number;
  /** Deliveries in flight per host at most, counting `busyHosts`. */
  perHostLimit: number;
  /** Deliveries this worker already has in flight, per host. */
  busyHosts?: ReadonlyMap<string, number>;
}

export type Outcome =
  | { id: number; kind: "delivered"; status: number }
  | { id: number; kind: "retry"; at: number; status: number | null; reason: string }
  | { id: number; kind: "dead"; status: number | null; reason: string }
  /** Not attempted after all (the worker stopped): due again at once, attempt not counted. */
  | { id: number; kind: "release" };

// Candidates are read in the due index's order and bounded, so a claim costs the same
// with ten or a hundred thousand rows waiting; hosts already at their cap are skipped
// while reading, so one host's backlog at the head of the queue never hides the others.
// Which candidates to take (a few per host, spread across hosts) is decided in
// claimIn, then leased by id, all in one IMMEDIATE transaction: done in SQL with a window
// function, the same choice cost 300-400 µs per claim on the project's VM, even with
// nothing due, against tens of µs this way.
const CANDIDATES = `
SELECT id, host, next_attempt_at AS due FROM deliveries
WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
ORDER BY next_attempt_at, id
LIMIT @window`;
const CANDIDATES_SKIPPING_HOSTS = `
SELECT id, host, next_attempt_at AS due FROM deliveries
WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
  AND host NOT IN (SELECT value FROM json_each(@full))
ORDER BY next_attempt_at, id
LIMIT @window`;
const LEASE = `
UPDATE deliveries
SET lease_until = @leaseUntil, lease_owner = @owner, attempts = attempts + 1, last_attempt_at = @now
WHERE id IN (SELECT value FROM json_each(@ids))
RETURNING id, activity_id AS activityId, inbox_url AS inboxUrl, host, attempts`;

function statements(client: Database.Database) {
  return {
    candidates: client.prepare(CANDIDATES),
    candidatesSkippingHosts: client.prepare(CANDIDATES_SKIPPING_HOSTS),
    lease: client.prepare(LEASE),
    delivered: client.prepare(
      `UPDATE deliveries SET status = 'delivered', delivered_at = @now, lease_until = NULL, lease_owner = NULL,
         last_status_code = @status, last_error = NULL
       WHERE id = @id AND status = 'pending'`,
    ),
    retry: client.prepare(
      `UPDATE deliveries SET next_attempt_at = @at, lease_until = NULL, lease_owner = NULL, last_status_code = @status, last_error = @reason
       WHERE id = @id AND status = 'pending' AND lease_owner = @owner`,
    ),
    dead: client.prepare(
      `UPDATE deliveries SET status = 'dead', lease_until = NULL, lease_owner = NULL, last_status_code = @status, last_error = @reason
       WHERE id = @id AND status = 'pending' AND lease_owner = @owner`,
    ),
    release: client.prepare(
      `UPDATE deliveries SET lease_until = NULL, lease_owner = NULL, attempts = max(attempts - 1, 0)
       WHERE id = @id AND status = 'pending' AND lease_owner = @owner`,
    ),
    owners: client.prepare(`SELECT DISTINCT lease_owner AS owner FROM deliveries WHERE status = 'pending' AND lease_owner IS NOT NULL`),
    releaseOwner: client.prepare(
      `UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE status = 'pending' AND lease_owner = @owner`,
    ),
    nextWake: client.prepare(
      `SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) AS at FROM deliveries WHERE status = 'pending'`,
    ),
    activity: client.prepare(`SELECT actor_uri AS actorUri, document FROM outbox_activities WHERE id = ?`),
  };
}

// Rows read per claim at least; each costs about a microsecond.
const CANDIDATE_WINDOW = 64;

type Statements = ReturnType<typeof statements>;
const cache = new WeakMap<Database.Database, Statements>();
function sql(db: Db) {
  let s = cache.get(db.$client);
  if (!s) cache.set(db.$client, (s = statements(db.$client)));
  return s;
}

/** Leases up to `limit` due deliveries to `owner`, spread across hosts, within the per-host cap. */
export function claimDueDeliveries(db: Db, o: ClaimOptions): ClaimedDelivery[] {
  return db.$client.transaction(() => claimIn(sql(db), o)).immediate();
}

/** Records attempt outcomes, in one transaction. Retry, dead and release apply only while `owner` holds the lease. */
export function recordOutcomes(db: Db, owner: string, outcomes: readonly Outcome[], now: number): void {
  if (outcomes.length === 0) return;
  db.$client.transaction(() => recordIn(sql(db), owner, outcomes, now)).immediate();
}

/** Both in one transaction: what a busy worker does each time slots free up. */
export function recordAndClaim(db: Db, outcomes: readonly Outcome[], o: ClaimOptions): ClaimedDelivery[] {
  return db.$client
    .transaction(() => {
      recordIn(sql(db), o.owner, outcomes, o.now);
      return claimIn(sql(db), o);
    })
    .immediate();
}

function claimIn(s: Statements, o: ClaimOptions): ClaimedDelivery[] {
  const busy = o.busyHosts ?? new Map<string, number>();
  const full = [...busy].filter(([, n]) => n >= o.perHostLimit).map(([host]) => host);
  const window = Math.max(CANDIDATE_WINDOW, o.limit * 4);
  const candidates = (
    full.length ? s.candidatesSkippingHosts.all({ now: o.now, window, full: JSON.stringify(full) }) : s.candidates.all({ now: o.now, window })
  ) as Array<{ id: number; host: string; due: number }>;
  if (candidates.length === 0 || o.limit <= 0) return [];
  // Each candidate's slot is its rank among its host's (in due order) after what that host
  // already has in flight; the lowest slots go first, so a batch spreads across hosts.
  const taken = new Map<string, number>();
  const ranked: Array<{ id: number; due: number; slot: number }> = [];
  for (const c of candidates) {
    const slot = (taken.get(c.host) ?? busy.get(c.host) ?? 0) + 1;
    taken.set(c.host, slot);
    if (slot <= o.perHostLimit) ranked.push({ id: c.id, due: c.due, slot });
  }
  ranked.sort((a, b) => a.slot - b.slot || a.due - b.due || a.id - b.id);
  const ids = ranked.slice(0, o.limit).map((r) => r.id);
  if (ids.length === 0) return [];
  return s.lease.all({ ids: JSON.stringify(ids), now: o.now, leaseUntil: o.now + o.leaseMs, owner: o.owner }) as ClaimedDelivery[];
}

function recordIn(s: Statements, owner: string, outcomes: readonly Outcome[], now: number) {
  for (const o of outcomes) {
    if (o.kind === "delivered") s.delivered.run({ id: o.id, now, status: o.status });
    else if (o.kind === "retry") s.retry.run({ id: o.id, owner, at: o.at, status: o.status, reason: o.reason });
    else if (o.kind === "dead") s.dead.run({ id: o.id, owner, status: o.status, reason: o.reason });
    else s.release.run({ id: o.id, owner });
  }
}

/** Owners holding leases on pending rows now. */
export function leaseOwners(db: Db): string[] {
  return (sql(db).owners.all() as { owner: string }[]).map((r) => r.owner);
}

/** Frees every lease `owner` holds; returns how many rows. */
export function releaseLeasesOf(db: Db, owner: string): number {
  return sql(db).releaseOwner.run({ owner }).changes;
}

/** When the earliest pending delivery becomes claimable (its time has come and no lease holds it). */
export function nextClaimableAt(db: Db): number | null {
  return (sql(db).nextWake.get() as { at: number | null }).at;
}

/** The stored activity exactly as it is sent, and who sends it. */
export function activityToSend(db: Db, activityId: number): { actorUri: string; body: string } | null {
  const row = sql(db).activity.get(activityId) as { actorUri: string; document: string } | undefined;
  return row ? { actorUri: row.actorUri, body: row.document } : null;
}
