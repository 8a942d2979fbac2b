import { beforeEach, describe, expect, it } from "vitest";
import { createActivity, deleteActivity, updateActivity } from "../../../federation/activities";
import { toBadgeTombstone } from "../../../federation/badge-object";
import { parsePathwayObject, toPathwayObject, type PathwayObject } from "../../../federation/pathway-object";
import { readBadgeVersion, readPathwayVersion } from "../../../federation/runtime";
import { PATHWAY_CONTEXT, PUBLIC_COLLECTION } from "../../../federation/vocabulary";
import { invitePathwayCoauthor, respondToPathwayInvitation } from "../../../app/services/pathway-coauthors.server";
import { deprecatePathway } from "../../../app/services/pathway-publishing.server";
import { publicPathwayVersion, type PublicPathwayVersion } from "../../../app/services/pathway-queries.server";
import type { Badge } from "../../../db/schema";
import { makePublishedBadge } from "../../support/catalogue-factories";
import { createTestContext, makeOrganisation, makeOrganisationWithTeam } from "../../support/factories";
import { approveAndPublishPathway, draftPathway, editPathway } from "../../support/pathways";
import type { Team } from "../../support/publishing";

// What travels between servers is text: every object is read back from its JSON.
const wire = (o: unknown) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;

describe("pathway version objects", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let partner: Team;
  let goal: Badge;
  let first: Badge;
  let choiceA: Badge;
  let choiceB: Badge;
  let remote: Badge;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", handle: "changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Northside School", handle: "northside", kind: "school" });
    const publish = (name: string) => makePublishedBadge(ctx.db, { steward: steward.org, content: { name } });
    goal = publish("Changemaker Foundations");
    first = publish("Social Innovation 101");
    choiceA = publish("Theory of <Change>");
    choiceB = publish("Design Thinking");
    const peer = makeOrganisation(ctx.db, { handle: "riverside", name: "Riverside Garden", host: "peer.example" });
    remote = makePublishedBadge(ctx.db, { steward: peer, content: { name: "Community Archiving" }, publicUrl: "https://peer.example" });
  });

  function published(pathwayId: string, number?: number): PublicPathwayVersion {
    const result = publicPathwayVersion(ctx.db, pathwayId, number);
    if (result.state !== "public") throw new Error(`expected a public pathway, got ${result.state}`);
    return result.pathway;
  }

  /** Co-authored, two routes (one with a choice), a remote step, guidance with markup-like text. */
  function richPathway() {
    const pathway = draftPathway(ctx, steward, {
      goal: goal.uri,
      steps: [first.uri, choiceA.uri, choiceB.uri, remote.uri],
      policy: "all",
      summary: "From first steps\nto leading change.",
      routes: [
        { name: "Foundations", stages: [{ badges: [first.uri], required: 1 }, { badges: [choiceA.uri, choiceB.uri, remote.uri], required: 2 }] },
        { name: "", stages: [{ badges: [remote.uri], required: 1 }] },
      ],
    });
    editPathway(ctx, steward.editor.id, pathway.id, {
      steps: [
        { badge: first.uri, guidance: "Start <here> & \"now\"." },
        { badge: choiceA.uri, guidance: "" },
        { badge: choiceB.uri, guidance: "" },
        { badge: remote.uri, guidance: "Across the river." },
      ],
    });
    invitePathwayCoauthor(ctx, steward.admin.id, pathway.id, { handle: "northside" });
    respondToPathwayInvitation(ctx, partner.admin.id, pathway.id, partner.org.id, "accept");
    approveAndPublishPathway(ctx, pathway.id, [steward, partner]);
    return pathway;
  }

  it("is a Note a person can read on Mastodon, everything escaped, with the pathway's URL", () => {
    const pathway = richPathway();
    const object = toPathwayObject(published(pathway.id));
    expect(object["@context"]).toEqual(PATHWAY_CONTEXT);
    expect(object.type).toBe("Note");
    expect(object.id).toBe(pathway.uri);
    expect(object.attributedTo).toEqual([steward.org.uri, partner.org.uri]);
    expect(object.to).toEqual([PUBLIC_COLLECTION, `${steward.org.uri}/followers`]);
    expect(object.cc).toEqual([partner.org.uri]);
    expect(object.content).toContain("<p><strong>Changemaker Foundations</strong></p>");
    expect(object.content).toContain("<p>From first steps<br>to leading change.</p>");
    expect(object.content).toContain(`A pathway to <a href="${goal.uri}">Changemaker Foundations</a>. Any one of these routes leads there.`);
    expect(object.content).toContain(`<li><a href="${first.uri}">Social Innovation 101</a>: Start &lt;here&gt; &amp; &quot;now&quot;.</li>`);
    expect(object.content).toContain(`<li>Any 2 of: <a href="${choiceA.uri}">Theory of &lt;Change&gt;</a>, `);
    expect(object.content).toContain("<p>Route 2:</p>");
    expect(object.content).toContain(`<a href="${pathway.uri}">${pathway.uri}</a>`);
    expect(object.content).not.toMatch(/<(?!\/?(p|strong|a|br|ol|li)\b)/);
    expect(object.contentMap).toEqual({ en: object.content });
    // The summary is not AS summary (a content warning on a Note).
    expect(object).not.toHaveProperty("summary");
  });

  it("comes back exactly as published, and its hash is recomputed by the reader", () => {
    const pathway = richPathway();
    const source = published(pathway.id);
    const parsed = parsePathwayObject(wire(toPathwayObject(source)));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.pathway).toMatchObject({
      id: pathway.uri,
      pathwayUri: pathway.uri,
      versionUri: `${pathway.uri}/versions/1`,
      versionNumber: 1,
      contentHash: source.version.contentHash,
      stewardUri: steward.org.uri,
      coauthorUris: [partner.org.uri],
      approvalPolicy: "all",
      status: "published",
      url: pathway.uri,
    });
    expect(parsed.pathway.content).toEqual(source.version.content);
    // The version's own URI serves that version.
    const asVersion = parsePathwayObject(wire(toPathwayObject(source, { as: "version" })));
    expect(asVersion.ok && asVersion.pathway.id).toBe(`${pathway.uri}/versions/1`);
  });

  it("is refused when anything covered by the hash was changed, or origins differ, or it is incomplete", () => {
    const pathway = richPathway();
    const good = wire(toPathwayObject(published(pathway.id))) as unknown as PathwayObject;
    const tampered = (change: Partial<PathwayObject>) => parsePathwayObject({ ...good, ...change });
    expect(tampered({ steps: good.steps.map((s, i) => (i === 0 ? { ...s, guidance: "Other words." } : s)) })).toEqual({
      ok: false,
      error: "The content hash does not match the content, authors and version number.",
    });
    expect(tampered({ routes: [good.routes[1]!, good.routes[0]!] }).ok).toBe(false);
    expect(tampered({ attributedTo: [steward.org.uri] }).ok).toBe(false);
    expect(tampered({ versionNumber: 2 }).ok).toBe(false);
    expect(tampered({ steward: "https://evil.example/orgs/changemakers", attributedTo: ["https://evil.example/orgs/changemakers"] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/origins differ/),
    });
    expect(tampered({ routes: [] })).toMatchObject({ ok: false, error: expect.stringMatching(/Not a complete pathway/) });
    expect(tampered({ goal: "javascript:alert(1)" }).ok).toBe(false);
  });

  it("is told apart from a badge object by the runtime's readers", () => {
    const pathway = richPathway();
    const object = wire(toPathwayObject(published(pathway.id)));
    expect(readBadgeVersion(object)).toBeNull();
    expect(readPathwayVersion(object)).toMatchObject({ pathwayUri: pathway.uri, number: 1, stewardUri: steward.org.uri });
    expect(readPathwayVersion({ type: "Note", content: "hello" })).toBeNull();
    expect(() => readPathwayVersion({ ...object, contentHash: "0".repeat(64) })).toThrow(/content hash/);
  });

  it("goes out as Create, then Update (a deprecation too), then a Delete of its Tombstone", () => {
    const pathway = richPathway();
    const create = createActivity(steward.org.uri, toPathwayObject(published(pathway.id), { embedded: true }));
    expect(create["@context"]).toEqual(PATHWAY_CONTEXT);
    expect(create.object.id).toBe(pathway.uri);
    expect(create.object).not.toHaveProperty("@context");
    expect(create.cc).toEqual([partner.org.uri]);
    deprecatePathway(ctx, steward.admin.id, pathway.id);
    const update = updateActivity(steward.org.uri, toPathwayObject(published(pathway.id), { embedded: true }));
    expect(update.object).toMatchObject({ status: "deprecated", deprecatedAt: expect.any(String), updated: expect.any(String) });
    expect((update.object as PathwayObject).content).toContain("This pathway is deprecated");
    const gone = deleteActivity(steward.org.uri, toBadgeTombstone(pathway.uri, new Date(), { embedded: true }));
    expect(gone.object).toMatchObject({ id: pathway.uri, type: "Tombstone", formerType: "Note" });
  });
});
