// Reading the prerequisite graph of every badge known here, local and remote, from its
// read model (`prerequisite_edges`, kept by prerequisite-index.server.ts). Nodes are badge
// URIs; an edge X -> P says X's latest version names P in a condition. Every query is
// indexed: X's edges by X's id (the key's prefix), who names P by P's URI (its index), and
// URIs to ids by the badges' unique URI index. Lists of URIs travel as one JSON parameter
// (`json_each`), so a batch of any size is one statement. Walks go through
// prerequisite-walk.ts, which guards them against cycles and runaway sizes.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { findCycleThrough, walk, type ExpandBatch, type WalkLimits, type WalkResult } from "./prerequisite-walk";

export interface PrerequisiteEdge {
  // The badge whose latest version sets the condition.
  badgeId: string;
  badgeUri: string;
  conditionIndex: number;
  requiredNumber: number;
  conditionSize: number;
  position: number;
  prerequisiteUri: string;
}

const EDGE_COLUMNS = sql`e.badge_id AS badgeId, b.uri AS badgeUri, e.condition_index AS conditionIndex,
  e.required_number AS requiredNumber, e.condition_size AS conditionSize, e.position AS position,
  e.prerequisite_uri AS prerequisiteUri`;

const jsonList = (values: readonly string[]) => JSON.stringify(values);

/** What leads to each of these badges (by id): their edges, in condition and written order. */
export function edgesFrom(db: DatabaseLike, badgeIds: readonly string[]): PrerequisiteEdge[] {
  if (!badgeIds.length) return [];
  return db.all<PrerequisiteEdge>(sql`
    SELECT ${EDGE_COLUMNS}
    FROM prerequisite_edges e JOIN badges b ON b.id = e.badge_id
    WHERE e.badge_id IN (SELECT value FROM json_each(${jsonList(badgeIds)}))
    ORDER BY e.badge_id, e.condition_index, e.position`);
}

/** What leads to each of these badges, named by URI (ids unknown to the caller): as `edgesFrom`. */
export function edgesFromUris(db: DatabaseLike, badgeUris: readonly string[]): PrerequisiteEdge[] {
  if (!badgeUris.length) return [];
  return db.all<PrerequisiteEdge>(sql`
    SELECT ${EDGE_COLUMNS}
    FROM badges b JOIN prerequisite_edges e ON e.badge_id = b.id
    WHERE b.uri IN (SELECT value FROM json_each(${jsonList(badgeUris)}))
    ORDER BY b.uri, e.condition_index, e.position`);
}

/** What these badges (by URI) unlock: the edges of every badge that names one of them. */
export function edgesTo(db: DatabaseLike, prerequisiteUris: readonly string[]): PrerequisiteEdge[] {
  if (!prerequisiteUris.length) return [];
  return db.all<PrerequisiteEdge>(sql`
    SELECT ${EDGE_COLUMNS}
    FROM prerequisite_edges e JOIN badges b ON b.id = e.badge_id
    WHERE e.prerequisite_uri IN (SELECT value FROM json_each(${jsonList(prerequisiteUris)}))
    ORDER BY e.prerequisite_uri, b.uri`);
}

/** Reads the graph towards prerequisites: badge URI -> the URIs its conditions name. */
export function towardsPrerequisites(db: DatabaseLike): ExpandBatch {
  return (uris) =>
    db
      .all<{ from: string; to: string }>(sql`
        SELECT b.uri AS "from", e.prerequisite_uri AS "to"
        FROM badges b JOIN prerequisite_edges e ON e.badge_id = b.id
        WHERE b.uri IN (SELECT value FROM json_each(${jsonList(uris)}))`)
      .map((r) => [r.from, r.to] as const);
}

/** Reads the graph towards what is unlocked: badge URI -> URIs of the badges naming it. */
export function towardsUnlocked(db: DatabaseLike): ExpandBatch {
  return (uris) =>
    db
      .all<{ from: string; to: string }>(sql`
        SELECT e.prerequisite_uri AS "from", b.uri AS "to"
        FROM prerequisite_edges e JOIN badges b ON b.id = e.badge_id
        WHERE e.prerequisite_uri IN (SELECT value FROM json_each(${jsonList(uris)}))`)
      .map((r) => [r.from, r.to] as const);
}

/**
 * The neighbourhood of badges (by URI) in one direction, however far the limits allow:
 * everything that leads to them ("prerequisites") or that they lead to ("unlocked").
 */
export function walkPrerequisiteGraph(
  db: DatabaseLike,
  startUris: readonly string[],
  direction: "prerequisites" | "unlocked",
  limits?: WalkLimits,
): WalkResult {
  return walk(startUris, direction === "prerequisites" ? towardsPrerequisites(db) : towardsUnlocked(db), limits);
}

/**
 * The cycle that giving badge `badgeUri` these prerequisites would close, as badge URIs
 * from it back to it ([A, B, A]: A needs B, B needs A), or null. Other badges' conditions
 * are read as their latest versions say, remote ones as stored here.
 */
export function prerequisiteCycle(db: DatabaseLike, badgeUri: string, prerequisiteUris: readonly string[]): string[] | null {
  return findCycleThrough(badgeUri, prerequisiteUris, towardsPrerequisites(db));
}
