import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { catalogueEntries, endorsements, ORGANISATION_KINDS } from "../../db/schema";
import { kindBit } from "../../app/services/catalogue-index.server";
import {
  decideEndorsement,
  endorseBadge,
  setAutoAcceptEndorsements,
  withdrawEndorsement,
} from "../../app/services/endorsements.server";
import {
  endorsementCounts,
  endorsementPanel,
  listBadgeEndorsements,
  organisationEndorsements,
  pendingEndorsementsForUser,
  publicEndorsementCredential,
} from "../../app/services/endorsement-queries.server";
import { STATEMENT_MAX } from "../../app/services/endorsement-statement";
import { deprecateBadge, withdrawBadge } from "../../app/services/publishing.server";
import { makePublishedBadge } from "../support/catalogue-factories";
import { addMember, createTestContext, makeOrganisation, makeOrganisationWithTeam, makeUser } from "../support/factories";
import { approveAndPublish } from "../support/federation";
import { editDraft, expectDomainError, makeCoauthoredBadge, type Team } from "../support/publishing";

describe("endorsements", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let coauthor: Team;
  let business: Team;
  let school: Team;
  let outsider: ReturnType<typeof makeUser>;
  let badgeId: string;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", kind: "nonprofit" });
    coauthor = makeOrganisationWithTeam(ctx.db, { name: "Riverside Community", kind: "community" });
    business = makeOrganisationWithTeam(ctx.db, { name: "Acme Ventures", kind: "business" });
    school = makeOrganisationWithTeam(ctx.db, { name: "Northside School", kind: "school" });
    outsider = makeUser(ctx.db, { displayName: "Outsider" });
    const badge = makeCoauthoredBadge(ctx, steward, [coauthor]);
    approveAndPublish(ctx, badge.id, [steward, coauthor]);
    badgeId = badge.id;
    ctx.recorded.length = 0;
  });

  const endorse = (team: Team, statement = "We hire people who hold this badge.", user = team.admin, versionNumber = 1) =>
    endorseBadge(ctx, user.id, badgeId, { organisationId: team.org.id, statement, versionNumber });
  const publicList = () => listBadgeEndorsements(ctx.db, badgeId).map((e) => e.endorser.name);
  const rows = () => ctx.db.select().from(endorsements).all();
  const endorserMask = () =>
    ctx.db.select({ m: catalogueEntries.endorserKindMask }).from(catalogueEntries).where(eq(catalogueEntries.badgeId, badgeId)).get()!.m;
  const publishVersion2 = () => {
    editDraft(ctx, steward.editor.id, badgeId, { summary: "A second, clearer summary." });
    return approveAndPublish(ctx, badgeId, [steward, coauthor]);
  };

  describe("endorsing", () => {
    it("an admin endorses for its organisation: accepted at once by default, shown, counted, announced", () => {
      const { endorsement, outcome } = endorse(business);
      expect(outcome).toBe("created");
      expect(endorsement).toMatchObject({ status: "accepted", statement: "We hire people who hold this badge.", decidedByUserId: null });
      expect(endorsement.uri).toBe(`${ctx.publicUrl}/endorsements/${endorsement.id}`);
      expect(endorsement.decidedAt).not.toBeNull();
      expect(publicList()).toEqual(["Acme Ventures"]);
      expect(endorsementCounts(ctx.db, badgeId)).toMatchObject({ total: 1, byKind: [{ kind: "business", count: 1 }], byInstance: [{ host: null, count: 1 }] });
      expect(endorserMask()).toBe(kindBit("business"));
      expect(ctx.recorded).toEqual([{ type: "badgeChanged", badgeId, payload: "endorsements" }]);
    });

    it("owners and admins of the endorsing organisation may; editors, viewers and outsiders may not", () => {
      expect(endorse(business, "Owner's words.", business.owner).outcome).toBe("created");
      expect(endorse(business, "Admin's words.", business.admin).outcome).toBe("updated");
      for (const user of [business.editor, business.viewer, outsider, school.admin]) {
        expectDomainError(() => endorse(business, "Not mine to say.", user), "forbidden", /Only admins of Acme Ventures can endorse/);
      }
      expect(rows()).toHaveLength(1);
      expect(rows()[0].statement).toBe("Admin's words.");
    });

    it("authors cannot endorse their own badge, neither the steward nor a co-author", () => {
      expectDomainError(() => endorse(steward), "forbidden", /Changemakers is an author of this badge/);
      expectDomainError(() => endorse(coauthor), "forbidden", /Riverside Community is an author of this badge/);
      expect(rows()).toEqual([]);
    });

    it("refuses a draft (to its authors with a reason; outsiders do not see it), a deprecated and a withdrawn badge", () => {
      const draft = makeCoauthoredBadge(ctx, steward, [], { name: "Draft badge" });
      // An admin of the steward who also runs the business sees the draft and learns why.
      addMember(ctx.db, business.org.id, steward.admin.id, "admin");
      const onDraft = (userId: string) => endorseBadge(ctx, userId, draft.id, { organisationId: business.org.id, statement: "Too early.", versionNumber: 1 });
      expectDomainError(() => onDraft(steward.admin.id), "conflict", /not published yet/);
      expectDomainError(() => onDraft(business.admin.id), "not_found");

      deprecateBadge(ctx, steward.admin.id, badgeId, {});
      expectDomainError(() => endorse(business), "conflict", /deprecated: it takes no new endorsements/);

      const other = makeCoauthoredBadge(ctx, steward, [], { name: "Withdrawn badge" });
      approveAndPublish(ctx, other.id, [steward]);
      withdrawBadge(ctx, steward.admin.id, other.id);
      expectDomainError(
        () => endorseBadge(ctx, business.admin.id, other.id, { organisationId: business.org.id, statement: "Gone.", versionNumber: 1 }),
        "conflict",
        /withdrawn by its steward/,
      );
      expect(rows()).toEqual([]);
    });

    it("endorses a badge of another instance, waiting for its steward there; refuses acting for an organisation of another instance", () => {
      const remote = makeOrganisation(ctx.db, { name: "Faraway Trust", host: "faraway.example" });
      const remoteBadge = makePublishedBadge(ctx.db, { steward: remote, content: { name: "Remote badge", criteria: "Do it." } });
      // The steward's instance decides (its Accept arrives later), however this one's badges are set.
      const made = endorseBadge(ctx, business.admin.id, remoteBadge.id, { organisationId: business.org.id, statement: "Good.", versionNumber: 1 });
      expect(made.endorsement.status).toBe("pending");
      expect(made.endorsement.activityUri).toMatch(new RegExp(`^${business.org.uri}/activities/`));
      addMember(ctx.db, remote.id, business.admin.id, "admin");
      expectDomainError(() => endorseBadge(ctx, business.admin.id, badgeId, { organisationId: remote.id, statement: "Good.", versionNumber: 1 }), "not_found");
    });

    it("names the version read: a stale or unknown version endorses nothing", () => {
      publishVersion2();
      expectDomainError(() => endorse(business, "We read version 1.", business.admin, 1), "conflict", /Version 2 was published since you looked/);
      expectDomainError(() => endorse(business, "From the future.", business.admin, 3), "conflict", /no version 3/);
      expect(endorse(business, "We read version 2.", business.admin, 2).endorsement.status).toBe("accepted");
    });

    it("validates the statement: required, at most 1,000 characters, control and invisible characters removed", () => {
      const empty = expectDomainError(() => endorse(business, "  \n\t "), "invalid");
      expect((empty as unknown as { fieldErrors: Record<string, string[]> }).fieldErrors.statement).toEqual([
        "Write a statement: why does your organisation vouch for this badge?",
      ]);
      const long = expectDomainError(() => endorse(business, "x".repeat(STATEMENT_MAX + 1)), "invalid");
      expect((long as unknown as { fieldErrors: Record<string, string[]> }).fieldErrors.statement[0]).toMatch(/at most 1,000 characters/);
      expectDomainError(
        () => endorseBadge(ctx, business.admin.id, badgeId, { organisationId: business.org.id, statement: 42, versionNumber: "one" }),
        "invalid",
      );
      expect(rows()).toEqual([]);
      expect(endorse(business, "é".repeat(STATEMENT_MAX)).endorsement.statement).toHaveLength(STATEMENT_MAX);
      const cleaned = endorse(business, "  We\u202Ehire\u0007 for this.\r\n\r\n\r\n\r\nReally.  ").endorsement;
      expect(cleaned.statement).toBe("Wehire for this.\n\nReally.");
    });
  });

  describe("endorsing again", () => {
    it("the same words for the same version change nothing; new words update the same endorsement", () => {
      const first = endorse(business, "We hire for this.").endorsement;
      ctx.recorded.length = 0;
      expect(endorse(business, "We hire for this.").outcome).toBe("unchanged");
      expect(ctx.recorded).toEqual([]);
      const second = endorse(business, "We hire for this, and co-teach it.");
      expect(second.outcome).toBe("updated");
      expect(second.endorsement.id).toBe(first.id);
      expect(second.endorsement.uri).toBe(first.uri);
      expect(rows()).toHaveLength(1);
      const subject = (second.endorsement.credential as { credentialSubject: { endorsementComment: string } }).credentialSubject;
      expect(subject.endorsementComment).toBe("We hire for this, and co-teach it.");
    });

    it("a new version shows earlier endorsements as for version N; endorsing again renews them, keeping the steward's decision", () => {
      setAutoAcceptEndorsements(ctx, steward.admin.id, badgeId, { autoAccept: "off" });
      const first = endorse(business, "We hire for this.").endorsement;
      decideEndorsement(ctx, steward.admin.id, first.id, "accept");
      publishVersion2();
      const [old] = listBadgeEndorsements(ctx.db, badgeId);
      expect(old).toMatchObject({ versionNumber: 1, isCurrent: false });
      expect(endorsementCounts(ctx.db, badgeId).forEarlierVersions).toBe(1);

      const renewed = endorse(business, "We hire for this.", business.admin, 2);
      expect(renewed.outcome).toBe("renewed");
      expect(renewed.endorsement).toMatchObject({ id: first.id, status: "accepted", decidedByUserId: steward.admin.id });
      expect(listBadgeEndorsements(ctx.db, badgeId)[0]).toMatchObject({ versionNumber: 2, isCurrent: true });
      expect(endorsementCounts(ctx.db, badgeId).forEarlierVersions).toBe(0);
    });

    it("with review by hand, changed words go back to the steward and leave the page until accepted", () => {
      setAutoAcceptEndorsements(ctx, steward.admin.id, badgeId, { autoAccept: false });
      const { endorsement } = endorse(business, "We hire for this.");
      decideEndorsement(ctx, steward.admin.id, endorsement.id, "accept");
      expect(publicList()).toEqual(["Acme Ventures"]);
      expect(endorse(business, "Something the steward has not read.").endorsement.status).toBe("pending");
      expect(publicList()).toEqual([]);
      expect(endorserMask()).toBe(0);
    });

    it("after a decline, the organisation's next endorsement waits for the steward even when acceptance is automatic", () => {
      const { endorsement } = endorse(business, "First try.");
      decideEndorsement(ctx, steward.admin.id, endorsement.id, "decline");
      const again = endorse(business, "Second try.");
      expect(again.outcome).toBe("created");
      expect(again.endorsement.id).not.toBe(endorsement.id);
      expect(again.endorsement.status).toBe("pending");
      expect(publicList()).toEqual([]);
      decideEndorsement(ctx, steward.admin.id, again.endorsement.id, "accept");
      expect(publicList()).toEqual(["Acme Ventures"]);
    });

    it("after a withdrawal, endorsing again makes a new endorsement with a new id; the old URL says it is gone", () => {
      const first = endorse(business).endorsement;
      withdrawEndorsement(ctx, business.admin.id, first.id);
      const second = endorse(business, "Back again.").endorsement;
      expect(second.id).not.toBe(first.id);
      expect(second.status).toBe("accepted");
      expect(publicEndorsementCredential(ctx.db, ctx.publicUrl, first.id)).toEqual({ state: "withdrawn", uri: first.uri });
      expect(publicEndorsementCredential(ctx.db, ctx.publicUrl, second.id).state).toBe("accepted");
    });
  });

  describe("withdrawing", () => {
    it("owners and admins of the endorser withdraw; nobody else can, not even the steward", () => {
      const { endorsement } = endorse(business);
      for (const user of [business.editor, business.viewer, steward.admin, steward.owner, coauthor.admin, school.admin, outsider]) {
        expectDomainError(() => withdrawEndorsement(ctx, user.id, endorsement.id), "forbidden", /Only admins of Acme Ventures/);
      }
      ctx.recorded.length = 0;
      expect(withdrawEndorsement(ctx, business.owner.id, endorsement.id).status).toBe("withdrawn");
      expect(publicList()).toEqual([]);
      expect(endorserMask()).toBe(0);
      expect(ctx.recorded).toEqual([{ type: "badgeChanged", badgeId, payload: "endorsements" }]);
      expectDomainError(() => withdrawEndorsement(ctx, business.admin.id, endorsement.id), "conflict", /already withdrawn/);
      expectDomainError(() => withdrawEndorsement(ctx, business.admin.id, "no-such-id"), "not_found");
    });
  });

  describe("the steward's decision", () => {
    beforeEach(() => {
      setAutoAcceptEndorsements(ctx, steward.admin.id, badgeId, { autoAccept: "off" });
    });

    it("pending endorsements are hidden from the public and listed for the steward's admins only", () => {
      const { endorsement } = endorse(business);
      expect(endorsement.status).toBe("pending");
      expect(publicList()).toEqual([]);
      expect(endorsementCounts(ctx.db, badgeId).total).toBe(0);
      expect(endorsementPanel(ctx.db, badgeId, steward.admin.id).steward).toMatchObject({ autoAccept: false, pendingTotal: 1 });
      for (const user of [steward.editor, coauthor.admin, business.admin, outsider]) expect(endorsementPanel(ctx.db, badgeId, user.id).steward).toBeNull();
      expect(endorsementPanel(ctx.db, badgeId, null).steward).toBeNull();
      expect(pendingEndorsementsForUser(ctx.db, steward.owner.id)).toMatchObject({ total: 1, items: [{ endorser: { name: "Acme Ventures" } }] });
      expect(pendingEndorsementsForUser(ctx.db, coauthor.admin.id).total).toBe(0);
      expectDomainError(() => publicEndorsementCredential(ctx.db, ctx.publicUrl, endorsement.id), "not_found");
    });

    it("owners and admins of the steward accept and decline; its editors and viewers, co-authors, endorsers and outsiders cannot", () => {
      const a = endorse(business).endorsement;
      const b = endorse(school).endorsement;
      for (const user of [steward.editor, steward.viewer, coauthor.admin, coauthor.owner, business.admin, outsider]) {
        expectDomainError(() => decideEndorsement(ctx, user.id, a.id, "accept"), "forbidden", /Only admins of the steward, Changemakers/);
      }
      ctx.recorded.length = 0;
      expect(decideEndorsement(ctx, steward.owner.id, a.id, "accept")).toMatchObject({ status: "accepted", decidedByUserId: steward.owner.id });
      expect(decideEndorsement(ctx, steward.admin.id, b.id, "decline")).toMatchObject({ status: "declined", decidedByUserId: steward.admin.id });
      expect(ctx.recorded.map((e) => e.payload)).toEqual(["endorsements", "endorsements"]);
      expect(publicList()).toEqual(["Acme Ventures"]);
      expectDomainError(() => decideEndorsement(ctx, steward.admin.id, a.id, "accept"), "conflict", /already accepted/);
      expectDomainError(() => decideEndorsement(ctx, steward.admin.id, b.id, "accept"), "conflict", /was declined/);
      expectDomainError(() => decideEndorsement(ctx, steward.admin.id, a.id, "maybe"), "invalid");
      // An accepted endorsement can still be declined: it disappears from the page.
      decideEndorsement(ctx, steward.admin.id, a.id, "decline");
      expect(publicList()).toEqual([]);
      expect(endorserMask()).toBe(0);
    });

    it("only the steward's admins switch automatic acceptance", () => {
      for (const user of [steward.editor, steward.viewer, coauthor.admin, coauthor.owner, business.admin, outsider]) {
        expectDomainError(() => setAutoAcceptEndorsements(ctx, user.id, badgeId, { autoAccept: "on" }), "forbidden");
      }
      expectDomainError(() => setAutoAcceptEndorsements(ctx, steward.admin.id, badgeId, { autoAccept: "sometimes" }), "invalid");
      expect(setAutoAcceptEndorsements(ctx, steward.owner.id, badgeId, { autoAccept: "on" })).toBe(true);
      expect(endorse(business).endorsement.status).toBe("accepted");
    });
  });

  describe("what pages read", () => {
    it("counts by kind and instance, with endorsements of other instances in the same table", () => {
      endorse(business);
      endorse(school);
      const college = makeOrganisationWithTeam(ctx.db, { name: "Harbour College", kind: "school" });
      endorse(college);
      // An endorsement received from another instance: its organisation row has a host, its
      // credential is the one it sent, under its own id.
      const remote = makeOrganisation(ctx.db, { name: "Faraway Trust", kind: "nonprofit", host: "faraway.example" });
      const version = ctx.db.select().from(endorsements).get()!.versionId;
      ctx.db
        .insert(endorsements)
        .values({
          id: "remote-1",
          uri: "https://faraway.example/endorsements/1",
          endorserOrganisationId: remote.id,
          badgeId,
          versionId: version,
          statement: "We fund graduates of this badge.",
          status: "accepted",
          credential: { id: "https://faraway.example/endorsements/1" },
          issuedAt: new Date(Date.now() + 1000),
        })
        .run();
      const counts = endorsementCounts(ctx.db, badgeId);
      expect(counts.total).toBe(4);
      expect(counts.byKind).toEqual([
        { kind: "school", count: 2 },
        { kind: "business", count: 1 },
        { kind: "nonprofit", count: 1 },
      ]);
      expect(counts.byInstance).toEqual([
        { host: null, count: 3 },
        { host: "faraway.example", count: 1 },
      ]);
      const [newest] = listBadgeEndorsements(ctx.db, badgeId, { limit: 1 });
      expect(newest.endorser).toMatchObject({ name: "Faraway Trust", host: "faraway.example" });
      // The remote credential is served by its origin, not here.
      expectDomainError(() => publicEndorsementCredential(ctx.db, ctx.publicUrl, "remote-1"), "not_found");
      expect(listBadgeEndorsements(ctx.db, badgeId, { limit: 2, offset: 2 })).toHaveLength(2);
    });

    it("an organisation's endorsements both ways, accepted ones of public badges only", () => {
      endorse(business);
      const second = endorse(school).endorsement;
      setAutoAcceptEndorsements(ctx, steward.admin.id, badgeId, { autoAccept: false });
      expect(organisationEndorsements(ctx.db, business.org.id)).toMatchObject({ endorsesTotal: 1, endorses: [{ badge: { id: badgeId } }] });
      for (const org of [steward.org, coauthor.org]) {
        const mine = organisationEndorsements(ctx.db, org.id);
        expect(mine.endorsedByTotal).toBe(2);
        expect(mine.endorsedBy.map((e) => e.endorser.name).sort()).toEqual(["Acme Ventures", "Northside School"]);
      }
      withdrawEndorsement(ctx, school.admin.id, second.id);
      expect(organisationEndorsements(ctx.db, steward.org.id).endorsedByTotal).toBe(1);
      withdrawBadge(ctx, steward.admin.id, badgeId);
      expect(organisationEndorsements(ctx.db, business.org.id).endorsesTotal).toBe(0);
    });

    it("the panel offers the viewer's administered organisations that are not authors, with their endorsement", () => {
      addMember(ctx.db, school.org.id, business.admin.id, "owner");
      addMember(ctx.db, steward.org.id, business.admin.id, "admin");
      endorse(business);
      const panel = endorsementPanel(ctx.db, badgeId, business.admin.id);
      expect(panel.latestVersionNumber).toBe(1);
      expect(panel.closedReason).toBeNull();
      expect(panel.endorseAs.map((o) => [o.organisation.name, o.endorsement?.status ?? null])).toEqual([
        ["Acme Ventures", "accepted"],
        ["Northside School", null],
      ]);
      expect(endorsementPanel(ctx.db, badgeId, business.editor.id).endorseAs).toEqual([]);
    });

    it("the catalogue mask carries every accepted endorser's kind", () => {
      endorse(business);
      endorse(school);
      expect(endorserMask()).toBe(kindBit("business") | kindBit("school"));
      expect(ORGANISATION_KINDS.filter((k) => endorserMask() & kindBit(k))).toEqual(["business", "school"]);
      // A new version re-indexes the entry; the mask survives it.
      publishVersion2();
      expect(endorserMask()).toBe(kindBit("business") | kindBit("school"));
    });
  });
});
