// The activities Badge Commons sends, as pure functions from what happened to the JSON
// document. Ids live under the actor (`${actor}/activities/<uuid>`), so they are unique,
// on the actor's origin (FEP-fe34) and servable from the outbox. Delivery (signing,
// proofs, queueing) and inbox handling build on these; nothing here does I/O.
import type { BadgeObject, BadgeTombstone } from "./badge-object";
import { ENDORSEMENT_CONTEXT, type EndorsementObject, type toEndorsementTombstone } from "./endorsement-object";
import type { PathwayObject } from "./pathway-object";
import { newActivityUri } from "./uris";
import { AS_CONTEXT, BADGE_CONTEXT, PATHWAY_CONTEXT, PUBLIC_COLLECTION, SIGNED_ACTIVITY_CONTEXT } from "./vocabulary";

export interface ActivityOptions {
  // Defaults to a fresh `${actor}/activities/<uuid>`.
  id?: string;
  // Defaults to now.
  published?: Date;
}

interface Base {
  "@context": unknown;
  id: string;
  actor: string;
  published: string;
  to: string[];
  cc: string[];
}

/** What Create and Update carry: a badge's or a pathway's latest published version. */
export type PublishedObject = BadgeObject | PathwayObject;

export interface CreateActivity<O extends PublishedObject = PublishedObject> extends Base {
  type: "Create";
  object: O;
}
export interface UpdateActivity<O extends PublishedObject = PublishedObject> extends Base {
  type: "Update";
  object: O;
}
export interface DeleteActivity extends Base {
  type: "Delete";
  object: BadgeTombstone;
}
export interface AnnounceActivity extends Base {
  type: "Announce";
  object: string;
}
export interface FollowActivity extends Base {
  type: "Follow";
  object: string;
}
/** A Follow as Accept, Reject and Undo embed it: enough to find it without a fetch. */
export interface EmbeddedFollow {
  id: string;
  type: "Follow";
  actor: string;
  object: string;
}
export interface AcceptActivity extends Base {
  type: "Accept";
  object: EmbeddedFollow;
}
export interface RejectActivity extends Base {
  type: "Reject";
  object: EmbeddedFollow;
}
export interface UndoActivity extends Base {
  type: "Undo";
  object: EmbeddedFollow | Omit<AnnounceActivity, "@context">;
}

export type BadgeActivity = CreateActivity | UpdateActivity | DeleteActivity | AnnounceActivity;
export type OutgoingActivity = BadgeActivity | FollowActivity | AcceptActivity | RejectActivity | UndoActivity;

function envelope(actor: string, options: ActivityOptions, context: unknown = AS_CONTEXT) {
  return {
    "@context": context,
    id: options.id ?? newActivityUri(actor),
    actor,
    published: (options.published ?? new Date()).toISOString(),
  };
}

/** An embedded object never repeats @context: the activity's covers it. */
function embed<T extends { "@context"?: unknown }>(object: T): Omit<T, "@context"> {
  const { "@context": _context, ...rest } = object;
  return rest;
}

const followersOf = (actor: string) => `${actor}/followers`;

/** Public, to the actor's followers; the object's other addressees (co-authors) in cc. */
function badgeAudience(actor: string, object: { to?: string[]; cc?: string[] }) {
  const to = [...new Set([PUBLIC_COLLECTION, followersOf(actor), ...(object.to ?? [])])];
  const cc = [...new Set(object.cc ?? [])].filter((a) => a !== actor && !to.includes(a));
  return { to, cc };
}

// A pathway's terms differ from a badge's: the activity carries the context of its object.
const contextOf = (object: PublishedObject) => ("pathway" in object ? PATHWAY_CONTEXT : BADGE_CONTEXT);

/**
 * A badge's or pathway's first published version. `object` is toBadgeObject(…, { as: "badge" })
 * or toPathwayObject(…, { as: "pathway" }).
 */
export function createActivity<O extends PublishedObject>(actor: string, object: O, options: ActivityOptions = {}): CreateActivity<O> {
  // Both object types have an optional @context, so the embedded copy is still an O.
  return { ...envelope(actor, options, contextOf(object)), type: "Create", ...badgeAudience(actor, object), object: embed(object) as O };
}

/** A later version, or a deprecation: the same object id with new content. */
export function updateActivity<O extends PublishedObject>(actor: string, object: O, options: ActivityOptions = {}): UpdateActivity<O> {
  return { ...envelope(actor, options, contextOf(object)), type: "Update", ...badgeAudience(actor, object), object: embed(object) as O };
}

