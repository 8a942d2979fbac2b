import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { outboxActivities, pathwayRevisions, pathwayVersions, type Badge } from "../../db/schema";
import { isValidationError, type ValidationError } from "../../app/services/errors";
import { orderedRoute, PATHWAY_LIMITS } from "../../app/services/pathway-content";
import {
  invitePathwayCoauthor,
  listPathwayCoauthors,
  pendingPathwayInvitationsForUser,
  removePathwayCoauthor,
  respondToPathwayInvitation,
} from "../../app/services/pathway-coauthors.server";
import {
  approvePathwayRevision,
  deprecatePathway,
  getPathwayVersion,
  listPathwayVersions,
  pathwayPublishReadiness,
  publishPathwayVersion,
  withdrawPathway,
  withdrawPathwayApproval,
} from "../../app/services/pathway-publishing.server";
import { countPathways, pathwaysThroughBadge, pathwayVersionView, searchPathways } from "../../app/services/pathway-queries.server";
import {
  createPathway,
  currentPathwayRevision,
  getPathway,
  listPathwayRevisions,
  pathwayAccess,
  pathwayRevisionContent,
  savePathwayDraft,
} from "../../app/services/pathways.server";
import { computeVersionHash } from "../../app/services/versions.server";
import { makeDraftBadge, makePublishedBadge } from "../support/catalogue-factories";
import { createTestContext, makeOrganisation, makeOrganisationWithTeam } from "../support/factories";
import { approveAndPublishPathway, draftPathway, editPathway } from "../support/pathways";
import { expectDomainError, type Team } from "../support/publishing";

