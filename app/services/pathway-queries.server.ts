// What pages, federation and later features read about pathways. `pathwayVersionView` is
// the one to call for a pathway's structure (goal, steps, routes, with badge URIs and how
// this instance knows each badge); `publicPathwayVersion` is what federation serves.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import {
  badges,
  organisations,
  pathwayRevisions,
  pathways,
  pathwayVersions,
  remoteActors,
  versions,
  type BadgeStatus,
  type PathwayApprovalPolicy,
} from "../../db/schema";
import { organisationsOfPathways } from "./pathway-authors.server";
import { badgeRefs, type PathwayBadgeRef } from "./pathway-badges.server";
import { PathwayContentSchema, type PathwayContent } from "./pathway-content";
import type { OrganisationSummary } from "./catalogue-authors.server";
import { NotFoundError } from "./errors";
import { toFtsQuery, type CatalogueInstance } from "./catalogue-query.server";

export interface PathwayStepView extends PathwayBadgeRef {
  guidance: string;
}

export interface PathwayStageView {
  // How many of `steps` complete the stage (all of them, or fewer for a choice).
  required: number;
  // Badge URIs of the stage's steps, each also in `PathwayStructure.steps`.
  steps: string[];
}

export interface PathwayRouteView {
  name: string;
  // Taken in order; the last leads to the goal.
  stages: PathwayStageView[];
}

/** A pathway's content with every badge it names resolved as this instance knows it. */
export interface PathwayStructure {
  name: string;
  summary: string;
  language: string;
  goal: PathwayBadgeRef | null;
  steps: PathwayStepView[];
  // Any one route reaches the goal.
  routes: PathwayRouteView[];
}

/** Resolves the badges `content` names (one query); drafts stay unknown. */
export function describePathway(db: DatabaseLike, content: PathwayContent): PathwayStructure {
  const refs = badgeRefs(db, [...(content.goal ? [content.goal] : []), ...content.steps.map((s) => s.badge)]);
  return {
    name: content.name,
    summary: content.summary,
    language: content.language,
    goal: content.goal ? refs.get(content.goal)! : null,
    steps: content.steps.map((s) => ({ ...refs.get(s.badge)!, guidance: s.guidance })),
    routes: content.routes.map((r) => ({ name: r.name, stages: r.stages.map((s) => ({ required: s.required, steps: [...s.badges] })) })),
  };
}

export interface PathwayHome {
  host: string;
  // The pathway's page on its home instance, and its steward's.
  pathwayUrl: string | null;
  stewardUrl: string;
}

export interface PathwayVersionView extends PathwayStructure {
  id: string;
  uri: string;
  status: "published" | "deprecated";
  deprecatedAt: Date | null;
  approvalPolicy: PathwayApprovalPolicy;
  steward: OrganisationSummary;
  coAuthors: OrganisationSummary[];
  // Set for a pathway stewarded on another instance (this is our copy of it).
  home: PathwayHome | null;
  version: { number: number; uri: string; publishedAt: Date; contentHash: string };
  latestNumber: number;
  // Newest first.
  versions: { number: number; uri: string; publishedAt: Date; contentHash: string }[];
}

/**
 * A published version of a pathway (its latest when `number` is omitted), local or
 * received: its goal, steps (with guidance) and routes, every badge with its URI, its page
 * here (if any) and home instance. Drafts and withdrawn pathways are NotFound.
 */
