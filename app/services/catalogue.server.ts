// The public catalogue: published and deprecated badges, searched with SQLite FTS5
// (bm25 ranking, name weighted most), filtered by tag, organisation kind and organisation,
// and by who endorses the badges (an organisation, or any of a kind), with facets. Drafts never appear: everything is read from the catalogue's read model
// (catalogue_entries, badge_search, badge_tags), which holds published badges only.
//
// A search is a fixed handful of indexed queries whatever the page size: the page of ids,
// the total, the page's cards, their authors (one query), match snippets, two facets.
// Version JSON is never parsed for the list, and the FTS content (criteria) is read only
// for the page's snippets.
import { and, desc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, ORGANISATION_KINDS, remoteActors, remoteBadgeFetches, versions, type BadgeStatus, type OrganisationKind } from "../../db/schema";
import { kindBit } from "./catalogue-index.server";
import { MATCH_END, MATCH_START } from "../utils/highlight";
import {
  normaliseCatalogueQuery,
  toFtsQuery,
  type CatalogueInstance,
  type CatalogueQuery,
  type CatalogueQueryInput,
} from "./catalogue-query.server";
import {
  organisationsOfBadges,
  resolveBadgeLinks,
  type BadgeLink,
  type OrganisationProfile,
  type OrganisationSummary,
} from "./catalogue-authors.server";
import { BadgeContentSchema, type BadgeContent } from "./badge-content";
import { NotFoundError } from "./errors";
import { resolvePrerequisites, unlockedBy, type ConditionView, type UnlockedBadge } from "./prerequisite-targets.server";

export type { BadgeLink, OrganisationProfile, OrganisationSummary } from "./catalogue-authors.server";

// bm25 weights per badge_search column: badge_id (unindexed), name, summary, criteria, tags.
const BM25 = sql.raw("bm25(badge_search, 0.0, 10.0, 4.0, 1.0, 6.0)");
// The same weights as FTS5's own rank function (for `ORDER BY rank`).
const RANK = "bm25(0.0, 10.0, 4.0, 1.0, 6.0)";
const FACET_TAGS = 24;

export interface CatalogueEntry {
  id: string;
  uri: string;
  status: Exclude<BadgeStatus, "draft" | "withdrawn">;
  name: string;
  summary: string;
  // When searching: name and summary with matched words between MATCH_START and MATCH_END,
  // and an excerpt of the criteria around their best match, if they match.
  highlightedName: string | null;
  highlightedSummary: string | null;
  snippet: string | null;
  imageId: string | null;
  tags: string[];
  achievementType: string;
  versionNumber: number;
  publishedAt: Date;
  steward: OrganisationSummary;
  coAuthors: OrganisationSummary[];
}

export interface CatalogueResult {
  query: CatalogueQuery;
  entries: CatalogueEntry[];
  total: number;
  pageCount: number;
  // The organisation filtered on, when it exists.
  organisation: OrganisationSummary | null;
  // The endorsing organisation filtered on, when it exists.
  endorser: OrganisationSummary | null;
  facets: {
    tags: { tag: string; count: number }[];
    kinds: { kind: OrganisationKind; count: number }[];
    // Badges with an accepted endorsement by an organisation of each kind.
    endorserKinds: { kind: OrganisationKind; count: number }[];
    // Badges per definition language.
    languages: { language: string; count: number }[];
  };
}

interface Filters {
  match: string | null; // a safe FTS5 query
  tag: string | null;
  kind: OrganisationKind | null;
  organisationId: string | null;
  instance: CatalogueInstance | null;
  endorserKind: OrganisationKind | null;
  endorserId: string | null;
  language: string | null;
  hoursMax: number | null;
}

type Facet = "tag" | "kind" | "endorserKind" | "language" | null;

