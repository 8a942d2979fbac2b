// Lays out a badge graph (badge-graph.ts) with ELK's layered algorithm, top to bottom:
// what leads to a badge above it, what it leads to below. Each condition that chooses among
// or joins several badges is a small junction node of its own, so "any 1 of 3" sits where
// its badges meet. The figure (app/components/badge-graph.tsx) draws the result as SVG on
// the server.
//
// ELK is a compiled Java library and costs tens of milliseconds for a few dozen nodes, so
// layouts are kept by the graph's shape (graphShapeKey: badges and conditions by position,
// no names, no learner): every learner, and every badge whose neighbourhood has the same
// shape, reuses one. Boxes have fixed sizes for that reason; the figure fits names to them.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import { drawsJunction, graphShapeKey, type BadgeGraph } from "./badge-graph";

export const BADGE_BOX = { width: 184, height: 70 } as const;
export const JUNCTION_BOX = { width: 104, height: 26 } as const;
// A junction with words of its own (`junctionText`: a pathway route's name and rule).
export const LABELLED_JUNCTION_BOX = { width: 176, height: 26 } as const;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidEdge {
  // The condition it belongs to (index in `graph.conditions`).
  condition: number;
  // The prerequisite it comes from (index in `graph.badges`); null for a junction's edge into its badge.
  from: number | null;
  points: [number, number][];
}

/** Positions by index in the graph's `badges` and `conditions` (null: drawn without a junction). */
export interface GraphLayout {
  width: number;
  height: number;
  badges: Box[];
  junctions: (Box | null)[];
  edges: LaidEdge[];
}

const OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.padding": "[top=16,left=16,bottom=16,right=16]",
  "elk.spacing.nodeNode": "20",
  "elk.spacing.edgeNode": "14",
  "elk.spacing.edgeEdge": "8",
  "elk.layered.spacing.nodeNodeBetweenLayers": "34",
  "elk.layered.spacing.edgeNodeBetweenLayers": "14",
  // The author's order of badges within a condition, and the order they were reached, are kept where they can be.
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  // One crossing-minimisation pass and no greedy switching: these graphs are small and
  // capped, and more passes cost more time than they gain here (measured, docs/performance.md).
  "elk.layered.thoroughness": "1",
  "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
};

// One per process: ELK keeps no state between layouts. A Remix dev reload just makes another.
let elk: InstanceType<typeof ELK> | null = null;
const CACHE_SIZE = 500;
const cache = new Map<string, Promise<GraphLayout>>();

function elkGraph(graph: Pick<BadgeGraph, "badges" | "conditions">): ElkNode {
  const index = new Map(graph.badges.map((b, i) => [b.key, i]));
  const children: ElkNode[] = graph.badges.map((_, i) => ({ id: `b${i}`, ...BADGE_BOX }));
  const edges: ElkExtendedEdge[] = [];
  graph.conditions.forEach((c, ci) => {
    const target = index.get(c.badge);
    if (target === undefined) return;
    const members = c.members.map((m) => index.get(m)).filter((m): m is number => m !== undefined);
    if (drawsJunction(c)) {
      children.push({ id: `j${ci}`, ...(c.junctionText ? LABELLED_JUNCTION_BOX : JUNCTION_BOX) });
      edges.push({ id: `e${ci}`, sources: [`j${ci}`], targets: [`b${target}`] });
      for (const m of members) edges.push({ id: `e${ci}_${m}`, sources: [`b${m}`], targets: [`j${ci}`] });
    } else {
      for (const m of members) edges.push({ id: `e${ci}_${m}`, sources: [`b${m}`], targets: [`b${target}`] });
    }
  });
  return { id: "root", layoutOptions: OPTIONS, children, edges };
}

async function computeLayout(graph: Pick<BadgeGraph, "badges" | "conditions">): Promise<GraphLayout> {
  elk ??= new ELK();
  const laid = await elk.layout(elkGraph(graph));
  const at = new Map((laid.children ?? []).map((n) => [n.id, { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 }]));
  const edges: LaidEdge[] = (laid.edges ?? []).map((e) => {
    const [, condition, member] = /^e(\d+)(?:_(\d+))?$/.exec(e.id)!;
    const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => [p.x, p.y] as [number, number]));
    return { condition: Number(condition), from: member === undefined ? null : Number(member), points };
  });
  return {
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    badges: graph.badges.map((_, i) => at.get(`b${i}`)!),
    junctions: graph.conditions.map((_, i) => at.get(`j${i}`) ?? null),
    edges,
  };
}

/** The layout of `graph`, from the cache when a graph of the same shape was laid out before. */
export function layoutBadgeGraph(graph: Pick<BadgeGraph, "badges" | "conditions">): Promise<GraphLayout> {
  const key = graphShapeKey(graph);
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last, so the oldest is the one dropped.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = computeLayout(graph);
  cache.set(key, made);
  made.catch(() => cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return made;
}

/**
 * Lays out made-up graphs of the sizes badge pages draw, and keeps none of them: ELK's
 * compiled code runs several times slower until V8 has optimised it, so a server calls
 * this once after it starts (server.ts) rather than have its first visitors wait.
 */
export async function warmUpGraphLayout(rounds = 40): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    const n = 4 + (r % 25);
    const badges = Array.from({ length: n }, (_, i) => ({ key: `w${i}` }) as BadgeGraph["badges"][number]);
    const conditions = badges.slice(1).map((b, i) => {
      const members = [...new Set([badges[Math.floor(i / 2)].key, badges[Math.floor(i / 3)].key])];
      return { key: `${b.key}#0`, badge: b.key, requiredNumber: 1, size: members.length + (i % 3), members, held: null, met: null };
    });
    await computeLayout({ badges, conditions });
  }
}
