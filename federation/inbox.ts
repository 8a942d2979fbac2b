// Receiving activities. Order matters: read and parse the body, verify the HTTP signature
// (or, for forwarded activities, the actor's Data Integrity proof), check that the signer
// is the actor and that the activity lives on the actor's origin, drop what was seen
// before, then do any fetching the activity needs and apply it in one transaction together
// with the record that it was received. Nothing is applied before all of that holds.
import { and, eq, inArray, ne } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { badges, follows, pathways, versions, type Follow } from "../db/schema";
import { isDomainError } from "../app/services/errors";
import { answerFollow, recordIncomingFollow, removeFollow } from "../app/services/follows.server";
import { findLocalOrganisationByUri } from "../app/services/organisations.server";
import { applyRemoteBadgeVersion, withdrawRemoteBadge, type RemoteBadgeVersion } from "../app/services/remote-badges.server";
import { findEndorsementByUri } from "../app/services/received-endorsements.server";
import { findRelayByFollow, isAcceptedRelay, relayAnswered } from "../app/services/relays.server";
import { applyRemotePathwayVersion, withdrawRemotePathway, type RemotePathwayVersion } from "../app/services/remote-pathways.server";
import { isRecordedShare, recordRemoteShare, removeRemoteShare } from "../app/services/shares.server";
import { isEndorsementObject } from "./endorsement-object";
import { isFetchError, type FetchError, type RemoteError } from "./fetch-errors";
import { planEndorsement, planEndorsementDecision, planEndorsementWithdrawal, undoneEndorsement } from "./inbox-endorsements";
import { Envelope, idOf, INBOX_BODY_LIMIT, origin, Refused, typeOf, type Activity, type InboxAnswer, type InboxDeps, type Plan } from "./inbox-plan";
import { inboxRecords, recordRefusal } from "./inbox-records";
import { verifyRequest, type IncomingRequest } from "./signature-verify";

export * from "./inbox-plan";

const KNOWN = ["Follow", "Undo", "Accept", "Reject", "Create", "Update", "Delete", "Announce"] as const;
type Known = (typeof KNOWN)[number];

export async function receiveActivity(deps: InboxDeps, request: IncomingRequest & { body: Uint8Array }): Promise<InboxAnswer> {
  if (request.body.byteLength > INBOX_BODY_LIMIT) return { status: 413, reason: `An activity is at most ${INBOX_BODY_LIMIT} bytes.` };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(request.body).toString("utf8"));
  } catch {
    return { status: 400, reason: "The body is not JSON." };
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) return { status: 400, reason: "Not an activity: it needs an id, a type and an actor (http(s) URLs)." };
  const activity = parsed.data;
  const actorUri = idOf(activity.actor)!;
  if (origin(activity.id) !== origin(actorUri)) return { status: 400, reason: "An activity's id must be on its actor's origin." };

  const verified = await verifyRequest(request, deps.keys);
  if (!verified.ok) return { status: 401, reason: verified.reason };
  if (verified.ownerUri !== actorUri) {
    // A relay or another instance may forward an activity it did not write; then the
    // actor's own proof must vouch for it (FEP-8b32).
    const proof = (json as { proof?: unknown }).proof ? await deps.verifyProof(json) : null;
    if (!proof?.ok || proof.controller !== actorUri) {
      return { status: 401, reason: `Signed by ${verified.ownerUri}, but the actor is ${actorUri}${proof && !proof.ok ? ` (proof: ${proof.reason})` : ""}.` };
    }
  }

  const { seen, commitInGroup } = inboxRecords(deps.db);
  if (seen.get({ uri: activity.id })) return { status: 202, reason: "Already received." };
  const type = typeOf(activity).find((t): t is Known => (KNOWN as readonly string[]).includes(t));
  let plan: Plan;
  try {
    plan = type ? await planFor(deps, type, activity, actorUri, verified.ownerUri) : { reason: `${typeOf(activity).join(", ")} is not handled here.`, ignored: true };
  } catch (e) {
    const refused = asRefusal(e);
    recordRefusal(deps.db, activity, actorUri, "rejected", refused.message);
    return { status: refused.status, reason: refused.message };
  }

  const received = { uri: activity.id, actorUri, type: type ?? typeOf(activity).join(","), status: plan.ignored ? "ignored" : "applied", reason: plan.reason, receivedAt: new Date() };
  try {
    const applied = await commitInGroup({ received, apply: plan.apply });
    if (!applied) return { status: 202, reason: "Already received." };
  } catch (e) {
    const refused = asRefusal(e);
    recordRefusal(deps.db, activity, actorUri, "rejected", refused.message);
    return { status: refused.status, reason: refused.message };
  }
  plan.after?.();
  return { status: 202, reason: plan.reason };
}

