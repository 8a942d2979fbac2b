// The graph a badge page draws: levels before and after, conditions as stated, what the caps
// leave out, cycles that other instances' content makes, the learner's progress, and the
// layout ELK makes of it (cached by shape).
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { learnerBadges, type Organisation } from "../../db/schema";
import { badgeGraph, graphBadges } from "../../app/services/badge-graph.server";
import { graphShapeKey, junctionLabel, progressStyle, progressWords, type BadgeGraph } from "../../app/services/badge-graph";
import { BADGE_BOX, layoutBadgeGraph } from "../../app/services/badge-graph-layout.server";
import { learnerBadgeUris, setLearnerBadge } from "../../app/services/learner-badges.server";
import type { Prerequisites } from "../../app/services/prerequisites";
import { indexPrerequisites } from "../../app/services/prerequisite-index.server";
import { makePublishedBadge } from "../support/catalogue-factories";
import { createTestDb, makeOrganisation, makeUser } from "../support/factories";

const PEER = "https://peer.example";

describe("the graph of a badge", () => {
  let db: Db;
  let here: Organisation;
  let peer: Organisation;
  const badge = (name: string, prerequisites: Prerequisites = [], remote = false) =>
    makePublishedBadge(db, { steward: remote ? peer : here, content: { name, prerequisites }, publicUrl: remote ? PEER : undefined });
  const names = (g: BadgeGraph) => g.badges.map((b) => b.name);
  const conditionsOf = (g: BadgeGraph, name: string) => {
    const key = g.badges.find((b) => b.name === name)!.key;
    const nameOf = (k: string) => g.badges.find((b) => b.key === k)!.name;
    return g.conditions.filter((c) => c.badge === key).map((c) => ({ rule: junctionLabel(c), members: c.members.map(nameOf) }));
  };

  beforeEach(() => {
    db = createTestDb();
    here = makeOrganisation(db, { name: "Changemakers" });
    peer = makeOrganisation(db, { name: "Riverside", host: "peer.example" });
  });

  it("draws what leads to a badge level by level, each condition with its rule, and what it leads to", () => {
    const si = badge("Social Innovation 101");
    const story = badge("Storytelling");
    const finance = badge("Social Finance", [si.uri]);
    const archive = badge("Community Archiving", [], true);
    const toc = badge("Theory of Change", [
      { requiredNumber: 1, badges: [finance.uri, story.uri, archive.uri] },
      { requiredNumber: 1, badges: [si.uri] },
    ]);
    const lead = badge("Leadership", [{ requiredNumber: 2, badges: [toc.uri, story.uri, badge("Facilitation").uri] }]);
    badge("Changemaker Capstone", [lead.uri]);

    const g = badgeGraph(db, toc.uri);
    expect(g.focus).toBe(toc.uri);
    // The badge, its prerequisites in the author's order, theirs, then what it leads to and on.
    expect(names(g)).toEqual(["Theory of Change", "Social Finance", "Storytelling", "Community Archiving", "Social Innovation 101", "Leadership", "Changemaker Capstone"]);
    expect(conditionsOf(g, "Theory of Change")).toEqual([
      { rule: "any 1 of 3", members: ["Social Finance", "Storytelling", "Community Archiving"] },
      { rule: "required", members: ["Social Innovation 101"] },
    ]);
    // Social Innovation 101 is drawn once, though two conditions name it.
    expect(conditionsOf(g, "Social Finance")).toEqual([{ rule: "required", members: ["Social Innovation 101"] }]);
    // Leadership needs 2 of 3: Facilitation is not drawn, but the rule keeps its size.
    expect(conditionsOf(g, "Leadership")).toEqual([{ rule: "2 of 3", members: ["Theory of Change", "Storytelling"] }]);
    expect(g.conditions.find((c) => c.badge === lead.uri)).toMatchObject({ size: 3, requiredNumber: 2 });
    expect(g.badges.find((b) => b.key === archive.uri)).toMatchObject({ host: "peer.example", availability: "available", href: `/badges/${archive.id}` });
    expect(g.badges.find((b) => b.key === lead.uri)!.moreBefore).toBe(true);
    expect(g.description).toBe("Theory of Change, with 4 badges leading to it and 2 badges it leads to.");
    expect(g.leftOut).toBeNull();
    expect(g.badges.every((b) => b.learner === null)).toBe(true);
  });

  it("stops at the levels asked for and says what lies beyond", () => {
    const chain = [badge("Level 0")];
    for (let i = 1; i <= 6; i++) chain.push(badge(`Level ${i}`, [chain[i - 1].uri]));
    const g = badgeGraph(db, chain[5].uri, { limits: { levelsBefore: 2, levelsAfter: 1 } });
    expect(names(g)).toEqual(["Level 5", "Level 4", "Level 3", "Level 6"]);
    expect(g.badges.find((b) => b.name === "Level 3")!.moreBefore).toBe(true);
    expect(g.leftOut).toBe("Not drawn: badges further back. Each badge's page shows its own graph.");
    // Level 6 leads nowhere: nothing "further on".
    expect(g.badges.find((b) => b.name === "Level 6")!.moreAfter).toBe(false);
    const g2 = badgeGraph(db, chain[2].uri, { limits: { levelsBefore: 1, levelsAfter: 2 } });
    expect(names(g2)).toEqual(["Level 2", "Level 1", "Level 3", "Level 4"]);
    expect(g2.badges.find((b) => b.name === "Level 4")!.moreAfter).toBe(true);
    expect(g2.leftOut).toBe("Not drawn: badges further back and badges further on. Each badge's page shows its own graph.");
  });

  it("caps the badges drawn and counts those left out, on each side", () => {
    const many = Array.from({ length: 12 }, (_, i) => badge(`Option ${String(i).padStart(2, "0")}`));
    const goal = badge("Goal", [{ requiredNumber: 1, badges: many.map((b) => b.uri) }]);
    for (let i = 0; i < 7; i++) badge(`Next ${i}`, [goal.uri]);
    const g = badgeGraph(db, goal.uri, { limits: { maxBadges: 10, maxAfter: 4 } });
    expect(g.badges).toHaveLength(10);
    expect(g.badges.filter((b) => b.name!.startsWith("Option"))).toHaveLength(5);
    expect(names(g).filter((n) => n!.startsWith("Next"))).toEqual(["Next 0", "Next 1", "Next 2", "Next 3"]);
    expect(g.conditions[0]).toMatchObject({ size: 12, requiredNumber: 1 });
    expect(g.conditions[0].members).toHaveLength(5);
    expect(g.leftOut).toBe("Not drawn: 7 more prerequisites and 3 more badges it leads to. Each badge's page shows its own graph.");
    expect(g.badges[0].moreAfter).toBe(true);
  });

  it("ends on cycles that other instances' content makes, drawing each badge once", async () => {
    // Our badge needs a remote one; on the peer, two badges need each other (we cannot refuse their content).
    const pong = badge("Pong", [], true);
    const pingBadge = badge("Ping", [pong.uri], true);
    db.$client
      .prepare("UPDATE versions SET content = json_set(content, '$.prerequisites', json_array(?)) WHERE id = ?")
      .run(pingBadge.uri, pong.latestVersionId);
    indexPrerequisites(db, pong.id);
    const ours = badge("Ours", [pingBadge.uri]);
    const g = badgeGraph(db, ours.uri, { limits: { levelsBefore: 10, levelsAfter: 10 } });
    expect(names(g).sort()).toEqual(["Ours", "Ping", "Pong"]);
    // Pong -> Ping -> Pong: both conditions are kept as edges between the two boxes.
    expect(conditionsOf(g, "Ping")).toEqual([{ rule: "required", members: ["Pong"] }]);
    expect(conditionsOf(g, "Pong")).toEqual([{ rule: "required", members: ["Ping"] }]);
    expect(new Set(g.badges.map((b) => b.key)).size).toBe(g.badges.length);
    const fromPing = badgeGraph(db, pingBadge.uri, { limits: { levelsBefore: 10, levelsAfter: 10 } });
    expect(names(fromPing).sort()).toEqual(["Ours", "Ping", "Pong"]);
    // Even a badge naming itself is drawn once, and ELK lays the loop out.
    const selfish = badge("Selfish", [], true);
    db.$client
      .prepare("UPDATE versions SET content = json_set(content, '$.prerequisites', json_array(?, ?)) WHERE id = ?")
      .run(selfish.uri, pong.uri, selfish.latestVersionId);
    indexPrerequisites(db, selfish.id);
    const loop = badgeGraph(db, selfish.uri, { limits: { levelsBefore: 10, levelsAfter: 10 } });
    expect(names(loop).sort()).toEqual(["Ping", "Pong", "Selfish"]);
    expect(conditionsOf(loop, "Selfish")).toEqual([{ rule: "both", members: ["Selfish", "Pong"] }]);
    const laid = await layoutBadgeGraph(loop);
    expect(laid.badges).toHaveLength(3);
    // Selfish's junction takes Selfish and Pong; Pong and Ping need each other.
    expect(laid.edges.map((e) => [e.condition, e.from]).sort()).toEqual([[0, 0], [0, 1], [0, null], [1, 2], [2, 1]].sort());
  });

  it("marks prerequisites that are not available, never leaving them out", () => {
    const gone = `${PEER}/badges/never-fetched`;
    const withdrawn = badge("Old Archive", [], true);
    db.$client.prepare("UPDATE badges SET status = 'withdrawn' WHERE id = ?").run(withdrawn.id);
    const goal = badge("Goal", [{ requiredNumber: 1, badges: [gone, withdrawn.uri] }]);
    const g = badgeGraph(db, goal.uri);
    expect(g.badges.slice(1).map((b) => [b.key, b.availability, b.href])).toEqual([
      [gone, "unknown", null],
      [withdrawn.uri, "withdrawn", null],
    ]);
  });

  it("colours in the learner's progress: held, proven, planned and what they can earn now", () => {
    const si = badge("Social Innovation 101");
    const story = badge("Storytelling");
    const finance = badge("Social Finance", [si.uri]);
    const toc = badge("Theory of Change", [{ requiredNumber: 2, badges: [si.uri, story.uri, finance.uri] }]);
    const lee = makeUser(db);
    setLearnerBadge(db, lee.id, si.uri, "held");
    setLearnerBadge(db, lee.id, toc.uri, "planned");
    const state = (g: BadgeGraph, name: string) => g.badges.find((b) => b.name === name)!.learner;

    let g = badgeGraph(db, toc.uri, { learner: learnerBadgeUris(db, lee.id) });
    expect(state(g, "Social Innovation 101")).toEqual({ holding: "held", planned: false, ready: false });
    // Social Finance needs only SI 101: ready. Storytelling has no prerequisites: ready too.
    expect(state(g, "Social Finance")).toEqual({ holding: null, planned: false, ready: true });
    expect(state(g, "Storytelling")!.ready).toBe(true);
    // Theory of Change needs 2 of 3 and Lee holds 1.
    expect(state(g, "Theory of Change")).toEqual({ holding: null, planned: true, ready: false });
    expect(g.conditions.find((c) => c.badge === toc.uri)).toMatchObject({ held: 1, met: false });
    expect(g.description).toMatch(/marked with your progress\.$/);

    setLearnerBadge(db, lee.id, story.uri, "held");
    // Proven: a held badge whose credential verified.
    db.$client.prepare(
      `INSERT INTO learner_credentials (id, user_id, format, encoding, source, document, badge_uri, verification, checks, verified_at)
       VALUES ('c1', ?, 'ob3', 'json', 'file', '{}', ?, 'verified', '[]', 0)`,
    ).run(lee.id, si.uri);
    db.update(learnerBadges).set({ credentialId: "c1" }).run();
    db.$client.prepare("UPDATE learner_badges SET credential_id = NULL WHERE badge_uri != ?").run(si.uri);
    g = badgeGraph(db, toc.uri, { learner: learnerBadgeUris(db, lee.id) });
    expect(state(g, "Social Innovation 101")!.holding).toBe("proven");
    expect(state(g, "Theory of Change")).toEqual({ holding: null, planned: true, ready: true });
    expect(progressWords(state(g, "Theory of Change"))).toBe("Planned, can earn now");
    expect(progressStyle(state(g, "Theory of Change"))).toBe("ready");
    expect(g.conditions.find((c) => c.badge === toc.uri)).toMatchObject({ held: 2, met: true });
  });

  it("is laid out by ELK top to bottom, one layout per shape", async () => {
    const si = badge("Social Innovation 101");
    const story = badge("Storytelling");
    const toc = badge("Theory of Change", [{ requiredNumber: 1, badges: [si.uri, story.uri] }]);
    badge("Leadership", [toc.uri]);
    const g = badgeGraph(db, toc.uri);
    const layout = await layoutBadgeGraph(g);
    const y = (name: string) => layout.badges[g.badges.findIndex((b) => b.name === name)].y;
    // Prerequisites above, the junction between, what it leads to below.
    expect(y("Social Innovation 101")).toBeLessThan(layout.junctions[0]!.y);
    expect(layout.junctions[0]!.y).toBeLessThan(y("Theory of Change"));
    expect(y("Theory of Change")).toBeLessThan(y("Leadership"));
    expect(layout.badges.every((b) => b.width === BADGE_BOX.width)).toBe(true);
    // Two edges into the junction, one from it, one straight from TOC to Leadership.
    expect(layout.edges.map((e) => [e.condition, e.from]).sort()).toEqual([[0, 1], [0, 2], [0, null], [1, 0]].sort());
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    // Another graph of the same shape (a learner's view, other names) gets the very same layout.
    const other = { ...g, badges: g.badges.map((b) => ({ ...b, key: `${b.key}?x`, name: "Other" })), conditions: g.conditions.map((c) => ({ ...c, badge: `${c.badge}?x`, members: c.members.map((m) => `${m}?x`) })) };
    expect(graphShapeKey(other)).toBe(graphShapeKey(g));
    expect(await layoutBadgeGraph(other)).toBe(layout);
  });
  it("gives the boxes of a graph composed elsewhere (a pathway's steps), which lays out like any other", async () => {
    const si = badge("Social Innovation 101");
    const archive = badge("Community Archiving", [], true);
    const oral = badge("Oral History", [si.uri, archive.uri], true);
    const gone = `${PEER}/badges/gone`;
    const lee = makeUser(db);
    setLearnerBadge(db, lee.id, si.uri, "held");
    const boxes = graphBadges(db, [oral.uri, si.uri, archive.uri, gone, si.uri], learnerBadgeUris(db, lee.id));
    expect(boxes.map((b) => [b.name, b.host, b.availability, b.learner])).toEqual([
      ["Oral History", "peer.example", "available", { holding: null, planned: false, ready: false }],
      ["Social Innovation 101", null, "available", { holding: "held", planned: false, ready: false }],
      ["Community Archiving", "peer.example", "available", { holding: null, planned: false, ready: true }],
      [null, null, "unknown", { holding: null, planned: false, ready: false }],
    ]);
    expect(graphBadges(db, [oral.uri])[0].learner).toBeNull();
    // The pathway's own route: any one of the two first steps, then the goal.
    const graph: BadgeGraph = {
      title: "Changemaker route",
      description: "Two ways in, one goal.",
      focus: oral.uri,
      badges: boxes,
      conditions: [{ key: "route#0", badge: oral.uri, requiredNumber: 1, size: 2, members: [si.uri, archive.uri], held: 1, met: true }],
      leftOut: null,
    };
    const layout = await layoutBadgeGraph(graph);
    expect(layout.badges).toHaveLength(4);
    expect(layout.junctions[0]!.y).toBeLessThan(layout.badges[0].y);
  });
});
