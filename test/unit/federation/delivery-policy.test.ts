import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, decide, parseRetryAfter, retryDelayMs, retryWindowMs, type RetryPolicy } from "../../../federation/delivery-policy";
import { FetchFailed, FetchRefused, FetchTimeout } from "../../../federation/fetch-errors";

const MIN = 60_000;
const HOUR = 60 * MIN;
const now = Date.parse("2026-12-01T10:00:00Z");
const noJitter = () => 0;

describe("the retry schedule", () => {
  it("waits 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 18 h, 24 h, 24 h, then gives up", () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY, noJitter));
    expect(waits).toEqual([1 * MIN, 5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR, 12 * HOUR, 18 * HOUR, 24 * HOUR, 24 * HOUR, null]);
  });

  it("keeps trying for more than three days, as long as Mastodon or longer", () => {
    expect(retryWindowMs(DEFAULT_RETRY_POLICY)).toBeGreaterThan(72 * HOUR);
    expect(retryWindowMs(DEFAULT_RETRY_POLICY) / HOUR).toBeCloseTo(86.6, 1);
  });

  it("stretches each wait by up to a fifth at random, never shortens it", () => {
    expect(retryDelayMs(4, DEFAULT_RETRY_POLICY, () => 0)).toBe(2 * HOUR);
    expect(retryDelayMs(4, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(Math.round(2.2 * HOUR));
    expect(retryDelayMs(4, DEFAULT_RETRY_POLICY, () => 0.999999)).toBeLessThanOrEqual(2.4 * HOUR);
  });

  it("a peer that always fails gets ten attempts spread over more than three days, then the delivery is dead", () => {
    let at = now;
    const attempts: number[] = [];
    for (let n = 1; ; n++) {
      attempts.push(at);
      const d = decide({ status: 503 }, n, DEFAULT_RETRY_POLICY, at, Math.random);
      if (d.kind === "dead") {
        expect(d.reason).toContain("gave up after 10 attempts");
        break;
      }
      expect(d.kind).toBe("retry");
      at = (d as { at: number }).at;
    }
    expect(attempts).toHaveLength(10);
    expect(attempts[9] - attempts[0]).toBeGreaterThan(86 * HOUR);
    expect(attempts[9] - attempts[0]).toBeLessThan(104 * HOUR); // jitter adds at most a fifth
  });
});

describe("decide", () => {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };

  it("counts any 2xx as delivered", () => {
    for (const status of [200, 201, 202, 204]) expect(decide({ status }, 1, policy, now)).toEqual({ kind: "delivered", status });
  });

  it("treats 404 and 410 as permanent, at once", () => {
    expect(decide({ status: 410, body: "Gone" }, 1, policy, now)).toEqual({ kind: "dead", status: 410, reason: "HTTP 410: Gone" });
    expect(decide({ status: 404 }, 1, policy, now)).toMatchObject({ kind: "dead", status: 404 });
  });

  it("retries server errors, 408 and 429 on the schedule", () => {
    for (const status of [500, 502, 503, 408, 429]) {
      expect(decide({ status }, 1, policy, now, noJitter)).toMatchObject({ kind: "retry", at: now + MIN, status });
    }
    expect(decide({ status: 500 }, 3, policy, now, noJitter)).toMatchObject({ kind: "retry", at: now + 30 * MIN });
  });

  it("waits at least as long as Retry-After says, in seconds or as a date, up to a day", () => {
    expect(decide({ status: 429, retryAfter: "600" }, 1, policy, now, noJitter)).toMatchObject({ at: now + 10 * MIN });
    const date = new Date(now + 3 * HOUR).toUTCString();
    expect(decide({ status: 503, retryAfter: date }, 1, policy, now, noJitter)).toMatchObject({ at: now + 3 * HOUR });
    expect(decide({ status: 503, retryAfter: "30" }, 2, policy, now, noJitter)).toMatchObject({ at: now + 5 * MIN }); // the schedule is longer
    expect(decide({ status: 503, retryAfter: String(30 * 24 * 3600) }, 1, policy, now, noJitter)).toMatchObject({ at: now + 24 * HOUR });
    expect(decide({ status: 503, retryAfter: "soon" }, 1, policy, now, noJitter)).toMatchObject({ at: now + MIN });
  });

  it("gives other 4xx a few tries (the peer may not have fetched our key yet), then gives up", () => {
    expect(decide({ status: 401 }, 1, policy, now, noJitter)).toMatchObject({ kind: "retry", at: now + MIN });
    expect(decide({ status: 400 }, 2, policy, now, noJitter)).toMatchObject({ kind: "retry" });
    expect(decide({ status: 403 }, 3, policy, now, noJitter)).toMatchObject({ kind: "dead", status: 403, reason: expect.stringContaining("gave up after 3") });
  });

  it("retries network failures and timeouts, but not a refused address", () => {
    const url = "http://peer.example/inbox";
    expect(decide({ error: new FetchFailed(url, Object.assign(new Error("x"), { code: "ECONNREFUSED" })) }, 1, policy, now, noJitter)).toMatchObject({
      kind: "retry",
      status: null,
      reason: expect.stringContaining("ECONNREFUSED"),
    });
    expect(decide({ error: new FetchTimeout(url, "total", 15_000) }, 1, policy, now, noJitter)).toMatchObject({ kind: "retry" });
    expect(decide({ error: new FetchRefused(url, "loopback address 127.0.0.1") }, 1, policy, now)).toMatchObject({
      kind: "dead",
      reason: expect.stringContaining("loopback"),
    });
  });

  it("gives up on a network failure after the last scheduled attempt", () => {
    const error = new FetchFailed("http://peer.example/inbox", new Error("reset"));
    expect(decide({ error }, 10, policy, now)).toMatchObject({ kind: "dead", reason: expect.stringContaining("gave up after 10") });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and nothing else", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter("-1", now)).toBeNull();
    expect(parseRetryAfter("2026", now)).toBe(2_026_000); // digits are seconds, never a year
  });
});
