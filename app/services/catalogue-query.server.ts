// What a catalogue search asks for, normalised from untrusted input (a URL's query
// string), and the user's words turned into a safe SQLite FTS5 query. Pure functions.
import { ORGANISATION_KINDS, type OrganisationKind } from "../../db/schema";
import { HOURS_CHOICES } from "../utils/catalogue-url";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 50;
const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 12;
const MAX_PAGE = 10_000;

export interface CatalogueQuery {
  q: string;
  tag: string | null;
  kind: OrganisationKind | null;
  // An organisation's handle: `handle` for one of this instance, `handle@host` for a remote one.
  organisation: string | null;
  // Whose badges: those stewarded on this instance ("here") or on others ("elsewhere").
  instance: CatalogueInstance | null;
  // Badges endorsed (accepted endorsements) by an organisation (a handle, as above) or by
  // any organisation of a kind.
  endorser: string | null;
  endorserKind: OrganisationKind | null;
  // The definition's language (a BCP 47 code, lower case), and at most this many estimated
  // hours of learning (badges that do not say are left out when this is set).
  language: string | null;
  hoursMax: number | null;
  page: number;
  pageSize: number;
}

export const CATALOGUE_INSTANCES = ["here", "elsewhere"] as const;
export type CatalogueInstance = (typeof CATALOGUE_INSTANCES)[number];

export type CatalogueQueryInput = Partial<{
  q: unknown;
  tag: unknown;
  kind: unknown;
  organisation: unknown;
  instance: unknown;
  endorser: unknown;
  endorserKind: unknown;
  language: unknown;
  hoursMax: unknown;
  page: unknown;
  pageSize: unknown;
}>;

const text = (v: unknown, max: number): string =>
  typeof v === "string" ? v.replace(/\s+/g, " ").trim().slice(0, max).trim() : "";

const int = (v: unknown, fallback: number, min: number, max: number): number => {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,9}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
};

/**
 * Normalises a search request. A catalogue is read by anyone with any URL, so nothing
 * here throws: unknown kinds are ignored, pages are clamped, text is trimmed and capped.
 */
const kindOf = (v: unknown): OrganisationKind | null => {
  const kind = text(v, 20).toLowerCase();
  return (ORGANISATION_KINDS as readonly string[]).includes(kind) ? (kind as OrganisationKind) : null;
};


const languageOf = (v: unknown): string | null => {
  const code = text(v, 35).toLowerCase();
  return /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(code) ? code : null;
};

export function normaliseCatalogueQuery(input: CatalogueQueryInput = {}): CatalogueQuery {
  const kind = text(input.kind, 20).toLowerCase();
  const instance = text(input.instance, 20).toLowerCase();
  return {
    q: text(input.q, MAX_QUERY_LENGTH),
    tag: text(input.tag, 50).toLowerCase() || null,
    kind: kindOf(input.kind),
    organisation: text(input.organisation, 300).toLowerCase() || null,
    instance: (CATALOGUE_INSTANCES as readonly string[]).includes(instance) ? (instance as CatalogueInstance) : null,
    endorser: text(input.endorser, 300).toLowerCase() || null,
    endorserKind: kindOf(input.endorserKind),
    language: languageOf(input.language),
    hoursMax: HOURS_CHOICES.includes(int(input.hoursMax, 0, 0, 10_000) as (typeof HOURS_CHOICES)[number]) ? int(input.hoursMax, 0, 0, 10_000) : null,
    page: int(input.page, 1, 1, MAX_PAGE),
    pageSize: int(input.pageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
  };
}

/** Reads a catalogue query from a URL's search parameters. */
export function catalogueQueryFromParams(params: URLSearchParams): CatalogueQuery {
  return normaliseCatalogueQuery({
    q: params.get("q") ?? undefined,
    tag: params.get("tag") ?? undefined,
    kind: params.get("kind") ?? undefined,
    organisation: params.get("organisation") ?? undefined,
    instance: params.get("instance") ?? undefined,
    endorser: params.get("endorser") ?? undefined,
    endorserKind: params.get("endorserKind") ?? undefined,
    language: params.get("language") ?? undefined,
    hoursMax: params.get("hoursMax") ?? undefined,
    page: params.get("page") ?? undefined,
  });
}

/**
 * Turns what a user typed into an FTS5 query that cannot be a syntax error: words are
 * taken out (letters, digits and combining marks, as the unicode61 tokenizer sees them),
 * each is quoted as a string, and the last one (from two letters) matches as a prefix so
 * results come while typing. FTS5 operators (AND, OR, NOT, NEAR, *, ^, :, parentheses, quotes) in the input
 * become plain words or nothing. Returns null when no word is left.
 */
export function toFtsQuery(input: string): string | null {
  const terms = searchTerms(input);
  if (!terms.length) return null;
  return terms.map((t) => `"${t.text.replace(/"/g, '""')}"${t.prefix ? "*" : ""}`).join(" ");
}

/** The words of a search as toFtsQuery() puts them to FTS5: lower-cased, the last a prefix. */
export function searchTerms(input: string): { text: string; prefix: boolean }[] {
  const words = input.normalize("NFKC").match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? [];
  const terms = [...new Set(words.map((w) => w.toLowerCase()))].slice(0, MAX_TERMS);
  // A one-letter prefix would match most of the index; from two letters on, the FTS
  // table's prefix indexes answer it.
  return terms.map((text, i) => ({ text, prefix: i === terms.length - 1 && [...text].length > 1 }));
}
