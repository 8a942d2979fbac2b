// Turns a local badge's publication, deprecation or withdrawal into the activity its
// steward sends (Create for version 1, Update for later versions and deprecation, Delete
// with a Tombstone for withdrawal), signed with an eddsa-jcs-2022 proof so it still
// verifies when forwarded, and queues it for the followers of the steward and of its
// co-authors of this instance, inside the transaction that made the change. Pathways go out
// the same way. Shares work the same way: an organisation's Announce of another's badge,
// and its Undo.
import { and, eq, isNull } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { badges, coauthors, endorsements, organisations, outboxActivities, pathwayCoauthors, pathways, remoteActors } from "../db/schema";
import type { BadgeChange, FederationOutbox, PathwayChange } from "../app/services/federation-outbox";
import { publicPathwayVersion } from "../app/services/pathway-queries.server";
import { publicBadgeVersion } from "../app/services/public-versions.server";
import { acceptedRelayInboxes } from "../app/services/relays.server";
import { instanceActorUri } from "./uris";
import { PUBLIC_COLLECTION } from "./vocabulary";
import {
  announceActivity,
  createActivity,
  deleteActivity,
  endorsementActivity,
  endorsementDecisionActivity,
  endorsementDeleteActivity,
  followActivity,
  undoActivity,
  updateActivity,
  type AnnounceActivity,
} from "./activities";
import { endorsementObjectFor, endorsementParties, endorsementRow } from "./endorsement-documents";
import { toEndorsementTombstone } from "./endorsement-object";
import { toBadgeObject, toBadgeTombstone } from "./badge-object";
import { toPathwayObject } from "./pathway-object";
import { actorKeysFor, ed25519KeyId, ed25519PrivateKey } from "./keys";
import { enqueueActivity, followerInboxes } from "./outbox";
import { createProof, type JsonObject } from "./proof";

/** A document signed by a local actor's Ed25519 key (FEP-8b32). */
export function withActorProof<T extends JsonObject>(db: DatabaseLike, actorUri: string, document: T) {
  const keys = actorKeysFor(db, actorUri);
  return createProof(document, { verificationMethod: ed25519KeyId(actorUri), privateKey: ed25519PrivateKey(keys) });
}

/** Local co-authors' followers want their badges too; each inbox once. */
function audienceInboxes(tx: DatabaseLike, badgeId: string, stewardUri: string): string[] {
  const localCoauthors = tx
    .select({ uri: organisations.uri })
    .from(coauthors)
    .innerJoin(organisations, eq(organisations.id, coauthors.organisationId))
    .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.status, "accepted"), isNull(organisations.host)))
    .all();
  // Relays this instance follows pass public badge activities on to their other subscribers.
  return [...new Set([...inboxesOfFollowers(tx, [stewardUri, ...localCoauthors.map((o) => o.uri)]), ...acceptedRelayInboxes(tx)])];
}

/** The same audience for a pathway: its steward's followers and its local co-authors'. */
function pathwayAudienceInboxes(tx: DatabaseLike, pathwayId: string, stewardUri: string): string[] {
  const localCoauthors = tx
    .select({ uri: organisations.uri })
    .from(pathwayCoauthors)
    .innerJoin(organisations, eq(organisations.id, pathwayCoauthors.organisationId))
    .where(and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.status, "accepted"), isNull(organisations.host)))
    .all();
  return inboxesOfFollowers(tx, [stewardUri, ...localCoauthors.map((o) => o.uri)]);
}

const inboxesOfFollowers = (tx: DatabaseLike, actorUris: string[]) => [...new Set(actorUris.flatMap((uri) => followerInboxes(tx, uri)))];

