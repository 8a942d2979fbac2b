// Marks a search's words in the texts of the page of results: the name and summary whole,
// the criteria as an excerpt around the best match. FTS5's highlight() and snippet() did this
// in SQL, but they need the query matched again for the page's rows, and FTS5 answers a
// `rowid IN (…)` next to MATCH by walking the whole doclist of each term: for a common word
// typed as a prefix longer than its prefix indexes (`"social"*`) that was 5-10 ms for twenty
// rows, more than the rest of the search. Here the tokens are read the way the table's
// tokenizer reads them (unicode61, remove_diacritics 2: letters, digits and private-use
// characters, case and diacritics folded), so what is marked is what matched.
import { MATCH_END, MATCH_START } from "../utils/highlight";

export interface SearchTerm {
  text: string;
  prefix: boolean;
}

interface Token {
  start: number;
  end: number;
  match: boolean;
}

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

function tokens(text: string, terms: SearchTerm[]): Token[] {
  const folded = terms.map((t) => ({ text: fold(t.text), prefix: t.prefix }));
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const word = fold(m[0]);
    const match = folded.some((t) => (t.prefix ? word.startsWith(t.text) : word === t.text));
    out.push({ start: m.index!, end: m.index! + m[0].length, match });
  }
  return out;
}

function mark(text: string, list: Token[], from: number, to: number): string {
  let out = "";
  let at = from;
  for (const t of list) {
    if (!t.match || t.start < from || t.end > to) continue;
    out += text.slice(at, t.start) + MATCH_START + text.slice(t.start, t.end) + MATCH_END;
    at = t.end;
  }
  return out + text.slice(at, to);
}

/** The text with every matching word between MATCH_START and MATCH_END. */
export function highlightTerms(text: string, terms: SearchTerm[]): string {
  return mark(text, tokens(text, terms), 0, text.length);
}

/**
 * An excerpt of at most `size` words around the part of the text where most of the search's
 * words match, marked, with an ellipsis where it cuts; null when no word matches.
 */
export function snippetOfTerms(text: string, terms: SearchTerm[], size = 24): string | null {
  const list = tokens(text, terms);
  const hits = list.flatMap((t, i) => (t.match ? [i] : []));
  if (!hits.length) return null;
  if (list.length <= size) return mark(text, list, 0, text.length);
  // The window with the most matches, led in by a few words of context.
  let best = 0;
  let bestCount = -1;
  for (const h of hits) {
    const start = Math.max(0, Math.min(h - 3, list.length - size));
    const count = hits.filter((x) => x >= start && x < start + size).length;
    if (count > bestCount) [best, bestCount] = [start, count];
  }
  const last = best + size - 1;
  const from = best === 0 ? 0 : list[best].start;
  const to = last >= list.length - 1 ? text.length : list[last].end;
  return `${best === 0 ? "" : "…"}${mark(text, list, from, to)}${to === text.length ? "" : "…"}`;
}
