// What a catalogue search filters and counts on, for every listed badge, held in memory in
// typed arrays: organisation kinds, endorser kinds, language, estimated hours, tags, and
// whether the steward is of this instance. With 100,000 badges (most of them federated) a
// search's count and facets read these for every match: from SQLite that was a covering-index
// lookup and a json_each per match, 10-20 ms for a common word; in memory it is one pass of
// about a millisecond (ADR 013).
//
// The store follows the read model it copies through `catalogue_entry_changes` (migration
// 0018, filled by triggers on catalogue_entries): before each search the entries changed
// since it last looked are read again, so a badge published or arriving from a peer is found
// by the very next search, and a change costs a few rows, not a reload of them all.
import type Database from "better-sqlite3";
import { prepared, sqliteOf, type DatabaseLike } from "../../db/client";
import { ORGANISATION_KINDS, type OrganisationKind } from "../../db/schema";
import { kindBit } from "./catalogue-index.server";
import type { CatalogueInstance } from "./catalogue-query.server";

/**
 * One slot per catalogue entry as last read. Slots are only appended: a changed entry's old
 * slot is marked dead and its new row takes a new slot, so the tag lists stay packed.
 */
export interface CatalogueFacetStore {
  // The last change (catalogue_entry_changes.seq) applied.
  seq: number;
  slots: number;
  dead: number;
  entryId: Int32Array;
  publishedAt: Float64Array;
  kindMask: Uint8Array;
  endorserKindMask: Uint8Array;
  language: Uint16Array;
  // NaN where the definition does not say.
  hours: Float64Array;
  local: Uint8Array;
  alive: Uint8Array;
  // The tags of slot s are tagIds[tagStart[s] .. tagStart[s + 1]).
  tagStart: Int32Array;
  tagIds: Int32Array;
  tagCount: number;
  tags: string[];
  tagIndex: Map<string, number>;
  languages: string[];
  languageIndex: Map<string, number>;
  // Slot of each entry id (-1: none).
  slotOf: Int32Array;
  // Live slots, newest first (published_at, then entry id, descending): the catalogue's order.
  order: Int32Array;
  // Where each slot sits in `order`: ties between equal search scores go to the newer.
  rankOf: Int32Array;
  // FTS hits kept per query until the catalogue changes: people page through a search and
  // come back to it.
  hits: Map<string, Hits>;
  hitsSize: number;
}

export interface Hits {
  slots: Int32Array;
  scores: Float64Array;
}

type EntryRow = [
  id: number,
  publishedAt: number,
  kindMask: number,
  endorserKindMask: number,
  language: string,
  estimatedHours: number | null,
  tags: string,
  local: number,
];

const ENTRY_COLUMNS = `e.id, e.published_at, e.kind_mask, e.endorser_kind_mask, e.language, e.estimated_hours, e.tags,
  (SELECT o.host IS NULL FROM badges b JOIN organisations o ON o.id = b.steward_organisation_id WHERE b.id = e.badge_id)`;

// A store further behind than the change log reaches, or holding this share of dead slots,
// reloads everything.
const DEAD_SHARE_BEFORE_RELOAD = 0.25;

const stores = new WeakMap<Database.Database, CatalogueFacetStore>();

/** A raw statement prepared once per connection (the SQL text names it). */
const statement = (db: DatabaseLike, text: string) => prepared(db, `catalogue-facets: ${text}`, (d) => sqliteOf(d).prepare(text));

const lastChange = (db: DatabaseLike) =>
  statement(db, "SELECT coalesce(max(seq), 0) FROM catalogue_entry_changes").pluck().get() as number;

/** The store for this database, brought up to date with the catalogue first. */
export function catalogueFacetStore(db: DatabaseLike): CatalogueFacetStore {
  const client = sqliteOf(db);
  const kept = stores.get(client);
  if (kept && kept.seq === lastChange(db)) return kept;
  // Inside a write transaction the changes may yet be rolled back, and their numbers reused:
  // answer from a store of its own, kept by nobody.
  if (client.inTransaction) return load(db);
  const store = kept && catchUp(db, kept) ? kept : load(db);
  stores.set(client, store);
  return store;
}

function load(db: DatabaseLike): CatalogueFacetStore {
  // The rows and the change they are as of, read in one snapshot.
  const { rows, seq } = sqliteOf(db).transaction(() => ({
    seq: lastChange(db),
    rows: statement(db, `SELECT ${ENTRY_COLUMNS} FROM catalogue_entries e`).raw().all() as EntryRow[],
  }))();
  const store = emptyStore(seq, rows.length);
  for (const row of rows) append(store, row);
  sortOrder(store);
  return store;
}

