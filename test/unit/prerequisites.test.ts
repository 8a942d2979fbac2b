import { describe, expect, it } from "vitest";
import { BadgeContentSchema, canonicalJson } from "../../app/services/badge-content";
import {
  canonicalPrerequisites,
  conditionProgress,
  conditionRule,
  describeCondition,
  prerequisiteConditions,
  PrerequisitesSchema,
  prerequisitesMet,
  prerequisiteUris,
} from "../../app/services/prerequisites";
import { findCycleThrough, walk, type ExpandBatch } from "../../app/services/prerequisite-walk";

const A = "https://a.example/badges/a";
const B = "https://b.example/badges/b";
const C = "https://c.example/badges/c";
const D = "https://a.example/badges/d";

describe("prerequisite conditions", () => {
  it("reads the flat list stored before conditions existed as one all-of condition, unchanged", () => {
    const parsed = PrerequisitesSchema.parse([A, B, A]);
    expect(parsed).toEqual([A, B]);
    expect(prerequisiteConditions(parsed)).toEqual([{ requiredNumber: 2, badges: [A, B] }]);
    expect(PrerequisitesSchema.parse([])).toEqual([]);
    expect(prerequisiteConditions([])).toEqual([]);
  });

  it("keeps one canonical form: a single all-of condition is stored as the flat list", () => {
    expect(PrerequisitesSchema.parse([{ requiredNumber: 2, badges: [A, B] }])).toEqual([A, B]);
    expect(PrerequisitesSchema.parse([{ requiredNumber: 1, badges: [A, B] }])).toEqual([{ requiredNumber: 1, badges: [A, B] }]);
    // Two all-of conditions say nothing a flat list cannot, but the author grouped them: kept.
    expect(canonicalPrerequisites([{ requiredNumber: 1, badges: [A] }, { requiredNumber: 1, badges: [B] }])).toHaveLength(2);
    // Duplicates within a condition count once, before the required number is checked.
    expect(PrerequisitesSchema.parse([{ requiredNumber: 2, badges: [A, A, B] }, { requiredNumber: 1, badges: [C, D] }])).toEqual([
      { requiredNumber: 2, badges: [A, B] },
      { requiredNumber: 1, badges: [C, D] },
    ]);
  });

  it("hashes a version stored with the flat list exactly as before, so stored hashes still verify", () => {
    const stored = { name: "Theory of Change", prerequisites: [A, B] };
    const content = BadgeContentSchema.parse(stored);
    expect(canonicalJson(content.prerequisites)).toBe(canonicalJson([A, B]));
  });

  it("refuses what cannot be met, non-web addresses and too many conditions", () => {
    const issues = (input: unknown) => PrerequisitesSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
    expect(issues([{ requiredNumber: 3, badges: [A, B] }])).toEqual(["A condition cannot require 3 of 2 different badges"]);
    expect(issues([{ requiredNumber: 2, badges: [A, A] }])).toEqual(["A condition cannot require 2 of 1 badge"]);
    expect(issues([{ requiredNumber: 0, badges: [A] }])).not.toEqual([]);
    expect(issues([{ requiredNumber: 1.5, badges: [A, B] }])).not.toEqual([]);
    expect(issues(["javascript:alert(1)"])).not.toEqual([]);
    expect(issues([{ requiredNumber: 1, badges: [] }])).not.toEqual([]);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ requiredNumber: 1, badges: [`${A}${i}`, `${B}${i}`] }));
    expect(issues(eleven)).toEqual(["At most 10 conditions"]);
    const many = Array.from({ length: 51 }, (_, i) => `${A}/${i}`);
    expect(issues([{ requiredNumber: 1, badges: many }])).not.toEqual([]);
  });

  it("names each condition's rule as a reader says it", () => {
    expect(describeCondition({ requiredNumber: 3, size: 3 })).toBe("All 3 of these");
    expect(describeCondition({ requiredNumber: 2, size: 2 })).toBe("Both of these");
    expect(describeCondition({ requiredNumber: 1, size: 3 })).toBe("Any 1 of these 3");
    expect(describeCondition({ requiredNumber: 2, size: 3 })).toBe("2 of these 3");
    expect(describeCondition({ requiredNumber: 1, size: 1 })).toBe("Required");
    expect(conditionRule({ requiredNumber: 2, badges: [A, B] })).toBe("all");
    expect(conditionRule({ requiredNumber: 1, badges: [A, B] })).toBe("any");
    expect(conditionRule({ requiredNumber: 2, badges: [A, B, C] })).toBe("count");
  });

  it("evaluates all-of, any-of and N-of-M against what a learner holds", () => {
    const p = PrerequisitesSchema.parse([
      { requiredNumber: 1, badges: [A, B] },
      { requiredNumber: 2, badges: [A, C, D] },
    ]);
    const holding = (...uris: string[]) => (uri: string) => uris.includes(uri);
    expect(prerequisitesMet(p, holding(B, C, D))).toBe(true);
    expect(prerequisitesMet(p, holding(A))).toBe(false);
    expect(prerequisitesMet(p, holding(A, D))).toBe(true);
    expect(conditionProgress(p, holding(B, C))).toEqual([
      { requiredNumber: 1, held: 1, met: true },
      { requiredNumber: 2, held: 1, met: false },
    ]);
    expect(prerequisitesMet([A, B], holding(A))).toBe(false);
    expect(prerequisitesMet([], holding())).toBe(true);
    expect(prerequisiteUris(p)).toEqual([A, B, C, D]);
  });
});

