import { beforeEach, describe, expect, it } from "vitest";
import { publicBadgeVersion } from "../../../app/services/public-versions.server";
import {
  acceptActivity,
  announceActivity,
  createActivity,
  deleteActivity,
  followActivity,
  rejectActivity,
  undoActivity,
  updateActivity,
} from "../../../federation/activities";
import { parseBadgeObject, toBadgeObject, toBadgeTombstone, type BadgeObject } from "../../../federation/badge-object";
import { BADGE_TERMS, PUBLIC_COLLECTION } from "../../../federation/vocabulary";
import { createTestContext, makeOrganisationWithTeam, PUBLIC_URL } from "../../support/factories";
import { approveAndPublish } from "../../support/federation";
import { editDraft, makeCoauthoredBadge, type Team } from "../../support/publishing";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MASTODON_USER = "https://mastodon.example/users/ada";
const PEER_ORG = "https://peer.example/orgs/acme";

describe("activities", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let partner: Team;
  let badgeId: string;
  let actor: string;

  const badgeObject = (): BadgeObject => {
    const result = publicBadgeVersion(ctx.db, badgeId);
    if (result.state !== "public") throw new Error(result.state);
    return toBadgeObject(result.badge, { publicUrl: PUBLIC_URL });
  };

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
    const badge = makeCoauthoredBadge(ctx, steward, [partner]);
    approveAndPublish(ctx, badge.id, [steward, partner]);
    badgeId = badge.id;
    actor = steward.org.uri;
  });

  it("Create: a fresh id under the actor, public and to followers, co-authors in cc, the object embedded", () => {
    const object = badgeObject();
    const published = new Date("2026-12-01T09:00:00Z");
    const create = createActivity(actor, object, { published });
    expect(create.type).toBe("Create");
    expect(create.actor).toBe(actor);
    expect(create.id.startsWith(`${actor}/activities/`)).toBe(true);
    expect(create.id.slice(`${actor}/activities/`.length)).toMatch(UUID);
    expect(createActivity(actor, object).id).not.toBe(create.id);
    expect(create.published).toBe("2026-12-01T09:00:00.000Z");
    expect(create.to).toEqual([PUBLIC_COLLECTION, `${actor}/followers`]);
    expect(create.cc).toEqual([partner.org.uri]);
    // The activity declares the context once; the embedded object does not repeat it.
    expect(create["@context"]).toContainEqual(BADGE_TERMS);
    expect(create.object).not.toHaveProperty("@context");
    expect(create.object.id).toBe(object.id);
    // What a receiving instance reads from the embedded object is a whole badge version.
    const parsed = parseBadgeObject(JSON.parse(JSON.stringify(create.object)));
    expect(parsed.ok && parsed.badge.versionNumber).toBe(1);
  });

  it("Update: a later version is the same object id with new content", () => {
    const before = badgeObject();
    editDraft(ctx, steward.editor.id, badgeId, { summary: "A clearer summary." });
    approveAndPublish(ctx, badgeId, [steward, partner]);
    const update = updateActivity(actor, badgeObject());
    expect(update.type).toBe("Update");
    expect(update.object.id).toBe(before.id);
    expect(update.object.versionNumber).toBe(2);
    expect(update.object.badgeSummary).toBe("A clearer summary.");
    expect(update.to).toContain(PUBLIC_COLLECTION);
  });

  it("Delete: the badge's Tombstone, to the same audience", () => {
    const deleted = new Date("2026-12-02T10:00:00Z");
    const del = deleteActivity(actor, toBadgeTombstone(badgeObject().id, deleted));
    expect(del.type).toBe("Delete");
    expect(del.object).toEqual({ id: badgeObject().id, type: "Tombstone", formerType: "Note", deleted: deleted.toISOString() });
    expect(del.to).toEqual([PUBLIC_COLLECTION, `${actor}/followers`]);
    expect(del.cc).toEqual([]);
    expect(del.id.startsWith(`${actor}/activities/`)).toBe(true);
    const toCoauthors = deleteActivity(actor, toBadgeTombstone(badgeObject().id, deleted), { cc: badgeObject().cc });
    expect(toCoauthors.cc).toEqual([partner.org.uri]);
  });

  it("Announce: a peer's badge shared with the sharer's followers; its steward copied", () => {
    const share = announceActivity(actor, "https://peer.example/badges/b9", PEER_ORG);
    expect(share).toMatchObject({
      type: "Announce",
      actor,
      object: "https://peer.example/badges/b9",
      to: [PUBLIC_COLLECTION, `${actor}/followers`],
      cc: [PEER_ORG],
    });
    expect(announceActivity(actor, "https://x.example/b", actor).cc).toEqual([]);
  });

  it("Follow, then Accept or Reject by the followed actor, embedding the Follow", () => {
    const follow = followActivity(actor, PEER_ORG);
    expect(follow).toMatchObject({ type: "Follow", actor, object: PEER_ORG, to: [PEER_ORG] });

    // A Mastodon user follows a local organisation; the organisation accepts.
    const incoming = { id: "https://mastodon.example/4c8f", actor: MASTODON_USER, object: actor };
    const accept = acceptActivity(incoming);
    expect(accept.type).toBe("Accept");
    expect(accept.actor).toBe(actor);
    expect(accept.id.startsWith(`${actor}/activities/`)).toBe(true);
    expect(accept.to).toEqual([MASTODON_USER]);
    expect(accept.object).toEqual({ id: incoming.id, type: "Follow", actor: MASTODON_USER, object: actor });

    const reject = rejectActivity(incoming);
    expect(reject.type).toBe("Reject");
    expect(reject.actor).toBe(actor);
    expect(reject.object).toEqual(accept.object);
  });

  it("Undo takes back a Follow or an Announce, addressed as the original", () => {
    const follow = followActivity(actor, PEER_ORG);
    const undoFollow = undoActivity(follow);
    expect(undoFollow.type).toBe("Undo");
    expect(undoFollow.actor).toBe(actor);
    expect(undoFollow.to).toEqual([PEER_ORG]);
    expect(undoFollow.object).toEqual({ id: follow.id, type: "Follow", actor, object: PEER_ORG });

    const share = announceActivity(actor, "https://peer.example/badges/b9", PEER_ORG);
    const undoShare = undoActivity(share);
    expect(undoShare.object).toMatchObject({ id: share.id, type: "Announce", object: "https://peer.example/badges/b9" });
    expect(undoShare.object).not.toHaveProperty("@context");
    expect(undoShare.cc).toEqual([PEER_ORG]);
  });

  it("takes a given id and never shares one between activities", () => {
    const id = `${actor}/activities/fixed`;
    expect(followActivity(actor, PEER_ORG, { id }).id).toBe(id);
    const ids = new Set(Array.from({ length: 50 }, () => followActivity(actor, PEER_ORG).id));
    expect(ids.size).toBe(50);
  });
});
