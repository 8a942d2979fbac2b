import { beforeEach, describe, expect, it } from "vitest";
import { coauthors } from "../../db/schema";
import {
  badgeAccess,
  createBadge,
  currentRevision,
  getBadge,
  listRevisions,
  restoreRevision,
  revisionContent,
  saveDraft,
} from "../../app/services/badges.server";
import { createTestContext, makeOrganisationWithTeam, makeUser } from "../support/factories";

describe("badge drafts", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: ReturnType<typeof makeOrganisationWithTeam>;
  let partner: ReturnType<typeof makeOrganisationWithTeam>;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", kind: "nonprofit" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
  });

  function newBadge() {
    return createBadge(ctx, steward.editor.id, {
      stewardOrganisationId: steward.org.id,
      name: "Social Innovation 101",
      approvalPolicy: "all",
    });
  }

  it("lets an editor of the steward start a badge with a first revision", () => {
    const badge = newBadge();
    expect(badge.uri).toBe(`http://badges.test/badges/${badge.id}`);
    expect(badge.status).toBe("draft");
    const rev = currentRevision(ctx.db, badge);
    expect(rev.number).toBe(1);
    expect(revisionContent(rev).name).toBe("Social Innovation 101");
  });

  it("refuses viewers and outsiders", () => {
    expect(() =>
      createBadge(ctx, steward.viewer.id, { stewardOrganisationId: steward.org.id, name: "X", approvalPolicy: "all" }),
    ).toThrow(/editor/);
    const outsider = makeUser(ctx.db);
    const badge = newBadge();
    expect(() => badgeAccess(ctx.db, badge.id, outsider.id)).not.toThrow();
    expect(badgeAccess(ctx.db, badge.id, outsider.id).canView).toBe(false);
  });

  it("gives editors of accepted co-author organisations edit rights, not invited ones", () => {
    const badge = newBadge();
    ctx.db.insert(coauthors).values({ badgeId: badge.id, organisationId: partner.org.id, status: "invited" }).run();
    expect(badgeAccess(ctx.db, badge.id, partner.editor.id).canEdit).toBe(false);
    ctx.db.update(coauthors).set({ status: "accepted" }).run();
    const access = badgeAccess(ctx.db, badge.id, partner.editor.id);
    expect(access.canEdit).toBe(true);
    expect(access.editingAs?.id).toBe(partner.org.id);
    expect(access.approverFor).toEqual([]);
    expect(badgeAccess(ctx.db, badge.id, partner.admin.id).approverFor.map((o) => o.id)).toEqual([partner.org.id]);
  });

  it("saves, merges concurrent saves of different fields, and keeps history", () => {
    const badge = newBadge();
    const base = currentRevision(ctx.db, badge);
    const content = revisionContent(base);
    const a = saveDraft(ctx, steward.editor.id, badge.id, {
      content: { ...content, summary: "Learn to change things" },
      baseRevisionId: base.id,
    });
    expect(a.status).toBe("saved");
    // The second save started from the same base: both changes survive.
    const b = saveDraft(ctx, steward.admin.id, badge.id, {
      content: { ...content, tags: ["social innovation"] },
      baseRevisionId: base.id,
    });
    expect(b.status).toBe("saved");
    const now = revisionContent(currentRevision(ctx.db, getBadge(ctx.db, badge.id)));
    expect(now.summary).toBe("Learn to change things");
    expect(now.tags).toEqual(["social innovation"]);
    const history = listRevisions(ctx.db, steward.viewer.id, badge.id);
    expect(history.map((r) => r.number)).toEqual([3, 2, 1]);
    expect(history[0]).toMatchObject({ changedFields: ["tags"], authorName: "Changemakers admin", isCurrent: true });
    expect(ctx.recorded.filter((e) => e.type === "revisionSaved")).toHaveLength(2);
  });

  it("returns a conflict with both texts and writes nothing", () => {
    const badge = newBadge();
    const base = currentRevision(ctx.db, badge);
    const content = revisionContent(base);
    saveDraft(ctx, steward.editor.id, badge.id, { content: { ...content, name: "SI 101" }, baseRevisionId: base.id });
    const result = saveDraft(ctx, steward.admin.id, badge.id, {
      content: { ...content, name: "Social Innovation: an introduction" },
      baseRevisionId: base.id,
    });
    expect(result.status).toBe("conflict");
    if (result.status === "conflict") expect(result.conflicts[0]).toMatchObject({ field: "name", mine: "Social Innovation: an introduction", theirs: "SI 101" });
    expect(listRevisions(ctx.db, steward.admin.id, badge.id)).toHaveLength(2);
  });

  it("does not write a revision when nothing changed", () => {
    const badge = newBadge();
    const base = currentRevision(ctx.db, badge);
    const result = saveDraft(ctx, steward.editor.id, badge.id, { content: revisionContent(base), baseRevisionId: base.id });
    expect(result.status).toBe("unchanged");
  });

  it("restores an older revision as a new one", () => {
    const badge = newBadge();
    const first = currentRevision(ctx.db, badge);
    saveDraft(ctx, steward.editor.id, badge.id, {
      content: { ...revisionContent(first), summary: "changed" },
      baseRevisionId: first.id,
    });
    const result = restoreRevision(ctx, steward.editor.id, badge.id, first.id);
    expect(result.status).toBe("saved");
    if (result.status === "saved") {
      expect(result.revision.number).toBe(3);
      expect(result.revision.restoredFromRevisionId).toBe(first.id);
      expect(revisionContent(result.revision).summary).toBe("");
    }
  });

  it("refuses a save from someone who may only view", () => {
    const badge = newBadge();
    const base = currentRevision(ctx.db, badge);
    expect(() =>
      saveDraft(ctx, steward.viewer.id, badge.id, { content: revisionContent(base), baseRevisionId: base.id }),
    ).toThrow(/Only editors/);
  });
});
