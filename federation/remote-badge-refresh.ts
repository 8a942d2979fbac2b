// The periodic refresh of remote badges this instance fetched itself (prerequisites and
// what they lead to) rather than receives from an organisation it follows: every interval
// it takes a bounded batch of those due (stale, failing, or found gone; see
// app/services/remote-badge-cache.server.ts) and asks each one's home again through the
// same look-up that fetched it (the guarded fetcher, signed GETs, hash-checked storage),
// which records the answer and sets the next check. One per process, started by server.ts
// beside the delivery worker. ADR 010.
import { performance } from "node:perf_hooks";
import type { Db } from "../db/client";
import { claimDueRemoteBadges, recordRefreshPass, type DueRemoteBadge } from "../app/services/remote-badge-cache.server";
import type { RemoteBadgeLookUp } from "./badge-lookup";

export interface RemoteBadgeRefreshTuning {
  /** Between the end of one pass and the start of the next. */
  intervalMs: number;
  /** From start() to the first pass (a restart should not wait a whole interval). */
  firstPassAfterMs: number;
  /** Badges asked for at most in one pass; the rest wait for the next. */
  batchSize: number;
  /** Asked at the same time, at most. */
  concurrency: number;
  /** How long a pass holds the badges it took before another may take them (a crashed pass). */
  holdMs: number;
}

export const DEFAULT_REFRESH_TUNING: RemoteBadgeRefreshTuning = {
  intervalMs: 6 * 60 * 60 * 1000,
  firstPassAfterMs: 60 * 1000,
  batchSize: 100,
  concurrency: 4,
  holdMs: 30 * 60 * 1000,
};

export type RefreshOutcome = "refreshed" | "restored" | "gone" | "failed";

export interface RefreshPassReport {
  startedAt: Date;
  finishedAt: Date;
  checked: number;
  refreshed: number;
  restored: number;
  gone: number;
  failed: number;
  /** What each badge asked for answered, by its URI. */
  outcomes: Map<string, RefreshOutcome>;
}

export interface RemoteBadgeRefresher {
  /** One pass now, judged at `at` (the clock's time unless given); a pass already running is joined. */
  runPass(at?: Date): Promise<RefreshPassReport>;
  /** Passes every interval from now on (the first after `firstPassAfterMs`). */
  start(): void;
  /** No more passes; a pass under way finishes the look-ups it started. */
  stop(): Promise<void>;
}

export interface RemoteBadgeRefresherOptions extends Partial<RemoteBadgeRefreshTuning> {
  db: Db;
  lookUp: RemoteBadgeLookUp;
  clock?: () => number;
}

export function createRemoteBadgeRefresher(options: RemoteBadgeRefresherOptions): RemoteBadgeRefresher {
  const { db, lookUp } = options;
  const tuning: RemoteBadgeRefreshTuning = {
    ...DEFAULT_REFRESH_TUNING,
    ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k in DEFAULT_REFRESH_TUNING)),
  };
  const clock = options.clock ?? Date.now;
  let current: Promise<RefreshPassReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopping = false;

  async function check(badge: DueRemoteBadge, at: Date): Promise<RefreshOutcome> {
    try {
      const answer = await lookUp(badge.uri, { refresh: true, at });
      if (answer.status === "found") return badge.goneSince || answer.restored ? "restored" : "refreshed";
      return answer.status === "gone" ? "gone" : "failed";
    } catch (error) {
      // A fault of ours, not the peer's: the badge's hold runs out and it is taken again.
      console.error(`refreshing the remote badge ${badge.uri} failed unexpectedly`, error);
      return "failed";
    }
  }

  async function pass(at: Date): Promise<RefreshPassReport> {
    const started = performance.now();
    const due = claimDueRemoteBadges(db, at, { limit: tuning.batchSize, holdMs: tuning.holdMs });
    const outcomes = new Map<string, RefreshOutcome>();
    let next = 0;
    const worker = async () => {
      while (next < due.length && !stopping) {
        const badge = due[next++];
        outcomes.set(badge.uri, await check(badge, at));
      }
    };
    await Promise.all(Array.from({ length: Math.min(tuning.concurrency, due.length) }, worker));
    const count = (o: RefreshOutcome) => [...outcomes.values()].filter((x) => x === o).length;
    const report: RefreshPassReport = {
      startedAt: at,
      finishedAt: new Date(at.getTime() + Math.round(performance.now() - started)),
      checked: outcomes.size,
      refreshed: count("refreshed"),
      restored: count("restored"),
      gone: count("gone"),
      failed: count("failed"),
      outcomes,
    };
    recordRefreshPass(db, {
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      checked: report.checked,
      refreshed: report.refreshed,
      restored: report.restored,
      gone: report.gone,
      failed: report.failed,
    });
    return report;
  }

  function runPass(at = new Date(clock())): Promise<RefreshPassReport> {
    current ??= pass(at).finally(() => {
      current = null;
    });
    return current;
  }

  function schedule(ms: number) {
    if (!running) return;
    timer = setTimeout(() => {
      runPass()
        .catch((error: unknown) => console.error("the remote badge refresh pass failed", error))
        .finally(() => schedule(tuning.intervalMs));
    }, ms);
    timer.unref();
  }

  return {
    runPass,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      schedule(tuning.firstPassAfterMs);
    },
    async stop() {
      running = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      await current?.catch(() => {});
    },
  };
}
