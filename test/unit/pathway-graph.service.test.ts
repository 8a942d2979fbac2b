// The picture a pathway's page draws: its goal as the focus, every step of every route, the
// steps' own prerequisites among them, the pathway's order of steps (dashed: advice, not a
// rule) where the prerequisites do not say it already, several routes into the goal each
// labelled, the learner's progress, home instances, and what is left out. Built from a
// pathway published through the real services, and laid out by ELK.
import { beforeEach, describe, expect, it } from "vitest";
import type { Badge, Organisation } from "../../db/schema";
import { junctionLabel, type BadgeGraph } from "../../app/services/badge-graph";
import { BADGE_BOX, JUNCTION_BOX, LABELLED_JUNCTION_BOX, layoutBadgeGraph } from "../../app/services/badge-graph-layout.server";
import { learnerBadgeUris, setLearnerBadge } from "../../app/services/learner-badges.server";
import { drawPathwayGraph, pathwayGraph } from "../../app/services/pathway-graph.server";
import { pathwayVersionView } from "../../app/services/pathway-queries.server";
import type { Prerequisites } from "../../app/services/prerequisites";
import { makePublishedBadge } from "../support/catalogue-factories";
import { createTestContext, makeOrganisation, makeOrganisationWithTeam, makeUser } from "../support/factories";
import { approveAndPublishPathway, draftPathway } from "../support/pathways";
import type { Team } from "../support/publishing";

