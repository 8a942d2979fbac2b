// The edge: maps typed service failures to HTTP once, and reads the load context.
import { data, redirect, type AppLoadContext } from "@remix-run/node";
import { isDomainError, isRateLimitedError, isValidationError, type DomainError, type FieldErrors } from "~/services/errors";
import type { SessionUser } from "~/services/auth.server";

const STATUS: Record<DomainError["kind"], number> = {
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  invalid: 400,
  conflict: 409,
  rate_limited: 429,
};

/** Turns a DomainError into a thrown Response for the error boundary; rethrows others. */
export function toHttpError(error: unknown): never {
  if (isDomainError(error)) {
    const headers: Record<string, string> = {};
    if (isRateLimitedError(error)) headers["Retry-After"] = String(Math.ceil(error.retryAfterSeconds));
    throw data({ message: error.message }, { status: STATUS[error.kind], headers });
  }
  throw error;
}

/** Runs a loader or action body, mapping DomainErrors to HTTP responses. */
export async function handle<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Response) throw error;
    if (isDataResponse(error)) throw error;
    return toHttpError(error);
  }
}

function isDataResponse(e: unknown): boolean {
  return !!e && typeof e === "object" && (e as { type?: string }).type === "DataWithResponseInit";
}

export interface FormFailure<V = Record<string, unknown>> {
  ok: false;
  message: string;
  fieldErrors: FieldErrors;
  values: V;
}

/**
 * For actions: a validation failure becomes a 400 carrying field errors and what the
 * user typed, so the form re-renders with nothing lost. Other errors go to handle().
 */
export async function formAction<T, V extends Record<string, unknown>>(
  values: V,
  fn: () => T | Promise<T>,
): Promise<T | ReturnType<typeof data<FormFailure<V>>>> {
  try {
    return await fn();
  } catch (error) {
    if (isValidationError(error) || isRateLimitedError(error)) {
      const status = isRateLimitedError(error) ? 429 : 400;
      return data(
        {
          ok: false as const,
          message: error.message,
          fieldErrors: isValidationError(error) ? error.fieldErrors : { form: [error.message] },
          values,
        },
        { status },
      );
    }
    if (error instanceof Response || isDataResponse(error)) throw error;
    return toHttpError(error);
  }
}

/** The signed-in user, or a redirect to sign in that comes back here afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const { user } = await context.auth.getSession(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/signin?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

export async function optionalUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  return (await context.auth.getSession(request)).user;
}

/** Only same-site relative paths: never an open redirect. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
