// Who holds a delivery lease, and whether that holder is gone.
//
// A lease is named `hostname:pid:run`. At start-up a worker frees at once the leases of
// runs it can prove dead: on this machine, a process id that no longer exists, or a run of
// this very process that has stopped. Anything it cannot judge (another machine, a live
// process, a pid reused by another program) keeps its lease until it passes, so a live
// worker's in-flight delivery is never handed to a second one. Receivers de-duplicate by
// activity id, so the rare re-send after an expired lease is harmless.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db/client";
import { leaseOwners, releaseLeasesOf } from "./delivery-queue";

const LIVE = Symbol.for("badge-commons.live-delivery-runs");

function liveRuns(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (g[LIVE] ??= new Set());
}

export interface RunOwner {
  name: string;
  /** Marks the run stopped; its leases may be freed by the next run. */
  end(): void;
}

/** A fresh lease owner for a worker run in this process. */
export function beginRun(): RunOwner {
  const run = randomUUID().slice(0, 8);
  const name = `${hostname()}:${process.pid}:${run}`;
  liveRuns().add(name);
  return { name, end: () => liveRuns().delete(name) };
}

export function parseOwner(owner: string): { host: string; pid: number; run: string } | null {
  const m = owner.match(/^(.*):(\d+):([^:]+)$/);
  return m ? { host: m[1], pid: Number(m[2]), run: m[3] } : null;
}

/** True only when the run named `owner` has certainly stopped. */
export function isRunGone(owner: string, processExists: (pid: number) => boolean = pidExists): boolean {
  const parsed = parseOwner(owner);
  if (!parsed || parsed.host !== hostname()) return false;
  if (parsed.pid === process.pid) return !liveRuns().has(owner);
  return !processExists(parsed.pid);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Frees the leases of runs that are gone; returns how many deliveries became due. */
export function releaseLeasesOfGoneRuns(db: Db, processExists?: (pid: number) => boolean): number {
  let freed = 0;
  for (const owner of leaseOwners(db)) {
    if (isRunGone(owner, processExists)) freed += releaseLeasesOf(db, owner);
  }
  return freed;
}
