// The live co-editing document of a badge draft (Yjs), shared by the browser and the
// server. Layout:
//   Y.Text  "name", "summary", "criteria", "tags" (tags as the comma-separated line typed)
//   Y.Map   "fields": achievementType, language, estimatedHours (as typed), prerequisites (the
//           condition rows as one JSON value: {id, rule, count, badges}[]; a whole change at a time)
//   Y.Array "alignments": one Y.Map per row (id, targetName, targetUrl, targetFramework)
//   Y.Map   "meta": epoch (which server-made document this is; see live-drafts.server.ts)
// The image is not part of it: it changes by upload only, through a form save.
import * as Y from "yjs";
import { diffLines } from "../services/badge-content";
import type { AlignmentRow, ConditionRow, DraftValues } from "../services/draft-values";
import { newRowId } from "../services/draft-values";

export const LIVE_TEXT_FIELDS = ["name", "summary", "criteria", "tags"] as const;
export type LiveTextField = (typeof LIVE_TEXT_FIELDS)[number];
export const LIVE_MAP_FIELDS = ["achievementType", "language", "estimatedHours", "prerequisites"] as const;
export type LiveMapField = (typeof LIVE_MAP_FIELDS)[number];
// Everything a co-author can type live, for presence ("where each is typing").
export const LIVE_FIELDS = [...LIVE_TEXT_FIELDS, ...LIVE_MAP_FIELDS, "alignments"] as const;
export type LiveField = (typeof LIVE_FIELDS)[number];
export const ALIGNMENT_KEYS = ["targetName", "targetUrl", "targetFramework"] as const;
export type AlignmentKey = (typeof ALIGNMENT_KEYS)[number];

export type LiveValues = Omit<DraftValues, "imageId">;

export const textOf = (doc: Y.Doc, field: LiveTextField) => doc.getText(field);
export const fieldsOf = (doc: Y.Doc) => doc.getMap<unknown>("fields");
export const alignmentsOf = (doc: Y.Doc) => doc.getArray<Y.Map<string>>("alignments");
export const metaOf = (doc: Y.Doc) => doc.getMap<string>("meta");

/**
 * Declares every shared type with its kind. Call on a new document before applying
 * updates: otherwise types arrive untyped and are swapped for typed ones on first use,
 * and anything holding the first instance (transaction records, observers) misses out.
 */
export function defineTypes(doc: Y.Doc): Y.Doc {
  for (const f of LIVE_TEXT_FIELDS) textOf(doc, f);
  fieldsOf(doc);
  alignmentsOf(doc);
  metaOf(doc);
  return doc;
}

const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : fallback);

export function readAlignments(doc: Y.Doc): AlignmentRow[] {
  return alignmentsOf(doc)
    .toArray()
    .filter((row): row is Y.Map<string> => row instanceof Y.Map)
    .map((row) => ({
      id: str(row.get("id")),
      targetName: str(row.get("targetName")),
      targetUrl: str(row.get("targetUrl")),
      targetFramework: str(row.get("targetFramework")),
    }));
}

/** The fields a transaction changed (for crediting revisions to whoever typed). */
export function touchedFields(doc: Y.Doc, transaction: Y.Transaction): Set<LiveField> {
  const roots = new Map<Y.AbstractType<unknown>, LiveField | "fields">();
  for (const f of LIVE_TEXT_FIELDS) roots.set(textOf(doc, f) as Y.AbstractType<unknown>, f);
  roots.set(fieldsOf(doc) as Y.AbstractType<unknown>, "fields");
  roots.set(alignmentsOf(doc) as Y.AbstractType<unknown>, "alignments");
  const out = new Set<LiveField>();
  for (const [type, keys] of transaction.changed) {
    let root = type as Y.AbstractType<unknown>;
    while (root._item?.parent) root = root._item.parent as Y.AbstractType<unknown>;
    const name = roots.get(root);
    if (name === "fields") {
      for (const k of keys) if (k && (LIVE_MAP_FIELDS as readonly string[]).includes(k)) out.add(k as LiveField);
    } else if (name) out.add(name);
  }
  return out;
}

const MAX_LIVE_CONDITIONS = 20;
const MAX_LIVE_BADGES = 100;

/**
 * Condition rows from the document. Documents stored before conditions existed hold a
 * plain list of URIs: that is one all-of condition. Anything malformed reads as nothing.
 */
export function readConditionRows(value: unknown): ConditionRow[] {
  if (!Array.isArray(value)) return [];
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, MAX_LIVE_BADGES) : []);
  if (value.every((v) => typeof v === "string")) {
    return value.length ? [{ id: "condition-0", rule: "all", count: "", badges: strings(value) }] : [];
  }
  return value
    .filter((v): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v))
    .slice(0, MAX_LIVE_CONDITIONS)
    .map((row, i) => ({
      id: str(row.id) || `condition-${i}`,
      rule: str(row.rule, "all"),
      count: str(row.count),
      badges: strings(row.badges),
    }));
}

/** What the document says, read defensively: any client may write into it. */
export function readValues(doc: Y.Doc): LiveValues {
  const fields = fieldsOf(doc);
  return {
    name: textOf(doc, "name").toString(),
    summary: textOf(doc, "summary").toString(),
    criteria: textOf(doc, "criteria").toString(),
    tags: textOf(doc, "tags").toString(),
    alignments: readAlignments(doc),
    achievementType: str(fields.get("achievementType"), "Badge"),
    language: str(fields.get("language"), "en"),
    estimatedHours: str(fields.get("estimatedHours")),
    prerequisites: readConditionRows(fields.get("prerequisites")),
  };
}

