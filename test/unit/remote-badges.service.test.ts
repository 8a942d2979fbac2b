import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { badges, coauthors, versions } from "../../db/schema";
import { emptyContent, type BadgeContent } from "../../app/services/badge-content";
import { badgeAccess } from "../../app/services/badges.server";
import { getPublicBadge, searchCatalogue } from "../../app/services/catalogue.server";
import { approveRevision, publishVersion, withdrawBadge } from "../../app/services/publishing.server";
import {
  applyRemoteBadgeVersion,
  recordRemoteOrganisation,
  withdrawRemoteBadge,
  type RemoteBadgeVersion,
} from "../../app/services/remote-badges.server";
import { computeVersionHash } from "../../app/services/versions.server";
import { createTestContext, makeOrganisationWithTeam, makeUser } from "../support/factories";
import { currentRevisionId, expectDomainError, makeCoauthoredBadge } from "../support/publishing";

const PEER = "https://peer.example";
const STEWARD = `${PEER}/orgs/riverside`;

function remoteVersion(number: number, change: Partial<BadgeContent> = {}, coauthorUris: string[] = []): RemoteBadgeVersion {
  const content: BadgeContent = {
    ...emptyContent("Urban Gardening"),
    summary: "Grow food with neighbours.",
    criteria: "Plant a bed with three neighbours.",
    tags: ["gardening", "community"],
    ...change,
  };
  return {
    badgeUri: `${PEER}/badges/b1`,
    versionUri: `${PEER}/badges/b1/versions/${number}`,
    number,
    url: `${PEER}/badges/b1`,
    content,
    stewardUri: STEWARD,
    coauthorUris,
    contentHash: computeVersionHash({ content, stewardUri: STEWARD, coauthorUris, number }),
    publishedAt: new Date("2026-11-30T10:00:00Z"),
  };
}

