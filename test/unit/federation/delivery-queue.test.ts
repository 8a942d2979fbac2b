import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../db/client";
import { deliveries } from "../../../db/schema";
import { claimDueDeliveries, nextClaimableAt, recordOutcomes, type ClaimOptions } from "../../../federation/delivery-queue";
import { beginRun, isRunGone, releaseLeasesOfGoneRuns } from "../../../federation/delivery-runs";
import { enqueueActivity } from "../../../federation/outbox";
import { createTestDb, PUBLIC_URL } from "../../support/factories";
import { makeActivity } from "../../support/federation-peers";

const actor = `${PUBLIC_URL}/orgs/a`;
const T0 = Date.parse("2026-12-01T10:00:00Z");

/** Queues one activity to `count` inboxes on each of `hosts`. */
function queue(db: Db, hosts: Record<string, number>, at = T0) {
  const inboxes = Object.entries(hosts).flatMap(([host, count]) => Array.from({ length: count }, (_, i) => `http://${host}/users/u${i}/inbox`));
  return enqueueActivity(db, { actorUri: actor, document: makeActivity(actor), public: true, inboxes }, new Date(at));
}

const claim = (db: Db, o: Partial<ClaimOptions> = {}) =>
  claimDueDeliveries(db, { owner: "w1", now: T0, leaseMs: 60_000, limit: 100, perHostLimit: 100, ...o });

const row = (db: Db, id: number) => db.select().from(deliveries).where(eq(deliveries.id, id)).get()!;

describe("claimDueDeliveries", () => {
  it("leases due rows to one owner, counts the attempt, and hides them from everyone else until the lease passes", () => {
    const db = createTestDb();
    queue(db, { "a.example": 3 });
    const first = claim(db, { owner: "w1" });
    expect(first).toHaveLength(3);
    expect(first.every((d) => d.attempts === 1)).toBe(true);
    expect(row(db, first[0].id)).toMatchObject({ leaseOwner: "w1", leaseUntil: new Date(T0 + 60_000), lastAttemptAt: new Date(T0) });

    expect(claim(db, { owner: "w2", now: T0 + 59_999 })).toEqual([]);
    const again = claim(db, { owner: "w2", now: T0 + 60_000 });
    expect(again.map((d) => d.id).sort()).toEqual(first.map((d) => d.id).sort());
    expect(again.every((d) => d.attempts === 2)).toBe(true);
  });

  it("never hands one row to two connections on the same database file", () => {
    const a = createTestDb();
    const b = openDatabase(a.$client.name);
    a.transaction(() => {
      for (let i = 0; i < 20; i++) queue(a, { [`h${i}.example`]: 10 });
    });
    const taken: number[] = [];
    for (let round = 0; round < 40; round++) {
      const db = round % 2 ? b : a;
      taken.push(...claim(db, { owner: round % 2 ? "b" : "a", limit: 7 }).map((d) => d.id));
    }
    expect(taken).toHaveLength(200);
    expect(new Set(taken).size).toBe(200);
    b.$client.close();
  });

  it("keeps to the per-host cap, counting what the worker already has in flight, and spreads a batch across hosts", () => {
    const db = createTestDb();
    queue(db, { "big.example": 10, "small.example": 10, "tiny.example": 1 });
    const hostsOf = (rows: { host: string }[]) => rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.host]: (m[r.host] ?? 0) + 1 }), {});

    expect(hostsOf(claim(db, { perHostLimit: 4, busyHosts: new Map([["big.example", 3]]) }))).toEqual({
      "big.example": 1,
      "small.example": 4,
      "tiny.example": 1,
    });

    const fresh = createTestDb();
    queue(fresh, { "big.example": 10, "small.example": 10, "tiny.example": 1 });
    expect(hostsOf(claim(fresh, { limit: 3, perHostLimit: 4 }))).toEqual({ "big.example": 1, "small.example": 1, "tiny.example": 1 });
  });

  it("leaves alone rows not yet due, delivered or dead", () => {
    const db = createTestDb();
    const later = queue(db, { "later.example": 1 }, T0 + 30_000);
    const [done, dead] = [queue(db, { "done.example": 1 }), queue(db, { "dead.example": 1 })];
    const [d1, d2] = claim(db).sort((x, y) => x.id - y.id);
    recordOutcomes(db, "w1", [{ id: d1.id, kind: "delivered", status: 202 }, { id: d2.id, kind: "dead", status: 410, reason: "HTTP 410" }], T0);
    expect([done, dead].map((q) => q.inboxes[0])).toEqual([d1.inboxUrl, d2.inboxUrl]);
    expect(claim(db, { now: T0 + 29_999 })).toEqual([]);
    expect(claim(db, { now: T0 + 30_000 }).map((d) => d.inboxUrl)).toEqual(later.inboxes);
  });
});

