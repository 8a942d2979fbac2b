// `npm run demo` on ephemeral ports: two seeded instances whose organisations follow each
// other for real, each catalogue holding the other's badges with their co-authors, a
// pathway that crosses instances, and a second start on the same data that changes nothing.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { follows, inboxActivities, users } from "../../db/schema";
import { whatICanEarnNext } from "../../app/services/earn-next.server";
import { getPublicBadge, searchCatalogue } from "../../app/services/catalogue.server";
import { pathwayVersionView, searchPathways } from "../../app/services/pathway-queries.server";
import { startDemo, type Demo } from "../../scripts/demo";
import { listBadgeEndorsements } from "../../app/services/endorsement-queries.server";
import { waitFor } from "../support/loopback";

const quiet = () => {};

describe("npm run demo", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bc-demo-"));
  let demo: Demo | null = null;

  afterAll(async () => {
    await demo?.close();
  });

  const found = (d: Demo["a"], name: string) => searchCatalogue(d.server.db, { q: name }).entries.find((e) => e.name === name);

  it("starts two instances whose catalogues hold each other's badges", async () => {
    demo = await startDemo({ ports: [0, 0], dataDir, log: quiet });
    const { a, b } = demo;

    // A badge of A in B's catalogue, named with its home instance and all its co-authors,
    // though B follows only its steward.
    const si101 = found(b, "Social Innovation 101");
    expect(si101?.steward).toMatchObject({ name: "Changemakers Network", host: a.host });
    expect(si101?.versionNumber).toBe(2);
    expect(si101?.coAuthors.map((o) => [o.name, o.host]).sort()).toEqual([
      ["Acme Ventures", a.host],
      ["Northside School", a.host],
    ]);
    // And a badge of B in A's; drafts stay home.
    expect(found(a, "Community Archiving")?.steward).toMatchObject({ name: "Riverside Library", host: b.host });
    expect(found(a, "Data Ethics for Community Groups")).toBeUndefined();

    // B's badge builds on A's: the prerequisite resolves to the copy B now holds.
    const oral = getPublicBadge(b.server.db, found(b, "Oral History Interviewing")!.id);
    expect(oral.prerequisites.flatMap((c) => c.badges.map((p) => p.name))).toEqual(["Community Archiving", "Social Innovation 101"]);

    // Endorsements across the instances: shown on both, the withdrawn one on neither.
    const endorsers = (d: Demo["a"], name: string) => listBadgeEndorsements(d.server.db, found(d, name)!.id).map((e) => [e.endorser.name, e.endorser.host]);
    expect(endorsers(a, "Social Innovation 101")).toContainEqual(["Greenfield College", b.host]);
    expect(endorsers(b, "Social Innovation 101")).toContainEqual(["Greenfield College", null]);
    expect(endorsers(b, "Community Archiving")).toContainEqual(["Acme Ventures", a.host]);
    expect(endorsers(a, "Community Archiving")).toContainEqual(["Acme Ventures", null]);
    await waitFor(() => !endorsers(a, "Storytelling for Change").some(([name]) => name === "Riverside Library"), 5000, "the withdrawal on A");
    expect(endorsers(b, "Storytelling for Change").map(([name]) => name)).not.toContain("Riverside Library");

    // A's pathway names a badge of B as one of its steps (version 2, once A held it); B got it.
    const onA = searchPathways(a.server.db, { q: "Changemaker Foundations", instance: "here", page: 1, pageSize: 5 }).entries[0]!;
    const pathwayOnA = pathwayVersionView(a.server.db, onA.id);
    expect(pathwayOnA.version.number).toBe(2);
    expect(pathwayOnA.steps.map((s) => [s.name, s.home])).toEqual([
      ["Social Innovation 101", null],
      ["Theory of Change", null],
      ["Social Finance", null],
      ["Storytelling for Change", null],
      ["Community Archiving", b.host],
    ]);
    expect(pathwayOnA.coAuthors.map((o) => o.name)).toEqual(["Northside School"]);
    const onB = searchPathways(b.server.db, { q: "Changemaker Foundations", instance: "elsewhere", page: 1, pageSize: 5 }).entries[0]!;
    const pathwayOnB = pathwayVersionView(b.server.db, onB.id);
    expect(pathwayOnB.version.number).toBe(2);
    expect(pathwayOnB.steps.find((s) => s.name === "Community Archiving")).toMatchObject({ home: null, status: "published" });
    expect(pathwayOnB.goal).toMatchObject({ name: "Changemaker Foundations", home: a.host });
    // Lee, the demo learner on A, holds two of A's badges and plans one of A's and one of B's:
    // what they can earn next is A's, and the place to start towards B's badge is on B.
    const lee = a.server.db.select().from(users).where(eq(users.email, "lee@learner.example")).get()!;
    const next = whatICanEarnNext(a.server.db, lee.id);
    expect(next.next.map((x) => [x.name, x.steward.host, x.towards.map((t) => t.name)])).toEqual([
      ["Social Finance", null, ["Impact Measurement"]],
      ["Theory of Change", null, ["Impact Measurement"]],
    ]);
    expect(next.startingPoints.map((x) => [x.name, x.steward.name, x.steward.host, x.towards.map((t) => t.name)])).toEqual([
      ["Community Archiving", "Riverside Library", b.host, ["Oral History Interviewing"]],
    ]);

    // The catalogue pages say the same as the services.
    const page = await (await fetch(`${b.server.url}/badges?q=social`)).text();
    expect(page).toContain("Social Innovation 101");
    expect(page).toContain(a.host);

    // The pathway's page on A draws its map, in the HTML (no JavaScript needed): the goal,
    // the five steps, B's badge marked with its home, the route's choice as a junction.
    const read = async (url: string) => (await (await fetch(url)).text()).replaceAll("<!-- -->", "");
    const mapOnA = await read(`${a.server.url}/pathways/${onA.id}`);
    expect(mapOnA).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="pathway-graph-title pathway-graph-desc"/);
    expect(mapOnA).toContain("<title id=\"pathway-graph-title\">Map of Changemaker Foundations</title>");
    expect(mapOnA).toContain("Changemaker Foundations, the goal, and the 5 steps leading to it.");
    expect(mapOnA).toContain(`on ${b.host}</tspan>`);
    expect(mapOnA).toContain(">any 1 of 3</text>");
    expect(mapOnA).toContain("On the route “Foundations”, after any 1 of these 3:");
    // B's copy draws it too, A's badges marked as A's.
    const mapOnB = await read(`${b.server.url}/pathways/${onB.id}`);
    expect(mapOnB).toContain("<title id=\"pathway-graph-title\">Map of Changemaker Foundations</title>");
    expect(mapOnB).toContain(`on ${a.host}</tspan>`);
    // The badge pages list the pathway: on A, its step Theory of Change; on B, B's own
    // Community Archiving, a step of A's pathway (marked as A's).
    const tocOnA = await read(`${a.server.url}/badges/${found(a, "Theory of Change")!.id}`);
    expect(tocOnA).toContain(`href="/pathways/${onA.id}">Changemaker Foundations</a><span class="muted small"> · a step</span>`);
    const archiveOnB = await read(`${b.server.url}/badges/${found(b, "Community Archiving")!.id}`);
    expect(archiveOnB).toContain(`href="/pathways/${onB.id}">Changemaker Foundations</a><span class="muted small"> · a step · on ${a.host}</span>`);
  });

  it("starts again on the same data without loading or following twice", async () => {
    const ports: [number, number] = [demo!.a.server.port, demo!.b.server.port];
    const before = {
      follows: demo!.b.server.db.select().from(follows).all().length,
      badges: searchCatalogue(demo!.b.server.db, {}).total,
      received: demo!.a.server.db.select().from(inboxActivities).all().length,
    };
    await demo!.close();
    demo = null;
    demo = await startDemo({ ports, dataDir, log: quiet });
    expect(demo.b.server.db.select().from(follows).all().length).toBe(before.follows);
    expect(searchCatalogue(demo.b.server.db, {}).total).toBe(before.badges);
    // No new Follow reached A.
    expect(demo.a.server.db.select().from(inboxActivities).all().length).toBe(before.received);
    // Nor a third version of the pathway.
    const pathway = searchPathways(demo.a.server.db, { q: "Changemaker Foundations", instance: "here", page: 1, pageSize: 5 }).entries[0]!;
    expect(pathway.versionNumber).toBe(2);
  });
});