export interface TextEdit {
  index: number;
  deleteCount: number;
  insert: string;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** One replaced range turning `before` into `after` (common prefix and suffix kept). */
function singleEdit(before: string, after: string, offset = 0): TextEdit | null {
  if (before === after) return null;
  let pre = 0;
  const max = Math.min(before.length, after.length);
  while (pre < max && before.charCodeAt(pre) === after.charCodeAt(pre)) pre++;
  // Never split a surrogate pair: an emoji is inserted or deleted whole.
  if (pre > 0 && isHigh(before.charCodeAt(pre - 1))) pre--;
  let suf = 0;
  while (
    suf < before.length - pre &&
    suf < after.length - pre &&
    before.charCodeAt(before.length - 1 - suf) === after.charCodeAt(after.length - 1 - suf)
  )
    suf++;
  if (suf > 0 && isLow(before.charCodeAt(before.length - suf))) suf--;
  return {
    index: offset + pre,
    deleteCount: before.length - pre - suf,
    insert: after.slice(pre, after.length - suf),
  };
}

/**
 * The edits turning `before` into `after`, in ascending order: a line diff first, then each
 * changed block narrowed to the characters that differ. Applying only these (rather than
 * replacing the whole text) leaves what others are typing elsewhere untouched.
 */
export function textEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  // Lines with their newline, compared through ids so that diffLines sees whole tokens.
  const tokens = (t: string) => t.split(/(?<=\n)/).filter((x) => x !== "");
  const a = tokens(before);
  const b = tokens(after);
  const ids = new Map<string, number>();
  const idOf = (t: string) => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return String(id);
  };
  const changes = diffLines(a.map(idOf).join("\n"), b.map(idOf).join("\n"));
  const edits: TextEdit[] = [];
  let pos = 0; // in `before`
  let i = 0;
  let j = 0;
  let removed = "";
  let added = "";
  let start = 0;
  const flush = () => {
    if (removed || added) {
      const e = singleEdit(removed, added, start);
      if (e) edits.push(e);
    }
    removed = "";
    added = "";
  };
  const emptyA = a.length === 0;
  const emptyB = b.length === 0;
  for (const c of changes) {
    // diffLines("") yields one empty line; an empty text has no tokens.
    if (c.kind === "same") {
      flush();
      if (!emptyA) pos += a[i++].length;
      j++;
      start = pos;
    } else if (c.kind === "removed") {
      if (!removed && !added) start = pos;
      if (!emptyA) {
        removed += a[i];
        pos += a[i++].length;
      }
    } else {
      if (!removed && !added) start = pos;
      if (!emptyB) added += b[j++];
    }
  }
  flush();
  return edits;
}

/** Changes a Y.Text (attached to a document) to `next` by minimal edits, in one transaction. */
export function setText(ytext: Y.Text, next: string, origin?: unknown): void {
  const edits = textEdits(ytext.toString(), next);
  if (!edits.length) return;
  ytext.doc!.transact(() => {
    // From the end, so earlier indexes stay valid.
    for (const e of edits.reverse()) {
      if (e.deleteCount) ytext.delete(e.index, e.deleteCount);
      if (e.insert) ytext.insert(e.index, e.insert);
    }
  }, origin);
}

function newAlignmentRow(row: Omit<AlignmentRow, "id"> & { id?: string }): Y.Map<string> {
  const m = new Y.Map<string>();
  m.set("id", row.id || newRowId());
  for (const k of ALIGNMENT_KEYS) m.set(k, row[k]);
  return m;
}

export function addAlignmentRow(doc: Y.Doc, row: Partial<AlignmentRow> = {}): string {
  const id = row.id || newRowId();
  alignmentsOf(doc).push([
    newAlignmentRow({ id, targetName: row.targetName ?? "", targetUrl: row.targetUrl ?? "", targetFramework: row.targetFramework ?? "" }),
  ]);
  return id;
}

/**
 * Makes the alignment rows say `rows`, editing rows in place where they line up (blank
 * rows someone has just added are left alone), so a row being typed in is not replaced.
 */
export function setAlignments(doc: Y.Doc, rows: Omit<AlignmentRow, "id">[]): void {
  const arr = alignmentsOf(doc);
  const current = arr.toArray();
  const filled = current
    .map((m, index) => ({ m, index }))
    .filter(({ m }) => m instanceof Y.Map && ALIGNMENT_KEYS.some((k) => str(m.get(k)).trim()));
  rows.forEach((row, n) => {
    const target = filled[n];
    if (target) {
      for (const k of ALIGNMENT_KEYS) if (str(target.m.get(k)) !== row[k]) target.m.set(k, row[k]);
    }
  });
  // Rows no longer wanted go (from the end); new ones are appended.
  for (const { index } of filled.slice(rows.length).reverse()) arr.delete(index, 1);
  if (rows.length > filled.length) arr.push(rows.slice(filled.length).map((r) => newAlignmentRow(r)));
}

/** Writes values (all, or the listed fields) into the document by minimal edits. */
export function writeValues(doc: Y.Doc, values: LiveValues, only?: readonly LiveField[]): void {
  const want = (f: LiveField) => !only || only.includes(f);
  doc.transact(() => {
    for (const f of LIVE_TEXT_FIELDS) if (want(f)) setText(textOf(doc, f), values[f]);
    const fields = fieldsOf(doc);
    for (const f of LIVE_MAP_FIELDS) {
      if (!want(f)) continue;
      const next = values[f];
      if (JSON.stringify(fields.get(f)) !== JSON.stringify(next)) fields.set(f, plainCopy(next));
    }
    if (want("alignments")) setAlignments(doc, values.alignments);
  });
}

/** A map field's value as Yjs stores it: plain JSON, not the caller's objects. */
export function plainCopy<T>(value: T): T {
  return typeof value === "object" && value !== null ? (JSON.parse(JSON.stringify(value)) as T) : value;
}