/** Conditions on the catalogue entry `e` for every filter but the text and `omit`. */
function conditions(f: Filters, omit: Facet = null): SQL {
  const conds: SQL[] = [sql`1`];
  if (f.tag && omit !== "tag") conds.push(sql`e.badge_id IN (SELECT badge_id FROM badge_tags WHERE tag = ${f.tag})`);
  if (f.kind && omit !== "kind") conds.push(sql`(e.kind_mask & ${kindBit(f.kind)}) != 0`);
  if (f.endorserKind && omit !== "endorserKind") conds.push(sql`(e.endorser_kind_mask & ${kindBit(f.endorserKind)}) != 0`);
  if (f.language && omit !== "language") conds.push(sql`e.language = ${f.language}`);
  if (f.hoursMax !== null) conds.push(sql`e.estimated_hours <= ${f.hoursMax}`);
  if (f.endorserId)
    conds.push(sql`e.badge_id IN (
      SELECT badge_id FROM endorsements WHERE endorser_organisation_id = ${f.endorserId} AND status = 'accepted')`);
  if (f.organisationId)
    conds.push(sql`e.badge_id IN (
      SELECT id FROM badges WHERE steward_organisation_id = ${f.organisationId}
      UNION ALL
      SELECT badge_id FROM coauthors WHERE organisation_id = ${f.organisationId} AND status = 'accepted')`);
  // Where a badge lives is where its steward does.
  if (f.instance)
    conds.push(sql`e.badge_id IN (
      SELECT b.id FROM badges b JOIN organisations o ON o.id = b.steward_organisation_id
      WHERE o.host IS ${f.instance === "here" ? sql`NULL` : sql`NOT NULL`})`);
  return sql.join(conds, sql` AND `);
}

const hasFilters = (f: Filters) =>
  !!(f.match || f.tag || f.kind || f.organisationId || f.instance || f.endorserKind || f.endorserId || f.language || f.hoursMax !== null);

/**
 * The matching catalogue entries as `e`. With words, the FTS index drives and joins each
 * hit's entry by rowid: nothing of the FTS content (criteria) is read.
 */
function matching(f: Filters, omit: Facet = null, join: SQL = sql``): SQL {
  // Words alone: each hit's facet columns come from their narrow covering index (the
  // planner, without statistics, would read the wide rows by rowid).
  const entries = hasFilters({ ...f, match: null }) ? sql`catalogue_entries e` : sql`catalogue_entries e INDEXED BY catalogue_entries_facets_idx`;
  if (f.match)
    return sql`badge_search JOIN ${entries} ON e.id = badge_search.rowid ${join}
      WHERE badge_search MATCH ${f.match} AND ${conditions(f, omit)}`;
  return sql`catalogue_entries e ${join} WHERE ${conditions(f, omit)}`;
}


/** Entry ids of one page, best first (newest first without words). */
function pageOfIds(db: DatabaseLike, f: Filters, limit: number, offset: number): number[] {
  const rows = f.match
    ? // bm25() only works in a query directly over the FTS table: rank the hits first.
      db.all<{ id: number }>(sql`
        WITH hits AS MATERIALIZED (
          SELECT rowid AS rid, ${BM25} AS score FROM badge_search WHERE badge_search MATCH ${f.match}
        )
        SELECT e.id AS id FROM hits JOIN catalogue_entries e ON e.id = hits.rid
        WHERE ${conditions(f)}
        ORDER BY hits.score, e.published_at DESC, e.id DESC
        LIMIT ${limit} OFFSET ${offset}`)
    : db.all<{ id: number }>(sql`
        SELECT e.id AS id FROM ${matching(f)}
        ORDER BY e.published_at DESC, e.id DESC
        LIMIT ${limit} OFFSET ${offset}`);
  return rows.map((r) => r.id);
}