export function pathwayVersionView(db: DatabaseLike, pathwayId: string, number?: number): PathwayVersionView {
  const pathway = db.select().from(pathways).where(eq(pathways.id, pathwayId)).get();
  if (!pathway || (pathway.status !== "published" && pathway.status !== "deprecated") || !pathway.latestVersionId) throw new NotFoundError("That pathway");
  const all = db.select().from(pathwayVersions).where(eq(pathwayVersions.pathwayId, pathwayId)).orderBy(desc(pathwayVersions.number)).all();
  const version = number === undefined ? all.find((v) => v.id === pathway.latestVersionId) : all.find((v) => v.number === number);
  if (!version) throw new NotFoundError("That version");
  const authors = organisationsOfPathways(db, [pathwayId]).get(pathwayId)!;
  const summary = (v: (typeof all)[number]) => ({ number: v.number, uri: v.uri, publishedAt: v.publishedAt, contentHash: v.contentHash });
  const steward = authors.steward;
  let home: PathwayHome | null = null;
  if (steward.host) {
    const actor = db.select({ url: remoteActors.url }).from(remoteActors).where(eq(remoteActors.uri, steward.uri)).get();
    home = { host: steward.host, pathwayUrl: pathway.remoteUrl, stewardUrl: actor?.url ?? steward.uri };
  }
  return {
    ...describePathway(db, PathwayContentSchema.parse(version.content)),
    id: pathway.id,
    uri: pathway.uri,
    status: pathway.status,
    deprecatedAt: pathway.deprecatedAt,
    approvalPolicy: pathway.approvalPolicy,
    steward,
    coAuthors: authors.coAuthors,
    home,
    version: summary(version),
    latestNumber: all[0]!.number,
    versions: all.map(summary),
  };
}

// ---------------------------------------------------------------------------------------
// What federation serves: local pathways only (only the steward's home speaks for one).

export interface PublicPathwayVersion {
  id: string;
  uri: string;
  approvalPolicy: PathwayApprovalPolicy;
  status: "published" | "deprecated";
  deprecatedAt: Date | null;
  firstPublishedAt: Date;
  version: {
    number: number;
    uri: string;
    content: PathwayContent;
    stewardUri: string;
    coauthorUris: string[];
    contentHash: string;
    publishedAt: Date;
  };
  // Names of the badges the content names, as known here, for the readable text.
  badgeNames: Map<string, string>;
}

export type PublicPathwayVersionResult =
  | { state: "public"; pathway: PublicPathwayVersion }
  | { state: "withdrawn"; pathwayUri: string; versionUri: string | null; withdrawnAt: Date };

