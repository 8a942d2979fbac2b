// Form actions of the publishing workflow. Like formAction, but a ConflictError (the draft
// moved, the policy is not met, nothing changed since the last version) is answered with
// 409 and the same FormFailure shape, so the page re-renders with the message next to what
// the user was doing instead of replacing the page with an error.
import { data } from "@remix-run/node";
import { isDomainError } from "~/services/errors";
import { formAction, type FormFailure } from "./http.server";

export async function workflowAction<T, V extends Record<string, unknown>>(values: V, fn: () => T | Promise<T>) {
  return formAction(values, async () => {
    try {
      return await fn();
    } catch (error) {
      if (isDomainError(error) && error.kind === "conflict") {
        const failure: FormFailure<V> = { ok: false, message: error.message, fieldErrors: {}, values };
        return data(failure, { status: 409 });
      }
      throw error;
    }
  });
}

/** A form field as a trimmed-free string ("" when absent or a file). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