describe("recordOutcomes", () => {
  it("stores delivered, retry and dead results, and frees the lease", () => {
    const db = createTestDb();
    queue(db, { "a.example": 3 });
    const [x, y, z] = claim(db).sort((p, q) => p.id - q.id);
    recordOutcomes(
      db,
      "w1",
      [
        { id: x.id, kind: "delivered", status: 202 },
        { id: y.id, kind: "retry", at: T0 + 60_000, status: 503, reason: "HTTP 503" },
        { id: z.id, kind: "dead", status: 410, reason: "HTTP 410: Gone" },
      ],
      T0 + 5,
    );
    expect(row(db, x.id)).toMatchObject({ status: "delivered", deliveredAt: new Date(T0 + 5), lastStatusCode: 202, leaseUntil: null, leaseOwner: null });
    expect(row(db, y.id)).toMatchObject({ status: "pending", nextAttemptAt: new Date(T0 + 60_000), lastError: "HTTP 503", leaseOwner: null, attempts: 1 });
    expect(row(db, z.id)).toMatchObject({ status: "dead", lastStatusCode: 410, lastError: "HTTP 410: Gone" });
    expect(nextClaimableAt(db)).toBe(T0 + 60_000);
  });

  it("ignores a retry or dead result from a worker that lost the lease", () => {
    const db = createTestDb();
    queue(db, { "a.example": 1 });
    const [mine] = claim(db, { owner: "slow" });
    const [theirs] = claim(db, { owner: "fast", now: T0 + 60_000 });
    expect(theirs.id).toBe(mine.id);
    recordOutcomes(db, "slow", [{ id: mine.id, kind: "dead", status: 400, reason: "late" }], T0 + 61_000);
    expect(row(db, mine.id)).toMatchObject({ status: "pending", leaseOwner: "fast" });
  });

  it("releases an attempt not made: due at once, not counted", () => {
    const db = createTestDb();
    queue(db, { "a.example": 1 });
    const [d] = claim(db);
    recordOutcomes(db, "w1", [{ id: d.id, kind: "release" }], T0);
    expect(row(db, d.id)).toMatchObject({ attempts: 0, leaseUntil: null, leaseOwner: null });
    expect(claim(db, { owner: "w2" })).toHaveLength(1);
  });
});

describe("leases of runs that are gone", () => {
  function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
  }

  it("frees at start-up the leases of a process on this machine that no longer exists", () => {
    const db = createTestDb();
    queue(db, { "a.example": 2, "b.example": 1 });
    const crashed = `${hostname()}:${deadPid()}:abcd1234`;
    const elsewhere = `another-machine:${process.pid}:abcd1234`;
    claim(db, { owner: crashed, limit: 2, perHostLimit: 2, now: T0 });
    claim(db, { owner: elsewhere, now: T0 });
    expect(isRunGone(crashed)).toBe(true);
    expect(isRunGone(elsewhere)).toBe(false);
    expect(releaseLeasesOfGoneRuns(db)).toBe(2);
    const owners = db.select().from(deliveries).all().map((d) => d.leaseOwner);
    expect(owners.sort()).toEqual([elsewhere, null, null].sort());
  });

  it("keeps the leases of a live run in this process and of live processes, frees those of a stopped run", () => {
    const db = createTestDb();
    queue(db, { "a.example": 3 });
    const live = beginRun();
    const stopped = beginRun();
    stopped.end();
    const otherLiveProcess = `${hostname()}:${process.ppid}:feedbeef`;
    claim(db, { owner: live.name, limit: 1, now: T0 });
    claim(db, { owner: stopped.name, limit: 1, now: T0 });
    claim(db, { owner: otherLiveProcess, limit: 1, now: T0 });
    expect(releaseLeasesOfGoneRuns(db)).toBe(1);
    expect(db.select().from(deliveries).all().map((d) => d.leaseOwner).sort()).toEqual([live.name, otherLiveProcess, null].sort());
    live.end();
  });
});