/** Version `number` (or the latest) of a local pathway; NotFound for drafts, remote pathways, unknown versions. */
export function publicPathwayVersion(db: DatabaseLike, pathwayId: string, number?: number): PublicPathwayVersionResult {
  const row = db
    .select({ pathway: pathways, stewardHost: organisations.host })
    .from(pathways)
    .innerJoin(organisations, eq(organisations.id, pathways.stewardOrganisationId))
    .where(eq(pathways.id, pathwayId))
    .get();
  const pathway = row?.pathway;
  if (!row || !pathway || row.stewardHost !== null || pathway.status === "draft") throw new NotFoundError("That pathway");
  const version =
    number === undefined
      ? pathway.latestVersionId
        ? db.select().from(pathwayVersions).where(eq(pathwayVersions.id, pathway.latestVersionId)).get()
        : undefined
      : Number.isSafeInteger(number)
        ? db.select().from(pathwayVersions).where(and(eq(pathwayVersions.pathwayId, pathwayId), eq(pathwayVersions.number, number))).get()
        : undefined;
  if (pathway.status === "withdrawn" && (number === undefined || version)) {
    return { state: "withdrawn", pathwayUri: pathway.uri, versionUri: version && number !== undefined ? version.uri : null, withdrawnAt: pathway.updatedAt };
  }
  if (!version || pathway.status === "withdrawn") throw new NotFoundError("That version");
  const first = db
    .select({ publishedAt: pathwayVersions.publishedAt })
    .from(pathwayVersions)
    .where(eq(pathwayVersions.pathwayId, pathwayId))
    .orderBy(asc(pathwayVersions.number))
    .limit(1)
    .get()!;
  const content = PathwayContentSchema.parse(version.content);
  const refs = badgeRefs(db, [...(content.goal ? [content.goal] : []), ...content.steps.map((s) => s.badge)]);
  return {
    state: "public",
    pathway: {
      id: pathway.id,
      uri: pathway.uri,
      approvalPolicy: pathway.approvalPolicy,
      status: pathway.status,
      deprecatedAt: pathway.deprecatedAt,
      firstPublishedAt: first.publishedAt,
      version: {
        number: version.number,
        uri: version.uri,
        content,
        stewardUri: version.stewardUri,
        coauthorUris: [...version.coauthorUris],
        contentHash: version.contentHash,
        publishedAt: version.publishedAt,
      },
      badgeNames: new Map([...refs].flatMap(([uri, r]) => (r.name ? [[uri, r.name] as [string, string]] : []))),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Lists and search.

export interface PathwayListEntry {
  id: string;
  uri: string;
  status: "published" | "deprecated";
  name: string;
  summary: string;
  versionNumber: number;
  publishedAt: Date;
  stepCount: number;
  routeCount: number;
  goal: PathwayBadgeRef;
  steward: OrganisationSummary;
  coAuthors: OrganisationSummary[];
}

export interface PathwayQuery {
  q: string;
  instance: CatalogueInstance | null;
  // A local organisation's id: its pathways (as steward or co-author).
  organisationId?: string | null;
  page: number;
  pageSize: number;
}

export interface PathwaySearchResult {
  entries: PathwayListEntry[];
  total: number;
  pageCount: number;
}

function pathwayConditions(query: Pick<PathwayQuery, "instance" | "organisationId">) {
  const conds = [sql`p.status IN ('published', 'deprecated')`];
  if (query.instance) conds.push(sql`o.host IS ${query.instance === "here" ? sql`NULL` : sql`NOT NULL`}`);
  if (query.organisationId)
    conds.push(sql`(p.steward_organisation_id = ${query.organisationId} OR p.id IN (
      SELECT pathway_id FROM pathway_coauthors WHERE organisation_id = ${query.organisationId} AND status = 'accepted'))`);
  return sql.join(conds, sql` AND `);
}

/** The published pathways matching `query`: best match first with words, newest first without. */
export function searchPathways(db: DatabaseLike, query: PathwayQuery): PathwaySearchResult {
  const match = query.q ? toFtsQuery(query.q) : null;
  if (query.q && !match) return { entries: [], total: 0, pageCount: 0 };
  const from = match
    ? sql`pathway_search s JOIN pathway_entries e ON e.id = s.rowid`
    : sql`pathway_entries e`;
  const where = sql`${match ? sql`pathway_search MATCH ${match} AND ` : sql``}${pathwayConditions(query)}`;
  const joins = sql`JOIN pathways p ON p.id = e.pathway_id JOIN organisations o ON o.id = p.steward_organisation_id`;
  const total = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${from} ${joins} WHERE ${where}`)?.n ?? 0;
  const order = match ? sql`bm25(pathway_search, 0.0, 10.0, 4.0, 2.0), e.published_at DESC` : sql`e.published_at DESC, e.id DESC`;
  const rows = db.all<{
    id: string;
    uri: string;
    status: "published" | "deprecated";
    name: string;
    summary: string;
    versionNumber: number;
    publishedAt: number;
    stepCount: number;
    routeCount: number;
    goalUri: string;
  }>(sql`
    SELECT p.id AS id, p.uri AS uri, p.status AS status, e.name AS name, e.summary AS summary, e.version_number AS versionNumber,
      e.published_at AS publishedAt, e.step_count AS stepCount, e.route_count AS routeCount, e.goal_uri AS goalUri
    FROM ${from} ${joins} WHERE ${where}
    ORDER BY ${order} LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`);
  const goals = badgeRefs(db, rows.map((r) => r.goalUri));
  const authors = organisationsOfPathways(db, rows.map((r) => r.id));
  return {
    total,
    pageCount: Math.ceil(total / query.pageSize),
    entries: rows.map((r) => ({
      ...r,
      publishedAt: new Date(r.publishedAt),
      goal: goals.get(r.goalUri)!,
      steward: authors.get(r.id)!.steward,
      coAuthors: authors.get(r.id)!.coAuthors,
    })),
  };
}

/**
 * How many published pathways match the catalogue's words and instance filter, for its
 * tab: the catalogue page pays for it on every view, so it reads the read model alone
 * (entries exist for listed pathways only) and joins the steward only to tell instances.
 */
export function countPathways(db: DatabaseLike, query: Pick<PathwayQuery, "q" | "instance">): number {
  const match = query.q ? toFtsQuery(query.q) : null;
  if (query.q && !match) return 0;
  const from = match ? sql`pathway_search s JOIN pathway_entries e ON e.id = s.rowid` : sql`pathway_entries e`;
  const where = [
    ...(match ? [sql`pathway_search MATCH ${match}`] : []),
    ...(query.instance
      ? [sql`e.pathway_id IN (SELECT p.id FROM pathways p JOIN organisations o ON o.id = p.steward_organisation_id
          WHERE o.host IS ${query.instance === "here" ? sql`NULL` : sql`NOT NULL`})`]
      : []),
  ];
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${from} ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}`)?.n ?? 0;
}

export interface PathwayThroughBadge {
  id: string;
  name: string;
  role: "goal" | "step";
  status: "published" | "deprecated";
  // The steward's instance for a pathway of another instance (our copy of it); null for ours.
  host: string | null;
}

/**
 * Pathways that lead to a badge (as their goal) or pass through it (as a step), published
 * ones only, here and received from other instances: goals first, then by name.
 */
export function pathwaysThroughBadge(db: DatabaseLike, badgeUri: string): PathwayThroughBadge[] {
  return db.all<PathwayThroughBadge>(sql`
    SELECT p.id AS id, e.name AS name, pb.role AS role, p.status AS status, o.host AS host
    FROM pathway_badges pb JOIN pathways p ON p.id = pb.pathway_id JOIN pathway_entries e ON e.pathway_id = p.id
      JOIN organisations o ON o.id = p.steward_organisation_id
    WHERE pb.badge_uri = ${badgeUri} AND p.status IN ('published', 'deprecated')
    ORDER BY pb.role, e.name, p.id`);
}

export interface StewardedPathway {
  id: string;
  name: string;
  summary: string;
  status: BadgeStatus;
  versionNumber: number | null;
}

/** Pathways an organisation stewards: published ones for all, drafts too for its members. */
export function stewardedPathways(db: DatabaseLike, organisationId: string, includeDrafts: boolean): StewardedPathway[] {
  const published = db
    .select({ id: pathways.id, status: pathways.status, content: pathwayVersions.content, number: pathwayVersions.number })
    .from(pathways)
    .innerJoin(pathwayVersions, eq(pathwayVersions.id, pathways.latestVersionId))
    .where(and(eq(pathways.stewardOrganisationId, organisationId), inArray(pathways.status, ["published", "deprecated"])))
    .orderBy(desc(pathways.updatedAt))
    .all()
    .map((r) => ({ id: r.id, status: r.status, versionNumber: r.number, name: (r.content as PathwayContent).name, summary: (r.content as PathwayContent).summary }));
  if (!includeDrafts) return published;
  const drafts = db
    .select({ id: pathways.id, status: pathways.status, content: pathwayRevisions.content })
    .from(pathways)
    .innerJoin(pathwayRevisions, eq(pathwayRevisions.id, pathways.currentRevisionId))
    .where(and(eq(pathways.stewardOrganisationId, organisationId), eq(pathways.status, "draft")))
    .orderBy(desc(pathways.updatedAt))
    .all()
    .map((r) => ({ id: r.id, status: r.status, versionNumber: null, name: (r.content as PathwayContent).name, summary: (r.content as PathwayContent).summary }));
  return [...drafts, ...published];
}

export interface PathwayBadgeOption {
  uri: string;
  name: string;
  stewardName: string;
  // The steward's instance for badges of other instances.
  home: string | null;
}

// A select with thousands of options helps nobody; beyond this, people paste the address.
export const PATHWAY_BADGE_OPTION_LIMIT = 300;

/**
 * Badges a pathway can name: published badges known here, local and received, by name.
 * Those already named (`include`) are always in the list, even when since deprecated.
 */
export function pathwayBadgeOptions(db: DatabaseLike, options: { include?: string[] } = {}): PathwayBadgeOption[] {
  const name = sql<string>`json_extract(${versions.content}, '$.name')`;
  const select = () =>
    db
      .select({ uri: badges.uri, name, stewardName: organisations.name, home: organisations.host })
      .from(badges)
      .innerJoin(versions, eq(versions.id, badges.latestVersionId))
      .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId));
  const shown = select().where(eq(badges.status, "published")).orderBy(asc(name), asc(organisations.name)).limit(PATHWAY_BADGE_OPTION_LIMIT).all();
  const missing = (options.include ?? []).filter((uri) => !shown.some((o) => o.uri === uri));
  const extra = missing.length ? select().where(and(inArray(badges.uri, missing), inArray(badges.status, ["published", "deprecated"]))).all() : [];
  return [...shown, ...extra];
}
