import { beforeEach, describe, expect, it } from "vitest";
import {
  answerFollow,
  followsAwaitingBackfill,
  getFollow,
  recordBackfillProgress,
  listFollowers,
  listFollowing,
  recordIncomingFollow,
  removeFollow,
  requestFollow,
  stopFollowing,
} from "../../app/services/follows.server";
import { recordRemoteOrganisation } from "../../app/services/remote-badges.server";
import { createTestContext, makeOrganisationWithTeam } from "../support/factories";
import { expectDomainError } from "../support/publishing";

const REMOTE = "https://peer.example/orgs/riverside";
const MASTODON_USER = "https://social.example/users/ada";

describe("follows", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let ours: ReturnType<typeof makeOrganisationWithTeam>;
  beforeEach(() => {
    ctx = createTestContext();
    ours = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    recordRemoteOrganisation(ctx.db, { uri: REMOTE, handle: "riverside", host: "peer.example", name: "Riverside" });
  });

  it("accepts a remote follower at once, and a repeated Follow replaces the activity it answers", () => {
    recordIncomingFollow(ctx.db, { followerUri: MASTODON_USER, followingUri: ours.org.uri, activityUri: "https://social.example/f/1" });
    const again = recordIncomingFollow(ctx.db, { followerUri: MASTODON_USER, followingUri: ours.org.uri, activityUri: "https://social.example/f/2" });
    expect(again).toMatchObject({ status: "accepted", activityUri: "https://social.example/f/2" });
    expect(listFollowers(ctx.db, ours.org.uri).map((f) => f.uri)).toEqual([MASTODON_USER]);
    expectDomainError(() => recordIncomingFollow(ctx.db, { followerUri: MASTODON_USER, followingUri: REMOTE, activityUri: "x:3" }), "not_found");
  });

  it("lets only the follower undo its follow", () => {
    recordIncomingFollow(ctx.db, { followerUri: MASTODON_USER, followingUri: ours.org.uri, activityUri: "https://social.example/f/1" });
    expectDomainError(() => removeFollow(ctx.db, REMOTE, { followerUri: MASTODON_USER, followingUri: ours.org.uri }), "forbidden");
    expect(removeFollow(ctx.db, MASTODON_USER, { followerUri: MASTODON_USER, followingUri: ours.org.uri })).toBe(true);
    expect(removeFollow(ctx.db, MASTODON_USER, { followerUri: MASTODON_USER, followingUri: ours.org.uri })).toBe(false);
    expect(listFollowers(ctx.db, ours.org.uri)).toEqual([]);
  });

  it("asks to follow a remote organisation as an admin, and only the followed answers", () => {
    expectDomainError(() => requestFollow(ctx.db, ours.editor.id, { organisationId: ours.org.id, followingUri: REMOTE, activityUri: "a:1" }), "forbidden");
    const pending = requestFollow(ctx.db, ours.admin.id, { organisationId: ours.org.id, followingUri: REMOTE, activityUri: `${ours.org.uri}/follows/1` });
    expect(pending.status).toBe("pending");
    expectDomainError(() => answerFollow(ctx.db, MASTODON_USER, "accepted", { activityUri: pending.activityUri }), "forbidden");
    expect(answerFollow(ctx.db, REMOTE, "accepted", { activityUri: pending.activityUri })?.status).toBe("accepted");
    expect(listFollowing(ctx.db, ours.org.uri).map((f) => [f.organisation.name, f.follow.status])).toEqual([["Riverside", "accepted"]]);
    expectDomainError(() => requestFollow(ctx.db, ours.admin.id, { organisationId: ours.org.id, followingUri: REMOTE, activityUri: "a:2" }), "conflict");
    // Some servers answer naming follower and followed rather than the Follow's id.
    stopFollowing(ctx.db, ours.admin.id, { organisationId: ours.org.id, followingUri: REMOTE });
    requestFollow(ctx.db, ours.admin.id, { organisationId: ours.org.id, followingUri: REMOTE, activityUri: "a:3" });
    expect(answerFollow(ctx.db, REMOTE, "rejected", { followerUri: ours.org.uri })?.status).toBe("rejected");
    expect(getFollow(ctx.db, ours.org.uri, REMOTE)?.status).toBe("rejected");
  });

  it("ignores an answer to a Follow it never sent", () => {
    expect(answerFollow(ctx.db, REMOTE, "accepted", { activityUri: "https://peer.example/never" })).toBeNull();
  });

  it("lists only our accepted follows whose back-fill has not finished", () => {
    recordIncomingFollow(ctx.db, { followerUri: MASTODON_USER, followingUri: ours.org.uri, activityUri: "https://social.example/f/9" });
    const pending = requestFollow(ctx.db, ours.admin.id, { organisationId: ours.org.id, followingUri: REMOTE, activityUri: "a:9" });
    expect(followsAwaitingBackfill(ctx.db)).toEqual([]); // a remote follower of ours, and one not yet accepted
    answerFollow(ctx.db, REMOTE, "accepted", { activityUri: pending.activityUri });
    expect(followsAwaitingBackfill(ctx.db).map((f) => f.followingUri)).toEqual([REMOTE]);
    recordBackfillProgress(ctx.db, ours.org.uri, REMOTE, 3, 5);
    expect(followsAwaitingBackfill(ctx.db)).toHaveLength(1);
    recordBackfillProgress(ctx.db, ours.org.uri, REMOTE, 5, 5);
    expect(followsAwaitingBackfill(ctx.db)).toEqual([]);
  });
});