describe("the graph of a pathway", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let peer: Organisation;
  let goal: Badge;
  let si101: Badge;
  let toc: Badge;
  let finance: Badge;
  let story: Badge;
  let archive: Badge;

  const badge = (name: string, prerequisites: Prerequisites = [], remote = false) =>
    makePublishedBadge(ctx.db, {
      steward: remote ? peer : steward.org,
      content: { name, prerequisites },
      publicUrl: remote ? "https://peer.example" : undefined,
    });
  const nameOf = (g: BadgeGraph, key: string) => g.badges.find((b) => b.key === key)?.name ?? key;
  /** Each condition as "Theory of Change <- required: Social Innovation 101", a route's marked "(route name)". */
  const drawn = (g: BadgeGraph) =>
    g.conditions.map(
      (c) =>
        `${nameOf(g, c.badge)} <- ${junctionLabel(c)}: ${c.members.map((m) => nameOf(g, m)).join(", ")}${c.route !== undefined ? ` (route ${JSON.stringify(c.route)})` : ""}`,
    );
  const publish = (input: Parameters<typeof draftPathway>[2]) => {
    const pathway = draftPathway(ctx, steward, input);
    approveAndPublishPathway(ctx, pathway.id, [steward]);
    return pathwayVersionView(ctx.db, pathway.id);
  };

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", handle: "changemakers" });
    peer = makeOrganisation(ctx.db, { handle: "riverside", name: "Riverside Library", host: "peer.example", kind: "community" });
    goal = badge("Changemaker Foundations");
    si101 = badge("Social Innovation 101");
    toc = badge("Theory of Change", [si101.uri]);
    finance = badge("Social Finance", [si101.uri]);
    story = badge("Storytelling for Change", [si101.uri]);
    archive = badge("Community Archiving", [], true);
  });

  it("draws the goal, every step, their prerequisites and the route's order, with the learner's progress", async () => {
    // The demo's pathway: Social Innovation 101, then Theory of Change, then any one of three.
    const view = publish({
      goal: goal.uri,
      steps: [si101.uri, toc.uri, finance.uri, story.uri, archive.uri],
      routes: [
        {
          name: "",
          stages: [
            { badges: [si101.uri], required: 1 },
            { badges: [toc.uri], required: 1 },
            { badges: [finance.uri, story.uri, archive.uri], required: 1 },
          ],
        },
      ],
    });
    const lee = makeUser(ctx.db);
    setLearnerBadge(ctx.db, lee.id, si101.uri, "held");
    setLearnerBadge(ctx.db, lee.id, story.uri, "held");
    setLearnerBadge(ctx.db, lee.id, goal.uri, "planned");
    const g = pathwayGraph(ctx.db, view, learnerBadgeUris(ctx.db, lee.id));

    expect(g.kind).toBe("pathway");
    expect(g.focus).toBe(goal.uri);
    expect(g.title).toBe("Map of Changemaker Foundations");
    expect(g.description).toBe("Changemaker Foundations, the goal, and the 5 steps leading to it, marked with your progress.");
    expect(g.badges.map((b) => b.name)).toEqual([
      "Changemaker Foundations",
      "Social Innovation 101",
      "Theory of Change",
      "Social Finance",
      "Storytelling for Change",
      "Community Archiving",
    ]);
    // Prerequisites as the badges state them; the pathway's order where they do not say it
    // (Theory of Change needs Social Innovation 101 already: no second arrow).
    expect(drawn(g)).toEqual([
      "Theory of Change <- required: Social Innovation 101",
      "Social Finance <- required: Social Innovation 101",
      "Storytelling for Change <- required: Social Innovation 101",
      'Social Finance <- required: Theory of Change (route "")',
      'Storytelling for Change <- required: Theory of Change (route "")',
      'Community Archiving <- required: Theory of Change (route "")',
      'Changemaker Foundations <- any 1 of 3: Social Finance, Storytelling for Change, Community Archiving (route "")',
    ]);
    // Storytelling is held: the last stage is met.
    expect(g.conditions.at(-1)).toMatchObject({ held: 1, met: true, requiredNumber: 1, size: 3 });
    expect(g.conditions.find((c) => c.badge === toc.uri && c.route !== undefined)).toBeUndefined();
    const state = (b: Badge) => g.badges.find((x) => x.key === b.uri)!;
    expect(state(si101).learner).toEqual({ holding: "held", planned: false, ready: false });
    expect(state(toc).learner).toEqual({ holding: null, planned: false, ready: true });
    expect(state(goal).learner).toEqual({ holding: null, planned: true, ready: true });
    expect(state(archive)).toMatchObject({ host: "peer.example", href: `/badges/${archive.id}`, availability: "available" });
    expect(g.badges.every((b) => !b.moreBefore && !b.moreAfter)).toBe(true);
    expect(g.leftOut).toBeNull();

    // Laid out top to bottom: Social Innovation 101, Theory of Change, the three, their junction, the goal.
    const layout = await layoutBadgeGraph(g);
    const y = (b: Badge) => layout.badges[g.badges.findIndex((x) => x.key === b.uri)].y;
    expect(y(si101)).toBeLessThan(y(toc));
    expect(y(toc)).toBeLessThan(y(archive));
    expect(y(archive)).toBe(y(finance));
    const junction = layout.junctions[g.conditions.length - 1]!;
    expect(junction.width).toBe(JUNCTION_BOX.width);
    expect(junction.y).toBeGreaterThan(y(story) + BADGE_BOX.height);
    expect(y(goal)).toBeGreaterThan(junction.y);
    // Route arrows are ordinary edges of the layout: every condition's members reach their badge.
    expect(layout.edges.filter((e) => e.from !== null)).toHaveLength(g.conditions.reduce((n, c) => n + c.members.length, 0));
  });

  it("labels each route's way into the goal when there are several, and draws a shared order once", async () => {
    const view = publish({
      goal: goal.uri,
      steps: [si101.uri, finance.uri, story.uri, archive.uri],
      routes: [
        { name: "Money", stages: [{ badges: [archive.uri], required: 1 }, { badges: [finance.uri], required: 1 }] },
        { name: "", stages: [{ badges: [archive.uri], required: 1 }, { badges: [finance.uri, story.uri], required: 2 }] },
        { name: "Start here", stages: [{ badges: [si101.uri], required: 1 }] },
      ],
    });
    const g = pathwayGraph(ctx.db, view);
    expect(drawn(g)).toEqual([
      "Social Finance <- required: Social Innovation 101",
      "Storytelling for Change <- required: Social Innovation 101",
      // Archiving before Social Finance, said by two routes, is drawn once.
      'Social Finance <- required: Community Archiving (route "Money")',
      'Changemaker Foundations <- required: Social Finance (route "Money")',
      'Storytelling for Change <- required: Community Archiving (route "Route 2")',
      'Changemaker Foundations <- both: Social Finance, Storytelling for Change (route "Route 2")',
      // The goal has no prerequisites: a route's way in is drawn even when it is one badge.
      'Changemaker Foundations <- required: Social Innovation 101 (route "Start here")',
    ]);
    const intoGoal = g.conditions.filter((c) => c.badge === goal.uri);
    expect(intoGoal.map((c) => c.junctionText)).toEqual(["Money", "Route 2", "Start here"]);
    expect(g.conditions.filter((c) => c.badge !== goal.uri).every((c) => c.junctionText === undefined)).toBe(true);
    expect(g.description).toBe("Changemaker Foundations, the goal, and the 4 steps leading to it, on 3 routes: any one of them reaches the goal.");
    // Nobody signed in: no progress.
    expect(g.badges.every((b) => b.learner === null)).toBe(true);
    expect(g.conditions.every((c) => c.held === null && c.met === null)).toBe(true);

    // Each route into the goal is its own, wider junction, even "required" ones.
    const layout = await layoutBadgeGraph(g);
    intoGoal.forEach((c) => expect(layout.junctions[g.conditions.indexOf(c)]).toMatchObject({ width: LABELLED_JUNCTION_BOX.width }));
    expect(layout.junctions[g.conditions.findIndex((c) => c.badge === finance.uri)]).toBeNull();
  });

  it("marks steps with prerequisites off the pathway, a goal that leads on, and badges this instance does not know", async () => {
    const facilitation = badge("Facilitation");
    const lead = badge("Leadership", [{ requiredNumber: 1, badges: [facilitation.uri, si101.uri] }]);
    const unknown = "https://elsewhere.example/badges/never-seen";
    badge("Changemaker Capstone", [goal.uri]);
    const g = pathwayGraph(ctx.db, {
      name: "Leading",
      goal: { uri: goal.uri, name: "Changemaker Foundations" },
      steps: [{ uri: lead.uri }, { uri: toc.uri }, { uri: unknown }],
      routes: [{ name: "", stages: [{ required: 1, steps: [toc.uri, unknown] }, { required: 1, steps: [lead.uri] }] }],
    });
    expect(drawn(g)).toEqual([
      // Their own prerequisites are not on this pathway: rules without badges drawn.
      "Theory of Change <- required: ",
      "Leadership <- any 1 of 2: ",
      'Leadership <- any 1 of 2: Theory of Change, https://elsewhere.example/badges/never-seen (route "")',
      'Changemaker Foundations <- required: Leadership (route "")',
    ]);
    const box = (uri: string) => g.badges.find((b) => b.key === uri)!;
    expect(box(toc.uri).moreBefore).toBe(true);
    expect(box(lead.uri).moreBefore).toBe(true);
    expect(box(goal.uri).moreAfter).toBe(true);
    expect(box(unknown)).toMatchObject({ name: null, href: null, availability: "unknown", moreBefore: false });
    expect(g.leftOut).toBe(
      "Not drawn: prerequisites of its badges that are not on the pathway, nor the badges its goal leads to. Each badge's page shows its own graph.",
    );
    expect((await layoutBadgeGraph(g)).badges).toHaveLength(4);
  });

  it("draws a draft with no goal yet, and nothing for a pathway with no steps", async () => {
    const g = pathwayGraph(ctx.db, { name: "Half done", goal: null, steps: [{ uri: si101.uri }, { uri: toc.uri }], routes: [] });
    expect(g.focus).toBeNull();
    expect(g.description).toBe("The 2 steps of the pathway, which has no goal yet.");
    expect(drawn(g)).toEqual(["Theory of Change <- required: Social Innovation 101"]);
    expect(await drawPathwayGraph(ctx.db, { name: "Empty", goal: { uri: goal.uri, name: null }, steps: [], routes: [] })).toBeNull();
    const drawnPathway = await drawPathwayGraph(ctx.db, { name: "Half done", goal: null, steps: [{ uri: si101.uri }, { uri: toc.uri }], routes: [] });
    expect(drawnPathway?.layout?.badges).toHaveLength(2);
  });
});
