import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { prerequisiteEdges, versions } from "../../db/schema";
import { emptyContent, type BadgeContent } from "../../app/services/badge-content";
import { createBadge, getBadge } from "../../app/services/badges.server";
import { getPublicBadge } from "../../app/services/catalogue.server";
import { edgesFrom, edgesTo, walkPrerequisiteGraph } from "../../app/services/prerequisite-graph.server";
import { indexPrerequisites } from "../../app/services/prerequisite-index.server";
import { fetchPrerequisites } from "../../app/services/prerequisite-lookups.server";
import { findPrerequisiteCycle } from "../../app/services/prerequisite-rules.server";
import { resolvePrerequisites } from "../../app/services/prerequisite-targets.server";
import { publishReadiness, withdrawBadge } from "../../app/services/publishing.server";
import {
  applyRemoteBadgeVersion,
  recordRemoteBadgeGone,
  recordRemoteOrganisation,
  withdrawRemoteBadge,
  type RemoteBadgeVersion,
} from "../../app/services/remote-badges.server";
import { computeVersionHash, verifyVersionHash } from "../../app/services/versions.server";
import type { Prerequisites } from "../../app/services/prerequisites";
import { createTestContext } from "../support/factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { editDraft, expectDomainError, type Team } from "../support/publishing";

const PEER = "https://peer.example";
const PEER_STEWARD = `${PEER}/orgs/riverside`;

function remoteVersion(id: string, name: string, prerequisites: Prerequisites = [], number = 1): RemoteBadgeVersion {
  const content: BadgeContent = { ...emptyContent(name), summary: `${name}.`, criteria: "Do it.", prerequisites };
  return {
    badgeUri: `${PEER}/badges/${id}`,
    versionUri: `${PEER}/badges/${id}/versions/${number}`,
    number,
    url: `${PEER}/badges/${id}`,
    content,
    stewardUri: PEER_STEWARD,
    coauthorUris: [],
    contentHash: computeVersionHash({ content, stewardUri: PEER_STEWARD, coauthorUris: [], number }),
    publishedAt: new Date("2026-11-30T10:00:00Z"),
  };
}