function asRefusal(e: unknown): Refused {
  if (e instanceof Refused) return e;
  if (isDomainError(e)) {
    const status = { not_found: 404, forbidden: 403, invalid: 422, conflict: 409, rate_limited: 429, unauthenticated: 401 }[e.kind];
    return new Refused(status, e.message);
  }
  // A document we could not fetch for now (its server down, slow or busy): 503, which
  // senders retry. Mastodon gives up at once on a 4xx other than 401, 408 and 429.
  if (isFetchError(e) && transientFetchFailure(e)) return new Refused(503, e.message);
  // A remote document we fetched but cannot use, or may not fetch at all.
  if (e instanceof Error) return new Refused(422, e.message);
  throw e;
}

function transientFetchFailure(e: FetchError): boolean {
  if (e.kind === "timeout" || e.kind === "failed") return true;
  const status = e.kind === "remote" ? (e as RemoteError).status : 0;
  return status >= 500 || status === 408 || status === 429;
}



/** Someone here follows the actor, or has asked to (a Create may overtake the Accept). */
const followsActor = (db: DatabaseLike, actorUri: string) =>
  !!db
    .select({ f: follows.followerUri })
    .from(follows)
    .where(and(eq(follows.followingUri, actorUri), ne(follows.status, "rejected")))
    .limit(1)
    .get();

/**
 * `signerUri` signed the request: the actor itself, or someone passing its activity on
 * (then the actor's own proof was checked), such as a relay this instance follows.
 */
async function planFor(deps: InboxDeps, type: Known, activity: Activity, actorUri: string, signerUri: string): Promise<Plan> {
  // One of ours, forwarded back to us (a steward elsewhere passing our endorser's activity
  // on to its followers, this instance among them): already applied here when it was made.
  if (origin(actorUri) === origin(deps.publicUrl)) return { reason: "An activity of this instance's own; nothing to do.", ignored: true };
  switch (type) {
    case "Follow": {
      const targetUri = idOf(activity.object);
      const target = targetUri ? findLocalOrganisationByUri(deps.db, targetUri) : undefined;
      if (!target) throw new Refused(404, "There is no such organisation here to follow.");
      await deps.actors.get(actorUri); // we need its inbox to answer
      return {
        reason: `Now following ${target.name}.`,
        apply: (tx) => {
          const follow = recordIncomingFollow(tx, { followerUri: actorUri, followingUri: target.uri, activityUri: activity.id });
          deps.replies.acceptFollow(tx, follow, activity);
        },
      };
    }
    case "Undo": {
      const object = activity.object;
      const inner = typeOf(object);
      if (inner.includes("Follow") || (typeof object === "string" && deps.db.select().from(follows).where(eq(follows.activityUri, object)).get())) {
        const followingUri =
          inner.includes("Follow") ? idOf((object as { object?: unknown }).object) : deps.db.select().from(follows).where(eq(follows.activityUri, object as string)).get()?.followingUri ?? null;
        if (!followingUri) throw new Refused(400, "The Undo does not say whom it stops following.");
        return { reason: "Follow undone.", apply: (tx) => void removeFollow(tx, actorUri, { followerUri: actorUri, followingUri }) };
      }
      const endorsementUri = undoneEndorsement(deps.db, object);
      if (endorsementUri) return planEndorsementWithdrawal(deps, activity, actorUri, endorsementUri);
      const announceUri = inner.includes("Announce") || typeof object === "string" ? idOf(object) : null;
      if (announceUri && isRecordedShare(deps.db, announceUri)) {
        // removeRemoteShare takes back only a share the Undo's own actor made.
        return { reason: "Share undone.", apply: (tx) => void removeRemoteShare(tx, actorUri, announceUri) };
      }
      return { reason: "Nothing here to undo.", ignored: true };
    }
    case "Accept":
    case "Reject": {
      const object = activity.object;
      const relay = idOf(object) ? findRelayByFollow(deps.db, idOf(object)!) : undefined;
      if (relay) {
        // Only the relay we asked (an actor on the host of the inbox we wrote to) answers.
        if (new URL(actorUri).host !== new URL(relay.inboxUrl).host) throw new Refused(403, "Only the relay asked answers that Follow.");
        return { reason: `Relay ${type === "Accept" ? "accepted" : "rejected"} the subscription.`, apply: (tx) => void relayAnswered(tx, actorUri, relay.followActivityUri, type === "Accept" ? "accepted" : "rejected") };
      }
      if (isEndorsementObject(object) || (typeof object === "string" && findEndorsementByUri(deps.db, object))) {
        return planEndorsementDecision(deps, type, activity, actorUri);
      }
      const ref = { activityUri: idOf(object) ?? undefined, followerUri: idOf((object as { actor?: unknown } | undefined)?.actor) ?? undefined };
      const answer = type === "Accept" ? "accepted" : "rejected";
      let follow: Follow | null = null;
      return {
        reason: `Follow ${answer}.`,
        apply: (tx) => {
          follow = answerFollow(tx, actorUri, answer, ref) ?? answerFollow(tx, actorUri, answer, { followerUri: ref.followerUri });
        },
        after: () => {
          if (follow?.status === "accepted") deps.onFollowAccepted?.(follow);
        },
      };
    }
    case "Create":
    case "Update":
      if (isEndorsementObject(activity.object)) return planEndorsement(deps, activity, actorUri);
      return planBadgeVersion(deps, activity, actorUri, activity.object, { announced: false, viaRelay: () => isAcceptedRelay(deps.db, signerUri) });
    case "Announce":
      return planAnnounce(deps, activity, actorUri);
    case "Delete": {
      const objectUri = idOf(activity.object);
      if (!objectUri) throw new Refused(400, "The Delete does not name what it deletes.");
      if (objectUri === actorUri) return { reason: "The actor is gone.", apply: (tx) => void tx.delete(follows).where(eq(follows.followerUri, actorUri)).run() };
      if (origin(objectUri) !== origin(actorUri)) throw new Refused(403, "Only its owner deletes an object.");
      if (findEndorsementByUri(deps.db, objectUri)) return planEndorsementWithdrawal(deps, activity, actorUri, objectUri);
      let badgeId: string | null = null;
      return {
        reason: "Withdrawn.",
        apply: (tx) => {
          badgeId = withdrawRemoteBadge(tx, actorUri, objectUri)?.badgeId ?? null;
          // Not a badge held here: perhaps a pathway (withdrawRemotePathway checks its steward too).
          if (!badgeId) withdrawRemotePathway(tx, actorUri, objectUri);
        },
        after: () => {
          if (badgeId) deps.onRemoteBadgeChanged?.(badgeId);
        },
      };
    }
  }
}

