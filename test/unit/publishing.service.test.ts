import { readdirSync, readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { badges, versions } from "../../db/schema";
import { badgeAccess, createBadge, getBadge } from "../../app/services/badges.server";
import { acceptCoauthorInvitation, inviteCoauthor, pendingCoauthorInvitationsForUser } from "../../app/services/coauthoring.server";
import type { ValidationError } from "../../app/services/errors";
import {
  approvalState,
  approveRevision,
  deprecateBadge,
  getVersion,
  listVersions,
  publishReadiness,
  publishVersion,
  STALE_REVISION_MESSAGE,
  verifyVersionHash,
  withdrawApproval,
} from "../../app/services/publishing.server";
import { createTestContext, makeOrganisationWithTeam, makeUser } from "../support/factories";
import { currentRevisionId, editDraft, expectDomainError, makeCoauthoredBadge, type Team } from "../support/publishing";

describe("approvals and publication", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let partner: Team;
  let school: Team;
  let unrelated: Team;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
    school = makeOrganisationWithTeam(ctx.db, { name: "Riverside School", kind: "school" });
    unrelated = makeOrganisationWithTeam(ctx.db, { name: "Elsewhere", kind: "community" });
  });

  const approve = (team: Team, badgeId: string, user = team.admin) =>
    approveRevision(ctx, user.id, badgeId, { organisationId: team.org.id, revisionId: currentRevisionId(ctx, badgeId) });
  const approveAll = (badgeId: string, teams: Team[]) => teams.forEach((t) => approve(t, badgeId));
  const approvedOrgs = (badgeId: string) =>
    approvalState(ctx.db, badgeId).authors.filter((a) => a.approved).map((a) => a.organisation.name);

  describe("approve and withdraw", () => {
    it("admins and owners of the steward and of accepted co-authors approve for their own organisation", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      approve(steward, badge.id, steward.owner);
      approve(partner, badge.id, partner.admin);
      expect(approvedOrgs(badge.id)).toEqual(["Changemakers", "Acme"]);
      const state = approvalState(ctx.db, badge.id);
      expect(state.authors.find((a) => a.isSteward)?.approvedByName).toBe(steward.owner.displayName);
      expect(ctx.recorded.filter((e) => e.payload === "approvals")).toHaveLength(2);
    });

    it("refuses editors, viewers, admins approving for another organisation, invited organisations and outsiders", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      inviteCoauthor(ctx, steward.admin.id, badge.id, { handle: school.org.handle }); // invited, not accepted
      const rev = currentRevisionId(ctx, badge.id);
      const tryApprove = (userId: string, organisationId: string) =>
        approveRevision(ctx, userId, badge.id, { organisationId, revisionId: rev });
      for (const user of [steward.editor, steward.viewer]) expectDomainError(() => tryApprove(user.id, steward.org.id), "forbidden");
      for (const user of [partner.editor, partner.viewer]) expectDomainError(() => tryApprove(user.id, partner.org.id), "forbidden");
      expectDomainError(() => tryApprove(steward.admin.id, partner.org.id), "forbidden");
      expectDomainError(() => tryApprove(partner.admin.id, steward.org.id), "forbidden");
      expectDomainError(() => tryApprove(school.admin.id, school.org.id), "not_found"); // cannot see the draft yet
      expectDomainError(() => tryApprove(unrelated.admin.id, unrelated.org.id), "not_found");
      expectDomainError(() => tryApprove(makeUser(ctx.db).id, steward.org.id), "not_found");
      expect(approvedOrgs(badge.id)).toEqual([]);
    });

    it("refuses an approval of a revision that is no longer current", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      const seen = currentRevisionId(ctx, badge.id);
      editDraft(ctx, partner.editor.id, badge.id, { summary: "Changed while the admin was reading." });
      const error = expectDomainError(
        () => approveRevision(ctx, steward.admin.id, badge.id, { organisationId: steward.org.id, revisionId: seen }),
        "conflict",
      );
      expect(error.message).toBe(STALE_REVISION_MESSAGE);
      expect(approvedOrgs(badge.id)).toEqual([]);
    });

    it("an edit after an approval voids it", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      approveAll(badge.id, [steward, partner]);
      expect(approvalState(ctx.db, badge.id).met).toBe(true);
      const before = approvalState(ctx.db, badge.id).revisionNumber;
      editDraft(ctx, partner.editor.id, badge.id, { criteria: "1. A different criterion." });
      const state = approvalState(ctx.db, badge.id);
      expect(state.revisionNumber).toBe(before + 1);
      expect(state.approvedCount).toBe(0);
      expect(state.met).toBe(false);
      expectDomainError(() => publishVersion(ctx, steward.admin.id, badge.id), "conflict", /approval policy is not met/);
    });

    it("withdraws an approval of the current revision, by an admin of that organisation only", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      approveAll(badge.id, [steward, partner]);
      expectDomainError(() => withdrawApproval(ctx, partner.editor.id, badge.id, { organisationId: partner.org.id }), "forbidden");
      expectDomainError(() => withdrawApproval(ctx, steward.admin.id, badge.id, { organisationId: partner.org.id }), "forbidden");
      expect(withdrawApproval(ctx, partner.owner.id, badge.id, { organisationId: partner.org.id })).toBe(true);
      expect(withdrawApproval(ctx, partner.owner.id, badge.id, { organisationId: partner.org.id })).toBe(false);
      expect(approvedOrgs(badge.id)).toEqual(["Changemakers"]);
      expect(approvalState(ctx.db, badge.id).met).toBe(false);
    });
  });

  describe("policies with three author organisations", () => {
    it("all: every author organisation must approve", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner, school], { policy: "all" });
      approveAll(badge.id, [steward, partner]);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ authorCount: 3, approvedCount: 2, needed: 3, met: false });
      approve(school, badge.id);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ approvedCount: 3, met: true });
    });

    it("majority: more than half, whoever they are", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner, school], { policy: "majority" });
      approve(school, badge.id);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ approvedCount: 1, needed: 2, met: false });
      approve(partner, badge.id);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ approvedCount: 2, needed: 2, met: true });
      // The steward still publishes, though it did not approve.
      expect(publishVersion(ctx, steward.admin.id, badge.id).number).toBe(1);
    });

    it("majority of an even number: half is not enough", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner], { policy: "majority" });
      approve(steward, badge.id);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ approvedCount: 1, needed: 2, met: false });
    });

    it("steward: the steward's approval alone is enough; co-authors' alone is not", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner, school], { policy: "steward" });
      approveAll(badge.id, [partner, school]);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ approvedCount: 2, met: false });
      withdrawApproval(ctx, partner.admin.id, badge.id, { organisationId: partner.org.id });
      withdrawApproval(ctx, school.admin.id, badge.id, { organisationId: school.org.id });
      approve(steward, badge.id);
      expect(approvalState(ctx.db, badge.id)).toMatchObject({ approvedCount: 1, needed: 1, met: true });
    });
  });

  describe("publish", () => {
    it("creates version 1 then 2 with different hashes that verify, and keeps the catalogue index in step", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner, school]);
      approveAll(badge.id, [steward, partner, school]);
      const v1 = publishVersion(ctx, steward.admin.id, badge.id, { revisionId: currentRevisionId(ctx, badge.id) });
      expect(v1).toMatchObject({ number: 1, uri: `${badge.uri}/versions/1`, revisionId: badge.currentRevisionId });
      expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(v1.stewardUri).toBe(steward.org.uri);
      expect(v1.coauthorUris).toEqual([partner.org.uri, school.org.uri].sort());
      expect(verifyVersionHash(v1)).toBe(true);
      const after1 = getBadge(ctx.db, badge.id);
      expect(after1).toMatchObject({ status: "published", latestVersionId: v1.id });
      expect(ctx.recorded.at(-1)).toMatchObject({ type: "badgeChanged", badgeId: badge.id, payload: "published" });

      const found = (term: string) =>
        ctx.db.all<{ badge_id: string; name: string }>(sql`SELECT badge_id, name FROM badge_search WHERE badge_search MATCH ${term}`);
      expect(found("innovation")).toEqual([{ badge_id: badge.id, name: "Social Innovation 101" }]);

      editDraft(ctx, steward.editor.id, badge.id, { name: "Social Innovation Foundations" });
      approveAll(badge.id, [steward, partner, school]);
      const v2 = publishVersion(ctx, steward.owner.id, badge.id);
      expect(v2.number).toBe(2);
      expect(v2.uri).toBe(`${badge.uri}/versions/2`);
      expect(v2.contentHash).not.toBe(v1.contentHash);
      expect(verifyVersionHash(v2)).toBe(true);
      expect(found("foundations")).toEqual([{ badge_id: badge.id, name: "Social Innovation Foundations" }]);
      expect(listVersions(ctx.db, badge.id).map((v) => [v.number, v.publishedByName])).toEqual([
        [2, steward.owner.displayName],
        [1, steward.admin.displayName],
      ]);
      const shown = getVersion(ctx.db, badge.id, 1);
      expect(shown.content.name).toBe("Social Innovation 101");
      expect(shown.verified).toBe(true);
      expectDomainError(() => getVersion(ctx.db, badge.id, 3), "not_found");
    });

    it("a hash stops verifying when content, authors or number are tampered with", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner], { policy: "steward" });
      approve(steward, badge.id);
      const v1 = publishVersion(ctx, steward.admin.id, badge.id);
      const content = v1.content as Record<string, unknown>;
      expect(verifyVersionHash({ ...v1, content: { ...content, criteria: "Anything goes." } })).toBe(false);
      expect(verifyVersionHash({ ...v1, coauthorUris: [] })).toBe(false);
      expect(verifyVersionHash({ ...v1, stewardUri: partner.org.uri })).toBe(false);
      expect(verifyVersionHash({ ...v1, number: 2 })).toBe(false);
      // Tampering in the database is caught when the version is read.
      ctx.db.$client.prepare("UPDATE versions SET content = json_set(content, '$.summary', 'forged') WHERE id = ?").run(v1.id);
      expect(getVersion(ctx.db, badge.id, 1).verified).toBe(false);
    });

    it("never changes a published version: later edits, versions and deprecation leave its row as it was", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner], { policy: "steward" });
      approve(steward, badge.id);
      const v1 = publishVersion(ctx, steward.admin.id, badge.id);
      const rowBefore = ctx.db.$client.prepare("SELECT * FROM versions WHERE id = ?").get(v1.id);
      editDraft(ctx, partner.editor.id, badge.id, { summary: "A new summary." });
      inviteCoauthor(ctx, steward.admin.id, badge.id, { handle: school.org.handle });
      approve(steward, badge.id);
      publishVersion(ctx, steward.admin.id, badge.id);
      deprecateBadge(ctx, steward.admin.id, badge.id, {});
      expect(ctx.db.$client.prepare("SELECT * FROM versions WHERE id = ?").get(v1.id)).toEqual(rowBefore);
      // And no service has a way to update one.
      const dir = new URL("../../app/services/", import.meta.url);
      for (const file of readdirSync(dir)) {
        expect(readFileSync(new URL(file, dir), "utf8"), file).not.toMatch(/update\(\s*versions\s*\)|UPDATE\s+versions/i);
      }
    });

    it("refuses to publish the same revision twice", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [], { policy: "steward" });
      approve(steward, badge.id);
      publishVersion(ctx, steward.admin.id, badge.id);
      expectDomainError(() => publishVersion(ctx, steward.admin.id, badge.id), "conflict", /Nothing changed since version 1/);
      expectDomainError(() => approve(steward, badge.id), "conflict", /already published as version 1/);
      expect(publishReadiness(ctx.db, badge.id)).toMatchObject({ ready: false, publishedAs: 1 });
      expect(listVersions(ctx.db, badge.id)).toHaveLength(1);
    });

    it("refuses to publish without a summary or criteria, naming what is missing", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [], { policy: "steward", complete: false });
      approve(steward, badge.id);
      const error = expectDomainError(() => publishVersion(ctx, steward.admin.id, badge.id), "invalid", /Summary, Criteria/);
      expect(Object.keys((error as ValidationError).fieldErrors)).toEqual(["summary", "criteria"]);
      editDraft(ctx, steward.editor.id, badge.id, { summary: "Only a summary", criteria: "   " });
      approve(steward, badge.id);
      expectDomainError(() => publishVersion(ctx, steward.admin.id, badge.id), "invalid", /Criteria/);
      expect(listVersions(ctx.db, badge.id)).toEqual([]);
      expect(getBadge(ctx.db, badge.id).status).toBe("draft");
    });

    it("is for the steward's admins and owners only, once the policy is met", () => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      expectDomainError(() => publishVersion(ctx, steward.admin.id, badge.id), "conflict", /1 of 2|0 of 2/);
      approveAll(badge.id, [steward, partner]);
      for (const user of [steward.editor, steward.viewer, partner.owner, partner.admin, partner.editor]) {
        expectDomainError(() => publishVersion(ctx, user.id, badge.id), "forbidden");
      }
      for (const user of [unrelated.admin, makeUser(ctx.db)]) expectDomainError(() => publishVersion(ctx, user.id, badge.id), "not_found");
      const stale = expectDomainError(() => publishVersion(ctx, steward.admin.id, badge.id, { revisionId: "old" }), "conflict");
      expect(stale.message).toBe(STALE_REVISION_MESSAGE);
      expect(listVersions(ctx.db, badge.id)).toEqual([]);
      publishVersion(ctx, steward.owner.id, badge.id);
      // Published: everyone may read it now, and an outsider's approval is still refused.
      expect(badgeAccess(ctx.db, badge.id, unrelated.admin.id).canView).toBe(true);
      expectDomainError(() => approve(unrelated, badge.id), "forbidden");
    });
  });

  describe("deprecate", () => {
    function publishedBadge(name: string) {
      const badge = makeCoauthoredBadge(ctx, steward, [partner], { policy: "steward", name });
      approve(steward, badge.id);
      publishVersion(ctx, steward.admin.id, badge.id);
      return getBadge(ctx.db, badge.id);
    }

    it("deprecates a published badge naming a local successor; it stays in the catalogue index", () => {
      const old = publishedBadge("Social Innovation 101");
      const next = publishedBadge("Social Innovation 102");
      inviteCoauthor(ctx, steward.admin.id, old.id, { handle: school.org.handle });
      expect(pendingCoauthorInvitationsForUser(ctx.db, school.admin.id).map((i) => i.badgeId)).toEqual([old.id]);
      const result = deprecateBadge(ctx, steward.admin.id, old.id, { successor: ` ${next.id} ` });
      // Invitations to a deprecated badge are no longer offered, nor can they be accepted.
      expect(pendingCoauthorInvitationsForUser(ctx.db, school.admin.id)).toEqual([]);
      expectDomainError(() => acceptCoauthorInvitation(ctx, school.admin.id, old.id, school.org.id), "conflict");
      expect(result).toMatchObject({ status: "deprecated", successorUri: next.uri });
      expect(result.deprecatedAt).toBeInstanceOf(Date);
      expect(ctx.recorded.at(-1)).toMatchObject({ badgeId: old.id, payload: "deprecated" });
      const indexed = ctx.db.all(sql`SELECT badge_id FROM badge_search WHERE badge_search MATCH '"101"'`);
      expect(indexed).toEqual([{ badge_id: old.id }]);
      // A deprecated badge's draft, approvals and publication are closed.
      expectDomainError(() => editDraft(ctx, steward.editor.id, old.id, { summary: "x" }), "forbidden");
      expectDomainError(() => approve(steward, old.id), "conflict");
      expectDomainError(() => publishVersion(ctx, steward.admin.id, old.id), "conflict");
      expectDomainError(() => deprecateBadge(ctx, steward.admin.id, old.id, {}), "conflict", /already deprecated/);
    });

    it("accepts an http(s) URL or nothing as successor; refuses itself, drafts and nonsense", () => {
      const a = publishedBadge("A");
      const b = publishedBadge("B");
      const c = publishedBadge("C");
      const draft = createBadge(ctx, steward.editor.id, { stewardOrganisationId: steward.org.id, name: "Draft", approvalPolicy: "all" });
      const successorError = (successor: string) =>
        (expectDomainError(() => deprecateBadge(ctx, steward.admin.id, a.id, { successor }), "invalid") as ValidationError).fieldErrors
          .successor?.join(" ");
      expect(successorError(a.id)).toMatch(/cannot succeed itself/);
      expect(successorError(a.uri)).toMatch(/cannot succeed itself/);
      expect(successorError(draft.id)).toMatch(/No published badge/);
      expect(successorError(draft.uri)).toMatch(/must be a published/);
      expect(successorError("javascript:alert(1)")).toMatch(/No published badge/);
      expect(successorError("https://")).toMatch(/full http\(s\) URL/);
      expect(getBadge(ctx.db, a.id).status).toBe("published");
      expect(deprecateBadge(ctx, steward.owner.id, a.id, { successor: "https://other.example/badges/42" }).successorUri).toBe(
        "https://other.example/badges/42",
      );
      expect(deprecateBadge(ctx, steward.admin.id, b.id, { successor: "" }).successorUri).toBeNull();
      expect(successorErrorFor(c.id, b.id)).toMatch(/must be a published/); // b is deprecated now
    });

    function successorErrorFor(badgeId: string, successor: string) {
      return (expectDomainError(() => deprecateBadge(ctx, steward.admin.id, badgeId, { successor }), "invalid") as ValidationError)
        .fieldErrors.successor?.join(" ");
    }

    it("is for the steward's admins and owners only, and only once published", () => {
      const draft = makeCoauthoredBadge(ctx, steward, [partner]);
      expectDomainError(() => deprecateBadge(ctx, steward.admin.id, draft.id, {}), "conflict", /Only a published badge/);
      const badge = publishedBadge("To retire");
      for (const user of [steward.editor, steward.viewer, partner.owner, partner.admin, unrelated.admin]) {
        expectDomainError(() => deprecateBadge(ctx, user.id, badge.id, {}), "forbidden");
      }
      expect(ctx.db.select({ status: badges.status }).from(badges).where(eq(badges.id, badge.id)).get()?.status).toBe("published");
      expect(ctx.db.select().from(versions).where(eq(versions.badgeId, badge.id)).all()).toHaveLength(1);
    });
  });
});
