// What the guarded fetcher throws. Callers decide by `kind` (retry a timeout, give up on a
// refusal); the brand makes the check work across the two copies of this module that
// server.ts and the Remix bundle each load.
const BRAND = Symbol.for("badge-commons.fetch-error");

export type FetchErrorKind = "refused" | "timeout" | "too_large" | "remote" | "failed" | "invalid";

export class FetchError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly kind: FetchErrorKind,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Not attempted or cut off on purpose: a scheme, address or redirect the policy forbids. */
export class FetchRefused extends FetchError {
  constructor(url: string, readonly reason: string) {
    super("refused", url, `Refused to fetch ${url}: ${reason}`);
  }
}

export class FetchTimeout extends FetchError {
  constructor(url: string, readonly phase: "connect" | "total", ms: number) {
    super("timeout", url, `Fetching ${url} timed out (${phase}, ${ms} ms)`);
  }
}

export class FetchTooLarge extends FetchError {
  constructor(url: string, readonly limitBytes: number) {
    super("too_large", url, `The response from ${url} is larger than ${limitBytes} bytes`);
  }
}

/** The remote answered, but not with success. */
export class RemoteError extends FetchError {
  constructor(url: string, readonly status: number) {
    super("remote", url, `${url} answered ${status}`);
  }
}

/** The network failed: refused connection, reset, unknown host. */
export class FetchFailed extends FetchError {
  constructor(url: string, cause: unknown) {
    const code = (cause as { code?: string })?.code;
    super("failed", url, `Could not fetch ${url}: ${code ?? (cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** The response is not a document we accept: not JSON, or not the object asked for. */
export class InvalidDocument extends FetchError {
  constructor(url: string, reason: string) {
    super("invalid", url, `The document at ${url} was refused: ${reason}`);
  }
}

export function isFetchError(e: unknown, kind?: FetchErrorKind): e is FetchError {
  if (!e || typeof e !== "object" || (e as Record<symbol, unknown>)[BRAND] !== true) return false;
  return kind === undefined || (e as FetchError).kind === kind;
}
