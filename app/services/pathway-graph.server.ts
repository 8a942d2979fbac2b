// The picture a pathway's page draws: its goal (the focus), every step of every route, the
// prerequisites that join them (the badges' own rules, as their pages draw them), and the
// pathway's own order of steps (its advice: on a route, each stage after the one before,
// the last stage before the goal). Made as a plain BadgeGraph (badge-graph.ts) for the same
// layout and figure as badge pages, with the learner's progress and home instances.
//
// A step's prerequisites that are not on the pathway are not drawn: the step says "more"
// and its page has its own graph. Three queries, whatever the pathway's size (at most 51
// badges: a goal and 50 steps).
import type { DatabaseLike } from "../../db/client";
import type { BadgeGraph, GraphCondition } from "./badge-graph";
import { graphBadges, namedByAny, readPrerequisiteConditions, type LearnerHoldings } from "./badge-graph.server";
import { layoutBadgeGraph, type GraphLayout } from "./badge-graph-layout.server";
import type { PathwayStructure } from "./pathway-queries.server";

/** What the picture needs of a pathway: a published version's structure, or a draft's. */
export type PathwayGraphInput = Pick<PathwayStructure, "name" | "routes"> & {
  goal: { uri: string; name: string | null } | null;
  steps: { uri: string }[];
};

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The route's name as the page heads it; "" for a pathway's only route when it has none. */
const routeName = (name: string, index: number, routes: number) => name || (routes > 1 ? `Route ${index + 1}` : "");

/** The pathway as a graph around its goal, with `learner`'s progress when someone is signed in. */
export function pathwayGraph(db: DatabaseLike, pathway: PathwayGraphInput, learner?: LearnerHoldings | null): BadgeGraph {
  const goal = pathway.goal?.uri ?? null;
  // The goal first, then the steps as the routes take them, then any on no route (a draft's).
  const order = [
    ...new Set([
      ...(goal ? [goal] : []),
      ...pathway.routes.flatMap((r) => r.stages.flatMap((s) => s.steps)),
      ...pathway.steps.map((s) => s.uri),
    ]),
  ];
  const drawn = new Set(order);
  const prerequisites = readPrerequisiteConditions(db, order);
  const badges = graphBadges(db, order, learner, prerequisites);
  const held = learner ? new Set(learner.held) : null;
  const progress = (members: string[], requiredNumber: number) => {
    const n = held ? members.filter((m) => held.has(m)).length : null;
    return { held: n, met: n === null ? null : n >= requiredNumber };
  };

  // The badges' own rules, each with the badges of it the pathway has (as a badge page draws them).
  const conditions: GraphCondition[] = [];
  const before = new Map<string, Set<string>>(); // badge -> the badges drawn into it so far
  for (const uri of order) {
    (prerequisites.get(uri) ?? []).forEach((c, index) => {
      const members = c.badges.filter((b) => drawn.has(b));
      members.forEach((m) => before.set(uri, (before.get(uri) ?? new Set()).add(m)));
      conditions.push({
        key: `${uri}#${index}`,
        badge: uri,
        requiredNumber: c.requiredNumber,
        size: c.badges.length,
        members,
        ...progress(c.badges, c.requiredNumber),
      });
    });
  }

  // The pathway's order: on each route, every step of a stage comes after the stage before
  // it, and the goal after the last stage. Where the step's own prerequisites already draw
  // every badge of the stage before, or another route said the same, nothing more is drawn.
  const routes = pathway.routes.length;
  const seen = new Set<string>();
  pathway.routes.forEach((route, r) => {
    const name = routeName(route.name, r, routes);
    const link = (target: string, stage: { required: number; steps: string[] }, key: string) => {
      const members = stage.steps.filter((s) => s !== target && drawn.has(s));
      if (!members.length) return;
      const requiredNumber = Math.min(stage.required, members.length);
      // Several routes into one goal: each way in says which route it is.
      const labelled = target === goal && routes > 1;
      if (!labelled && members.every((m) => before.get(target)?.has(m))) return;
      const same = `${target}|${requiredNumber}|${[...members].sort().join(" ")}${labelled ? `|${name}` : ""}`;
      if (seen.has(same)) return;
      seen.add(same);
      members.forEach((m) => before.set(target, (before.get(target) ?? new Set()).add(m)));
      conditions.push({
        key: `${target}#${key}`,
        badge: target,
        requiredNumber,
        size: members.length,
        members,
        ...progress(members, requiredNumber),
        route: name,
        ...(labelled ? { junctionText: name } : {}),
      });
    };
    route.stages.forEach((stage, s) => {
      const next = route.stages[s + 1];
      if (next) for (const step of next.steps) link(step, stage, `route${r}.${s + 1}`);
      else if (goal) link(goal, stage, `route${r}.goal`);
    });
  });

  // A step's prerequisites off the pathway are not drawn; the goal's next badges neither.
  const leadsOn = goal ? namedByAny(db, [goal]) : new Set<string>();
  const marked = badges.map((b) => ({
    ...b,
    moreBefore: (prerequisites.get(b.key) ?? []).some((c) => c.badges.some((u) => !drawn.has(u))),
    moreAfter: leadsOn.has(b.key),
  }));

  const goalName = goal ? (marked[0]!.name ?? goal) : null;
  const steps = order.length - (goal ? 1 : 0);
  const notDrawn = [
    marked.some((b) => b.moreBefore) ? "prerequisites of its badges that are not on the pathway" : null,
    leadsOn.size ? "the badges its goal leads to" : null,
  ].filter((n): n is string => !!n);
  return {
    title: `Map of ${pathway.name}`,
    description:
      (goalName
        ? `${goalName}, the goal, and the ${count(steps, "step", "steps")} leading to it`
        : `The ${count(steps, "step", "steps")} of the pathway, which has no goal yet`) +
      (routes > 1 ? `, on ${routes} routes: any one of them reaches the goal` : "") +
      (learner ? ", marked with your progress." : "."),
    focus: goal,
    badges: marked,
    conditions,
    leftOut: notDrawn.length ? `Not drawn: ${notDrawn.join(", nor ")}. Each badge's page shows its own graph.` : null,
    kind: "pathway",
  };
}

/**
 * The pathway's graph and its layout, for a page; null when there is nothing to join (no
 * steps). Should ELK fail on some graph, the layout is null and the page shows the list.
 */
export async function drawPathwayGraph(
  db: DatabaseLike,
  pathway: PathwayGraphInput,
  learner?: LearnerHoldings | null,
): Promise<{ graph: BadgeGraph; layout: GraphLayout | null } | null> {
  if (!pathway.steps.length) return null;
  const graph = pathwayGraph(db, pathway, learner);
  const layout = await layoutBadgeGraph(graph).catch((error: unknown) => {
    console.warn(`The graph of the pathway ${pathway.name} could not be laid out:`, error);
    return null;
  });
  return { graph, layout };
}
