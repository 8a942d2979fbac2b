// What an endorser writes about a badge: plain text, normalised and length-limited the
// same way in the form (maxLength) and the service (zod). Client-safe.
import { z } from "zod";

export const STATEMENT_MAX = 1000;

/**
 * Unicode NFC, line breaks as \n, no control or invisible formatting characters (they can
 * disguise text, e.g. bidirectional overrides), no trailing spaces on a line, at most one
 * blank line in a row, trimmed.
 */
export function normaliseStatement(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, "")
    .replace(/\t/g, " ")
    .replace(/[ \u00A0]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export const StatementSchema = z
  .string({ invalid_type_error: "Write a statement." })
  .transform(normaliseStatement)
  .pipe(
    z
      .string()
      .min(1, "Write a statement: why does your organisation vouch for this badge?")
      .refine((s) => [...s].length <= STATEMENT_MAX, `A statement has at most ${STATEMENT_MAX.toLocaleString("en-GB")} characters.`),
  );