describe("badges of other instances", () => {
  let ctx: ReturnType<typeof createTestContext>;
  beforeEach(() => {
    ctx = createTestContext();
    recordRemoteOrganisation(ctx.db, { uri: STEWARD, handle: "riverside", host: "peer.example", name: "Riverside Co-op", kind: "community" });
  });

  it("stores a remote version, lists it in the catalogue and shows it on a page marked remote", () => {
    const applied = applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1));
    expect(applied).toMatchObject({ badgeCreated: true, versionCreated: true });
    const found = searchCatalogue(ctx.db, { q: "gardening" });
    expect(found.entries.map((e) => e.name)).toEqual(["Urban Gardening"]);
    expect(found.entries[0].steward.host).toBe("peer.example");
    expect(found.entries[0].imageId).toBeNull(); // their image id means nothing here
    const page = getPublicBadge(ctx.db, applied.badgeId);
    expect(page.steward.name).toBe("Riverside Co-op");
    expect(page.latest.number).toBe(1);
  });

  it("takes a re-delivery quietly, and a later version as the latest", () => {
    applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1));
    expect(applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1))).toMatchObject({ badgeCreated: false, versionCreated: false });
    const v2 = applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(2, { name: "Urban Gardening II" }));
    // A late copy of version 1 arriving after version 2 does not roll the badge back.
    applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1));
    expect(getPublicBadge(ctx.db, v2.badgeId).latest.content.name).toBe("Urban Gardening II");
    expect(ctx.db.select().from(versions).where(eq(versions.badgeId, v2.badgeId)).all()).toHaveLength(2);
  });

  it("refuses a rewritten version, a wrong hash, and anyone but the steward", () => {
    applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1));
    const rewritten = remoteVersion(1, { summary: "Something else entirely." });
    expectDomainError(() => applyRemoteBadgeVersion(ctx.db, STEWARD, rewritten), "conflict", /never change/);
    expectDomainError(() => applyRemoteBadgeVersion(ctx.db, STEWARD, { ...remoteVersion(2), contentHash: "0".repeat(64) }), "invalid", /hash/);
    const impostor = `${PEER}/orgs/impostor`;
    recordRemoteOrganisation(ctx.db, { uri: impostor, handle: "impostor", host: "peer.example", name: "Impostor" });
    expectDomainError(() => applyRemoteBadgeVersion(ctx.db, impostor, remoteVersion(2)), "forbidden");
    // A steward of another origin cannot name a badge on this one.
    const elsewhere = "https://elsewhere.example/orgs/x";
    recordRemoteOrganisation(ctx.db, { uri: elsewhere, handle: "x", host: "elsewhere.example", name: "X" });
    expectDomainError(() => applyRemoteBadgeVersion(ctx.db, elsewhere, { ...remoteVersion(1), stewardUri: elsewhere }), "forbidden");
  });

  it("filters the catalogue by instance, and tells where a remote badge's original is", () => {
    const local = makeOrganisationWithTeam(ctx.db, { name: "Local School", kind: "school" });
    const ours = makeCoauthoredBadge(ctx, local, [], { policy: "steward", name: "Urban Greening" });
    approveRevision(ctx, local.admin.id, ours.id, { organisationId: local.org.id, revisionId: currentRevisionId(ctx, ours.id) });
    publishVersion(ctx, local.admin.id, ours.id);
    const { badgeId: theirs } = applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1, { imageId: "3b2025c6-7c84-47dc-b752-b9e51d1fcf67" }));
    const names = (input: Parameters<typeof searchCatalogue>[1]) => searchCatalogue(ctx.db, input).entries.map((e) => e.name).sort();
    expect(names({})).toEqual(["Urban Gardening", "Urban Greening"]);
    expect(names({ instance: "here" })).toEqual(["Urban Greening"]);
    expect(names({ instance: "elsewhere", q: "urban" })).toEqual(["Urban Gardening"]);
    expect(names({ instance: "nowhere" })).toEqual(["Urban Gardening", "Urban Greening"]);
    expect(searchCatalogue(ctx.db, { instance: "elsewhere" }).facets.kinds).toEqual([{ kind: "community", count: 1 }]);

    expect(getPublicBadge(ctx.db, ours.id)).toMatchObject({ home: null, imageId: expect.any(String) });
    expect(getPublicBadge(ctx.db, theirs).imageId).toBeNull(); // their image id names nothing here
    // Without its actor document, the steward's id is its page (as ours are).
    expect(getPublicBadge(ctx.db, theirs).home).toEqual({ host: "peer.example", badgeUrl: `${PEER}/badges/b1`, stewardUrl: STEWARD, unanswered: null });
  });

  it("keeps the co-authors it knows, local ones included, and never lets them edit here", () => {
    const local = makeOrganisationWithTeam(ctx.db, { name: "Local School", kind: "school" });
    const unknown = "https://third.example/orgs/unknown";
    const applied = applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1, {}, [local.org.uri, unknown].sort()));
    expect(ctx.db.select().from(coauthors).where(eq(coauthors.badgeId, applied.badgeId)).all().map((c) => c.organisationId)).toEqual([local.org.id]);
    expect(searchCatalogue(ctx.db, { kind: "school" }).total).toBe(1);
    expect(badgeAccess(ctx.db, applied.badgeId, local.editor.id).canEdit).toBe(false);
  });

  it("lets only the steward withdraw, and then the badge leaves the catalogue", () => {
    const { badgeId } = applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(1));
    const other = "https://peer.example/orgs/other";
    recordRemoteOrganisation(ctx.db, { uri: other, handle: "other", host: "peer.example", name: "Other" });
    expectDomainError(() => withdrawRemoteBadge(ctx.db, other, `${PEER}/badges/b1`), "forbidden");
    expect(withdrawRemoteBadge(ctx.db, STEWARD, `${PEER}/badges/b1`)).toEqual({ badgeId });
    expect(searchCatalogue(ctx.db, {}).total).toBe(0);
    expectDomainError(() => getPublicBadge(ctx.db, badgeId), "not_found");
    expectDomainError(() => applyRemoteBadgeVersion(ctx.db, STEWARD, remoteVersion(2)), "conflict", /withdrawn/);
    expect(withdrawRemoteBadge(ctx.db, STEWARD, `${PEER}/badges/never-held`)).toBeNull();
  });

  it("will not let a remote profile take over one of our organisations", () => {
    const local = makeOrganisationWithTeam(ctx.db, { name: "Ours" });
    expectDomainError(
      () => recordRemoteOrganisation(ctx.db, { uri: local.org.uri, handle: local.org.handle, host: new URL(local.org.uri).host, name: "Theirs" }),
      "forbidden",
    );
  });
});

describe("withdrawing a local badge", () => {
  it("is for the steward's admins, only once published, and takes it out of the catalogue", () => {
    const ctx = createTestContext();
    const steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    const badge = makeCoauthoredBadge(ctx, steward, [], { policy: "steward" });
    expectDomainError(() => withdrawBadge(ctx, steward.admin.id, badge.id), "conflict", /draft/);
    approveRevision(ctx, steward.admin.id, badge.id, { organisationId: steward.org.id, revisionId: currentRevisionId(ctx, badge.id) });
    publishVersion(ctx, steward.admin.id, badge.id);
    expect(searchCatalogue(ctx.db, {}).total).toBe(1);
    expectDomainError(() => withdrawBadge(ctx, steward.editor.id, badge.id), "forbidden");
    const outsider = makeUser(ctx.db);
    expectDomainError(() => withdrawBadge(ctx, outsider.id, badge.id), "forbidden");
    withdrawBadge(ctx, steward.admin.id, badge.id);
    expect(ctx.db.select().from(badges).where(eq(badges.id, badge.id)).get()?.status).toBe("withdrawn");
    expect(searchCatalogue(ctx.db, {}).total).toBe(0);
    expect(badgeAccess(ctx.db, badge.id, steward.editor.id).canEdit).toBe(false);
    expectDomainError(() => withdrawBadge(ctx, steward.admin.id, badge.id), "conflict", /already/);
    expect(ctx.recorded.at(-1)).toMatchObject({ type: "badgeChanged", payload: "withdrawn" });
  });
});
