// A pathway crossing two instances on loopback: published on A with a step that is a badge
// of B, it reaches B (back-filled when B starts following A), is updated, deprecated and
// withdrawn there by its steward's activities, and B reads it with its own badge as a step.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, follows, inboxActivities, pathways } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { deprecatePathway, withdrawPathway } from "../../app/services/pathway-publishing.server";
import { pathwayVersionView, searchPathways } from "../../app/services/pathway-queries.server";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { waitFor } from "../support/loopback";
import { approveAndPublishPathway, draftPathway, editPathway } from "../support/pathways";
import { editDraft, type Team } from "../support/publishing";
import { serviceContextOf, startTestServer, type TestServer } from "../support/server";

const FAST = { retry: { scheduleMs: [100, 200, 400, 800, 1600], jitter: 0 } };

describe("a pathway federating between two instances", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let riverside: Team; // on A: stewards the pathway
  let changemakers: Team; // on B: stewards one of its steps
  let archivingOnB: { id: string; uri: string };
  let pathwayId: string;
  let pathwayUri: string;

  function publishBadge(ctx: ServiceContext, team: Team, name: string) {
    const badge = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
    editDraft(ctx, team.editor.id, badge.id, { summary: `${name}, learnt together.`, criteria: `Show your ${name.toLowerCase()} work.` });
    approveAndPublish(ctx, badge.id, [team]);
    return badge;
  }

  async function follow(from: TestServer, follower: Team, to: TestServer, target: Team) {
    await from.federation.follow(follower.owner.id, follower.org.id, `@${target.org.handle}@localhost:${to.port}`);
    await waitFor(
      () => from.db.select().from(follows).where(eq(follows.followingUri, target.org.uri)).get()?.status === "accepted",
      5000,
      `${follower.org.handle} following ${target.org.handle}`,
    );
    await from.federation.idle();
  }

  const pathwayOnB = () => b.db.select().from(pathways).where(eq(pathways.uri, pathwayUri)).get();

  beforeAll(async () => {
    a = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    ctxA = serviceContextOf(a);
    ctxB = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    changemakers = makeLocalTeam(ctxB, { handle: "changemakers", name: "Changemakers Network" });
    archivingOnB = publishBadge(ctxB, changemakers, "Community Archiving");
    // A learns B's badge by following its steward, so a pathway on A can name it as a step.
    await follow(a, riverside, b, changemakers);
    await waitFor(() => a.db.select().from(badges).where(eq(badges.uri, archivingOnB.uri)).get(), 5000, "B's badge on A");
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("back-fills a pathway published before the follow, with B's own badge as one of its steps", async () => {
    const goal = publishBadge(ctxA, riverside, "River Stewardship");
    const seeds = publishBadge(ctxA, riverside, "Seed Saving");
    const pathway = draftPathway(ctxA, riverside, {
      name: "River Keepers",
      goal: goal.uri,
      steps: [seeds.uri, archivingOnB.uri],
      summary: "Care for the river with your neighbours.",
    });
    pathwayId = pathway.id;
    pathwayUri = pathway.uri;
    approveAndPublishPathway(ctxA, pathway.id, [riverside]);
    await new Promise((r) => setTimeout(r, 200));
    expect(pathwayOnB()).toBeUndefined(); // nobody on B follows Riverside yet

    await follow(b, changemakers, a, riverside);
    const copy = await waitFor(pathwayOnB, 5000, "the back-filled pathway on B");
    expect(copy.status).toBe("published");
    const view = pathwayVersionView(b.db, copy.id);
    expect(view.name).toBe("River Keepers");
    expect(view.home?.host).toBe(`localhost:${a.port}`);
    expect(view.steward.host).toBe(`localhost:${a.port}`);
    // On B, the step that is B's own badge links to B's own page; A's badges are marked as A's.
    const [seedStep, archivingStep] = view.steps;
    expect(archivingStep).toMatchObject({ uri: archivingOnB.uri, localId: archivingOnB.id, home: null, name: "Community Archiving" });
    expect(seedStep).toMatchObject({ uri: seeds.uri, home: `localhost:${a.port}`, name: "Seed Saving" });
    expect(view.goal).toMatchObject({ uri: goal.uri, name: "River Stewardship", home: `localhost:${a.port}` });
    expect(searchPathways(b.db, { q: "archiving", instance: "elsewhere", page: 1, pageSize: 20 }).entries.map((e) => e.name)).toEqual(["River Keepers"]);
    // B's page shows it, with the home instance marked.
    const page = (await (await fetch(`${b.url}/pathways/${copy.id}`)).text()).replaceAll("<!-- -->", "");
    expect(page).toContain(`This pathway is stewarded on <strong>localhost:${a.port}</strong>`);
    expect(page).toContain(`href="/badges/${archivingOnB.id}">Community Archiving</a>`);
  });

  it("delivers the next version as an Update, then the deprecation, then the withdrawal, each applied once", async () => {
    editPathway(ctxA, riverside.editor.id, pathwayId, { summary: "Care for the river, season after season." });
    approveAndPublishPathway(ctxA, pathwayId, [riverside]);
    await waitFor(() => {
      const copy = pathwayOnB();
      return copy && pathwayVersionView(b.db, copy.id).version.number === 2;
    }, 5000, "version 2 on B");
    const copy = pathwayOnB()!;
    expect(pathwayVersionView(b.db, copy.id).summary).toBe("Care for the river, season after season.");
    expect(pathwayVersionView(b.db, copy.id, 1).summary).toBe("Care for the river with your neighbours.");

    deprecatePathway(ctxA, riverside.admin.id, pathwayId);
    await waitFor(() => pathwayOnB()?.status === "deprecated", 5000, "the deprecation on B");

    withdrawPathway(ctxA, riverside.admin.id, pathwayId);
    await waitFor(() => pathwayOnB()?.status === "withdrawn", 5000, "the withdrawal on B");
    expect(searchPathways(b.db, { q: "river", instance: null, page: 1, pageSize: 20 }).total).toBe(0);
    expect((await fetch(`${b.url}/pathways/${copy.id}`)).status).toBe(410);

    const received = b.db.select().from(inboxActivities).where(eq(inboxActivities.actorUri, riverside.org.uri)).all();
    expect(received.filter((r) => r.status === "rejected")).toEqual([]);
    expect(received.filter((r) => r.reason?.includes("pathway")).length).toBeGreaterThanOrEqual(1);
  });
});