/** A graph in memory, read in batches as the database is. */
function graph(edges: Record<string, string[]>): ExpandBatch & { calls: string[][] } {
  const calls: string[][] = [];
  const expand: ExpandBatch = (uris) => {
    calls.push(uris);
    return uris.flatMap((u) => (edges[u] ?? []).map((to) => [u, to] as const));
  };
  return Object.assign(expand, { calls });
}

describe("walking the prerequisite graph", () => {
  it("finds the cycle a new prerequisite would close, named from the badge back to itself", () => {
    // B needs C, C needs A: giving A the prerequisite B closes A -> B -> C -> A.
    const g = graph({ [B]: [C], [C]: [A, D] });
    expect(findCycleThrough(A, [B], g)).toEqual([A, B, C, A]);
    expect(findCycleThrough(A, [D], g)).toBeNull();
    expect(findCycleThrough(A, [A], g)).toEqual([A, A]);
  });

  it("names the shortest cycle when there are several", () => {
    const g = graph({ [B]: [C], [C]: [D], [D]: [A], [A]: [], x: [A] });
    expect(findCycleThrough(A, [B, "x"], g)).toEqual([A, "x", A]);
  });

  it("ends on a cycle that does not pass through the badge (sent by peers), reading each node once", () => {
    const g = graph({ [B]: [C], [C]: [B, D], [D]: [C] });
    expect(findCycleThrough(A, [B], g)).toBeNull();
    expect(g.calls.flat().sort()).toEqual([B, C, D].sort());
    const w = walk([B], graph({ [B]: [C], [C]: [B, D], [D]: [C] }));
    expect([...w.depth]).toEqual([
      [B, 0],
      [C, 1],
      [D, 2],
    ]);
    expect(w.edges).toEqual([
      [B, C],
      [C, B],
      [C, D],
      [D, C],
    ]);
    expect(w.truncated).toBe(false);
  });

  it("stops at its node budget and depth, and says so", () => {
    const chain: Record<string, string[]> = {};
    for (let i = 0; i < 100; i++) chain[`n${i}`] = [`n${i + 1}`];
    const byNodes = walk(["n0"], graph(chain), { maxNodes: 10 });
    expect(byNodes.depth.size).toBe(10);
    expect(byNodes.truncated).toBe(true);
    const byDepth = walk(["n0"], graph(chain), { maxDepth: 3 });
    expect(byDepth.depth.size).toBe(4);
    expect(byDepth.truncated).toBe(true);
    expect(walk(["n90"], graph(chain)).truncated).toBe(false);
  });
});
