// The graph a badge page draws: what leads to the badge (its prerequisites and theirs, a few
// levels back) and what it leads to (a level or two on), from the edge read model, with
// each badge as this instance knows it and the signed-in learner's progress.
//
// Read level by level, one indexed query per level and direction, plus one for the names
// and one for the conditions of the badges at the rim: a fixed handful of queries whatever
// the network's size. Guarded: each badge is expanded once (a cycle that other instances'
// content makes never loops), the levels and the number of badges are capped, and what
// the caps leave out is counted and said.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { prerequisitesMet, type PrerequisiteCondition } from "./prerequisites";
import { edgesFromUris, type PrerequisiteEdge } from "./prerequisite-graph.server";
import { prerequisiteTargets } from "./prerequisite-targets.server";
import type { BadgeGraph, GraphBadge, GraphCondition, GraphLearnerState } from "./badge-graph";

export interface BadgeGraphLimits {
  // Levels of prerequisites drawn above the badge, and of badges it leads to below it.
  levelsBefore: number;
  levelsAfter: number;
  // At most this many badges in all (the badge included), and of them at most
  // `maxAfter` that it leads to, so a popular prerequisite does not crowd out its own past.
  maxBadges: number;
  maxAfter: number;
}

export const DEFAULT_GRAPH_LIMITS: BadgeGraphLimits = { levelsBefore: 3, levelsAfter: 2, maxBadges: 28, maxAfter: 10 };

// How many badges naming one level are read before choosing which to draw: enough to put
// the learner's own plans first, few enough that a badge thousands build on stays cheap.
const UNLOCKED_READ = 200;

/** What a learner holds and plans, by badge URI (learner-badges.server.ts `learnerBadgeUris`). */
export interface LearnerHoldings {
  held: readonly string[];
  planned: readonly string[];
  proven: readonly string[];
}

interface Gathered {
  // Badge URIs in the order they were reached (the layout keeps it).
  order: string[];
  // Which side of the focus each drawn badge is on.
  side: Map<string, "focus" | "before" | "after">;
  // Each badge's conditions, as its latest version states them (all their badges, drawn or not).
  conditions: Map<string, PrerequisiteCondition[]>;
  // Prerequisites reached but not drawn (beyond the cap), and badges leading on that were not.
  leftOutBefore: Set<string>;
  leftOutAfter: number;
  // Badges on the "leads to" side with more after them than is drawn.
  moreAfter: Set<string>;
}

/** Conditions per badge from edges (ordered by badge, condition, position). */
function conditionsOf(edges: PrerequisiteEdge[], into: Map<string, PrerequisiteCondition[]>) {
  const touched = new Set<string>();
  for (const e of edges) {
    let list = into.get(e.badgeUri);
    if (!list) into.set(e.badgeUri, (list = []));
    touched.add(e.badgeUri);
    const c = (list[e.conditionIndex] ??= { requiredNumber: e.requiredNumber, badges: [] });
    c.badges.push(e.prerequisiteUri);
  }
  // Indexes are dense as written; a gap (never expected) is closed rather than drawn empty.
  for (const uri of touched) into.set(uri, into.get(uri)!.filter(Boolean));
}

/** Published badges naming any of `uris` (at most `limit`), and how many badges name them in all. */
function unlockers(db: DatabaseLike, uris: string[], limit: number) {
  const list = JSON.stringify(uris);
  const rows = db.all<{ uri: string; name: string | null; names: string }>(sql`
    SELECT b.uri AS uri, json_extract(v.content, '$.name') AS name, json_group_array(DISTINCT e.prerequisite_uri) AS names
    FROM prerequisite_edges e
      JOIN badges b ON b.id = e.badge_id
      JOIN versions v ON v.id = b.latest_version_id
    WHERE e.prerequisite_uri IN (SELECT value FROM json_each(${list})) AND b.status IN ('published', 'deprecated')
    GROUP BY b.id
    LIMIT ${limit}`);
  const total =
    rows.length < limit
      ? rows.length
      : (db.get<{ n: number }>(sql`
          SELECT count(DISTINCT e.badge_id) AS n FROM prerequisite_edges e
          WHERE e.prerequisite_uri IN (SELECT value FROM json_each(${list}))`)?.n ?? rows.length);
  return { rows: rows.map((r) => ({ uri: r.uri, name: r.name, names: JSON.parse(r.names) as string[] })), total };
}

/** Of `uris`, those some badge names as a prerequisite (one indexed probe each). */
export function namedByAny(db: DatabaseLike, uris: string[]): Set<string> {
  if (!uris.length) return new Set();
  const rows = db.all<{ uri: string }>(sql`
    SELECT j.value AS uri FROM json_each(${JSON.stringify(uris)}) j
    WHERE EXISTS (SELECT 1 FROM prerequisite_edges e WHERE e.prerequisite_uri = j.value)`);
  return new Set(rows.map((r) => r.uri));
}

