import { RateLimitedError } from "./errors";

/**
 * A fixed-window counter kept in memory. One instance per process is enough for the
 * embedded single-node deployment; a multi-node deployment would move it to the shared
 * store (see DESIGN.md, scale path).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt against every key; throws RateLimitedError when any is over. */
  hit(...keys: string[]): void {
    const now = this.now();
    if (this.windows.size > 10_000) this.sweep(now);
    for (const key of keys) {
      let w = this.windows.get(key);
      if (!w || w.resetAt <= now) {
        w = { count: 0, resetAt: now + this.windowMs };
        this.windows.set(key, w);
      }
      w.count += 1;
      if (w.count > this.limit) throw new RateLimitedError((w.resetAt - now) / 1000);
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