/**
 * An organisation shares a badge. A badge of another instance is fetched from its home and
 * stored when someone here follows the sharer (planBadgeVersion); a badge of ours needs no
 * fetch. Either way, the share is recorded when the sharer is an organisation we know.
 */
async function planAnnounce(deps: InboxDeps, activity: Activity, actorUri: string): Promise<Plan> {
  const objectUri = idOf(activity.object);
  if (!objectUri) throw new Refused(400, "The Announce does not name what it shares.");
  // The sharer's organisation row (for the share) comes with its actor document; it is
  // fetched only once the Announce concerns us.
  const sharer = () => deps.actors.get(actorUri).catch(() => null);
  if (origin(objectUri) === origin(deps.publicUrl)) {
    const local = deps.db
      .select({ uri: badges.uri })
      .from(badges)
      .where(and(eq(badges.uri, objectUri), inArray(badges.status, ["published", "deprecated"])))
      .get();
    if (!local) return { reason: "No such published badge here.", ignored: true };
    // People (a Mastodon user boosting a badge) are not recorded: shares are organisations'.
    if (!(await sharer())?.organisationId) return { reason: "Only organisations' shares are recorded.", ignored: true };
    return { reason: "Share recorded.", apply: (tx) => void recordRemoteShare(tx, actorUri, objectUri, activity.id) };
  }
  // A relay's Announce (LitePub relays announce what they pass on) counts like a relayed
  // Create, and is no organisation's share.
  const viaRelay = isAcceptedRelay(deps.db, actorUri);
  const plan = await planBadgeVersion(deps, activity, actorUri, activity.object, { announced: true, viaRelay: () => viaRelay });
  if (plan.ignored || !plan.badgeUri || viaRelay) return plan;
  await sharer();
  const badgeUri = plan.badgeUri;
  return {
    ...plan,
    apply: (tx) => {
      plan.apply?.(tx);
      recordRemoteShare(tx, actorUri, badgeUri, activity.id);
    },
  };
}

/**
 * A badge version named by Create, Update or Announce. An embedded object is believed only
 * when it comes from its own origin (FEP-fe34) or carries its steward's valid proof;
 * otherwise, and always for Announce, it is fetched from where its id says it lives.
 */
