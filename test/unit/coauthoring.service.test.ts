import { beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { approvals, coauthors } from "../../db/schema";
import { badgeAccess, createBadge } from "../../app/services/badges.server";
import {
  acceptCoauthorInvitation,
  declineCoauthorInvitation,
  inviteCoauthor,
  listCoauthors,
  pendingCoauthorInvitationsForUser,
  removeCoauthor,
} from "../../app/services/coauthoring.server";
import { approvalState, approveRevision } from "../../app/services/publishing.server";
import type { ValidationError } from "../../app/services/errors";
import { createTestContext, makeOrganisation, makeOrganisationWithTeam, makeUser } from "../support/factories";
import { currentRevisionId, expectDomainError, makeCoauthoredBadge, type Team } from "../support/publishing";

describe("co-authoring invitations", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let partner: Team;
  let unrelated: Team;
  let badgeId: string;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
    unrelated = makeOrganisationWithTeam(ctx.db, { name: "Elsewhere School", kind: "school" });
    badgeId = createBadge(ctx, steward.editor.id, {
      stewardOrganisationId: steward.org.id,
      name: "Social Innovation 101",
      approvalPolicy: "all",
    }).id;
  });

  const statusOf = (orgId: string) =>
    ctx.db
      .select()
      .from(coauthors)
      .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.organisationId, orgId)))
      .get()?.status ?? null;

  describe("invite", () => {
    it("is open to the steward's owner and admin", () => {
      inviteCoauthor(ctx, steward.owner.id, badgeId, { handle: partner.org.handle });
      expect(statusOf(partner.org.id)).toBe("invited");
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: `@${unrelated.org.handle}` });
      expect(statusOf(unrelated.org.id)).toBe("invited");
      expect(ctx.recorded.filter((e) => e.type === "badgeChanged").map((e) => e.payload)).toEqual(["coauthors", "coauthors"]);
    });

    it("is refused to the steward's editor and viewer, co-author admins, and outsiders", () => {
      expectDomainError(() => inviteCoauthor(ctx, steward.editor.id, badgeId, { handle: partner.org.handle }), "forbidden");
      expectDomainError(() => inviteCoauthor(ctx, steward.viewer.id, badgeId, { handle: partner.org.handle }), "forbidden");
      // An outsider cannot even see the draft.
      expectDomainError(() => inviteCoauthor(ctx, unrelated.admin.id, badgeId, { handle: partner.org.handle }), "not_found");
      expectDomainError(() => inviteCoauthor(ctx, makeUser(ctx.db).id, badgeId, { handle: partner.org.handle }), "not_found");
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
      acceptCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id);
      expectDomainError(() => inviteCoauthor(ctx, partner.owner.id, badgeId, { handle: unrelated.org.handle }), "forbidden");
      expect(statusOf(unrelated.org.id)).toBeNull();
    });

    it("refuses the steward itself, a second invitation, unknown and remote organisations", () => {
      const handleError = (handle: string) =>
        (expectDomainError(() => inviteCoauthor(ctx, steward.admin.id, badgeId, { handle }), "invalid") as ValidationError)
          .fieldErrors.handle?.join(" ");
      expect(handleError(steward.org.handle)).toMatch(/steward/);
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
      expect(handleError(partner.org.handle)).toMatch(/already invited/);
      expect(handleError("no-such-org")).toMatch(/No organisation @no-such-org/);
      expect(handleError("")).toMatch(/Enter the handle/);
      expect(handleError("bad handle!")).toMatch(/letters, digits/);
      const remote = makeOrganisation(ctx.db, { handle: "faraway", host: "other.example" });
      expect(handleError(remote.handle)).toMatch(/No organisation/);
      acceptCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id);
      expect(handleError(partner.org.handle.toUpperCase())).toMatch(/already a co-author/);
    });

    it("allows inviting again an organisation that declined", () => {
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
      declineCoauthorInvitation(ctx, partner.owner.id, badgeId, partner.org.id);
      expect(statusOf(partner.org.id)).toBe("declined");
      const again = inviteCoauthor(ctx, steward.owner.id, badgeId, { handle: partner.org.handle });
      expect(again.status).toBe("invited");
      expect(again.respondedAt).toBeNull();
      expect(again.invitedByUserId).toBe(steward.owner.id);
    });
  });

  describe("accept and decline", () => {
    beforeEach(() => inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle }));

    it("an admin of the invited organisation accepts; its editors may then edit the draft", () => {
      expect(badgeAccess(ctx.db, badgeId, partner.editor.id).canEdit).toBe(false);
      acceptCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id);
      expect(statusOf(partner.org.id)).toBe("accepted");
      expect(badgeAccess(ctx.db, badgeId, partner.editor.id).canEdit).toBe(true);
      expect(badgeAccess(ctx.db, badgeId, partner.viewer.id).canView).toBe(true);
    });

    it("an owner of the invited organisation may decline", () => {
      declineCoauthorInvitation(ctx, partner.owner.id, badgeId, partner.org.id);
      expect(statusOf(partner.org.id)).toBe("declined");
      expect(badgeAccess(ctx.db, badgeId, partner.editor.id).canEdit).toBe(false);
    });

    it("refuses editors and viewers of the invited organisation, the steward's admin and outsiders", () => {
      for (const user of [partner.editor, partner.viewer, steward.admin, steward.owner, unrelated.admin]) {
        expectDomainError(() => acceptCoauthorInvitation(ctx, user.id, badgeId, partner.org.id), "forbidden");
        expectDomainError(() => declineCoauthorInvitation(ctx, user.id, badgeId, partner.org.id), "forbidden");
      }
      expect(statusOf(partner.org.id)).toBe("invited");
    });

    it("answers once; an organisation that was not invited has nothing to answer", () => {
      acceptCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id);
      expectDomainError(() => acceptCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id), "conflict");
      expectDomainError(() => declineCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id), "conflict");
      expectDomainError(() => acceptCoauthorInvitation(ctx, unrelated.admin.id, badgeId, unrelated.org.id), "not_found");
    });
  });

  describe("pending invitations of a user", () => {
    it("lists invitations for organisations the user administers, until answered", () => {
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
      const pending = pendingCoauthorInvitationsForUser(ctx.db, partner.admin.id);
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({
        badgeId,
        badgeName: "Social Innovation 101",
        stewardName: "Changemakers",
        organisationId: partner.org.id,
        organisationName: "Acme",
        invitedByName: steward.admin.displayName,
      });
      expect(pendingCoauthorInvitationsForUser(ctx.db, partner.owner.id)).toHaveLength(1);
      expect(pendingCoauthorInvitationsForUser(ctx.db, partner.editor.id)).toEqual([]);
      expect(pendingCoauthorInvitationsForUser(ctx.db, steward.admin.id)).toEqual([]);
      acceptCoauthorInvitation(ctx, partner.owner.id, badgeId, partner.org.id);
      expect(pendingCoauthorInvitationsForUser(ctx.db, partner.admin.id)).toEqual([]);
    });
  });

  describe("remove and leave", () => {
    it("the steward's admin removes a co-author, whose approvals stop counting", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner], { policy: "majority" });
      approveRevision(ctx, partner.admin.id, badge.id, { organisationId: partner.org.id, revisionId: currentRevisionId(ctx, badge.id) });
      expect(approvalState(ctx.db, badge.id).approvedCount).toBe(1);
      removeCoauthor(ctx, steward.admin.id, badge.id, partner.org.id);
      expect(listCoauthors(ctx.db, badge.id)).toEqual([]);
      expect(ctx.db.select().from(approvals).where(eq(approvals.badgeId, badge.id)).all()).toEqual([]);
      const state = approvalState(ctx.db, badge.id);
      expect(state.authors.map((a) => a.organisation.id)).toEqual([steward.org.id]);
      expect(badgeAccess(ctx.db, badge.id, partner.editor.id).canView).toBe(false);
    });

    it("a co-author's admin may leave; its editors and the steward's editors may not remove it", () => {
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
      acceptCoauthorInvitation(ctx, partner.admin.id, badgeId, partner.org.id);
      expectDomainError(() => removeCoauthor(ctx, partner.editor.id, badgeId, partner.org.id), "forbidden");
      expectDomainError(() => removeCoauthor(ctx, steward.editor.id, badgeId, partner.org.id), "forbidden");
      expectDomainError(() => removeCoauthor(ctx, unrelated.admin.id, badgeId, partner.org.id), "not_found");
      removeCoauthor(ctx, partner.admin.id, badgeId, partner.org.id);
      expect(statusOf(partner.org.id)).toBeNull();
    });

    it("the steward's admin may withdraw a pending invitation", () => {
      inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
      // An invited (not yet accepted) organisation declines rather than leaves.
      expectDomainError(() => removeCoauthor(ctx, partner.admin.id, badgeId, partner.org.id), "not_found");
      removeCoauthor(ctx, steward.owner.id, badgeId, partner.org.id);
      expect(statusOf(partner.org.id)).toBeNull();
      expectDomainError(() => removeCoauthor(ctx, steward.owner.id, badgeId, partner.org.id), "not_found");
    });
  });

  it("lists co-authors accepted first, with their status", () => {
    inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: unrelated.org.handle });
    inviteCoauthor(ctx, steward.admin.id, badgeId, { handle: partner.org.handle });
    acceptCoauthorInvitation(ctx, unrelated.admin.id, badgeId, unrelated.org.id);
    expect(listCoauthors(ctx.db, badgeId).map((c) => [c.name, c.status])).toEqual([
      ["Elsewhere School", "accepted"],
      ["Acme", "invited"],
    ]);
  });
});
