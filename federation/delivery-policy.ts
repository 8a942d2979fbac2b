// What to do after one delivery attempt: done, try again later (when), or give up.
// Pure, so the schedule and the rules are tested without a network.
import { isFetchError } from "./fetch-errors";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface RetryPolicy {
  /** Waits before the 2nd, 3rd, … attempt; after the last one fails, the delivery is dead. */
  scheduleMs: number[];
  /** Each wait is stretched by a random 0..jitter fraction, so retries to a host that was down do not all land at once. */
  jitter: number;
  /** Attempts given to a 4xx other than 404/408/410/429 (perhaps our key could not be fetched yet) before giving up. */
  clientErrorAttempts: number;
  /** A Retry-After longer than this is not waited for. */
  maxRetryAfterMs: number;
}

// 10 attempts over at least 86.6 hours, 3.6 days, plus jitter (Mastodon tries for about
// 50 to 74 hours): a peer down for a long weekend still gets everything.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  scheduleMs: [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 12 * HOUR, 18 * HOUR, 24 * HOUR, 24 * HOUR],
  jitter: 0.2,
  clientErrorAttempts: 3,
  maxRetryAfterMs: 24 * HOUR,
};

export type AttemptResult = { status: number; retryAfter?: string; body?: string } | { error: unknown };

export type Decision =
  | { kind: "delivered"; status: number }
  | { kind: "retry"; at: number; status: number | null; reason: string }
  | { kind: "dead"; status: number | null; reason: string };

/** The wait after attempt number `attempts` (1-based) failed, or null when none is left. */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number | null {
  const base = policy.scheduleMs[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 + policy.jitter * random()));
}

/** The shortest time between the first attempt and giving up (jitter only adds to it). */
export function retryWindowMs(policy: RetryPolicy): number {
  return policy.scheduleMs.reduce((a, b) => a + b, 0);
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates start with the day's name ("Tue, 01 Dec 2026 …", or the obsolete forms).
  if (!/^[A-Za-z]{3,9},? /.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function decide(result: AttemptResult, attempts: number, policy: RetryPolicy, now: number, random: () => number = Math.random): Decision {
  if ("error" in result) {
    const error = result.error;
    const reason = error instanceof Error ? error.message : String(error);
    // The address policy refused the inbox: trying again will not change it. An operator
    // can retry from the federation page after fixing the cause.
    if (isFetchError(error, "refused")) return { kind: "dead", status: null, reason };
    return retryOrGiveUp(null, reason, attempts, policy, now, random, null);
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: "delivered", status };
  const reason = describe(status, result.body);
  if (status === 404 || status === 410) return { kind: "dead", status, reason };
  const transient = status === 408 || status === 429 || status >= 500;
  if (!transient && attempts >= policy.clientErrorAttempts) return { kind: "dead", status, reason: `${reason} (gave up after ${attempts} attempts)` };
  const retryAfter = parseRetryAfter(result.retryAfter, now);
  return retryOrGiveUp(status, reason, attempts, policy, now, random, retryAfter === null ? null : Math.min(retryAfter, policy.maxRetryAfterMs));
}

function retryOrGiveUp(
  status: number | null,
  reason: string,
  attempts: number,
  policy: RetryPolicy,
  now: number,
  random: () => number,
  retryAfterMs: number | null,
): Decision {
  const delay = retryDelayMs(attempts, policy, random);
  if (delay === null) return { kind: "dead", status, reason: `${reason} (gave up after ${attempts} attempts)` };
  return { kind: "retry", at: now + Math.max(delay, retryAfterMs ?? 0), status, reason };
}

function describe(status: number, body: string | undefined): string {
  const excerpt = body?.replace(/\s+/g, " ").trim().slice(0, 200);
  return excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
}
