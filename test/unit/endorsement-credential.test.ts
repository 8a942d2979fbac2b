import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getPublicBadge } from "../../app/services/catalogue.server";
import { decideEndorsement, endorseBadge, setAutoAcceptEndorsements } from "../../app/services/endorsements.server";
import { acceptedEndorsementCredentials } from "../../app/services/endorsement-queries.server";
import { EXTENSION, OB3_CONTEXT, toAchievement } from "../../app/services/open-badges.server";
import { localKeyResolver, multikeyResolver } from "../../federation/key-resolver";
import { ed25519KeyId } from "../../federation/keys";
import { verifyProof } from "../../federation/proof";
import { createTestContext, makeOrganisationWithTeam } from "../support/factories";
import { approveAndPublish } from "../support/federation";
import { editDraft, makeCoauthoredBadge, type Team } from "../support/publishing";
import { achievementErrors, endorsementCredentialErrors } from "../support/ob3";

type Credential = Record<string, unknown> & {
  id: string;
  issuer: { id: string; name: string };
  validFrom: string;
  awardedDate: string;
  credentialSubject: Record<string, unknown> & { id: string; endorsementComment: string };
  proof: Array<Record<string, unknown>>;
};

describe("endorsements as Open Badges 3.0 EndorsementCredentials", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let business: Team;
  let school: Team;
  let badgeId: string;
  const verify = (doc: unknown) => verifyProof(doc, multikeyResolver(localKeyResolver(ctx.db)));

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T10:00:00.000Z"));
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", kind: "nonprofit" });
    business = makeOrganisationWithTeam(ctx.db, { name: "Acme Ventures", kind: "business" });
    school = makeOrganisationWithTeam(ctx.db, { name: "Northside School", kind: "school" });
    const badge = makeCoauthoredBadge(ctx, steward, []);
    approveAndPublish(ctx, badge.id, [steward]);
    badgeId = badge.id;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const endorse = (team: Team, statement: string, versionNumber = 1) =>
    endorseBadge(ctx, team.admin.id, badgeId, { organisationId: team.org.id, statement, versionNumber }).endorsement.credential as Credential;

  it("names the endorser as issuer, the badge as subject and the exact version, validates against the official schema", () => {
    const credential = endorse(business, "We hire people who hold this badge.\nTwice a year.");
    expect(endorsementCredentialErrors(credential)).toEqual([]);
    const badge = getPublicBadge(ctx.db, badgeId);
    expect(credential).toMatchObject({
      "@context": [...OB3_CONTEXT],
      type: ["VerifiableCredential", "EndorsementCredential"],
      name: "Acme Ventures endorses Social Innovation 101 (version 1)",
      issuer: { id: business.org.uri, type: ["Profile"], name: "Acme Ventures" },
      validFrom: "2026-11-20T10:00:00Z",
      awardedDate: "2026-11-20T10:00:00Z",
      credentialSubject: {
        id: badge.uri,
        type: ["EndorsementSubject"],
        endorsementComment: "We hire people who hold this badge.\nTwice a year.",
        [EXTENSION.versionId]: `${badge.uri}/versions/1`,
        [EXTENSION.contentHash]: badge.latest.contentHash,
      },
    });
    expect(credential.id).toMatch(new RegExp(`^${ctx.publicUrl}/endorsements/[0-9a-f-]{36}$`));
  });

  it("carries an eddsa-jcs-2022 proof made with the endorser's Ed25519 key, which anyone can verify from its public key", async () => {
    const credential = endorse(business, "We co-teach this.");
    expect(credential.proof).toHaveLength(1);
    expect(credential.proof[0]).toMatchObject({
      type: "DataIntegrityProof",
      cryptosuite: "eddsa-jcs-2022",
      proofPurpose: "assertionMethod",
      verificationMethod: ed25519KeyId(business.org.uri),
    });
    expect(await verify(credential)).toEqual({ ok: true, controller: business.org.uri });
  });

  it("fails verification when anything it says is changed, or when another organisation's key is named", async () => {
    const credential = endorse(business, "We co-teach this.");
    const otherKey = endorse(school, "We teach this.").proof[0].verificationMethod;
    const tampered: Array<[string, (c: Credential) => void]> = [
      ["statement", (c) => (c.credentialSubject.endorsementComment = "We never heard of it.")],
      ["version", (c) => (c.credentialSubject[EXTENSION.versionId] = `${c.credentialSubject.id}/versions/2`)],
      ["subject", (c) => (c.credentialSubject.id = `${ctx.publicUrl}/badges/another`)],
      ["issuer", (c) => (c.issuer.name = "Someone Else")],
      ["date", (c) => (c.validFrom = "2030-01-01T00:00:00Z")],
      ["key", (c) => (c.proof[0].verificationMethod = otherKey)],
    ];
    for (const [what, change] of tampered) {
      const copy = structuredClone(credential);
      change(copy);
      const result = await verify(copy);
      expect(result.ok, what).toBe(false);
    }
  });

  it("renewing for a new version keeps the id and first date, moves validFrom, and is signed anew", async () => {
    const first = endorse(business, "We hire for this.");
    vi.setSystemTime(new Date("2026-12-01T09:30:00.000Z"));
    editDraft(ctx, steward.editor.id, badgeId, { summary: "Clearer." });
    approveAndPublish(ctx, badgeId, [steward]);
    const renewed = endorse(business, "We hire for this.", 2);
    expect(renewed.id).toBe(first.id);
    expect(renewed.awardedDate).toBe("2026-11-20T10:00:00Z");
    expect(renewed.validFrom).toBe("2026-12-01T09:30:00Z");
    expect(renewed.name).toContain("(version 2)");
    expect(renewed.credentialSubject[EXTENSION.versionId]).toMatch(/\/versions\/2$/);
    expect(endorsementCredentialErrors(renewed)).toEqual([]);
    expect(await verify(renewed)).toMatchObject({ ok: true });
  });

  it("the badge's Achievement lists its accepted endorsements, signed as issued, and still validates", async () => {
    setAutoAcceptEndorsements(ctx, steward.admin.id, badgeId, { autoAccept: "off" });
    const accepted = endorseBadge(ctx, business.admin.id, badgeId, { organisationId: business.org.id, statement: "We hire for this.", versionNumber: 1 });
    decideEndorsement(ctx, steward.admin.id, accepted.endorsement.id, "accept");
    endorse(school, "Still thinking about it."); // pending: not listed
    const achievement = toAchievement(
      { ...getPublicBadge(ctx.db, badgeId), endorsements: acceptedEndorsementCredentials(ctx.db, badgeId) },
      { publicUrl: ctx.publicUrl },
    );
    expect(achievementErrors(achievement)).toEqual([]);
    expect(achievement.endorsement).toHaveLength(1);
    expect(achievement.endorsement![0]).toEqual(accepted.endorsement.credential);
    expect(await verify(achievement.endorsement![0])).toMatchObject({ ok: true, controller: business.org.uri });

    const bare = toAchievement({ ...getPublicBadge(ctx.db, badgeId), endorsements: [] }, { publicUrl: ctx.publicUrl });
    expect(bare).not.toHaveProperty("endorsement");
  });
});