function countMatches(db: DatabaseLike, f: Filters): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${matching(f)}`)?.n ?? 0;
}

interface CardRow {
  id: number;
  badgeId: string;
  uri: string;
  status: "published" | "deprecated";
  versionNumber: number;
  publishedAt: number;
  name: string;
  summary: string;
  imageId: string | null;
  tags: string;
  achievementType: string;
}

const inList = (values: (string | number)[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/**
 * The cards of a page, from the narrow catalogue entries; badge status is read live.
 * CROSS JOIN keeps the page's entries as the outer loop (not every published badge).
 */
function cards(db: DatabaseLike, ids: number[]): Map<number, CardRow> {
  const rows = db.all<CardRow>(sql`
    SELECT e.id AS id, e.badge_id AS badgeId, b.uri AS uri, b.status AS status, e.version_number AS versionNumber,
      e.published_at AS publishedAt, e.name AS name, e.summary AS summary, e.image_id AS imageId, e.tags AS tags,
      e.achievement_type AS achievementType
    FROM catalogue_entries e CROSS JOIN badges b ON b.id = e.badge_id
    WHERE e.id IN (${inList(ids)}) AND b.status IN ('published', 'deprecated')`);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * For the page only: name and summary with matches marked, and an excerpt of the criteria
 * around its best match (none when the criteria do not match).
 */
function snippets(db: DatabaseLike, match: string, ids: number[]) {
  const rows = db.all<{ id: number; name: string; summary: string; criteria: string }>(sql`
    SELECT rowid AS id,
      highlight(badge_search, 1, ${MATCH_START}, ${MATCH_END}) AS name,
      highlight(badge_search, 2, ${MATCH_START}, ${MATCH_END}) AS summary,
      snippet(badge_search, 3, ${MATCH_START}, ${MATCH_END}, '…', 24) AS criteria
    FROM badge_search
    WHERE badge_search MATCH ${match} AND rowid IN (${inList(ids)})`);
  return new Map(
    rows.map((r) => [r.id, { ...r, criteria: r.criteria.includes(MATCH_START) ? r.criteria : null }]),
  );
}

/**
 * Words alone (no other filter): the page straight from the FTS index, ranked by its own
 * `rank` (the same bm25 weights) so that FTS5 sorts its hits itself and marks the matches
 * of the page's rows only, in one pass over the index instead of three (rank, then join,
 * then match again for the snippets). Equal scores come oldest entry first here.
 */
function rankedPage(db: DatabaseLike, match: string, limit: number, offset: number) {
  const rows = db.all<{ id: number; name: string; summary: string; criteria: string }>(sql`
    SELECT rowid AS id,
      highlight(badge_search, 1, ${MATCH_START}, ${MATCH_END}) AS name,
      highlight(badge_search, 2, ${MATCH_START}, ${MATCH_END}) AS summary,
      snippet(badge_search, 3, ${MATCH_START}, ${MATCH_END}, '…', 24) AS criteria
    FROM badge_search
    WHERE badge_search MATCH ${match} AND rank MATCH ${RANK}
    ORDER BY rank LIMIT ${limit} OFFSET ${offset}`);
  return {
    ids: rows.map((r) => r.id),
    marks: new Map(rows.map((r) => [r.id, { ...r, criteria: r.criteria.includes(MATCH_START) ? r.criteria : null }])),
  };
}

function tagFacet(db: DatabaseLike, f: Filters) {
  // badge_tags holds exactly the tags of catalogue entries: unfiltered, count its index.
  if (!hasFilters({ ...f, tag: null }))
    return db.all<{ tag: string; count: number }>(sql`
      SELECT tag, count(*) AS count FROM badge_tags GROUP BY tag ORDER BY count DESC, tag LIMIT ${FACET_TAGS}`);
  // Filtered: walk the matching entries' own (short) tag arrays, no per-tag lookups.
  return db.all<{ tag: string; count: number }>(sql`
    SELECT j.value AS tag, count(*) AS count
    FROM ${matching(f, "tag", sql`, json_each(e.tags) j`)}
    GROUP BY j.value ORDER BY count DESC, j.value LIMIT ${FACET_TAGS}`);
}

/**
 * Badges per organisation kind, in one pass: of the steward or an accepted co-author
 * (`kind_mask`), or of an organisation whose endorsement is accepted (`endorser_kind_mask`).
 */
function kindFacet(db: DatabaseLike, f: Filters, facet: "kind" | "endorserKind" = "kind") {
  const column = sql.raw(facet === "kind" ? "e.kind_mask" : "e.endorser_kind_mask");
  const sums = ORGANISATION_KINDS.map((k) => sql`coalesce(sum((${column} & ${kindBit(k)}) != 0), 0) AS ${sql.identifier(k)}`);
  const row = db.get<Record<OrganisationKind, number>>(sql`SELECT ${sql.join(sums, sql`, `)} FROM ${matching(f, facet)}`);
  return ORGANISATION_KINDS.map((kind) => ({ kind, count: row?.[kind] ?? 0 }))
    .filter((k) => k.count > 0)
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

/** Badges per language (of the few languages a catalogue holds), for the language filter. */
function languageFacet(db: DatabaseLike, f: Filters) {
  return db.all<{ language: string; count: number }>(sql`
    SELECT e.language AS language, count(*) AS count FROM ${matching(f, "language")}
    GROUP BY e.language ORDER BY count DESC, e.language LIMIT 50`);
}

/**
 * The count and the kind, endorser-kind and language facets in one pass over the matches,
 * grouped by language: right when none of those three filters is set, since then each
 * facet counts the same matches (a set filter is left out of its own facet's count).
 */
function totalsInOnePass(db: DatabaseLike, f: Filters) {
  const sums = ORGANISATION_KINDS.flatMap((k) => [
    sql`coalesce(sum((e.kind_mask & ${kindBit(k)}) != 0), 0) AS ${sql.identifier(`k_${k}`)}`,
    sql`coalesce(sum((e.endorser_kind_mask & ${kindBit(k)}) != 0), 0) AS ${sql.identifier(`e_${k}`)}`,
  ]);
  const rows = db.all<Record<string, number> & { language: string; count: number }>(sql`
    SELECT e.language AS language, count(*) AS count, ${sql.join(sums, sql`, `)} FROM ${matching(f)}
    GROUP BY e.language ORDER BY count DESC, e.language`);
  const kinds = (prefix: "k" | "e") =>
    ORGANISATION_KINDS.map((kind) => ({ kind, count: rows.reduce((n, r) => n + r[`${prefix}_${kind}`], 0) }))
      .filter((k) => k.count > 0)
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
  return {
    total: rows.reduce((n, r) => n + r.count, 0),
    facets: {
      tags: tagFacet(db, f),
      kinds: kinds("k"),
      endorserKinds: kinds("e"),
      languages: rows.slice(0, 50).map((r) => ({ language: r.language, count: r.count })),
    },
  };
}

function totals(db: DatabaseLike, f: Filters) {
  if (!f.kind && !f.endorserKind && !f.language) return totalsInOnePass(db, f);
  return {
    total: countMatches(db, f),
    facets: {
      tags: tagFacet(db, f),
      kinds: kindFacet(db, f),
      endorserKinds: kindFacet(db, f, "endorserKind"),
      languages: languageFacet(db, f),
    },
  };
}

// The unfiltered catalogue's count and facets are the same for every visitor and cost most
// of the landing page's time; they are kept until the catalogue's generation counter (bumped
// by triggers on catalogue_entries and badge_tags, migration 0005) moves. Per database, as
// tests open many.
const wholeCatalogue = new WeakMap<object, { generation: number; value: ReturnType<typeof totals> }>();

// A search's count and facets cost more than its page (they count every match, the page
// ranks only the top); people page through a search and come back to it, so the totals of
// the last few hundred filter sets are kept the same way, until the catalogue changes.
const SEARCH_TOTALS_KEPT = 256;
const searchTotals = new WeakMap<object, { generation: number; byKey: Map<string, ReturnType<typeof totals>> }>();

function filteredTotals(db: DatabaseLike, f: Filters) {
  const generation = db.get<{ n: number }>(sql`SELECT n FROM catalogue_generation WHERE id = 1`)?.n ?? -1;
  let kept = searchTotals.get(db);
  if (!kept || kept.generation !== generation) searchTotals.set(db, (kept = { generation, byKey: new Map() }));
  const key = JSON.stringify(f);
  const hit = kept.byKey.get(key);
  if (hit) {
    kept.byKey.delete(key);
    kept.byKey.set(key, hit);
    return hit;
  }
  const value = totals(db, f);
  kept.byKey.set(key, value);
  if (kept.byKey.size > SEARCH_TOTALS_KEPT) kept.byKey.delete(kept.byKey.keys().next().value!);
  return value;
}

function wholeCatalogueTotals(db: DatabaseLike) {
  const generation = db.get<{ n: number }>(sql`SELECT n FROM catalogue_generation WHERE id = 1`)?.n ?? -1;
  const cached = wholeCatalogue.get(db);
  if (cached && cached.generation === generation) return cached.value;
  const value = totals(db, { match: null, tag: null, kind: null, organisationId: null, instance: null, endorserKind: null, endorserId: null, language: null, hoursMax: null });
  wholeCatalogue.set(db, { generation, value });
  return value;
}

const summary = ({ id, uri, handle, host, name, kind, logoImageId }: OrganisationSummary): OrganisationSummary => ({
  id, uri, handle, host, name, kind, logoImageId,
});

function findOrganisation(db: DatabaseLike, handle: string): OrganisationSummary | null {
  const at = handle.indexOf("@", 1);
  const [name, host] = at > 0 ? [handle.slice(0, at), handle.slice(at + 1)] : [handle.replace(/^@/, ""), null];
  return (
    db.get<OrganisationSummary>(sql`
      SELECT id, uri, handle, host, name, kind, logo_image_id AS logoImageId FROM organisations
      WHERE lower(handle) = ${name} AND ${host ? sql`lower(host) = ${host}` : sql`host IS NULL`}`) ?? null
  );
}

/** Searches the catalogue of published (and deprecated) badges. Never throws on odd input. */
export function searchCatalogue(db: DatabaseLike, input: CatalogueQueryInput | CatalogueQuery = {}): CatalogueResult {
  const query = normaliseCatalogueQuery(input);
  const organisation = query.organisation ? findOrganisation(db, query.organisation) : null;
  const endorser = query.endorser ? findOrganisation(db, query.endorser) : null;
  const match = query.q ? toFtsQuery(query.q) : null;
  const empty: CatalogueResult = {
    query,
    entries: [],
    total: 0,
    pageCount: 0,
    organisation,
    endorser,
    facets: { tags: [], kinds: [], endorserKinds: [], languages: [] },
  };
  // Words with nothing searchable in them (only punctuation or symbols) match nothing;
  // so does an organisation that does not exist.
  if ((query.q && !match) || (query.organisation && !organisation) || (query.endorser && !endorser)) return empty;

  const f: Filters = {
    match,
    instance: query.instance,
    tag: query.tag,
    kind: query.kind,
    organisationId: organisation?.id ?? null,
    endorserKind: query.endorserKind,
    endorserId: endorser?.id ?? null,
    language: query.language,
    hoursMax: query.hoursMax,
  };
  const offset = (query.page - 1) * query.pageSize;
  const ranked = match && !hasFilters({ ...f, match: null }) ? rankedPage(db, match, query.pageSize, offset) : null;
  const ids = ranked ? ranked.ids : pageOfIds(db, f, query.pageSize, offset);
  const { total, facets } = hasFilters(f) ? filteredTotals(db, f) : wholeCatalogueTotals(db);
  const result: CatalogueResult = { ...empty, total, pageCount: Math.ceil(total / query.pageSize), facets };
  if (!ids.length) return result;

  const byId = cards(db, ids);
  const badgeIds = [...byId.values()].map((c) => c.badgeId);
  const authors = organisationsOfBadges(db, badgeIds);
  const marks = match ? (ranked?.marks ?? snippets(db, match, ids)) : null;
  result.entries = ids.flatMap((id): CatalogueEntry[] => {
    const c = byId.get(id);
    const a = c && authors.get(c.badgeId);
    if (!c || !a) return [];
    const m = marks?.get(id);
    return [
      {
        id: c.badgeId,
        uri: c.uri,
        status: c.status,
        name: c.name,
        summary: c.summary,
        highlightedName: m?.name ?? null,
        highlightedSummary: m?.summary ?? null,
        snippet: m?.criteria ?? null,
        imageId: c.imageId,
        tags: JSON.parse(c.tags) as string[],
        achievementType: c.achievementType,
        versionNumber: c.versionNumber,
        publishedAt: new Date(c.publishedAt),
        steward: summary(a.steward),
        coAuthors: a.coAuthors.map(summary),
      },
    ];
  });
  return result;
}

export interface VersionSummary {
  number: number;
  uri: string;
  publishedAt: Date;
  contentHash: string;
}

export interface PublicBadge {
  id: string;
  uri: string;
  status: Exclude<BadgeStatus, "draft" | "withdrawn">;
  deprecatedAt: Date | null;
  successor: BadgeLink | null;
  latest: VersionSummary & { content: BadgeContent };
  // Newest first.
  versions: VersionSummary[];
  steward: OrganisationProfile;
  coAuthors: OrganisationProfile[];
  // The latest version's conditions, each badge as known here (unavailable ones included).
  prerequisites: ConditionView[];
  // Badges whose latest version names this one as a prerequisite (the first of them).
  unlocks: { badges: UnlockedBadge[]; total: number };
  // Set for a badge stewarded on another instance: this is our copy of it.
  home: BadgeHome | null;
  // The picture to show here: the badge's own, or for a remote badge our checked copy of
  // it if we made one (their image id names nothing on this instance).
  imageId: string | null;
}

export interface BadgeHome {
  // The steward's instance, as people type it after a handle (`peer.example`).
  host: string;
  // The badge's own page there (null if its object named none).
  badgeUrl: string | null;
  // The steward's page there.
  stewardUrl: string;
  // A copy this instance fetched whose home has failed to answer since it was last had
  // (timeouts, 5xx, a host that no longer resolves): shown as possibly out of date, never
  // as gone, since a transient failure says nothing about the badge (ADR 010).
  unanswered: { lastHadAt: Date; attempts: number } | null;
}

/**
 * What a badge's public page shows: its latest published version, who stands behind it,
 * its versions and links. A badge never published is not public: NotFoundError.
 */
export function getPublicBadge(db: DatabaseLike, badgeId: string): PublicBadge {
  const badge = db.select().from(badges).where(eq(badges.id, badgeId)).get();
  if (!badge || badge.status === "draft" || badge.status === "withdrawn" || !badge.latestVersionId) throw new NotFoundError("That badge");
  const all = db
    .select()
    .from(versions)
    .where(eq(versions.badgeId, badgeId))
    .orderBy(desc(versions.number))
    .all();
  const latest = all.find((v) => v.id === badge.latestVersionId);
  if (!latest) throw new NotFoundError("That badge");
  const content = BadgeContentSchema.parse(latest.content);
  const authors = organisationsOfBadges(db, [badgeId]).get(badgeId)!;
  const version = (v: (typeof all)[number]): VersionSummary => ({
    number: v.number,
    uri: v.uri,
    publishedAt: v.publishedAt,
    contentHash: v.contentHash,
  });
  return {
    id: badge.id,
    uri: badge.uri,
    status: badge.status,
    deprecatedAt: badge.deprecatedAt,
    successor: badge.successorUri ? resolveBadgeLinks(db, [badge.successorUri])[0] : null,
    latest: { ...version(latest), content },
    versions: all.map(version),
    steward: authors.steward,
    coAuthors: authors.coAuthors,
    prerequisites: resolvePrerequisites(db, content.prerequisites),
    unlocks: unlockedBy(db, badge.uri),
    home: authors.steward.host ? badgeHome(db, badge.id, badge.remoteUrl, authors.steward) : null,
    imageId: latest.mirroredImageId ?? (authors.steward.host ? null : content.imageId),
  };
}

function badgeHome(db: DatabaseLike, badgeId: string, remoteUrl: string | null, steward: OrganisationProfile): BadgeHome {
  // Its actor document's `url` when it gave one, else its id (ours serve HTML there too).
  const actor = db.select({ url: remoteActors.url }).from(remoteActors).where(eq(remoteActors.uri, steward.uri)).get();
  const fetch = db
    .select({ fetchedAt: remoteBadgeFetches.fetchedAt, failures: remoteBadgeFetches.failures })
    .from(remoteBadgeFetches)
    .where(and(eq(remoteBadgeFetches.badgeId, badgeId), gt(remoteBadgeFetches.failures, 0), isNull(remoteBadgeFetches.goneSince)))
    .get();
  return {
    host: steward.host!,
    badgeUrl: remoteUrl,
    stewardUrl: actor?.url ?? steward.uri,
    unanswered: fetch ? { lastHadAt: fetch.fetchedAt, attempts: fetch.failures } : null,
  };
}