describe("the prerequisite graph", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let team: Team;

  function draft(name: string) {
    return createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
  }
  function publish(name: string, prerequisites: Prerequisites = []) {
    const badge = draft(name);
    editDraft(ctx, team.editor.id, badge.id, { summary: `${name}.`, criteria: "Do it.", prerequisites });
    approveAndPublish(ctx, badge.id, [team]);
    return getBadge(ctx.db, badge.id);
  }

  beforeEach(() => {
    ctx = createTestContext();
    team = makeLocalTeam(ctx, { handle: "changemakers", name: "Changemakers" });
    recordRemoteOrganisation(ctx.db, { uri: PEER_STEWARD, handle: "riverside", host: "peer.example", name: "Riverside", kind: "school" });
  });

  it("keeps the edges of each latest version in step with publishing and withdrawal", () => {
    const si = publish("Social Innovation 101");
    const story = publish("Storytelling");
    const archive = publish("Community Archiving");
    const toc = publish("Theory of Change", [
      { requiredNumber: 1, badges: [si.uri, story.uri] },
      { requiredNumber: 1, badges: [archive.uri] },
    ]);
    expect(edgesFrom(ctx.db, [toc.id]).map((e) => [e.conditionIndex, e.requiredNumber, e.conditionSize, e.prerequisiteUri])).toEqual([
      [0, 1, 2, si.uri],
      [0, 1, 2, story.uri],
      [1, 1, 1, archive.uri],
    ]);
    expect(edgesTo(ctx.db, [si.uri]).map((e) => e.badgeUri)).toEqual([toc.uri]);

    // A draft edit changes nothing until it is published; then the edges are the new version's.
    editDraft(ctx, team.editor.id, toc.id, { prerequisites: [si.uri] });
    expect(edgesFrom(ctx.db, [toc.id])).toHaveLength(3);
    approveAndPublish(ctx, toc.id, [team]);
    expect(edgesFrom(ctx.db, [toc.id]).map((e) => e.prerequisiteUri)).toEqual([si.uri]);
    expect(edgesTo(ctx.db, [story.uri])).toEqual([]);

    withdrawBadge(ctx, team.admin.id, toc.id);
    expect(edgesFrom(ctx.db, [toc.id])).toEqual([]);
  });

  it("indexes remote versions as they arrive, and shows a withdrawn or unknown prerequisite as unavailable", () => {
    const si = publish("Social Innovation 101");
    const remote = applyRemoteBadgeVersion(ctx.db, PEER_STEWARD, remoteVersion("r1", "Peer Mediation", [si.uri, `${PEER}/badges/never-seen`]));
    expect(edgesFrom(ctx.db, [remote.badgeId]).map((e) => e.prerequisiteUri)).toEqual([si.uri, `${PEER}/badges/never-seen`]);
    const local = publish("Conflict Resolution", [{ requiredNumber: 1, badges: [`${PEER}/badges/r1`, si.uri] }]);
    const shown = () => getPublicBadge(ctx.db, local.id).prerequisites[0].badges.map((b) => [b.name, b.host, b.availability]);
    expect(shown()).toEqual([
      ["Peer Mediation", "peer.example", "available"],
      ["Social Innovation 101", null, "available"],
    ]);
    withdrawRemoteBadge(ctx.db, PEER_STEWARD, `${PEER}/badges/r1`);
    expect(edgesFrom(ctx.db, [remote.badgeId])).toEqual([]);
    // Still named, marked: the version says it.
    expect(shown()).toEqual([
      ["Peer Mediation", "peer.example", "withdrawn"],
      ["Social Innovation 101", null, "available"],
    ]);
    expect(resolvePrerequisites(ctx.db, [`${PEER}/badges/never-seen`])[0].badges[0]).toMatchObject({ availability: "unknown", name: null });
  });

  it("withdraws a held copy its own instance says is gone, never a badge of this instance", () => {
    const r = applyRemoteBadgeVersion(ctx.db, PEER_STEWARD, remoteVersion("r2", "Facilitation"));
    expect(recordRemoteBadgeGone(ctx.db, `${PEER}/badges/r2`)).toEqual({ badgeId: r.badgeId });
    expect(getBadge(ctx.db, r.badgeId).status).toBe("withdrawn");
    expect(recordRemoteBadgeGone(ctx.db, `${PEER}/badges/r2`)).toBeNull();
    expect(recordRemoteBadgeGone(ctx.db, `${PEER}/badges/not-held`)).toBeNull();
    const si = publish("Social Innovation 101");
    expectDomainError(() => recordRemoteBadgeGone(ctx.db, si.uri), "forbidden");
    expect(getBadge(ctx.db, si.id).status).toBe("published");
  });

  it("refuses a save that closes a cycle, naming the badges in order; other edits of the draft go on", () => {
    const si = publish("Social Innovation 101");
    const toc = publish("Theory of Change", [si.uri]);
    const impact = publish("Impact Measurement", [{ requiredNumber: 1, badges: [toc.uri, `${PEER}/badges/x`] }]);
    const error = expectDomainError(
      () => editDraft(ctx, team.editor.id, si.id, { prerequisites: [{ requiredNumber: 1, badges: [impact.uri, `${PEER}/badges/y`] }] }),
      "invalid",
    );
    expect(error.message).toContain("Social Innovation 101 → Impact Measurement → Theory of Change → Social Innovation 101");
    expect((error as unknown as { fieldErrors: Record<string, string[]> }).fieldErrors.prerequisites[0]).toContain("Impact Measurement needs Theory of Change");
    // Not a cycle: naming a badge that leads nowhere back.
    const other = publish("Storytelling");
    editDraft(ctx, team.editor.id, si.id, { prerequisites: [other.uri] });
  });

  it("refuses at publication a cycle that others' publishing closed after the save, and says so beforehand", () => {
    const y = publish("Storytelling");
    const x = draft("Oral History");
    editDraft(ctx, team.editor.id, x.id, { summary: "Oral history.", criteria: "Interview.", prerequisites: [y.uri] });
    // Y now needs X: X is a draft, so nothing closes yet.
    editDraft(ctx, team.editor.id, y.id, { prerequisites: [x.uri] });
    approveAndPublish(ctx, y.id, [team]);
    const readiness = publishReadiness(ctx.db, x.id);
    expect(readiness.cycle?.names).toEqual(["Oral History", "Storytelling", "Oral History"]);
    expect(readiness.reasons.join(" ")).toContain("Oral History → Storytelling → Oral History");
    expectDomainError(() => approveAndPublish(ctx, x.id, [team]), "conflict", /Oral History → Storytelling → Oral History/);
    expect(getBadge(ctx.db, x.id).status).toBe("draft");
    // Editing anything else still works; only the prerequisites hold publication back.
    editDraft(ctx, team.editor.id, x.id, { summary: "Oral history, recorded." });
  });

  it("finds a cycle through badges of other instances as stored here, and walks a cycle peers sent without looping", () => {
    const si = publish("Social Innovation 101");
    // Two peer badges that need each other (we cannot refuse what peers publish), one of
    // which needs ours.
    applyRemoteBadgeVersion(ctx.db, PEER_STEWARD, remoteVersion("a", "Peer A", [`${PEER}/badges/b`]));
    applyRemoteBadgeVersion(ctx.db, PEER_STEWARD, remoteVersion("b", "Peer B", [`${PEER}/badges/a`, si.uri]));
    expect(findPrerequisiteCycle(ctx.db, si.uri, { name: "Social Innovation 101", prerequisites: [`${PEER}/badges/a`] })?.names).toEqual([
      "Social Innovation 101",
      "Peer A",
      "Peer B",
      "Social Innovation 101",
    ]);
    const local = publish("Facilitation", [`${PEER}/badges/a`]);
    const up = walkPrerequisiteGraph(ctx.db, [local.uri], "prerequisites");
    expect([...up.depth.keys()]).toEqual([local.uri, `${PEER}/badges/a`, `${PEER}/badges/b`, si.uri]);
    expect(up.truncated).toBe(false);
    const down = walkPrerequisiteGraph(ctx.db, [si.uri], "unlocked");
    expect([...down.depth.keys()].sort()).toEqual([si.uri, `${PEER}/badges/a`, `${PEER}/badges/b`, local.uri].sort());
  });

  it("builds the same edges from versions already stored as the migration's back-fill does", () => {
    const si = publish("Social Innovation 101");
    const story = publish("Storytelling");
    const flat = publish("Theory of Change", [si.uri, story.uri]);
    const conditions = publish("Impact", [
      { requiredNumber: 1, badges: [si.uri, story.uri] },
      { requiredNumber: 2, badges: [flat.uri, `${PEER}/badges/p`, si.uri] },
    ]);
    applyRemoteBadgeVersion(ctx.db, PEER_STEWARD, remoteVersion("q", "Peer Q", [si.uri]));
    const edges = () => ctx.db.select().from(prerequisiteEdges).orderBy(prerequisiteEdges.badgeId, prerequisiteEdges.conditionIndex, prerequisiteEdges.position).all();
    const expected = edges();
    expect(expected.filter((e) => e.badgeId === conditions.id)).toHaveLength(5);
    ctx.db.delete(prerequisiteEdges).run();
    const migration = readFileSync(new URL("../../db/migrations/0013_prerequisite_edges.sql", import.meta.url), "utf8");
    const backfill = migration.slice(migration.indexOf("-- Hand-written from here"));
    ctx.db.$client.exec(backfill);
    expect(edges()).toEqual(expected);
    // Stored versions were read, not rewritten: their hashes still verify.
    for (const v of ctx.db.select().from(versions).all()) expect(verifyVersionHash(v)).toBe(true);
    // And indexing again gives the same.
    for (const id of [flat.id, conditions.id]) indexPrerequisites(ctx.db, id);
    expect(edges()).toEqual(expected);
  });

  it("tells what could not be fetched without reaching anything outside, and skips badges already held", async () => {
    const si = publish("Social Innovation 101");
    applyRemoteBadgeVersion(ctx.db, PEER_STEWARD, remoteVersion("held", "Held"));
    const answers = await fetchPrerequisites(ctx, [si.uri, `${PEER}/badges/held`, "https://nowhere.example/badges/1", "not a url"]);
    expect([...answers.keys()]).toEqual(["https://nowhere.example/badges/1"]);
    expect(answers.get("https://nowhere.example/badges/1")).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/no address/) });
    // With refresh, the copy held is asked for again too.
    const refreshed = await fetchPrerequisites(ctx, [`${PEER}/badges/held`], { refresh: true });
    expect([...refreshed.keys()]).toEqual([`${PEER}/badges/held`]);
  });
});

describe("publishing edges stay consistent with the version row", () => {
  it("stores the version's content in canonical form, so the edges and the hash agree", () => {
    const ctx = createTestContext();
    const team = makeLocalTeam(ctx, { handle: "canonical", name: "Canonical" });
    const a = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name: "A", approvalPolicy: "steward" });
    // A single all-of condition given as a condition object is stored as the flat list.
    editDraft(ctx, team.editor.id, a.id, {
      summary: "A.",
      criteria: "Do.",
      prerequisites: [{ requiredNumber: 2, badges: [`${PEER}/badges/1`, `${PEER}/badges/2`] }],
    });
    const version = approveAndPublish(ctx, a.id, [team]);
    const row = ctx.db.select().from(versions).where(eq(versions.id, version.id)).get()!;
    expect((row.content as BadgeContent).prerequisites).toEqual([`${PEER}/badges/1`, `${PEER}/badges/2`]);
    expect(verifyVersionHash(row)).toBe(true);
  });
});