function gather(db: DatabaseLike, focusUri: string, limits: BadgeGraphLimits, planned: ReadonlySet<string>): Gathered {
  const g: Gathered = {
    order: [focusUri],
    side: new Map([[focusUri, "focus"]]),
    conditions: new Map(),
    leftOutBefore: new Set(),
    leftOutAfter: 0,
    moreAfter: new Set(),
  };
  const expanded = new Set<string>();
  const maxAfter = Math.max(0, Math.min(limits.maxAfter, limits.maxBadges - 1));
  const maxBefore = limits.maxBadges - maxAfter;
  const add = (uri: string, side: "before" | "after") => {
    g.side.set(uri, side);
    g.order.push(uri);
  };

  // Back: each level's conditions name the next level; a badge is drawn once, where first reached.
  let frontier = [focusUri];
  for (let level = 1; level <= limits.levelsBefore && frontier.length; level++) {
    const edges = edgesFromUris(db, frontier);
    frontier.forEach((u) => expanded.add(u));
    conditionsOf(edges, g.conditions);
    const next: string[] = [];
    for (const e of edges) {
      if (g.side.has(e.prerequisiteUri)) continue;
      if (g.order.length >= maxBefore) {
        g.leftOutBefore.add(e.prerequisiteUri);
        continue;
      }
      add(e.prerequisiteUri, "before");
      next.push(e.prerequisiteUri);
    }
    frontier = next;
  }

  // On: the badges naming each level, the learner's plans first, then by name.
  let afterCount = 0;
  frontier = [focusUri];
  for (let level = 1; level <= limits.levelsAfter && frontier.length; level++) {
    const { rows, total } = unlockers(db, frontier, UNLOCKED_READ);
    const fresh = rows.filter((r) => !g.side.has(r.uri));
    fresh.sort((a, b) => Number(planned.has(b.uri)) - Number(planned.has(a.uri)) || (a.name ?? "").localeCompare(b.name ?? ""));
    const taken = fresh.slice(0, Math.max(0, Math.min(maxAfter - afterCount, limits.maxBadges - g.order.length)));
    // Of all the badges naming this level, those neither drawn already nor now.
    const missing = Math.max(0, total - (rows.length - fresh.length) - taken.length);
    g.leftOutAfter += missing;
    if (missing) {
      const kept = new Set(taken.map((r) => r.uri));
      // Every badge of the level whose followers were not all drawn says so.
      for (const r of fresh) if (!kept.has(r.uri)) r.names.forEach((n) => g.moreAfter.add(n));
      if (rows.length < total) frontier.forEach((u) => g.moreAfter.add(u));
    }
    for (const r of taken) add(r.uri, "after");
    afterCount += taken.length;
    frontier = taken.map((r) => r.uri);
  }
  // The outermost level leads on to badges not read at all.
  for (const uri of namedByAny(db, frontier)) g.moreAfter.add(uri);

  // The rim: conditions of every drawn badge not read yet (deepest prerequisites, badges it
  // leads to), so each box knows what it needs and the learner's "can earn now" is right.
  conditionsOf(
    edgesFromUris(
      db,
      g.order.filter((u) => !expanded.has(u)),
    ),
    g.conditions,
  );
  return g;
}

function learnerState(
  uri: string,
  available: boolean,
  conditions: PrerequisiteCondition[],
  holdings: Holdings,
): GraphLearnerState {
  const holding = holdings.proven.has(uri) ? "proven" : holdings.held.has(uri) ? "held" : null;
  return {
    holding,
    planned: holdings.planned.has(uri),
    ready: !holding && available && prerequisitesMet(conditions, (u) => holdings.held.has(u)),
  };
}

type Holdings = { held: Set<string>; planned: Set<string>; proven: Set<string> };

/** Each badge as this instance knows it, with the learner's state from its conditions. */
function boxesOf(db: DatabaseLike, uris: string[], conditions: Map<string, PrerequisiteCondition[]>, learner: Holdings | null): GraphBadge[] {
  const targets = prerequisiteTargets(db, uris);
  return uris.map((uri) => {
    const t = targets.get(uri)!;
    return {
      key: uri,
      name: t.name,
      href: t.localId ? `/badges/${t.localId}` : null,
      host: t.host,
      availability: t.availability,
      learner: learner ? learnerState(uri, t.availability === "available", conditions.get(uri) ?? [], learner) : null,
      moreBefore: false,
      moreAfter: false,
    };
  });
}

