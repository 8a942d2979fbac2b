// Typed failures that services raise. They are mapped to HTTP exactly once, at the edge
// (app/utils/http.server.ts), so services never speak in status codes.

export type FieldErrors = Record<string, string[]>;

// Checked by brand, not instanceof: server.ts (tsx) and the Remix bundle each load their
// own copy of this module, and errors cross between them.
const BRAND = Symbol.for("badge-commons.domain-error");

export function isDomainError(e: unknown): e is DomainError {
  return !!e && typeof e === "object" && (e as Record<symbol, unknown>)[BRAND] === true;
}

export class DomainError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly kind: "not_found" | "forbidden" | "invalid" | "conflict" | "rate_limited" | "unauthenticated",
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what = "That page") {
    super("not_found", `${what} was not found.`);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You do not have permission to do that.") {
    super("forbidden", message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = "Please sign in first.") {
    super("unauthenticated", message);
  }
}

export function isValidationError(e: unknown): e is ValidationError {
  return isDomainError(e) && e.kind === "invalid";
}

export function isRateLimitedError(e: unknown): e is RateLimitedError {
  return isDomainError(e) && e.kind === "rate_limited";
}

export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super("invalid", message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super("conflict", message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", `Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`);
  }
}
