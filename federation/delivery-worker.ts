// The delivery worker: claims due deliveries under a lease, posts each stored activity
// signed by its actor's RSA key, and records what happened. One per process, started by
// server.ts. It wakes when activities are queued (in this process), when a delivery
// finishes, when the next retry or lease comes due, and at least every poll interval
// (activities queued by another process).
import type { KeyObject } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Db } from "../db/client";
import { onDeliveriesQueued } from "./delivery-signal";
import { DEFAULT_RETRY_POLICY, decide, type RetryPolicy } from "./delivery-policy";
import { activityToSend, nextClaimableAt, recordAndClaim, recordOutcomes, type ClaimedDelivery, type Outcome } from "./delivery-queue";
import { beginRun, releaseLeasesOfGoneRuns, type RunOwner } from "./delivery-runs";
import type { Fetcher } from "./fetcher";
import { actorKeysFor, rsaKeyId, rsaPrivateKey } from "./keys";

export interface DeliveryTuning {
  /** Deliveries in flight at once, all hosts together. */
  concurrency: number;
  /** Deliveries in flight to one host at once. */
  perHostConcurrency: number;
  /** How long a claimed row stays the worker's; must outlast one request (the fetcher's timeout). */
  leaseMs: number;
  /** Longest sleep when nothing is due (another process may queue work). */
  pollIntervalMs: number;
  /** On stop, how long in-flight deliveries may finish before they are cut off and released. */
  shutdownGraceMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_DELIVERY_TUNING: DeliveryTuning = {
  concurrency: 32,
  perHostConcurrency: 4,
  leaseMs: 60_000,
  pollIntervalMs: 5_000,
  shutdownGraceMs: 5_000,
  retry: DEFAULT_RETRY_POLICY,
};

export interface DeliveryWorkerOptions extends Partial<Omit<DeliveryTuning, "retry">> {
  db: Db;
  fetcher: Fetcher;
  retry?: Partial<RetryPolicy>;
  clock?: () => number;
  random?: () => number;
}

export interface DeliveryWorker {
  /** The lease owner name of this run. */
  readonly owner: string;
  start(): void;
  /** Stops claiming, lets in-flight deliveries finish within the grace period, releases the rest. */
  stop(): Promise<void>;
  /** Look for due deliveries now. */
  wake(): void;
  /** Resolves when nothing is in flight and nothing is due (tests, benchmarks). */
  idle(): Promise<void>;
}

interface InFlight {
  host: string;
  done: Promise<void>;
}

// Parsed private keys and activity bodies are kept while deliveries are under way, and
// dropped whenever the worker runs out of work.
const KEPT_ACTIVITIES = 64;

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, fetcher } = options;
  const tuning: DeliveryTuning = {
    ...DEFAULT_DELIVERY_TUNING,
    ...definedOnly(options),
    retry: { ...DEFAULT_RETRY_POLICY, ...definedOnly(options.retry ?? {}) },
  };
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;

  let run: RunOwner | null = null;
  let running = false;
  let stopping = false;
  let tickQueued = false;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  const inFlight = new Map<number, InFlight>();
  const perHost = new Map<string, number>();
  const finished: Outcome[] = [];
  const idleWaiters: Array<() => void> = [];
  // One signal for every delivery of a run: stopping cuts off all that are still in flight
  // once the grace period is over (one controller per delivery cost more than its bookkeeping).
  let stopSignal = new AbortController();
  const keys = new Map<string, { keyId: string; privateKey: KeyObject }>();
  const bodies = new Map<number, { actorUri: string; body: string } | null>();

  function signingKey(actorUri: string) {
    let key = keys.get(actorUri);
    if (!key) keys.set(actorUri, (key = { keyId: rsaKeyId(actorUri), privateKey: rsaPrivateKey(actorKeysFor(db, actorUri)) }));
    return key;
  }

  function activity(activityId: number) {
    if (!bodies.has(activityId)) {
      if (bodies.size >= KEPT_ACTIVITIES) bodies.delete(bodies.keys().next().value!);
      bodies.set(activityId, activityToSend(db, activityId));
    }
    return bodies.get(activityId)!;
  }

  async function attempt(row: ClaimedDelivery, signal: AbortSignal): Promise<Outcome> {
    const stored = activity(row.activityId);
    // The activity row was deleted (cascade removes its deliveries too): nothing to send.
    if (!stored) return { id: row.id, kind: "dead", status: null, reason: "the activity is no longer in the outbox" };
    try {
      const res = await fetcher.post(row.inboxUrl, stored.body, { signAs: signingKey(stored.actorUri), signal });
      const retryAfter = res.headers["retry-after"];
      const result = { status: res.status, body: res.body, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
      return { id: row.id, ...decide(result, row.attempts, tuning.retry, clock(), random) };
    } catch (error) {
      if (signal.aborted) return { id: row.id, kind: "release" };
      return { id: row.id, ...decide({ error }, row.attempts, tuning.retry, clock(), random) };
    }
  }

  function launch(row: ClaimedDelivery) {
    perHost.set(row.host, (perHost.get(row.host) ?? 0) + 1);
    const done = attempt(row, stopSignal.signal)
      .catch((error: unknown): Outcome => {
        // A bug, not a peer's failure: keep the row and try again later.
        console.error("delivery attempt failed unexpectedly", error);
        return { id: row.id, kind: "retry", at: clock() + tuning.retry.scheduleMs[0], status: null, reason: String(error) };
      })
      .then((outcome) => {
        finished.push(outcome);
        inFlight.delete(row.id);
        const n = (perHost.get(row.host) ?? 1) - 1;
        if (n > 0) perHost.set(row.host, n);
        else perHost.delete(row.host);
        queueTick();
      });
    inFlight.set(row.id, { host: row.host, done });
  }

  function flush() {
    if (!run || finished.length === 0) return;
    recordOutcomes(db, run.name, finished.splice(0), clock());
  }

  function tick() {
    tickQueued = false;
    if (!running || !run) return;
    try {
      const free = tuning.concurrency - inFlight.size;
      // While busy, outcomes are recorded and rows claimed in batches, one transaction for
      // both: one per finished delivery would cost more than the delivery's bookkeeping.
      const batch = Math.max(1, Math.floor(tuning.concurrency / 4));
      if (free < batch && inFlight.size > 0) {
        if (finished.length >= batch) flush();
        return;
      }
      const claimed = recordAndClaim(db, finished.splice(0), {
        owner: run.name,
        now: clock(),
        leaseMs: tuning.leaseMs,
        limit: free,
        perHostLimit: tuning.perHostConcurrency,
        busyHosts: perHost,
      });
      for (const row of claimed) launch(row);
      // Finishing deliveries wake the worker; only with nothing more to claim does it
      // need a timer for the next retry or lease coming due.
      if (claimed.length === 0) {
        sleepUntil(nextClaimableAt(db));
        if (inFlight.size === 0) {
          // Read keys and activities afresh for the next burst (a key may have been rotated).
          keys.clear();
          bodies.clear();
          idleWaiters.splice(0).forEach((resolve) => resolve());
        }
      }
    } catch (error) {
      console.error("delivery worker could not read the queue", error);
      sleepUntil(null);
    }
  }

  function sleepUntil(at: number | null) {
    if (timer) clearTimeout(timer);
    const now = clock();
    const wait = at === null ? tuning.pollIntervalMs : Math.min(Math.max(at - now, 0), tuning.pollIntervalMs);
    timer = setTimeout(queueTick, Math.max(wait, 5));
    timer.unref();
  }

  function queueTick() {
    if (tickQueued || !running) return;
    tickQueued = true;
    setImmediate(tick);
  }

  return {
    get owner() {
      return run?.name ?? "";
    },

    start() {
      if (running) return;
      run = beginRun();
      stopSignal = new AbortController();
      // Each delivery in flight listens for it.
      setMaxListeners(Infinity, stopSignal.signal);
      running = true;
      stopping = false;
      releaseLeasesOfGoneRuns(db);
      unsubscribe = onDeliveriesQueued(queueTick);
      queueTick();
    },

    async stop() {
      if (!running || stopping || !run) return;
      stopping = true;
      running = false;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      const all = () => Promise.all([...inFlight.values()].map((f) => f.done));
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, tuning.shutdownGraceMs)));
      await Promise.race([all(), grace]);
      clearTimeout(graceTimer);
      stopSignal.abort(new Error("the delivery worker is stopping"));
      await all();
      flush();
      run.end();
      run = null;
      idleWaiters.splice(0).forEach((resolve) => resolve());
    },

    wake: queueTick,

    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        queueTick();
      });
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== "db" && k !== "fetcher" && k !== "retry")) as Partial<T>;
}