/** Applies the changes since the store was made; false when it should be reloaded instead. */
function catchUp(db: DatabaseLike, store: CatalogueFacetStore): boolean {
  const caught = sqliteOf(db).transaction(() => {
    const oldest = statement(db, "SELECT min(seq) FROM catalogue_entry_changes").pluck().get() as number | null;
    if (oldest === null || oldest > store.seq + 1) return null;
    const changed = statement(db, "SELECT DISTINCT entry_id FROM catalogue_entry_changes WHERE seq > ?").pluck().all(store.seq) as number[];
    const rows = statement(db, `SELECT ${ENTRY_COLUMNS} FROM catalogue_entries e WHERE e.id IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(JSON.stringify(changed)) as EntryRow[];
    return { changed, rows, seq: lastChange(db) };
  })();
  if (!caught) return false;
  const { changed, rows, seq } = caught;
  for (const id of changed) {
    const slot = id < store.slotOf.length ? store.slotOf[id] : -1;
    if (slot >= 0) {
      store.alive[slot] = 0;
      store.slotOf[id] = -1;
      store.dead++;
    }
  }
  if (store.dead > DEAD_SHARE_BEFORE_RELOAD * store.slots) return false;
  const first = store.slots;
  for (const row of rows) append(store, row);
  mergeOrder(store, first);
  store.seq = seq;
  store.hits.clear();
  store.hitsSize = 0;
  return true;
}

function emptyStore(seq: number, capacity: number): CatalogueFacetStore {
  const n = Math.max(capacity, 64);
  return {
    seq,
    slots: 0,
    dead: 0,
    entryId: new Int32Array(n),
    publishedAt: new Float64Array(n),
    kindMask: new Uint8Array(n),
    endorserKindMask: new Uint8Array(n),
    language: new Uint16Array(n),
    hours: new Float64Array(n),
    local: new Uint8Array(n),
    alive: new Uint8Array(n),
    tagStart: new Int32Array(n + 1),
    tagIds: new Int32Array(n * 2),
    tagCount: 0,
    tags: [],
    tagIndex: new Map(),
    languages: [],
    languageIndex: new Map(),
    slotOf: new Int32Array(n).fill(-1),
    order: new Int32Array(0),
    rankOf: new Int32Array(n),
    hits: new Map(),
    hitsSize: 0,
  };
}

function grown<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T, needed: number, fill = 0): T {
  if (needed <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(needed, a.length * 2));
  b.set(a);
  if (fill) b.fill(fill, a.length);
  return b;
}

function append(s: CatalogueFacetStore, [id, publishedAt, kindMask, endorserKindMask, language, hours, tagsJson, local]: EntryRow) {
  const slot = s.slots++;
  if (slot >= s.entryId.length) {
    const n = slot + 1;
    s.entryId = grown(s.entryId, n);
    s.publishedAt = grown(s.publishedAt, n);
    s.kindMask = grown(s.kindMask, n);
    s.endorserKindMask = grown(s.endorserKindMask, n);
    s.language = grown(s.language, n);
    s.hours = grown(s.hours, n);
    s.local = grown(s.local, n);
    s.alive = grown(s.alive, n);
    s.rankOf = grown(s.rankOf, n);
    s.tagStart = grown(s.tagStart, n + 1);
  }
  s.entryId[slot] = id;
  s.publishedAt[slot] = publishedAt;
  s.kindMask[slot] = kindMask;
  s.endorserKindMask[slot] = endorserKindMask;
  let l = s.languageIndex.get(language);
  if (l === undefined) s.languageIndex.set(language, (l = s.languages.push(language) - 1));
  s.language[slot] = l;
  s.hours[slot] = hours ?? NaN;
  s.local[slot] = local;
  s.alive[slot] = 1;
  s.slotOf = grown(s.slotOf, id + 1, -1);
  s.slotOf[id] = slot;
  const tags = JSON.parse(tagsJson) as string[];
  s.tagStart[slot] = s.tagCount;
  s.tagIds = grown(s.tagIds, s.tagCount + tags.length);
  for (let i = 0; i < tags.length; i++) {
    // badge_tags holds each tag of a badge once: count it once here too.
    if (tags.indexOf(tags[i]) !== i) continue;
    let t = s.tagIndex.get(tags[i]);
    if (t === undefined) s.tagIndex.set(tags[i], (t = s.tags.push(tags[i]) - 1));
    s.tagIds[s.tagCount++] = t;
  }
  s.tagStart[slot + 1] = s.tagCount;
}

const newerFirst = (s: CatalogueFacetStore) => (a: number, b: number) =>
  s.publishedAt[b] - s.publishedAt[a] || s.entryId[b] - s.entryId[a];

/** Puts every live slot in the catalogue's order. */
function sortOrder(s: CatalogueFacetStore) {
  const live: number[] = [];
  for (let slot = 0; slot < s.slots; slot++) if (s.alive[slot]) live.push(slot);
  setOrder(s, Int32Array.from(live).sort(newerFirst(s)));
}

/** Drops dead slots from the order and merges slots from `first` on into it (a handful, mostly the newest). */
function mergeOrder(s: CatalogueFacetStore, first: number) {
  const compare = newerFirst(s);
  const fresh = [];
  for (let slot = first; slot < s.slots; slot++) fresh.push(slot);
  fresh.sort(compare);
  const order = new Int32Array(s.slots - s.dead);
  let n = 0;
  let f = 0;
  for (const slot of s.order) {
    if (!s.alive[slot]) continue;
    while (f < fresh.length && compare(fresh[f], slot) < 0) order[n++] = fresh[f++];
    order[n++] = slot;
  }
  while (f < fresh.length) order[n++] = fresh[f++];
  setOrder(s, order.subarray(0, n));
}

function setOrder(s: CatalogueFacetStore, order: Int32Array) {
  for (let i = 0; i < order.length; i++) s.rankOf[order[i]] = i;
  s.order = order;
}

// At most this many hits kept per store (12 bytes each), and this many queries.
const HITS_KEPT = 2_000_000;
const QUERIES_KEPT = 256;

/** The live slots matching an FTS5 query, with their bm25 scores (lower is better). */
export function searchHits(db: DatabaseLike, store: CatalogueFacetStore, match: string, bm25: string): Hits {
  const kept = store.hits.get(match);
  if (kept) {
    store.hits.delete(match);
    store.hits.set(match, kept);
    return kept;
  }
  const rows = statement(db, `SELECT rowid, ${bm25} FROM badge_search WHERE badge_search MATCH ?`).raw().all(match) as [number, number][];
  const slots = new Int32Array(rows.length);
  const scores = new Float64Array(rows.length);
  let n = 0;
  for (const [rowid, score] of rows) {
    const slot = rowid < store.slotOf.length ? store.slotOf[rowid] : -1;
    if (slot < 0) continue;
    slots[n] = slot;
    scores[n++] = score;
  }
  const hits = { slots: slots.subarray(0, n), scores: scores.subarray(0, n) };
  store.hits.set(match, hits);
  store.hitsSize += n;
  for (const [key, value] of store.hits) {
    if (store.hitsSize <= HITS_KEPT && store.hits.size <= QUERIES_KEPT) break;
    store.hits.delete(key);
    store.hitsSize -= value.slots.length;
  }
  return hits;
}

/** What a search filters on, as the store holds it; null where not filtered. */
export interface FacetFilters {
  tag: string | null;
  kind: OrganisationKind | null;
  endorserKind: OrganisationKind | null;
  language: string | null;
  hoursMax: number | null;
  instance: CatalogueInstance | null;
  // Entry ids allowed by filters answered in SQL (an organisation, an endorsing organisation).
  allowedIds: Set<number> | null;
}

export interface FacetTotals {
  total: number;
  facets: {
    tags: { tag: string; count: number }[];
    kinds: { kind: OrganisationKind; count: number }[];
    endorserKinds: { kind: OrganisationKind; count: number }[];
    languages: { language: string; count: number }[];
  };
}

// A facet counts the matches of every filter but its own, so that choosing a tag still
// shows the other tags' counts: each candidate's failed filters are a bit mask, and one
// that fails only a facet's own filter still counts in that facet.
const FAIL_TAG = 1;
const FAIL_KIND = 2;
const FAIL_ENDORSER = 4;
const FAIL_LANGUAGE = 8;
const FAIL_OTHER = 16;
const KINDS = ORGANISATION_KINDS.length;

const byCount = <T extends { count: number }>(name: (x: T) => string) => (a: T, b: T) =>
  b.count - a.count || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);

/**
 * One page of the matches (entry ids, best first) with their count and facets. With hits,
 * the candidates are those and the page is ranked by score, then newest first; without,
 * every live entry newest first.
 */
export function filterAndCount(
  store: CatalogueFacetStore,
  hits: Hits | null,
  f: FacetFilters,
  offset: number,
  limit: number,
  tagsShown: number,
): { entryIds: number[]; totals: FacetTotals } {
  const tagId = f.tag === null ? -2 : (store.tagIndex.get(f.tag) ?? -1);
  const kindBits = f.kind ? kindBit(f.kind) : 0;
  const endorserBits = f.endorserKind ? kindBit(f.endorserKind) : 0;
  const languageId = f.language === null ? -2 : (store.languageIndex.get(f.language) ?? -1);
  const local = f.instance === null ? -1 : f.instance === "here" ? 1 : 0;
  const filterHours = f.hoursMax !== null;
  const hoursMax = f.hoursMax ?? 0;
  const allowed = f.allowedIds;
  const { kindMask, endorserKindMask, language, hours, tagStart, tagIds, entryId, rankOf } = store;
  const isLocal = store.local;

  const tagCounts = new Int32Array(store.tags.length);
  const kindCounts = new Int32Array(KINDS);
  const endorserCounts = new Int32Array(KINDS);
  const languageCounts = new Int32Array(store.languages.length);
  // Without words the candidates come in page order; with them, the best offset + limit
  // are kept in a heap (worst on top), not every match sorted.
  const wanted = offset + limit;
  const page: number[] = [];
  const heap = new Top(hits ? wanted : 0, hits?.scores ?? new Float64Array(0), rankOf, hits?.slots ?? new Int32Array(0));
  let total = 0;
  const candidates = hits ? hits.slots : store.order;
  const n = candidates.length;
  for (let c = 0; c < n; c++) {
    const s = candidates[c];
    let fails = 0;
    if ((local >= 0 && isLocal[s] !== local) || (filterHours && !(hours[s] <= hoursMax)) || (allowed !== null && !allowed.has(entryId[s])))
      fails = FAIL_OTHER;
    else {
      if (tagId !== -2) {
        let has = false;
        for (let t = tagStart[s], end = tagStart[s + 1]; t < end; t++) if (tagIds[t] === tagId) has = true;
        if (!has) fails |= FAIL_TAG;
      }
      if (kindBits !== 0 && (kindMask[s] & kindBits) === 0) fails |= FAIL_KIND;
      if (endorserBits !== 0 && (endorserKindMask[s] & endorserBits) === 0) fails |= FAIL_ENDORSER;
      if (languageId !== -2 && language[s] !== languageId) fails |= FAIL_LANGUAGE;
    }
    if (fails === 0) {
      if (hits) heap.offer(c);
      else if (total >= offset && page.length < limit) page.push(entryId[s]);
      total++;
    }
    if ((fails & ~FAIL_TAG) === 0) for (let t = tagStart[s], end = tagStart[s + 1]; t < end; t++) tagCounts[tagIds[t]]++;
    if ((fails & ~FAIL_KIND) === 0) {
      const m = kindMask[s];
      for (let k = 0; k < KINDS; k++) if (m & (1 << k)) kindCounts[k]++;
    }
    if ((fails & ~FAIL_ENDORSER) === 0) {
      const m = endorserKindMask[s];
      for (let k = 0; k < KINDS; k++) if (m & (1 << k)) endorserCounts[k]++;
    }
    if ((fails & ~FAIL_LANGUAGE) === 0) languageCounts[language[s]]++;
  }

  const entryIds = hits ? heap.sorted().slice(offset).map((c) => entryId[hits.slots[c]]) : page;
  const kinds = (counts: Int32Array) =>
    ORGANISATION_KINDS.map((kind, k) => ({ kind, count: counts[k] }))
      .filter((k) => k.count > 0)
      .sort(byCount((k) => k.kind));
  return {
    entryIds,
    totals: {
      total,
      facets: {
        tags: topTags(store.tags, tagCounts, tagsShown),
        kinds: kinds(kindCounts),
        endorserKinds: kinds(endorserCounts),
        languages: store.languages
          .map((language, l) => ({ language, count: languageCounts[l] }))
          .filter((l) => l.count > 0)
          .sort(byCount((l) => l.language))
          .slice(0, 50),
      },
    },
  };
}

/** The best k hits seen (by score, then the newer entry), as a binary heap with the worst on top. */
class Top {
  private items: number[] = [];
  constructor(
    private k: number,
    private scores: Float64Array,
    private rankOf: Int32Array,
    private slots: Int32Array,
  ) {}
  // Positive when hit a ranks below hit b.
  private worse(a: number, b: number): number {
    return this.scores[a] - this.scores[b] || this.rankOf[this.slots[a]] - this.rankOf[this.slots[b]];
  }
  offer(hit: number) {
    const h = this.items;
    if (h.length < this.k) {
      h.push(hit);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.worse(h[i], h[parent]) <= 0) break;
        [h[i], h[parent]] = [h[parent], h[i]];
        i = parent;
      }
    } else if (this.k > 0 && this.worse(hit, h[0]) < 0) {
      h[0] = hit;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < h.length && this.worse(h[l], h[worst]) > 0) worst = l;
        if (r < h.length && this.worse(h[r], h[worst]) > 0) worst = r;
        if (worst === i) break;
        [h[i], h[worst]] = [h[worst], h[i]];
        i = worst;
      }
    }
  }
  sorted(): number[] {
    return [...this.items].sort((a, b) => this.worse(a, b));
  }
}

/** The most used tags, most first, then by name. */
function topTags(tags: string[], counts: Int32Array, shown: number) {
  const used: { tag: string; count: number }[] = [];
  for (let t = 0; t < counts.length; t++) if (counts[t] > 0) used.push({ tag: tags[t], count: counts[t] });
  return used.sort(byCount((t) => t.tag)).slice(0, shown);
}
