// Group commit: writes asked for during one turn of the event loop are committed together,
// in one transaction, before any of their callers hears back. A busy inbox records every
// activity it receives; committed one by one, each record was its own WAL write (about
// 100 µs on the project's VM, the largest part of an ignored activity's SQLite time),
// against about a third of that in groups. Nothing is acknowledged before it is committed:
// a caller's promise settles only after the transaction holding its write has.
import type Database from "better-sqlite3";

export type GroupWrite<T, R> = (row: T) => R;

/** Queues `write(row)`; resolves with its result once the group it joined has committed. */
export type GroupCommit<T, R> = (row: T) => Promise<R>;

export function groupCommit<T, R>(client: Database.Database, write: GroupWrite<T, R>): GroupCommit<T, R> {
  let queue: Array<{ row: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];

  function flush() {
    const group = queue;
    queue = [];
    let results: R[];
    try {
      results = client.transaction(() => group.map((g) => write(g.row)))();
    } catch {
      // One write failed and took the group down with it: each again on its own, so only
      // the failing one fails.
      for (const g of group) {
        try {
          g.resolve(client.transaction(() => write(g.row))());
        } catch (error) {
          g.reject(error);
        }
      }
      return;
    }
    group.forEach((g, i) => g.resolve(results[i]));
  }

  return (row) =>
    new Promise<R>((resolve, reject) => {
      // After the poll phase: every request whose body arrived in this turn has queued its
      // write by then.
      if (queue.length === 0) setImmediate(flush);
      queue.push({ row, resolve, reject });
    });
}
