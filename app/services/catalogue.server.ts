// The public catalogue: published and deprecated badges, searched with SQLite FTS5
// (bm25 ranking, name weighted most), filtered by tag, organisation kind and organisation,
// and by who endorses the badges (an organisation, or any of a kind), with facets. Drafts never appear: everything is read from the catalogue's read model
// (catalogue_entries, badge_search, badge_tags), which holds published badges only.
//
// A search is one pass over the FTS index for its ranked hits (kept until the catalogue
// changes), one pass in memory over them for the filters, the count and the facets
// (catalogue-facets.server.ts), then a few queries for the page alone: its cards, their
// authors, match snippets. Version JSON is never parsed for the list, and the FTS content
// (criteria) is read only for the page's snippets.
import { and, desc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, remoteActors, remoteBadgeFetches, versions, type BadgeStatus, type OrganisationKind } from "../../db/schema";
import { catalogueFacetStore, filterAndCount, searchHits, type FacetFilters } from "./catalogue-facets.server";
import { highlightTerms, snippetOfTerms, type SearchTerm } from "./search-marks.server";
import {
  normaliseCatalogueQuery,
  searchTerms,
  toFtsQuery,
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
const BM25 = "bm25(badge_search, 0.0, 10.0, 4.0, 1.0, 6.0)";
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

/**
 * Entry ids allowed by the filters the in-memory store cannot answer: badges an
 * organisation stewards or co-authors, badges an organisation's endorsement is accepted on.
 */
function allowedEntryIds(db: DatabaseLike, organisationId: string | null, endorserId: string | null): Set<number> | null {
  if (!organisationId && !endorserId) return null;
  const conds: SQL[] = [];
  if (organisationId)
    conds.push(sql`e.badge_id IN (
      SELECT id FROM badges WHERE steward_organisation_id = ${organisationId}
      UNION ALL
      SELECT badge_id FROM coauthors WHERE organisation_id = ${organisationId} AND status = 'accepted')`);
  if (endorserId)
    conds.push(sql`e.badge_id IN (
      SELECT badge_id FROM endorsements WHERE endorser_organisation_id = ${endorserId} AND status = 'accepted')`);
  const rows = db.all<{ id: number }>(sql`SELECT e.id AS id FROM catalogue_entries e WHERE ${sql.join(conds, sql` AND `)}`);
  return new Set(rows.map((r) => r.id));
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
 * For the page only: name and summary with the search's words marked, and an excerpt of the
 * criteria around their best match (none when the criteria do not match).
 */
function snippets(db: DatabaseLike, terms: SearchTerm[], page: Map<number, CardRow>) {
  // Rowid lookups in the FTS table's own content: no MATCH needed (search-marks.server.ts).
  const criteria = new Map(
    db
      .all<{ id: number; criteria: string }>(sql`SELECT rowid AS id, criteria FROM badge_search WHERE rowid IN (${inList([...page.keys()])})`)
      .map((r) => [r.id, r.criteria]),
  );
  return new Map(
    [...page.values()].map((c) => [
      c.id,
      {
        name: highlightTerms(c.name, terms),
        summary: highlightTerms(c.summary, terms),
        criteria: snippetOfTerms(criteria.get(c.id) ?? "", terms),
      },
    ]),
  );
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

  const store = catalogueFacetStore(db);
  const filters: FacetFilters = {
    tag: query.tag,
    kind: query.kind,
    endorserKind: query.endorserKind,
    language: query.language,
    hoursMax: query.hoursMax,
    instance: query.instance,
    allowedIds: allowedEntryIds(db, organisation?.id ?? null, endorser?.id ?? null),
  };
  // With words, the FTS hits (ranked on the page by score); without, every entry newest first.
  const hits = match ? searchHits(db, store, match, BM25) : null;
  const { entryIds: ids, totals } = filterAndCount(store, hits, filters, (query.page - 1) * query.pageSize, query.pageSize, FACET_TAGS);
  const { total, facets } = totals;
  const result: CatalogueResult = { ...empty, total, pageCount: Math.ceil(total / query.pageSize), facets };
  if (!ids.length) return result;

  const byId = cards(db, ids);
  const badgeIds = [...byId.values()].map((c) => c.badgeId);
  const authors = organisationsOfBadges(db, badgeIds);
  const marks = match ? snippets(db, searchTerms(query.q), byId) : null;
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