describe("pathways", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let partner: Team;
  let goal: Badge;
  let si101: Badge;
  let toc: Badge;
  let design: Badge;
  let remote: Badge;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", handle: "changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Northside School", handle: "northside", kind: "school" });
    const publish = (name: string) => makePublishedBadge(ctx.db, { steward: steward.org, content: { name, summary: `${name} summary` } });
    goal = publish("Changemaker Foundations");
    si101 = publish("Social Innovation 101");
    toc = publish("Theory of Change");
    design = publish("Design Thinking");
    const peer = makeOrganisation(ctx.db, { handle: "riverside", name: "Riverside Garden", host: "peer.example", kind: "community" });
    remote = makePublishedBadge(ctx.db, { steward: peer, content: { name: "Community Archiving" }, publicUrl: "https://peer.example" });
  });

  const validation = (fn: () => unknown): ValidationError => expectDomainError(fn, "invalid") as ValidationError;

  function save(pathwayId: string, userId: string, change: Record<string, unknown>) {
    const current = currentPathwayRevision(ctx.db, getPathway(ctx.db, pathwayId));
    return savePathwayDraft(ctx, userId, pathwayId, { content: { ...pathwayRevisionContent(current), ...change }, baseRevisionId: current.id });
  }

  describe("drafting", () => {
    it("lets an editor of the steward start one, and nobody else", () => {
      const pathway = createPathway(ctx, steward.editor.id, { stewardOrganisationId: steward.org.id, name: "  Changemaker Foundations " });
      expect(pathway.uri).toBe(`http://badges.test/pathways/${pathway.id}`);
      expect(pathway.status).toBe("draft");
      expect(pathwayRevisionContent(currentPathwayRevision(ctx.db, pathway)).name).toBe("Changemaker Foundations");
      expectDomainError(() => createPathway(ctx, steward.viewer.id, { stewardOrganisationId: steward.org.id, name: "X" }), "forbidden");
      expectDomainError(() => createPathway(ctx, partner.editor.id, { stewardOrganisationId: steward.org.id, name: "X" }), "forbidden");
      const error = validation(() => createPathway(ctx, steward.editor.id, { stewardOrganisationId: steward.org.id, name: " " }));
      expect(error.fieldErrors.name).toEqual(["Give the pathway a name"]);
      // A draft is its authors' alone.
      expectDomainError(() => pathwayVersionView(ctx.db, pathway.id), "not_found");
      expect(pathwayAccess(ctx.db, pathway.id, partner.admin.id).canView).toBe(false);
    });

    it("keeps every revision with who saved it and what changed", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri, toc.uri] });
      save(pathway.id, steward.admin.id, { summary: "Shorter." });
      const history = listPathwayRevisions(ctx.db, pathway.id, steward.editor.id);
      expect(history.map((r) => [r.number, r.authorName, r.organisationName, r.changedFields])).toEqual([
        [3, "Changemakers admin", "Changemakers", ["summary"]],
        [2, "Changemakers editor", "Changemakers", ["summary", "goal", "steps", "routes"]],
        [1, "Changemakers editor", "Changemakers", ["name"]],
      ]);
      expect(save(pathway.id, steward.admin.id, {}).status).toBe("unchanged");
      expectDomainError(() => listPathwayRevisions(ctx.db, pathway.id, partner.admin.id), "not_found");
    });

    it("writes nothing on a stale base and says whose revision came in between", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
      const opened = currentPathwayRevision(ctx.db, pathway);
      save(pathway.id, steward.admin.id, { summary: "Someone else's words." });
      const result = savePathwayDraft(ctx, steward.editor.id, pathway.id, {
        content: { ...pathwayRevisionContent(opened), summary: "Mine." },
        baseRevisionId: opened.id,
      });
      expect(result.status).toBe("stale");
      if (result.status === "stale") expect(result.current.authorName).toBe("Changemakers admin");
      expect(pathwayRevisionContent(currentPathwayRevision(ctx.db, getPathway(ctx.db, pathway.id))).summary).toBe("Someone else's words.");
    });

    it("refuses steps that are not published badges known here, the goal as a step, and broken routes, naming each field", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
      const draft = makeDraftBadge(ctx.db, steward.org, { name: "Secret draft" });
      const before = ctx.db.select().from(pathwayRevisions).all().length;
      const error = validation(() =>
        save(pathway.id, steward.editor.id, {
          steps: [
            { badge: si101.uri, guidance: "" },
            { badge: "https://nowhere.example/badges/1", guidance: "" },
            { badge: draft.uri, guidance: "" },
            { badge: goal.uri, guidance: "" },
          ],
        }),
      );
      expect(Object.keys(error.fieldErrors).sort()).toEqual(["steps.1.badge", "steps.2.badge", "steps.3.badge"]);
      expect(error.fieldErrors["steps.3.badge"]).toEqual(["The goal badge cannot also be a step"]);
      // Addresses that are not web addresses are refused before anything is looked up.
      const script = validation(() => save(pathway.id, steward.editor.id, { steps: [{ badge: "javascript:alert(1)", guidance: "" }] }));
      expect(script.fieldErrors["steps.0.badge"]).toEqual(["Only http(s) addresses"]);
      expect(error.fieldErrors["steps.1.badge"]![0]).toMatch(/No published badge with this address is known here/);
      // A draft reads as unknown: its existence is not revealed.
      expect(error.fieldErrors["steps.2.badge"]).toEqual(error.fieldErrors["steps.1.badge"]);
      const goalAsStep = validation(() => save(pathway.id, steward.editor.id, { steps: [{ badge: goal.uri, guidance: "" }], routes: [] }));
      expect(goalAsStep.fieldErrors["steps.0.badge"]).toEqual(["The goal badge cannot also be a step"]);
      const route = validation(() =>
        save(pathway.id, steward.editor.id, {
          steps: [{ badge: si101.uri, guidance: "" }, { badge: toc.uri, guidance: "" }],
          routes: [{ name: "", stages: [{ badges: [si101.uri, toc.uri], required: 3 }, { badges: [design.uri], required: 1 }] }],
        }),
      );
      expect(route.fieldErrors["routes.0.stages.0.required"]).toEqual(["At most 2 of 2 can be required"]);
      expect(route.fieldErrors["routes.0.stages.1.badges"]).toEqual(["Only steps of this pathway can be on a route"]);
      // Nothing half-applied.
      expect(ctx.db.select().from(pathwayRevisions).all().length).toBe(before);
    });

    it("caps steps and guidance, and keeps guidance as plain text", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
      const many = Array.from({ length: PATHWAY_LIMITS.steps + 1 }, (_, i) => ({ badge: `http://badges.test/badges/${i}`, guidance: "" }));
      expect(validation(() => save(pathway.id, steward.editor.id, { steps: many })).fieldErrors.steps).toEqual(["At most 50 steps"]);
      const long = validation(() => save(pathway.id, steward.editor.id, { steps: [{ badge: si101.uri, guidance: "x".repeat(1001) }] }));
      expect(long.fieldErrors["steps.0.guidance"]).toEqual(["Guidance has at most 1,000 characters"]);
      const saved = save(pathway.id, steward.editor.id, { steps: [{ badge: si101.uri, guidance: "  <b>Read</b> this\r\nfirst\u0007  " }] });
      expect(saved.status).toBe("saved");
      expect(pathwayRevisionContent(currentPathwayRevision(ctx.db, getPathway(ctx.db, pathway.id))).steps[0]!.guidance).toBe("<b>Read</b> this\nfirst");
    });

    it("names a remote badge held here by its id, also when its page address is pasted", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
      ctx.db.run(`UPDATE badges SET remote_url = 'https://peer.example/b/archiving' WHERE id = '${remote.id}'` as never);
      save(pathway.id, steward.editor.id, {
        steps: [{ badge: si101.uri, guidance: "" }, { badge: "https://peer.example/b/archiving", guidance: "Across the river." }],
        routes: [{ name: "", stages: [{ badges: [si101.uri], required: 1 }, { badges: ["https://peer.example/b/archiving"], required: 1 }] }],
      });
      const content = pathwayRevisionContent(currentPathwayRevision(ctx.db, getPathway(ctx.db, pathway.id)));
      expect(content.steps.map((s) => s.badge)).toEqual([si101.uri, remote.uri]);
      expect(content.routes[0]!.stages[1]!.badges).toEqual([remote.uri]);
    });

    it("keeps a step deprecated since it was named, but takes no new deprecated or withdrawn badge", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
      ctx.db.run(`UPDATE badges SET status = 'deprecated' WHERE id IN ('${si101.id}', '${toc.id}')` as never);
      expect(save(pathway.id, steward.editor.id, { summary: "Still fine." }).status).toBe("saved");
      const error = validation(() => save(pathway.id, steward.editor.id, { steps: [{ badge: si101.uri, guidance: "" }, { badge: toc.uri, guidance: "" }] }));
      expect(error.fieldErrors["steps.1.badge"]).toEqual(["Theory of Change is deprecated; choose a published badge."]);
      ctx.db.run(`UPDATE badges SET status = 'withdrawn' WHERE id = '${si101.id}'` as never);
      expect(validation(() => save(pathway.id, steward.editor.id, { summary: "Again." })).fieldErrors["steps.0.badge"]).toEqual([
        "Social Innovation 101 was withdrawn by its steward; choose a published badge.",
      ]);
    });
  });

  describe("co-authors", () => {
    it("are invited by the steward's admin, answer through their own admin, then edit and approve", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri], policy: "all" });
      expectDomainError(() => invitePathwayCoauthor(ctx, steward.editor.id, pathway.id, { handle: "northside" }), "forbidden");
      expect(validation(() => invitePathwayCoauthor(ctx, steward.admin.id, pathway.id, { handle: "@nobody" })).fieldErrors.handle).toEqual([
        "No organisation @nobody on this instance.",
      ]);
      invitePathwayCoauthor(ctx, steward.admin.id, pathway.id, { handle: "@Northside" });
      // Not yet a co-author: cannot edit.
      expectDomainError(() => save(pathway.id, partner.editor.id, { summary: "Ours too." }), "not_found");
      expect(pendingPathwayInvitationsForUser(ctx.db, partner.admin.id).map((i) => i.pathwayName)).toEqual(["Changemaker Foundations"]);
      expectDomainError(() => respondToPathwayInvitation(ctx, partner.editor.id, pathway.id, partner.org.id, "accept"), "forbidden");
      respondToPathwayInvitation(ctx, partner.admin.id, pathway.id, partner.org.id, "accept");
      expect(listPathwayCoauthors(ctx.db, pathway.id).map((c) => [c.name, c.status])).toEqual([["Northside School", "accepted"]]);
      expect(save(pathway.id, partner.editor.id, { summary: "Ours too." }).status).toBe("saved");
      const latest = listPathwayRevisions(ctx.db, pathway.id, partner.editor.id)[0]!;
      expect(latest.organisationName).toBe("Northside School");
      expect(pathwayPublishReadiness(ctx.db, pathway.id).approvals.authorCount).toBe(2);
      // Leaving takes the co-author's approvals with it.
      approvePathwayRevision(ctx, partner.admin.id, pathway.id, { organisationId: partner.org.id, revisionId: latest.id });
      removePathwayCoauthor(ctx, partner.admin.id, pathway.id, partner.org.id);
      expect(pathwayPublishReadiness(ctx.db, pathway.id).approvals.approvedCount).toBe(0);
    });
  });

  describe("publishing", () => {
    it("needs every author's approval of the exact revision under the 'all' policy; an edit voids them", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri, toc.uri], policy: "all" });
      invitePathwayCoauthor(ctx, steward.admin.id, pathway.id, { handle: "northside" });
      respondToPathwayInvitation(ctx, partner.admin.id, pathway.id, partner.org.id, "accept");
      const revisionId = getPathway(ctx.db, pathway.id).currentRevisionId!;
      approvePathwayRevision(ctx, steward.admin.id, pathway.id, { organisationId: steward.org.id, revisionId });
      expectDomainError(() => publishPathwayVersion(ctx, steward.admin.id, pathway.id, { revisionId }), "conflict", /1 of 2 author organisations approved/);
      expectDomainError(() => approvePathwayRevision(ctx, steward.admin.id, pathway.id, { organisationId: partner.org.id, revisionId }), "forbidden");
      approvePathwayRevision(ctx, partner.admin.id, pathway.id, { organisationId: partner.org.id, revisionId });
      // An edit after the approvals voids them.
      const edited = editPathway(ctx, partner.editor.id, pathway.id, { summary: "Changed after approval." });
      expect(pathwayPublishReadiness(ctx.db, pathway.id).approvals.approvedCount).toBe(0);
      expectDomainError(() => approvePathwayRevision(ctx, partner.admin.id, pathway.id, { organisationId: partner.org.id, revisionId }), "conflict", /changed since you looked/);
      approvePathwayRevision(ctx, partner.admin.id, pathway.id, { organisationId: partner.org.id, revisionId: edited.id });
      approvePathwayRevision(ctx, steward.admin.id, pathway.id, { organisationId: steward.org.id, revisionId: edited.id });
      expect(withdrawPathwayApproval(ctx, partner.admin.id, pathway.id, { organisationId: partner.org.id })).toBe(true);
      expect(pathwayPublishReadiness(ctx.db, pathway.id).ready).toBe(false);
      approvePathwayRevision(ctx, partner.admin.id, pathway.id, { organisationId: partner.org.id, revisionId: edited.id });
      expectDomainError(() => publishPathwayVersion(ctx, partner.admin.id, pathway.id, { revisionId: edited.id }), "forbidden");
      const version = publishPathwayVersion(ctx, steward.admin.id, pathway.id, { revisionId: edited.id });
      expect(version.number).toBe(1);
      expect(version.coauthorUris).toEqual([partner.org.uri]);
    });

    it("publishes hashed, immutable versions: Create first, Update after, each recomputable", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri, toc.uri] });
      const v1 = approveAndPublishPathway(ctx, pathway.id, [steward]);
      expect(v1.uri).toBe(`${pathway.uri}/versions/1`);
      expect(v1.contentHash).toBe(computeVersionHash({ content: v1.content, stewardUri: steward.org.uri, coauthorUris: [], number: 1 }));
      expectDomainError(() => publishPathwayVersion(ctx, steward.admin.id, pathway.id), "conflict", /Nothing changed since version 1/);
      editPathway(ctx, steward.editor.id, pathway.id, {
        steps: [
          { badge: si101.uri, guidance: "Start here." },
          { badge: toc.uri, guidance: "" },
          { badge: design.uri, guidance: "" },
        ],
        routes: [{ name: "", stages: [{ badges: [si101.uri], required: 1 }, { badges: [toc.uri, design.uri], required: 1 }] }],
      });
      const v2 = approveAndPublishPathway(ctx, pathway.id, [steward]);
      expect(v2.number).toBe(2);
      expect(listPathwayVersions(ctx.db, pathway.id).map((v) => v.number)).toEqual([2, 1]);
      expect(getPathwayVersion(ctx.db, pathway.id, 1).verified).toBe(true);
      // A stored version altered behind our back no longer verifies.
      ctx.db.update(pathwayVersions).set({ content: { ...v1.content as object, name: "Tampered" } }).where(eq(pathwayVersions.id, v1.id)).run();
      expect(getPathwayVersion(ctx.db, pathway.id, 1).verified).toBe(false);
      const sent = ctx.db.select().from(outboxActivities).all().map((a) => [a.type, a.objectUri]);
      expect(sent).toEqual([
        ["Create", pathway.uri],
        ["Update", pathway.uri],
      ]);
    });

    it("says what is missing instead of publishing an incomplete pathway", () => {
      const pathway = createPathway(ctx, steward.editor.id, { stewardOrganisationId: steward.org.id, name: "Half done", approvalPolicy: "steward" });
      editPathway(ctx, steward.editor.id, pathway.id, { steps: [{ badge: si101.uri, guidance: "" }, { badge: toc.uri, guidance: "" }], routes: [orderedRoute([{ badge: si101.uri, guidance: "" }])] });
      const revisionId = getPathway(ctx.db, pathway.id).currentRevisionId!;
      approvePathwayRevision(ctx, steward.admin.id, pathway.id, { organisationId: steward.org.id, revisionId });
      expect(pathwayPublishReadiness(ctx.db, pathway.id).reasons).toEqual(["Choose the goal badge.", "One step is on no route yet."]);
      const error = validation(() => publishPathwayVersion(ctx, steward.admin.id, pathway.id, { revisionId }));
      expect(error.message).toBe("Before publishing: Choose the goal badge. One step is on no route yet.");
      expect(ctx.db.select().from(pathwayVersions).all()).toEqual([]);
    });

    it("deprecates (still listed, Update sent) and withdraws (gone, Delete sent), by the steward's admin only", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
      approveAndPublishPathway(ctx, pathway.id, [steward]);
      expectDomainError(() => deprecatePathway(ctx, steward.editor.id, pathway.id), "forbidden");
      deprecatePathway(ctx, steward.admin.id, pathway.id);
      expect(pathwayVersionView(ctx.db, pathway.id).status).toBe("deprecated");
      expect(searchPathways(ctx.db, { q: "", instance: null, page: 1, pageSize: 20 }).entries.map((e) => e.status)).toEqual(["deprecated"]);
      expectDomainError(() => editPathway(ctx, steward.editor.id, pathway.id, { summary: "x" }), "forbidden", /deprecated/);
      withdrawPathway(ctx, steward.admin.id, pathway.id);
      expectDomainError(() => pathwayVersionView(ctx.db, pathway.id), "not_found");
      expect(countPathways(ctx.db, { q: "", instance: null })).toBe(0);
      expect(pathwaysThroughBadge(ctx.db, si101.uri)).toEqual([]);
      expect(ctx.db.select().from(outboxActivities).all().map((a) => a.type)).toEqual(["Create", "Update", "Delete"]);
      expectDomainError(() => withdrawPathway(ctx, steward.admin.id, pathway.id), "conflict");
    });
  });

  describe("reading", () => {
    it("gives a version's goal, steps with guidance and routes, each badge with its URI, page and home", () => {
      const pathway = draftPathway(ctx, steward, {
        goal: goal.uri,
        steps: [si101.uri, toc.uri, remote.uri],
        routes: [
          { name: "Foundations", stages: [{ badges: [si101.uri], required: 1 }, { badges: [toc.uri, remote.uri], required: 1 }] },
          { name: "Archivists", stages: [{ badges: [remote.uri], required: 1 }] },
        ],
      });
      approveAndPublishPathway(ctx, pathway.id, [steward]);
      const view = pathwayVersionView(ctx.db, pathway.id);
      expect(view.goal).toMatchObject({ uri: goal.uri, localId: goal.id, name: "Changemaker Foundations", home: null, status: "published" });
      expect(view.steps.map((s) => [s.name, s.home, s.localId, s.guidance])).toEqual([
        ["Social Innovation 101", null, si101.id, "Step 1: start here."],
        ["Theory of Change", null, toc.id, "Step 2: start here."],
        ["Community Archiving", "peer.example", remote.id, "Step 3: start here."],
      ]);
      expect(view.routes).toEqual([
        { name: "Foundations", stages: [{ required: 1, steps: [si101.uri] }, { required: 1, steps: [toc.uri, remote.uri] }] },
        { name: "Archivists", stages: [{ required: 1, steps: [remote.uri] }] },
      ]);
      expect(view.version.number).toBe(1);
      expect(view.steward.name).toBe("Changemakers");
      expect(pathwaysThroughBadge(ctx.db, remote.uri)).toEqual([{ id: pathway.id, name: "Changemaker Foundations", role: "step", status: "published", host: null }]);
      expect(pathwaysThroughBadge(ctx.db, goal.uri).map((p) => p.role)).toEqual(["goal"]);
    });

    it("finds published pathways by their name, summary, and the names of their goal and steps", () => {
      const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri, remote.uri], summary: "Leading change together." });
      const search = (q: string) => searchPathways(ctx.db, { q, instance: null, page: 1, pageSize: 20 }).entries.map((e) => e.name);
      expect(search("foundations")).toEqual([]); // a draft is not listed
      approveAndPublishPathway(ctx, pathway.id, [steward]);
      expect(search("foundations")).toEqual(["Changemaker Foundations"]);
      expect(search("archiv")).toEqual(["Changemaker Foundations"]);
      expect(search("leading")).toEqual(["Changemaker Foundations"]);
      expect(search("gardening")).toEqual([]);
      expect(search("*) OR (")).toEqual([]);
      expect(countPathways(ctx.db, { q: "theory", instance: null })).toBe(0);
      expect(countPathways(ctx.db, { q: "social", instance: "here" })).toBe(1);
      expect(countPathways(ctx.db, { q: "social", instance: "elsewhere" })).toBe(0);
      const [entry] = searchPathways(ctx.db, { q: "", instance: null, page: 1, pageSize: 20 }).entries;
      expect(entry).toMatchObject({ stepCount: 2, routeCount: 1, versionNumber: 1, goal: { name: "Changemaker Foundations" } });
    });
  });

  it("raises typed validation errors, not exceptions, for malformed content", () => {
    const pathway = draftPathway(ctx, steward, { goal: goal.uri, steps: [si101.uri] });
    let caught: unknown;
    try {
      save(pathway.id, steward.editor.id, { steps: "nope", routes: [{ stages: [] }] });
    } catch (e) {
      caught = e;
    }
    expect(isValidationError(caught)).toBe(true);
    expect((caught as ValidationError).fieldErrors).toMatchObject({ steps: [expect.any(String)], "routes.0.stages": ["A route has at least one stage"] });
  });
});