/** The outbox half of FederationOutbox (the look-up needs the network: badge-lookup.ts). */
export function federationOutbox(publicUrl: string): Omit<FederationOutbox, "lookUpRemoteBadge"> {
  return {
    signAsActor(tx, actorUri, document) {
      return withActorProof(tx, actorUri, document);
    },
    badgeChanged(tx: DatabaseLike, badgeId: string, change: BadgeChange) {
      const result = publicBadgeVersion(tx, badgeId);
      const stewardUri = stewardOf(tx, badgeId);
      const activity =
        result.state === "withdrawn"
          ? deleteActivity(stewardUri, toBadgeTombstone(result.badgeUri, result.withdrawnAt, { embedded: true }))
          : (change === "published" && result.badge.version.number === 1 ? createActivity : updateActivity)(
              stewardUri,
              toBadgeObject(result.badge, { publicUrl, as: "badge", embedded: true }),
            );
      enqueueActivity(tx, {
        actorUri: stewardUri,
        document: withActorProof(tx, stewardUri, activity as unknown as JsonObject) as never,
        public: true,
        inboxes: audienceInboxes(tx, badgeId, stewardUri),
      });
    },

    endorsementChanged(tx: DatabaseLike, endorsementId: string) {
      const e = endorsementRow(tx, endorsementId);
      const { endorser, steward, badge } = endorsementParties(tx, e);
      if (endorser.host !== null) throw new Error(`endorsement ${endorsementId} is not by an organisation of this instance`);
      let activity: JsonObject;
      if (e.status === "withdrawn") {
        activity = endorsementDeleteActivity(endorser.uri, steward.uri, toEndorsementTombstone(e.uri, e.updatedAt)) as unknown as JsonObject;
      } else {
        activity = endorsementActivity(e.activityUri ? "Update" : "Create", endorsementObjectFor(tx, publicUrl, e)) as unknown as JsonObject;
        tx.update(endorsements).set({ activityUri: String(activity.id) }).where(eq(endorsements.id, e.id)).run();
      }
      // A steward of another instance hears from the endorser directly; when the steward is
      // ours, a withdrawal of what it showed goes to its audience too (no one else would tell them).
      const wasShown = e.status === "withdrawn" && e.decidedAt !== null;
      const inboxes = [
        ...followerInboxes(tx, endorser.uri),
        ...(steward.host !== null ? actorInboxes(tx, steward.uri) : wasShown ? audienceInboxes(tx, badge.id, steward.uri) : []),
      ];
      enqueueActivity(tx, {
        actorUri: endorser.uri,
        document: withActorProof(tx, endorser.uri, activity) as never,
        public: true,
        inboxes: [...new Set(inboxes)],
      });
    },

    endorsementDecided(tx: DatabaseLike, endorsementId: string) {
      const e = endorsementRow(tx, endorsementId);
      if (e.status !== "accepted" && e.status !== "declined") throw new Error(`endorsement ${endorsementId} is ${e.status}, not decided`);
      const { endorser, steward, badge } = endorsementParties(tx, e);
      if (steward.host !== null) throw new Error(`badge ${badge.id} is not stewarded here`);
      const activity = endorsementDecisionActivity(e.status === "accepted" ? "Accept" : "Reject", steward.uri, endorsementObjectFor(tx, publicUrl, e));
      const inboxes = [...(endorser.host !== null ? actorInboxes(tx, endorser.uri) : []), ...audienceInboxes(tx, badge.id, steward.uri)];
      enqueueActivity(tx, {
        actorUri: steward.uri,
        document: withActorProof(tx, steward.uri, activity as unknown as JsonObject) as never,
        public: false,
        inboxes: [...new Set(inboxes)],
      });
    },

    followRelay(tx: DatabaseLike, inboxUrl: string) {
      // Mastodon's relay subscription: the instance actor follows the Public collection.
      const follow = followActivity(instanceActorUri(publicUrl), PUBLIC_COLLECTION);
      enqueueActivity(tx, { actorUri: follow.actor, document: follow as never, public: false, inboxes: [inboxUrl] });
      return follow.id;
    },

    unfollowRelay(tx: DatabaseLike, inboxUrl: string, followActivityUri: string) {
      const follow = followActivity(instanceActorUri(publicUrl), PUBLIC_COLLECTION, { id: followActivityUri });
      const undo = undoActivity(follow);
      enqueueActivity(tx, { actorUri: follow.actor, document: undo as never, public: false, inboxes: [inboxUrl] });
    },

    pathwayChanged(tx: DatabaseLike, pathwayId: string, change: PathwayChange) {
      const result = publicPathwayVersion(tx, pathwayId);
      const stewardUri = pathwayStewardOf(tx, pathwayId);
      const activity =
        result.state === "withdrawn"
          ? deleteActivity(stewardUri, toBadgeTombstone(result.pathwayUri, result.withdrawnAt, { embedded: true }), {
              cc: pathwayCoauthorUris(tx, pathwayId),
            })
          : (change === "published" && result.pathway.version.number === 1 ? createActivity : updateActivity)(
              stewardUri,
              toPathwayObject(result.pathway, { as: "pathway", embedded: true }),
            );
      enqueueActivity(tx, {
        actorUri: stewardUri,
        document: withActorProof(tx, stewardUri, activity as unknown as JsonObject) as never,
        public: true,
        inboxes: pathwayAudienceInboxes(tx, pathwayId, stewardUri),
      });
    },

    badgeShared(tx: DatabaseLike, organisationId: string, badgeId: string) {
      const { sharer, badge, stewardUri } = shareParties(tx, organisationId, badgeId);
      const activity = announceActivity(sharer.uri, badge.uri, stewardUri);
      enqueueActivity(tx, {
        actorUri: sharer.uri,
        document: withActorProof(tx, sharer.uri, activity as unknown as JsonObject) as never,
        public: true,
        inboxes: shareInboxes(tx, sharer.uri, stewardUri),
      });
      return activity.id;
    },

    shareWithdrawn(tx: DatabaseLike, organisationId: string, badgeId: string, announceUri: string) {
      const { sharer, badge, stewardUri } = shareParties(tx, organisationId, badgeId);
      // The Announce as it was sent, so the Undo names exactly it (its id, published and
      // audience); rebuilt only if it somehow left the outbox.
      const sent = tx
        .select({ document: outboxActivities.document })
        .from(outboxActivities)
        .where(and(eq(outboxActivities.uri, announceUri), eq(outboxActivities.actorUri, sharer.uri)))
        .get()?.document as (AnnounceActivity & { proof?: unknown }) | undefined;
      const announce: AnnounceActivity & { proof?: unknown } = sent ?? announceActivity(sharer.uri, badge.uri, stewardUri, { id: announceUri });
      const { proof: _proof, ...original } = announce;
      // A share taken back is no longer listed in the outbox, as a post un-boosted leaves a
      // timeline; the Undo tells those who received it.
      tx.update(outboxActivities).set({ public: false }).where(eq(outboxActivities.uri, announceUri)).run();
      enqueueActivity(tx, {
        actorUri: sharer.uri,
        document: withActorProof(tx, sharer.uri, undoActivity(original) as unknown as JsonObject) as never,
        public: false,
        inboxes: shareInboxes(tx, sharer.uri, stewardUri),
      });
    },
  };
}