/**
 * A withdrawn badge: Delete with its Tombstone. `cc` names the co-authors, as the
 * object's own `cc` did, so their instances hear of it too. Its context defines `proof`:
 * the publisher signs it like Create and Update.
 */
export function deleteActivity(
  actor: string,
  tombstone: BadgeTombstone,
  options: ActivityOptions & { cc?: string[] } = {},
): DeleteActivity {
  return {
    ...envelope(actor, options, SIGNED_ACTIVITY_CONTEXT),
    type: "Delete",
    ...badgeAudience(actor, { cc: options.cc }),
    object: embed(tombstone),
  };
}

/**
 * An organisation shares a peer's badge with its followers. `objectOwner` (the badge's
 * steward) is copied so its instance learns of the share.
 */
export function announceActivity(
  actor: string,
  objectUri: string,
  objectOwner: string,
  options: ActivityOptions = {},
): AnnounceActivity {
  return {
    ...envelope(actor, options),
    type: "Announce",
    to: [PUBLIC_COLLECTION, followersOf(actor)],
    cc: objectOwner === actor ? [] : [objectOwner],
    object: objectUri,
  };
}

export function followActivity(actor: string, target: string, options: ActivityOptions = {}): FollowActivity {
  return { ...envelope(actor, options), type: "Follow", to: [target], cc: [], object: target };
}

const embeddedFollow = (follow: Pick<EmbeddedFollow, "id" | "actor" | "object">): EmbeddedFollow => ({
  id: follow.id,
  type: "Follow",
  actor: follow.actor,
  object: follow.object,
});

/**
 * The followed actor accepts `follow`. The Follow is embedded whole (id, actor, object)
 * as Mastodon sends it, so the follower can match it even if it kept no record of its id.
 */
export function acceptActivity(follow: Pick<EmbeddedFollow, "id" | "actor" | "object">, options: ActivityOptions = {}): AcceptActivity {
  return { ...envelope(follow.object, options), type: "Accept", to: [follow.actor], cc: [], object: embeddedFollow(follow) };
}

export function rejectActivity(follow: Pick<EmbeddedFollow, "id" | "actor" | "object">, options: ActivityOptions = {}): RejectActivity {
  return { ...envelope(follow.object, options), type: "Reject", to: [follow.actor], cc: [], object: embeddedFollow(follow) };
}

/** Takes back a Follow or an Announce the same actor sent; addressed as the original was. */
export function undoActivity(original: FollowActivity | AnnounceActivity, options: ActivityOptions = {}): UndoActivity {
  const object = original.type === "Follow" ? embeddedFollow(original) : embed(original);
  return { ...envelope(original.actor, options), type: "Undo", to: original.to, cc: original.cc, object };
}

// Endorsements (FEDERATION.md, "Endorsements"): the endorser's Create, Update and Delete of
// its endorsement, and the steward's Accept or Reject of it.

export interface EndorsementActivity extends Base {
  type: "Create" | "Update";
  object: Omit<EndorsementObject, "@context">;
}

/** The endorser creates or updates its endorsement: public, to its followers, the steward in cc. */
export function endorsementActivity(type: "Create" | "Update", object: EndorsementObject, options: ActivityOptions = {}): EndorsementActivity {
  const actor = object.attributedTo;
  return { ...envelope(actor, options, ENDORSEMENT_CONTEXT), type, to: object.to, cc: object.cc, object: embed(object) };
}

/** The endorser withdraws its endorsement. */
export function endorsementDeleteActivity(actor: string, stewardUri: string, tombstone: ReturnType<typeof toEndorsementTombstone>, options: ActivityOptions = {}) {
  return {
    ...envelope(actor, options, SIGNED_ACTIVITY_CONTEXT),
    type: "Delete" as const,
    to: [PUBLIC_COLLECTION, followersOf(actor)],
    cc: [stewardUri],
    object: tombstone,
  };
}

/**
 * The steward accepts an endorsement of its badge, carrying it whole (its credential signed
 * by the endorser), so every instance holding the badge can show it; or declines it, naming
 * it only. To the endorser, and to the steward's followers.
 */
export function endorsementDecisionActivity(
  type: "Accept" | "Reject",
  steward: string,
  endorsement: EndorsementObject,
  options: ActivityOptions = {},
) {
  return {
    ...envelope(steward, options, type === "Accept" ? ENDORSEMENT_CONTEXT : SIGNED_ACTIVITY_CONTEXT),
    type,
    to: [endorsement.attributedTo],
    cc: type === "Accept" ? [PUBLIC_COLLECTION, followersOf(steward)] : [followersOf(steward)],
    object: type === "Accept" ? embed(endorsement) : endorsement.id,
  };
}
