import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { badgeShares, deliveries, outboxActivities, remoteActors } from "../../db/schema";
import { emptyContent, type BadgeContent } from "../../app/services/badge-content";
import { deprecateBadge } from "../../app/services/publishing.server";
import { applyRemoteBadgeVersion, recordRemoteOrganisation } from "../../app/services/remote-badges.server";
import {
  badgeSharers,
  recordRemoteShare,
  removeRemoteShare,
  shareBadge,
  sharedBadges,
  shareOptions,
  stopSharing,
} from "../../app/services/shares.server";
import { computeVersionHash } from "../../app/services/versions.server";
import { outboxPage } from "../../federation/collections";
import { PUBLIC_COLLECTION } from "../../federation/vocabulary";
import { addMember, createTestContext, makeOrganisationWithTeam, PUBLIC_URL } from "../support/factories";
import { makeRemoteFollower } from "../support/federation-peers";
import { approveAndPublish } from "../support/federation";
import { expectDomainError, makeCoauthoredBadge, type Team } from "../support/publishing";

const PEER = "https://peer.example";
const STEWARD = `${PEER}/orgs/riverside`;

/** A badge of peer.example's Riverside, as federation would have stored it here. */
function remoteBadge(ctx: ReturnType<typeof createTestContext>) {
  recordRemoteOrganisation(ctx.db, { uri: STEWARD, handle: "riverside", host: "peer.example", name: "Riverside Co-op" });
  ctx.db
    .insert(remoteActors)
    .values({ uri: STEWARD, type: "Organization", handle: "riverside", host: "peer.example", inboxUrl: `${STEWARD}/inbox`, sharedInboxUrl: `${PEER}/inbox`, fetchedAt: new Date() })
    .run();
  const content: BadgeContent = { ...emptyContent("Urban Gardening"), summary: "Grow food with neighbours.", criteria: "Plant a bed.", tags: ["gardening"] };
  return applyRemoteBadgeVersion(ctx.db, STEWARD, {
    badgeUri: `${PEER}/badges/b1`,
    versionUri: `${PEER}/badges/b1/versions/1`,
    number: 1,
    url: `${PEER}/badges/b1`,
    content,
    stewardUri: STEWARD,
    contentHash: computeVersionHash({ content, stewardUri: STEWARD, coauthorUris: [], number: 1 }),
    publishedAt: new Date("2026-11-30T10:00:00Z"),
  }).badgeId;
}

const sharesOf = (ctx: ReturnType<typeof createTestContext>, badgeId: string) =>
  ctx.db.select().from(badgeShares).where(eq(badgeShares.badgeId, badgeId)).all();