/**
 * The badges of a graph someone else composes (a pathway's steps), as a picture's boxes:
 * each as this instance knows it (name, page, home, available or not) and, for a learner,
 * held, proven, planned and whether they can earn it now by its own prerequisites. The
 * caller adds its conditions (`GraphCondition`) and passes the `BadgeGraph` to
 * `layoutBadgeGraph` and `BadgeGraphFigure`. Two queries, whatever the number of badges.
 */
export function graphBadges(
  db: DatabaseLike,
  uris: readonly string[],
  learner?: LearnerHoldings | null,
  // Their conditions, when the caller has read them already (`readPrerequisiteConditions`).
  known?: ReadonlyMap<string, PrerequisiteCondition[]>,
): GraphBadge[] {
  const unique = [...new Set(uris)];
  const holdings = learner ? { held: new Set(learner.held), planned: new Set(learner.planned), proven: new Set(learner.proven) } : null;
  const conditions = new Map(known ?? []);
  if (holdings && !known) conditionsOf(edgesFromUris(db, unique), conditions);
  return boxesOf(db, unique, conditions, holdings);
}

/** Each badge's prerequisite conditions as its latest version states them, by URI (one query; none: absent). */
export function readPrerequisiteConditions(db: DatabaseLike, uris: readonly string[]): Map<string, PrerequisiteCondition[]> {
  const conditions = new Map<string, PrerequisiteCondition[]>();
  conditionsOf(edgesFromUris(db, [...new Set(uris)]), conditions);
  return conditions;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The graph around the badge `focusUri` (published or deprecated, here or federated) for
 * its page, with `learner`'s progress when someone is signed in.
 */
export function badgeGraph(
  db: DatabaseLike,
  focusUri: string,
  options: { learner?: LearnerHoldings | null; limits?: Partial<BadgeGraphLimits> } = {},
): BadgeGraph {
  const limits = { ...DEFAULT_GRAPH_LIMITS, ...options.limits };
  const learner = options.learner
    ? { held: new Set(options.learner.held), planned: new Set(options.learner.planned), proven: new Set(options.learner.proven) }
    : null;
  const g = gather(db, focusUri, limits, learner?.planned ?? new Set());
  const drawn = g.side;
  const badges = boxesOf(db, g.order, g.conditions, learner).map((b) => ({
    ...b,
    moreBefore: (g.conditions.get(b.key) ?? []).some((c) => c.badges.some((u) => !drawn.has(u))),
    moreAfter: g.side.get(b.key) !== "before" && g.moreAfter.has(b.key),
  }));

  const conditions: GraphCondition[] = [];
  for (const uri of g.order) {
    (g.conditions.get(uri) ?? []).forEach((c, index) => {
      const held = learner ? c.badges.filter((b) => learner.held.has(b)).length : null;
      conditions.push({
        key: `${uri}#${index}`,
        badge: uri,
        requiredNumber: c.requiredNumber,
        size: c.badges.length,
        members: c.badges.filter((b) => drawn.has(b)),
        held,
        met: held === null ? null : held >= c.requiredNumber,
      });
    });
  }

  const name = badges[0].name ?? focusUri;
  const before = [...g.side.values()].filter((s) => s === "before").length;
  const after = [...g.side.values()].filter((s) => s === "after").length;
  // Left out by the caps (counted), or by the levels drawn (their boxes say "more"). Other
  // routes into a badge the focus leads to are not its past: their junction says "2 of 3".
  const beyond = (side: "before" | "after") =>
    side === "before"
      ? g.order.some((u) => g.side.get(u) !== "after" && (g.conditions.get(u) ?? []).some((c) => c.badges.some((b) => !drawn.has(b) && !g.leftOutBefore.has(b))))
      : badges.some((b) => b.moreAfter) && !g.leftOutAfter;
  const notes = [
    g.leftOutBefore.size ? count(g.leftOutBefore.size, "more prerequisite", "more prerequisites") : null,
    g.leftOutAfter ? `${count(g.leftOutAfter, "more badge", "more badges")} it leads to` : null,
    beyond("before") ? "badges further back" : null,
    beyond("after") ? "badges further on" : null,
  ].filter((n): n is string => !!n);
  return {
    title: `Where ${name} fits`,
    description:
      `${name}, with ${count(before, "badge", "badges")} leading to it` +
      (after ? ` and ${count(after, "badge", "badges")} it leads to` : " and none that it leads to yet") +
      (learner ? ", marked with your progress." : "."),
    focus: focusUri,
    badges,
    conditions,
    leftOut: notes.length ? `Not drawn: ${listWords(notes)}. Each badge's page shows its own graph.` : null,
  };
}

const listWords = (xs: string[]) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);
