// Wakes delivery workers when activities are queued, so a delivery starts at once rather
// than at the next poll.
//
// The registry lives on globalThis: server.ts (which runs the worker) and the Remix bundle
// (whose services queue activities) each load their own copy of this module, and both
// must reach the same workers.
const KEY = Symbol.for("badge-commons.delivery-wakers");

type Waker = () => void;

function wakers(): Set<Waker> {
  const g = globalThis as unknown as Record<symbol, Set<Waker> | undefined>;
  return (g[KEY] ??= new Set());
}

let scheduled = false;

/** Registers a worker's wake-up; returns the function that removes it. */
export function onDeliveriesQueued(waker: Waker): () => void {
  wakers().add(waker);
  return () => wakers().delete(waker);
}

/**
 * Called where deliveries are written, usually inside the caller's transaction. SQLite
 * transactions here are synchronous, so by the time this callback runs (after the current
 * stack unwinds) the transaction has committed or rolled back; a worker woken for a
 * rolled-back activity finds nothing and sleeps again.
 */
export function deliveriesQueued(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    for (const wake of wakers()) wake();
  });
}
