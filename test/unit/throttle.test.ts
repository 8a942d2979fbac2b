import { describe, expect, it } from "vitest";
import { throttle, type Clock } from "../../app/realtime/throttle";

/** A clock that moves only when told to, running timers that fall due. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((x) => x !== t);
      t.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

describe("throttle", () => {
  it("runs the first request at once and folds a burst into one run at the end of the interval", () => {
    const { clock, advance } = manualClock();
    const runs: number[] = [];
    const t = throttle(() => runs.push(clock.now()), 5000, clock);
    t.request();
    expect(runs).toEqual([0]);
    advance(1000);
    t.request();
    advance(1000);
    t.request();
    t.request();
    expect(runs).toEqual([0]);
    advance(2999);
    expect(runs).toEqual([0]);
    advance(1);
    // The last change of the burst is not lost.
    expect(runs).toEqual([0, 5000]);
    advance(20_000);
    expect(runs).toEqual([0, 5000]);
    t.request();
    expect(runs).toEqual([0, 5000, 25_000]);
  });

  it("flushes at once, dropping the run it replaces, and cancels", () => {
    const { clock, advance, pending } = manualClock();
    let runs = 0;
    const t = throttle(() => runs++, 5000, clock);
    t.request();
    advance(100);
    t.request();
    expect(pending()).toBe(1);
    t.flush();
    expect(runs).toBe(2);
    expect(pending()).toBe(0);
    advance(100);
    t.request();
    t.cancel();
    advance(10_000);
    expect(runs).toBe(2);
  });
});