function shareParties(tx: DatabaseLike, organisationId: string, badgeId: string) {
  const sharer = tx.select().from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!sharer || sharer.host) throw new Error(`organisation ${organisationId} is not one of this instance`);
  const badge = tx.select().from(badges).where(eq(badges.id, badgeId)).get();
  if (!badge) throw new Error(`no badge ${badgeId}`);
  return { sharer, badge, stewardUri: stewardOf(tx, badgeId) };
}

/**
 * The sharer's followers, and the steward's own instance when it is another one, so the
 * steward learns who shares its badge (the Announce names it in `cc`).
 */
function shareInboxes(tx: DatabaseLike, sharerUri: string, stewardUri: string): string[] {
  const steward = tx
    .select({ inbox: remoteActors.inboxUrl, shared: remoteActors.sharedInboxUrl })
    .from(remoteActors)
    .where(eq(remoteActors.uri, stewardUri))
    .get();
  return [...new Set([...followerInboxes(tx, sharerUri), ...(steward ? [steward.shared ?? steward.inbox] : [])])];
}

/** A remote actor's inbox (its shared inbox when it has one), if we know it. */
function actorInboxes(tx: DatabaseLike, actorUri: string): string[] {
  const actor = tx
    .select({ inbox: remoteActors.inboxUrl, shared: remoteActors.sharedInboxUrl })
    .from(remoteActors)
    .where(eq(remoteActors.uri, actorUri))
    .get();
  return actor ? [actor.shared ?? actor.inbox] : [];
}

/**
 * Forwards an activity received from another instance to the audience of a badge of ours
 * (ActivityPub's inbox forwarding), signed on the wire by the steward; receivers believe
 * it on the strength of its author's own Data Integrity proof.
 */
export function forwardToBadgeAudience(tx: DatabaseLike, badgeId: string, activity: JsonObject): void {
  const stewardUri = stewardOf(tx, badgeId);
  const inboxes = audienceInboxes(tx, badgeId, stewardUri);
  if (!inboxes.length) return;
  enqueueActivity(tx, { actorUri: stewardUri, document: activity as never, public: false, inboxes });
}

function stewardOf(tx: DatabaseLike, badgeId: string): string {
  const row = tx
    .select({ uri: organisations.uri })
    .from(badges)
    .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .where(eq(badges.id, badgeId))
    .get();
  if (!row) throw new Error(`badge ${badgeId} has no steward`);
  return row.uri;
}

function pathwayStewardOf(tx: DatabaseLike, pathwayId: string): string {
  const row = tx
    .select({ uri: organisations.uri })
    .from(pathways)
    .innerJoin(organisations, eq(organisations.id, pathways.stewardOrganisationId))
    .where(eq(pathways.id, pathwayId))
    .get();
  if (!row) throw new Error(`pathway ${pathwayId} has no steward`);
  return row.uri;
}

/** Accepted co-authors of a pathway, named in a Delete's cc as its versions named them. */
function pathwayCoauthorUris(tx: DatabaseLike, pathwayId: string): string[] {
  return tx
    .select({ uri: organisations.uri })
    .from(pathwayCoauthors)
    .innerJoin(organisations, eq(organisations.id, pathwayCoauthors.organisationId))
    .where(and(eq(pathwayCoauthors.pathwayId, pathwayId), eq(pathwayCoauthors.status, "accepted")))
    .all()
    .map((o) => o.uri)
    .sort();
}
