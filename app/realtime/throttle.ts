// Refreshing a page on every change from a busy draft would reload it many times a
// second. A throttle runs its task at once, then at most once per interval; changes that
// arrive in between are folded into one run at the end of the interval, so the page
// never stays behind the last change. Pure; the clock is injectable for tests.

// How often at most a page reloads its data because others changed the badge.
export const PAGE_REFRESH_MS = 5000;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** Runs the task now, or once at the end of the current interval. */
  request(): void;
  /** Runs the task now whatever the interval (a change people wait to see). */
  flush(): void;
  /** Forgets a pending run (the page is going away). */
  cancel(): void;
}

export function throttle(task: () => void, intervalMs: number, clock: Clock = systemClock): Throttle {
  let lastRun = Number.NEGATIVE_INFINITY;
  let pending: unknown = null;
  const run = () => {
    pending = null;
    lastRun = clock.now();
    task();
  };
  const cancel = () => {
    if (pending !== null) clock.clearTimeout(pending);
    pending = null;
  };
  return {
    request() {
      if (pending !== null) return;
      const wait = lastRun + intervalMs - clock.now();
      if (wait <= 0) run();
      else pending = clock.setTimeout(run, wait);
    },
    flush() {
      cancel();
      run();
    },
    cancel,
  };
}
