// Walks over the prerequisite graph, guarded: every node is expanded at most once and a
// walk stops at a node budget, so a cycle (which other instances may send us: we cannot
// refuse their content) or a huge graph never loops or runs away. The graph is read in
// batches, one call of `expand` per level, so a database-backed walk asks one query per
// level rather than one per badge. Pure: the caller says how to read the graph.

/** The edges leaving each of `uris` (as [from, to] pairs), in one batch. */
export type ExpandBatch = (uris: string[]) => Iterable<readonly [string, string]>;

export interface WalkLimits {
  // Stop after this many distinct nodes have been reached (the starts count).
  maxNodes?: number;
  // Stop expanding beyond this many steps from the starts.
  maxDepth?: number;
}

export interface WalkResult {
  // Every node reached, with its distance in steps from the nearest start.
  depth: Map<string, number>;
  // Every edge seen between reached nodes, each once.
  edges: [string, string][];
  // Whether a limit cut the walk short (more of the graph lies beyond).
  truncated: boolean;
}

export const DEFAULT_WALK_LIMITS: Required<WalkLimits> = { maxNodes: 5_000, maxDepth: 50 };

/** Breadth-first from `starts`, reading the graph with `expand`. */
export function walk(starts: readonly string[], expand: ExpandBatch, limits: WalkLimits = {}): WalkResult {
  const { maxNodes, maxDepth } = { ...DEFAULT_WALK_LIMITS, ...limits };
  const depth = new Map<string, number>();
  const seenEdges = new Set<string>();
  const edges: [string, string][] = [];
  let truncated = false;
  let frontier: string[] = [];
  for (const s of starts) {
    if (depth.has(s)) continue;
    if (depth.size >= maxNodes) {
      truncated = true;
      break;
    }
    depth.set(s, 0);
    frontier.push(s);
  }
  for (let level = 0; frontier.length; level++) {
    if (level >= maxDepth) {
      truncated = true;
      break;
    }
    const next: string[] = [];
    for (const [from, to] of expand(frontier)) {
      if (!depth.has(to)) {
        if (depth.size >= maxNodes) {
          truncated = true;
          continue;
        }
        depth.set(to, level + 1);
        next.push(to);
      }
      const key = `${from}\n${to}`;
      if (!seenEdges.has(key)) {
        seenEdges.add(key);
        edges.push([from, to]);
      }
    }
    frontier = next;
  }
  return { depth, edges, truncated };
}

/**
 * A path from `from` back to `from` that adding the edges from→each of `firstSteps` would
 * close, or null: [from, a, b, ..., from]. The shortest such path (breadth-first), so the
 * cycle an author is told about is the plainest one. Guarded like `walk`.
 */
export function findCycleThrough(
  from: string,
  firstSteps: readonly string[],
  expand: ExpandBatch,
  limits: WalkLimits = {},
): string[] | null {
  if (firstSteps.includes(from)) return [from, from];
  const { maxNodes } = { ...DEFAULT_WALK_LIMITS, ...limits };
  const parent = new Map<string, string>();
  let frontier: string[] = [];
  for (const s of firstSteps) {
    if (parent.has(s)) continue;
    parent.set(s, from);
    frontier.push(s);
  }
  const pathTo = (node: string) => {
    const path = [node];
    for (let at = node; at !== from; ) {
      at = parent.get(at)!;
      path.push(at);
    }
    return path.reverse();
  };
  while (frontier.length) {
    const next: string[] = [];
    for (const [a, b] of expand(frontier)) {
      if (b === from) return [...pathTo(a), from];
      if (parent.has(b) || parent.size >= maxNodes) continue;
      parent.set(b, a);
      next.push(b);
    }
    frontier = next;
  }
  return null;
}
