// The picture of a prerequisite graph as plain data: badges, the conditions that join them,
// and where a learner stands with each. A badge page builds one around its badge
// (badge-graph.server.ts); a pathway page builds one from its goal, steps and routes
// (pathway-graph.server.ts) and passes it to the same layout (badge-graph-layout.server.ts)
// and figure (app/components/badge-graph.tsx).
// Pure: shared by the server and the components.
import { describeCondition } from "./prerequisites";

export type GraphAvailability = "available" | "deprecated" | "withdrawn" | "unknown";

/** Where the signed-in learner stands with a badge; null in `GraphBadge.learner` when nobody is signed in. */
export interface GraphLearnerState {
  // Held with a verified credential ("proven"), held otherwise (self-declared or not verified), or not held.
  holding: "proven" | "held" | null;
  planned: boolean;
  // Not held, available, and every condition met by what the learner holds (a badge with
  // no prerequisites is always ready): they can earn it now.
  ready: boolean;
}

export interface GraphBadge {
  // Unique within the graph: the badge's URI.
  key: string;
  // Null when this instance does not know the badge (it could not be fetched).
  name: string | null;
  // Our page of it, if it has one.
  href: string | null;
  // The steward's instance when it is not this one.
  host: string | null;
  availability: GraphAvailability;
  learner: GraphLearnerState | null;
  // It has prerequisites, or leads to badges, that are not drawn (beyond the levels shown or
  // the cap). Badges left out of a condition drawn as a junction are marked on the junction.
  moreBefore: boolean;
  moreAfter: boolean;
}

/** One condition of a badge: `requiredNumber` of its `size` badges, of which `members` are drawn. */
export interface GraphCondition {
  // Unique within the graph: `${badge}#${index}`.
  key: string;
  // The key of the badge it gates.
  badge: string;
  requiredNumber: number;
  size: number;
  // Keys of the drawn badges it names, in the author's order.
  members: string[];
  // For the signed-in learner: how many of all its badges they hold, and whether that is enough.
  held: number | null;
  met: boolean | null;
  // Set when the condition is not the badge's rule but a pathway's order of steps (its
  // advice: "on this route, after these"): the route's name, or "" for a pathway's only,
  // unnamed route. Drawn with dashed arrows; the list says it in a pathway's words.
  route?: string;
  // Draws the condition as a wider junction with these words even when it names one badge
  // (a pathway with several routes labels each route's way into its goal).
  junctionText?: string;
}

export interface BadgeGraph {
  // The figure's title and one-sentence description (read out with the picture).
  title: string;
  description: string;
  // The badge the picture is about (the page's badge; a pathway's goal), if any.
  focus: string | null;
  badges: GraphBadge[];
  conditions: GraphCondition[];
  // What the caps left out, said under the picture; null when everything is drawn.
  leftOut: string | null;
  // A pathway's picture (its goal as the focus, its routes as conditions) rather than a badge's.
  kind?: "badge" | "pathway";
}

/** A condition's rule as the picture's junction says it: "any 1 of 3", "2 of 3", "all 3", "required". */
export function junctionLabel(c: Pick<GraphCondition, "requiredNumber" | "size">): string {
  if (c.size === 1) return "required";
  if (c.requiredNumber >= c.size) return c.size === 2 ? "both" : `all ${c.size}`;
  return c.requiredNumber === 1 ? `any 1 of ${c.size}` : `${c.requiredNumber} of ${c.size}`;
}

/**
 * The same rule in the words of the badge pages ("Any 1 of these 3"), for the list beside
 * the picture; a pathway's order in its own ("On the route “Foundations”, after any 1 of these 3").
 */
export function conditionWords(c: Pick<GraphCondition, "requiredNumber" | "size" | "route">): string {
  if (c.route === undefined) return describeCondition(c);
  const where = c.route ? `On the route “${c.route}”` : "On the pathway";
  return `${where}, after ${c.size === 1 ? "this step" : describeCondition(c).toLowerCase()}`;
}

/** Whether a condition is drawn as its own junction: when it chooses among badges, joins several, or is labelled. */
export const drawsJunction = (c: Pick<GraphCondition, "size" | "junctionText">) => c.size > 1 || !!c.junctionText;

/** Where the learner stands, in words (also drawn in each box, so colour is never the only cue). */
export function progressWords(state: GraphLearnerState | null): string | null {
  if (!state) return null;
  if (state.holding === "proven") return "Held, proven";
  if (state.holding === "held") return "Held";
  if (state.planned && state.ready) return "Planned, can earn now";
  if (state.ready) return "Can earn now";
  if (state.planned) return "Planned";
  return null;
}

export type ProgressStyle = "proven" | "held" | "ready" | "planned" | "none";

/** The one style a box is drawn in (held wins over planned, ready over planned). */
export function progressStyle(state: GraphLearnerState | null): ProgressStyle {
  if (!state) return "none";
  if (state.holding) return state.holding;
  if (state.ready) return "ready";
  return state.planned ? "planned" : "none";
}

/** The badge's name, or its address when this instance does not know it. */
export const badgeLabel = (b: Pick<GraphBadge, "name" | "key">) => b.name ?? b.key;

/**
 * The structure alone (badges, conditions, their order), without names or the learner:
 * what the layout depends on, so one layout serves every learner (and every name edit
 * that keeps the boxes' size).
 */
export function graphShapeKey(graph: Pick<BadgeGraph, "badges" | "conditions">): string {
  const index = new Map(graph.badges.map((b, i) => [b.key, i]));
  // A labelled junction is wider (badge-graph-layout.server.ts): it is part of the shape.
  const conditions = graph.conditions.map(
    (c) => `${index.get(c.badge)}:${c.requiredNumber}/${c.size}${c.junctionText ? "L" : ""}:${c.members.map((m) => index.get(m)).join(",")}`,
  );
  return `${graph.badges.length}|${conditions.join(";")}`;
}
