// "What I can earn next": which badges a learner's held badges now qualify them for, which
// are left out (held, planned, not published, no prerequisites), how they are ranked, and
// the starting points towards what they plan.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import type { Organisation } from "../../db/schema";
import { whatICanEarnNext } from "../../app/services/earn-next.server";
import { setLearnerBadge } from "../../app/services/learner-badges.server";
import type { Prerequisites } from "../../app/services/prerequisites";
import { indexPrerequisites } from "../../app/services/prerequisite-index.server";
import { makePublishedBadge } from "../support/catalogue-factories";
import { createTestDb, makeOrganisation, makeUser } from "../support/factories";

const PEER = "https://peer.example";

describe("what a learner can earn next", () => {
  let db: Db;
  let here: Organisation;
  let peer: Organisation;
  let lee: { id: string };
  const badge = (name: string, prerequisites: Prerequisites = [], options: { remote?: boolean; status?: "published" | "deprecated" } = {}) =>
    makePublishedBadge(db, {
      steward: options.remote ? peer : here,
      content: { name, prerequisites },
      publicUrl: options.remote ? PEER : undefined,
      status: options.status,
    });
  const hold = (...bs: { uri: string }[]) => bs.forEach((b) => setLearnerBadge(db, lee.id, b.uri, "held"));
  const plan = (...bs: { uri: string }[]) => bs.forEach((b) => setLearnerBadge(db, lee.id, b.uri, "planned"));
  const prove = (b: { uri: string }) => {
    const id = randomUUID();
    db.$client
      .prepare(
        `INSERT INTO learner_credentials (id, user_id, format, encoding, source, document, badge_uri, verification, checks, verified_at)
         VALUES (?, ?, 'ob3', 'json', 'file', '{}', ?, 'verified', '[]', 0)`,
      )
      .run(id, lee.id, b.uri);
    db.$client.prepare("UPDATE learner_badges SET credential_id = ? WHERE user_id = ? AND badge_uri = ?").run(id, lee.id, b.uri);
  };
  const endorse = (b: { id: string; latestVersionId: string | null }, times: number) => {
    for (let i = 0; i < times; i++) {
      const endorser = makeOrganisation(db);
      db.$client
        .prepare(
          `INSERT INTO endorsements (id, uri, endorser_organisation_id, badge_id, version_id, statement, status, credential, issued_at)
           VALUES (?, ?, ?, ?, ?, 'We vouch.', 'accepted', '{}', 0)`,
        )
        .run(randomUUID(), `${PEER}/endorsements/${randomUUID()}`, endorser.id, b.id, b.latestVersionId);
    }
  };
  const names = () => whatICanEarnNext(db, lee.id).next.map((b) => b.name);

  beforeEach(() => {
    db = createTestDb();
    here = makeOrganisation(db, { name: "Changemakers" });
    peer = makeOrganisation(db, { name: "Riverside Library", host: "peer.example" });
    lee = makeUser(db);
  });

  it("lists the published badges whose every condition the held badges meet, and no others", () => {
    const si = badge("Social Innovation 101");
    const story = badge("Storytelling");
    const finance = badge("Social Finance");
    badge("Needs SI", [si.uri]);
    badge("Needs SI and Finance", [si.uri, finance.uri]);
    badge("Any of SI or Finance", [{ requiredNumber: 1, badges: [si.uri, finance.uri] }]);
    badge("Two of three", [{ requiredNumber: 2, badges: [si.uri, story.uri, finance.uri] }]);
    badge("Two conditions, one met", [{ requiredNumber: 1, badges: [si.uri] }, { requiredNumber: 1, badges: [finance.uri] }]);
    badge("Oral History", [si.uri], { remote: true });
    badge("Old version", [si.uri], { status: "deprecated" });
    const withdrawn = badge("Withdrawn", [si.uri]);
    db.$client.prepare("UPDATE badges SET status = 'withdrawn' WHERE id = ?").run(withdrawn.id);
    indexPrerequisites(db, withdrawn.id);
    badge("Open to all");
    const planned = badge("Planned already", [si.uri]);
    const held = badge("Held already", [si.uri]);

    expect(whatICanEarnNext(db, lee.id)).toEqual({ next: [], nextTotal: 0, startingPoints: [], startingTotal: 0 });
    hold(si, held);
    plan(planned);
    expect(names()).toEqual(["Any of SI or Finance", "Needs SI", "Oral History"]);
    hold(story);
    expect(names()).toEqual(["Two of three", "Any of SI or Finance", "Needs SI", "Oral History"]);
    hold(finance);
    expect(names()).toContain("Two conditions, one met");
    expect(names()).toContain("Needs SI and Finance");
    // Badges with no prerequisites never fill the list on their own.
    expect(names()).not.toContain("Open to all");
  });

  it("says where each badge is offered: its steward and the steward's instance", () => {
    const si = badge("Social Innovation 101");
    const oral = badge("Oral History", [si.uri], { remote: true });
    db.$client.prepare("UPDATE badges SET remote_url = ? WHERE id = ?").run(`${PEER}/badges/oral-history`, oral.id);
    badge("Theory of Change", [si.uri]);
    hold(si);
    const { next } = whatICanEarnNext(db, lee.id);
    expect(next.map((b) => [b.name, b.steward, b.homeUrl])).toEqual([
      ["Oral History", { name: "Riverside Library", handle: peer.handle, host: "peer.example" }, `${PEER}/badges/oral-history`],
      ["Theory of Change", { name: "Changemakers", handle: here.handle, host: null }, null],
    ]);
    expect(next[0]).toMatchObject({ id: oral.id, uri: oral.uri, buildsOn: [{ uri: si.uri, name: "Social Innovation 101", proven: false }] });
  });

  it("ranks what leads to a plan first, then what builds on more, on proven badges, then endorsements", () => {
    const a = badge("A");
    const b = badge("B");
    const c = badge("C");
    const onA = badge("On A", [a.uri]);
    const onB = badge("On B", [b.uri]);
    const onC = badge("On C", [c.uri]);
    const onAB = badge("On A and B", [a.uri, b.uri]);
    const towardsGoal = badge("Towards the goal", [c.uri]);
    const goal = badge("The goal", [towardsGoal.uri]);
    hold(a, b, c);
    // By name when nothing else differs.
    expect(names()).toEqual(["On A and B", "On A", "On B", "On C", "Towards the goal"]);
    // Endorsements break ties between equals.
    endorse(onC, 2);
    endorse(onB, 1);
    expect(names()).toEqual(["On A and B", "On C", "On B", "On A", "Towards the goal"]);
    // A proven prerequisite outranks endorsements; building on two outranks a proven one.
    prove(a);
    expect(names()).toEqual(["On A and B", "On A", "On C", "On B", "Towards the goal"]);
    // The learner's plan comes first.
    plan(goal);
    const result = whatICanEarnNext(db, lee.id);
    expect(result.next.map((x) => x.name)).toEqual(["Towards the goal", "On A and B", "On A", "On C", "On B"]);
    expect(result.next[0].towards).toEqual([{ uri: goal.uri, name: "The goal", localId: goal.id }]);
    expect(result.next.find((x) => x.name === "On A and B")!.buildsOn).toEqual([
      { uri: a.uri, name: "A", proven: true },
      { uri: b.uri, name: "B", proven: false },
    ]);
    expect(result.next.find((x) => x.name === "On C")!.endorsements).toBe(2);
    void onAB;
    void onA;
  });

  it("offers badges with no prerequisites only as starting points towards a plan", () => {
    const listen = badge("Listening");
    const interview = badge("Interviewing");
    badge("Unrelated starter");
    const archive = badge("Archiving", [], { remote: true });
    const oral = badge("Oral History", [{ requiredNumber: 1, badges: [interview.uri, archive.uri] }]);
    const goal = badge("Community Historian", [oral.uri, listen.uri]);
    plan(goal);
    const result = whatICanEarnNext(db, lee.id);
    expect(result.next).toEqual([]);
    expect(result.startingPoints.map((b) => [b.name, b.buildsOn, b.towards.map((t) => t.name)])).toEqual([
      ["Archiving", [], ["Community Historian"]],
      ["Interviewing", [], ["Community Historian"]],
      ["Listening", [], ["Community Historian"]],
    ]);
    expect(result.startingTotal).toBe(3);
    // Once one is held it is no starting point, and what it opens is next.
    hold(interview);
    const after = whatICanEarnNext(db, lee.id);
    expect(after.next.map((b) => b.name)).toEqual(["Oral History"]);
    expect(after.startingPoints.map((b) => b.name)).toEqual(["Archiving", "Listening"]);
  });

  it("walks back from plans through cycles that other instances' content makes without looping", () => {
    const ping = badge("Ping", [], { remote: true });
    const pong = badge("Pong", [ping.uri], { remote: true });
    db.$client
      .prepare("UPDATE versions SET content = json_set(content, '$.prerequisites', json_array(?)) WHERE id = ?")
      .run(pong.uri, ping.latestVersionId);
    indexPrerequisites(db, ping.id);
    const start = badge("Start");
    const goal = badge("Goal", [pong.uri, start.uri]);
    plan(goal);
    const result = whatICanEarnNext(db, lee.id);
    expect(result.startingPoints.map((b) => b.name)).toEqual(["Start"]);
    hold(ping);
    expect(whatICanEarnNext(db, lee.id).next.map((b) => [b.name, b.towards.map((t) => t.name)])).toEqual([["Pong", ["Goal"]]]);
  });
});