async function planBadgeVersion(
  deps: InboxDeps,
  activity: Activity,
  actorUri: string,
  object: unknown,
  // viaRelay is asked only of a badge version: most Creates a busy inbox gets are not one.
  options: { announced: boolean; viaRelay?: () => boolean },
): Promise<Plan> {
  const objectUri = idOf(object);
  if (!objectUri) throw new Refused(400, "The activity does not name its object.");
  // Our own badges are ours to publish. Mastodon sends a boost to the boosted post's author,
  // so shares of them arrive here: nothing to store, and nothing to fetch from ourselves.
  if (origin(objectUri) === origin(deps.publicUrl)) {
    if (options.announced) return { reason: "A share of a badge of this instance; nothing to store.", ignored: true };
    throw new Refused(403, "Only a badge's steward publishes or updates it.");
  }
  const held = (uri: string) => !!deps.db.select({ id: badges.id }).from(badges).where(eq(badges.uri, uri)).get();
  let document: unknown = typeof object === "object" ? object : null;
  if (document && !options.announced && origin(objectUri) !== origin(actorUri)) {
    const proof = (document as { proof?: unknown }).proof ? await deps.verifyProof(document) : null;
    if (!proof?.ok) document = null;
  }
  if (!document || options.announced) document = await deps.fetchObject(objectUri);
  const pathway = deps.readPathwayVersion(document);
  if (pathway) return planPathwayVersion(deps, actorUri, pathway, options);
  const version = deps.readBadgeVersion(document);
  if (!version) return { reason: "Not a badge definition; nothing to do.", ignored: true };
  // Badges from organisations nobody here follows are not wanted, unless already held;
  // an Announce counts when someone here follows whoever shared it.
  const wanted =
    followsActor(deps.db, version.stewardUri) || held(version.badgeUri) || (options.announced && followsActor(deps.db, actorUri)) || !!options.viaRelay?.();
  if (!wanted) return { reason: "No one here follows its steward.", ignored: true };
  if (!options.announced && version.stewardUri !== actorUri) throw new Refused(403, "Only a badge's steward publishes or updates it.");
  await deps.actors.get(version.stewardUri);
  // Co-authors we can reach are recorded so the badge shows them; one we cannot is left out.
  const remoteCoauthors = (version.coauthorUris ?? []).filter((uri) => origin(uri) !== origin(deps.publicUrl));
  await Promise.all(remoteCoauthors.map((uri) => deps.actors.get(uri).catch(() => null)));
  await mirrorNewVersionImage(deps, version);
  let badgeId: string | null = null;
  return {
    reason: `Version ${version.number} of ${version.content.name} stored.`,
    badgeUri: version.badgeUri,
    apply: (tx) => {
      badgeId = applyRemoteBadgeVersion(tx, version.stewardUri, version).badgeId;
    },
    after: () => {
      if (badgeId) deps.onRemoteBadgeChanged?.(badgeId);
    },
  };
}

/**
 * A pathway version, read (as a badge version is) from its own origin or under its
 * steward's proof: stored when someone here follows its steward (or the sharer of an
 * Announce), or the pathway is held already; only its steward publishes or updates it.
 * The badges it names need not be held here: its page marks those it cannot show.
 */
async function planPathwayVersion(deps: InboxDeps, actorUri: string, version: RemotePathwayVersion, options: { announced: boolean }): Promise<Plan> {
  const held = !!deps.db.select({ id: pathways.id }).from(pathways).where(eq(pathways.uri, version.pathwayUri)).get();
  const wanted = followsActor(deps.db, version.stewardUri) || held || (options.announced && followsActor(deps.db, actorUri));
  if (!wanted) return { reason: "No one here follows its steward.", ignored: true };
  if (!options.announced && version.stewardUri !== actorUri) throw new Refused(403, "Only a pathway's steward publishes or updates it.");
  await deps.actors.get(version.stewardUri);
  const remoteCoauthors = (version.coauthorUris ?? []).filter((uri) => origin(uri) !== origin(deps.publicUrl));
  await Promise.all(remoteCoauthors.map((uri) => deps.actors.get(uri).catch(() => null)));
  return {
    reason: `Version ${version.number} of the pathway ${version.content.name} stored.`,
    apply: (tx) => void applyRemotePathwayVersion(tx, version.stewardUri, version),
  };
}

/**
 * Our copy of the image of a version not held yet, when the image lives on the badge's own
 * origin (third-party addresses are never fetched). A held version keeps the copy it has.
 */
export async function mirrorNewVersionImage(
  deps: Pick<InboxDeps, "db" | "mirrorImage">,
  version: RemoteBadgeVersion & { imageUrl?: string | null },
): Promise<void> {
  if (!version.imageUrl || origin(version.imageUrl) !== origin(version.badgeUri)) return;
  if (deps.db.select({ id: versions.id }).from(versions).where(eq(versions.uri, version.versionUri)).get()) return;
  version.mirroredImageId = await deps.mirrorImage(version.imageUrl);
}

