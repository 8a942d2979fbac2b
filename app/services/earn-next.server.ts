// "What I can earn next": the published badges, of this instance or federated here, whose
// prerequisite conditions a learner's held badges now meet, and that they neither hold
// nor plan yet; each with where it is offered (its steward and the steward's instance).
//
// Only badges that build on something the learner holds can be in that list: every
// condition needs at least one badge, so a met condition names one they hold. Badges with
// no prerequisites at all (anyone can start them, and there may be thousands) are shown
// only as starting points towards a badge the learner plans: that is when they are news.
//
// Ranking, best first, each rule breaking the ties of the one before:
//  1. it leads towards a badge the learner plans (it is a prerequisite of one, or of one of
//     its prerequisites): their own route comes first;
//  2. it builds on more of what they hold (distinct held badges its conditions name): the
//     closest fit to what they have done;
//  3. more of those are proven by a verified credential: proven ground over self-declared;
//  4. more organisations endorse it (accepted endorsements): others vouch for it;
//  5. by name, so the order is stable.
// Starting points rank by how many of the learner's plans they lead to, then 4 and 5.
//
// Cost: one query finds the met badges from the edge read model (edges naming a held
// badge, then the candidates' conditions counted in SQL), a guarded walk from the planned
// badges (one query per level), and two queries for what the page shows of the first few.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { edgesFrom, towardsPrerequisites } from "./prerequisite-graph.server";
import { prerequisiteTargets } from "./prerequisite-targets.server";
import { learnerBadgeUris } from "./learner-badges.server";

export interface EarnNextBadge {
  id: string;
  uri: string;
  name: string;
  summary: string;
  imageId: string | null;
  steward: { name: string; handle: string; host: string | null };
  // The badge's own page on its home instance, for badges stewarded elsewhere.
  homeUrl: string | null;
  // The badges the learner holds that its conditions name (empty for a starting point).
  buildsOn: { uri: string; name: string; proven: boolean }[];
  // The learner's planned badges it leads towards.
  towards: { uri: string; name: string; localId: string | null }[];
  endorsements: number;
}

export interface EarnNext {
  next: EarnNextBadge[];
  // All the badges whose conditions are met (more than `next` may show).
  nextTotal: number;
  // Badges with no prerequisites on the way to a planned badge.
  startingPoints: EarnNextBadge[];
  startingTotal: number;
}

export interface EarnNextLimits {
  next: number;
  startingPoints: number;
  // The walk back from planned badges: how far and how many badges at most.
  planDepth: number;
  planNodes: number;
}

// The walk back from plans reaches the nearest 300 badges at most (breadth first): a real
// route to a goal is far shorter, and in a dense network (the benchmark's, where every badge
// names three others) the full ancestry of a goal runs to thousands of badges and tens of
// milliseconds, while the learner wants the nearest steps and starting points anyway.
export const DEFAULT_EARN_NEXT_LIMITS: EarnNextLimits = { next: 20, startingPoints: 6, planDepth: 6, planNodes: 300 };

interface Ranked {
  id: string;
  uri: string;
  name: string;
  uses: number;
  provenUses: number;
  endorsements: number;
}

const json = (xs: Iterable<string>) => JSON.stringify([...xs]);

/** Published badges not held or planned whose every condition `held` meets, with what ranks them. */
function metBadges(db: DatabaseLike, held: string[], proven: string[], mine: string[]): Ranked[] {
  if (!held.length) return [];
  return db.all<Ranked>(sql`
    WITH held(uri) AS (SELECT value FROM json_each(${json(held)})),
      candidates AS (
        SELECT DISTINCT e.badge_id AS id FROM prerequisite_edges e WHERE e.prerequisite_uri IN (SELECT uri FROM held)),
      conditions AS (
        SELECT e.badge_id AS id, e.required_number AS required, sum(e.prerequisite_uri IN (SELECT uri FROM held)) AS n
        FROM prerequisite_edges e WHERE e.badge_id IN (SELECT id FROM candidates)
        GROUP BY e.badge_id, e.condition_index),
      met AS (SELECT id FROM conditions GROUP BY id HAVING min(n >= required) = 1)
    SELECT b.id AS id, b.uri AS uri, c.name AS name,
      (SELECT count(DISTINCT e.prerequisite_uri) FROM prerequisite_edges e
        WHERE e.badge_id = b.id AND e.prerequisite_uri IN (SELECT uri FROM held)) AS uses,
      (SELECT count(DISTINCT e.prerequisite_uri) FROM prerequisite_edges e
        WHERE e.badge_id = b.id AND e.prerequisite_uri IN (SELECT value FROM json_each(${json(proven)}))) AS provenUses,
      (SELECT count(*) FROM endorsements en WHERE en.badge_id = b.id AND en.status = 'accepted') AS endorsements
    FROM met JOIN badges b ON b.id = met.id JOIN catalogue_entries c ON c.badge_id = b.id
    WHERE b.status = 'published' AND b.uri NOT IN (SELECT value FROM json_each(${json(mine)}))`);
}

/**
 * Every badge that leads to one of `planned` (its prerequisites, theirs, …), with the
 * planned badges it leads to. Walked back level by level, each badge once, within limits,
 * so a cycle in other instances' data ends the walk rather than looping.
 */