describe("sharing a badge with an organisation's followers", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let sharer: Team;
  let badgeId: string;
  beforeEach(() => {
    ctx = createTestContext();
    sharer = makeOrganisationWithTeam(ctx.db, { handle: "changemakers", name: "Changemakers" });
    badgeId = remoteBadge(ctx);
  });

  it("records the share and queues a signed Announce to its followers and to the steward's instance, in one go", () => {
    makeRemoteFollower(ctx.db, { following: sharer.org.uri, host: "followers.example", shared: true });
    makeRemoteFollower(ctx.db, { following: sharer.org.uri, host: "followers.example", shared: true });
    const solo = makeRemoteFollower(ctx.db, { following: sharer.org.uri, host: "solo.example" });

    const { activityUri } = shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id });

    expect(sharesOf(ctx, badgeId)).toMatchObject([{ organisationId: sharer.org.id, activityUri }]);
    const row = ctx.db.select().from(outboxActivities).where(eq(outboxActivities.uri, activityUri)).get()!;
    expect(row).toMatchObject({ actorUri: sharer.org.uri, type: "Announce", objectUri: `${PEER}/badges/b1`, public: true });
    const doc = row.document as Record<string, unknown>;
    expect(doc).toMatchObject({ type: "Announce", actor: sharer.org.uri, object: `${PEER}/badges/b1`, cc: [STEWARD] });
    expect(doc.to).toEqual([PUBLIC_COLLECTION, `${sharer.org.uri}/followers`]);
    expect(doc.proof).toMatchObject({ cryptosuite: "eddsa-jcs-2022", verificationMethod: `${sharer.org.uri}#ed25519-key` });
    const inboxes = ctx.db.select({ inbox: deliveries.inboxUrl }).from(deliveries).where(eq(deliveries.activityId, row.id)).all().map((d) => d.inbox);
    // Two followers on one server share one inbox; the steward's server hears of it too.
    expect(inboxes.sort()).toEqual(["http://followers.example/inbox", solo.inboxUrl, `${PEER}/inbox`].sort());
    expect(badgeSharers(ctx.db, badgeId).map((o) => o.name)).toEqual(["Changemakers"]);
    expect(sharedBadges(ctx.db, sharer.org.id)).toMatchObject([{ id: badgeId, name: "Urban Gardening", steward: { host: "peer.example" } }]);
  });

  it("takes a share back with an Undo naming the Announce, and drops the Announce from the public outbox", () => {
    makeRemoteFollower(ctx.db, { following: sharer.org.uri, host: "followers.example" });
    const { activityUri } = shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id });
    stopSharing(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id });

    expect(sharesOf(ctx, badgeId)).toEqual([]);
    const undo = ctx.db.select().from(outboxActivities).where(and(eq(outboxActivities.actorUri, sharer.org.uri), eq(outboxActivities.type, "Undo"))).get()!;
    expect(undo.document).toMatchObject({ type: "Undo", actor: sharer.org.uri, object: { id: activityUri, type: "Announce", object: `${PEER}/badges/b1` } });
    expect((undo.document as { object: Record<string, unknown> }).object).not.toHaveProperty("proof");
    expect(ctx.db.select().from(deliveries).where(eq(deliveries.activityId, undo.id)).all()).toHaveLength(2);
    const listed = outboxPage(ctx.db, sharer.org.uri, `${sharer.org.uri}/outbox`, 1).orderedItems as { id: string }[];
    expect(listed.map((a) => a.id)).not.toContain(activityUri);
    // Shared again later: a new Announce with a new id.
    const again = shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id });
    expect(again.activityUri).not.toBe(activityUri);
  });

  it("is for admins of local organisations only, once, and writes nothing when refused", () => {
    expectDomainError(() => shareBadge(ctx, sharer.editor.id, badgeId, { organisationId: sharer.org.id }), "forbidden");
    const remoteOrg = ctx.db.query.organisations.findFirst({ where: (o, { eq: equals }) => equals(o.uri, STEWARD) }).sync()!;
    expectDomainError(() => shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: remoteOrg.id }), "not_found");
    expectDomainError(() => shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: "" }), "invalid");
    expectDomainError(() => stopSharing(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id }), "not_found");
    expect(ctx.db.select().from(outboxActivities).all()).toEqual([]);

    shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id });
    expectDomainError(() => shareBadge(ctx, sharer.owner.id, badgeId, { organisationId: sharer.org.id }), "conflict", /already shares/);
    expectDomainError(() => stopSharing(ctx, sharer.viewer.id, badgeId, { organisationId: sharer.org.id }), "forbidden");
    expect(ctx.db.select().from(outboxActivities).all()).toHaveLength(1);
  });

  it("is not for a badge's own authors, nor for drafts or deprecated badges", () => {
    const steward = makeOrganisationWithTeam(ctx.db, { name: "Steward" });
    const coauthor = makeOrganisationWithTeam(ctx.db, { name: "Co-author" });
    const local = makeCoauthoredBadge(ctx, steward, [coauthor], { policy: "steward" });
    expectDomainError(() => shareBadge(ctx, sharer.admin.id, local.id, { organisationId: sharer.org.id }), "not_found");
    approveAndPublish(ctx, local.id, [steward]);
    expectDomainError(() => shareBadge(ctx, steward.admin.id, local.id, { organisationId: steward.org.id }), "conflict", /authors/);
    expectDomainError(() => shareBadge(ctx, coauthor.admin.id, local.id, { organisationId: coauthor.org.id }), "conflict", /authors/);

    // Another local organisation may share it; no steward inbox to tell, it is here.
    const { activityUri } = shareBadge(ctx, sharer.admin.id, local.id, { organisationId: sharer.org.id });
    const doc = ctx.db.select().from(outboxActivities).where(eq(outboxActivities.uri, activityUri)).get()!.document;
    expect(doc).toMatchObject({ object: `${PUBLIC_URL}/badges/${local.id}`, cc: [steward.org.uri] });

    deprecateBadge(ctx, steward.admin.id, local.id, {});
    const other = makeOrganisationWithTeam(ctx.db, { name: "Latecomer" });
    expectDomainError(() => shareBadge(ctx, other.admin.id, local.id, { organisationId: other.org.id }), "conflict", /deprecated/);
  });

  it("offers each organisation a user administers, except the badge's authors, with whether it shares", () => {
    const second = makeOrganisationWithTeam(ctx.db, { name: "Another Org" });
    // The same person is admin of both.
    addMember(ctx.db, second.org.id, sharer.admin.id, "admin");
    shareBadge(ctx, sharer.admin.id, badgeId, { organisationId: sharer.org.id });
    expect(shareOptions(ctx.db, sharer.admin.id, badgeId).map((o) => [o.name, o.shared])).toEqual([
      ["Another Org", false],
      ["Changemakers", true],
    ]);
    expect(shareOptions(ctx.db, sharer.editor.id, badgeId)).toEqual([]);
    expect(shareOptions(ctx.db, null, badgeId)).toEqual([]);
  });
});

describe("shares other instances tell us about", () => {
  it("records a known organisation's share of a badge held here, and lets only that organisation take it back", () => {
    const ctx = createTestContext();
    const badgeId = remoteBadge(ctx);
    const sharerUri = `${PEER}/orgs/gardeners`;
    recordRemoteOrganisation(ctx.db, { uri: sharerUri, handle: "gardeners", host: "peer.example", name: "Gardeners" });
    const announce = `${sharerUri}/activities/1`;

    expect(recordRemoteShare(ctx.db, "https://unknown.example/orgs/x", `${PEER}/badges/b1`, announce)).toBe(false);
    expect(recordRemoteShare(ctx.db, sharerUri, `${PEER}/badges/unknown`, announce)).toBe(false);
    // A steward announcing its own badge is not a share.
    expect(recordRemoteShare(ctx.db, STEWARD, `${PEER}/badges/b1`, `${STEWARD}/activities/1`)).toBe(false);
    expect(recordRemoteShare(ctx.db, sharerUri, `${PEER}/badges/b1`, announce)).toBe(true);
    expect(badgeSharers(ctx.db, badgeId).map((o) => [o.name, o.host])).toEqual([["Gardeners", "peer.example"]]);

    expect(removeRemoteShare(ctx.db, STEWARD, announce)).toBe(false);
    expect(badgeSharers(ctx.db, badgeId)).toHaveLength(1);
    expect(removeRemoteShare(ctx.db, sharerUri, announce)).toBe(true);
    expect(badgeSharers(ctx.db, badgeId)).toEqual([]);
  });
});