function towardsPlans(db: DatabaseLike, planned: string[], limits: EarnNextLimits): Map<string, Set<string>> {
  const goals = new Map<string, Set<string>>(planned.map((p) => [p, new Set([p])]));
  const expand = towardsPrerequisites(db);
  let frontier = [...planned];
  for (let depth = 0; depth < limits.planDepth && frontier.length; depth++) {
    const next = new Set<string>();
    for (const [from, to] of expand(frontier)) {
      const mine = goals.get(from)!;
      let theirs = goals.get(to);
      if (!theirs) {
        if (goals.size >= limits.planNodes) continue;
        goals.set(to, (theirs = new Set()));
      }
      // A badge reached again from another plan passes that plan on too.
      const before = theirs.size;
      mine.forEach((g) => theirs.add(g));
      if (theirs.size > before) next.add(to);
    }
    frontier = [...next];
  }
  for (const p of planned) goals.get(p)?.delete(p);
  return goals;
}

/** Published badges with no prerequisites among `uris`, not held or planned. */
function startingBadges(db: DatabaseLike, uris: string[], mine: string[]): Ranked[] {
  if (!uris.length) return [];
  return db.all<Ranked>(sql`
    SELECT b.id AS id, b.uri AS uri, c.name AS name, 0 AS uses, 0 AS provenUses,
      (SELECT count(*) FROM endorsements en WHERE en.badge_id = b.id AND en.status = 'accepted') AS endorsements
    FROM badges b JOIN catalogue_entries c ON c.badge_id = b.id
    WHERE b.uri IN (SELECT value FROM json_each(${json(uris)})) AND b.status = 'published'
      AND b.uri NOT IN (SELECT value FROM json_each(${json(mine)}))
      AND NOT EXISTS (SELECT 1 FROM prerequisite_edges e WHERE e.badge_id = b.id)`);
}

interface Shown {
  id: string;
  summary: string;
  imageId: string | null;
  stewardName: string;
  stewardHandle: string;
  stewardHost: string | null;
  remoteUrl: string | null;
}

function details(db: DatabaseLike, ids: string[]): Map<string, Shown> {
  if (!ids.length) return new Map();
  const rows = db.all<Shown>(sql`
    SELECT b.id AS id, c.summary AS summary, c.image_id AS imageId, o.name AS stewardName, o.handle AS stewardHandle,
      o.host AS stewardHost, b.remote_url AS remoteUrl
    FROM badges b JOIN catalogue_entries c ON c.badge_id = b.id JOIN organisations o ON o.id = b.steward_organisation_id
    WHERE b.id IN (SELECT value FROM json_each(${json(ids)}))`);
  return new Map(rows.map((r) => [r.id, r]));
}

const byName = (a: Ranked, b: Ranked) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }) || a.uri.localeCompare(b.uri);

/** What `userId` can earn next, best first (see the ranking at the top of this file). */
export function whatICanEarnNext(db: DatabaseLike, userId: string, limits: Partial<EarnNextLimits> = {}): EarnNext {
  const lim = { ...DEFAULT_EARN_NEXT_LIMITS, ...limits };
  const { held, planned, proven } = learnerBadgeUris(db, userId);
  const mine = [...held, ...planned];
  const plans = planned.length ? towardsPlans(db, planned, lim) : new Map<string, Set<string>>();
  const towards = (uri: string) => plans.get(uri)?.size ?? 0;

  const met = metBadges(db, held, proven, mine);
  met.sort(
    (a, b) =>
      Number(towards(b.uri) > 0) - Number(towards(a.uri) > 0) ||
      b.uses - a.uses ||
      b.provenUses - a.provenUses ||
      b.endorsements - a.endorsements ||
      byName(a, b),
  );
  const starting = startingBadges(
    db,
    [...plans.keys()].filter((u) => towards(u) > 0),
    mine,
  );
  starting.sort((a, b) => towards(b.uri) - towards(a.uri) || b.endorsements - a.endorsements || byName(a, b));

  const next = met.slice(0, lim.next);
  const starts = starting.slice(0, lim.startingPoints);
  const shown = details(db, [...next, ...starts].map((r) => r.id));
  const heldSet = new Set(held);
  const provenSet = new Set(proven);
  // What each shown badge builds on, in its conditions' order; names of those and of the plans.
  const buildsOn = new Map<string, string[]>();
  for (const e of edgesFrom(db, next.map((r) => r.id))) {
    if (!heldSet.has(e.prerequisiteUri)) continue;
    const list = buildsOn.get(e.badgeId) ?? [];
    if (!list.includes(e.prerequisiteUri)) list.push(e.prerequisiteUri);
    buildsOn.set(e.badgeId, list);
  }
  const planOf = (uri: string) => [...(plans.get(uri) ?? [])];
  const named = prerequisiteTargets(db, [...new Set([...[...buildsOn.values()].flat(), ...[...next, ...starts].flatMap((r) => planOf(r.uri))])]);
  const view = (r: Ranked): EarnNextBadge => {
    const d = shown.get(r.id)!;
    return {
      id: r.id,
      uri: r.uri,
      name: r.name,
      summary: d.summary,
      imageId: d.imageId,
      steward: { name: d.stewardName, handle: d.stewardHandle, host: d.stewardHost },
      homeUrl: d.stewardHost && d.remoteUrl && /^https?:\/\//i.test(d.remoteUrl) ? d.remoteUrl : null,
      buildsOn: (buildsOn.get(r.id) ?? []).map((uri) => ({ uri, name: named.get(uri)?.name ?? uri, proven: provenSet.has(uri) })),
      towards: planOf(r.uri).map((uri) => ({ uri, name: named.get(uri)?.name ?? uri, localId: named.get(uri)?.localId ?? null })),
      endorsements: r.endorsements,
    };
  };
  return { next: next.map(view), nextTotal: met.length, startingPoints: starts.map(view), startingTotal: starting.length };
}
