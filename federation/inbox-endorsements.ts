// Endorsements (FEDERATION.md, "Endorsements"). The credential inside the endorsement
// object is what counts: it must carry a valid proof by its issuer, and the issuer must be
// the actor that sent it (or, in a steward's Accept, the endorser the steward names).
import { eq } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { badges, endorsements, versions } from "../db/schema";
import { applyRemoteBadgeVersion } from "../app/services/remote-badges.server";
import {
  applyStewardDecision,
  compareCopies,
  findEndorsementByUri,
  receiveEndorsement,
  withdrawReceivedEndorsement,
  type ReceivedEndorsement,
  type ReceivedOutcome,
} from "../app/services/received-endorsements.server";
import { isEndorsementObject, readEndorsementObject } from "./endorsement-object";
import { idOf, origin, Refused, typeOf, type Activity, type InboxDeps, type Plan } from "./inbox-plan";

/** The endorsement object of a Create, Update, Accept or Reject, read, with its proof checked. */
async function checkedEndorsement(deps: InboxDeps, object: unknown): Promise<ReceivedEndorsement> {
  const read = readEndorsementObject(object);
  if (!read.ok) throw new Refused(422, `Not an endorsement we can accept: ${read.error}.`);
  const e = read.endorsement;
  const proof = await deps.verifyProof(e.credential);
  if (!proof.ok) throw new Refused(401, `The endorsement's credential does not verify: ${proof.reason}`);
  if (proof.controller !== e.endorserUri) throw new Refused(401, `The endorsement's credential is signed by ${proof.controller}, not by its issuer ${e.endorserUri}.`);
  return e;
}

/**
 * The version an endorsement names, fetched from the badge's home when a badge held here
 * lacks it (say it was published before we followed): the endorsement is checked against
 * the version as its steward serves it, never against what the endorser says it is.
 */
async function versionToFetch(deps: InboxDeps, e: ReceivedEndorsement) {
  if (deps.db.select({ id: versions.id }).from(versions).where(eq(versions.uri, e.versionUri)).get()) return null;
  if (origin(e.versionUri) === origin(deps.publicUrl) || origin(e.versionUri) !== origin(e.badgeUri)) return null; // refused by the service
  const version = deps.readBadgeVersion(await deps.fetchObject(e.versionUri));
  if (!version || version.versionUri !== e.versionUri || version.badgeUri !== e.badgeUri) {
    throw new Refused(422, "The endorsed version is not a version of that badge at its home.");
  }
  return version;
}

const badgeHeld = (db: DatabaseLike, uri: string) => db.select({ id: badges.id }).from(badges).where(eq(badges.uri, uri)).get()?.id ?? null;

function endorsementPlan(deps: InboxDeps, reason: string, change: (tx: DatabaseLike) => ReceivedOutcome | null): Plan {
  let outcome: ReceivedOutcome | null = null;
  return {
    reason,
    apply: (tx) => {
      outcome = change(tx);
    },
    after: () => {
      if (outcome?.changed) deps.onEndorsementsChanged?.(outcome.endorsement.badgeId);
    },
  };
}

export async function planEndorsement(deps: InboxDeps, activity: Activity, actorUri: string): Promise<Plan> {
  const e = { ...(await checkedEndorsement(deps, activity.object)), activityUri: activity.id };
  if (e.endorserUri !== actorUri) throw new Refused(403, "Only the endorser creates or updates its endorsement.");
  const endorser = await deps.actors.get(actorUri);
  if (!endorser.organisationId) throw new Refused(422, "Only organisations endorse badges.");
  if (!badgeHeld(deps.db, e.badgeUri)) {
    if (origin(e.badgeUri) === origin(deps.publicUrl)) throw new Refused(422, `There is no badge ${e.badgeUri} here.`);
    // An endorser's followers get its endorsements of badges from anywhere; we show those of badges held here.
    return { reason: "The endorsed badge is not held here.", ignored: true };
  }
  const version = await versionToFetch(deps, e);
  return endorsementPlan(deps, "Endorsement received.", (tx) => {
    if (version) applyRemoteBadgeVersion(tx, version.stewardUri, version);
    const outcome = receiveEndorsement(tx, e);
    // A steward of ours that accepts automatically answers at once.
    if (outcome.changed && outcome.stewardIsLocal && outcome.endorsement.status === "accepted") deps.replies.endorsementDecided(tx, outcome.endorsement.id);
    return outcome;
  });
}

export async function planEndorsementDecision(deps: InboxDeps, type: "Accept" | "Reject", activity: Activity, actorUri: string): Promise<Plan> {
  const decision = type === "Accept" ? "accepted" : "declined";
  const object = activity.object;
  if (!isEndorsementObject(object)) {
    const uri = object as string;
    return endorsementPlan(deps, `Endorsement ${decision}.`, (tx) => applyStewardDecision(tx, actorUri, decision, { uri }));
  }
  // Our own organisations' endorsements are held here as made: the decision is all we take.
  const read = readEndorsementObject(object);
  if (read.ok && origin(read.endorsement.endorserUri) === origin(deps.publicUrl)) {
    const { uri } = read.endorsement;
    const held = findEndorsementByUri(deps.db, uri);
    if (!held) throw new Refused(422, "There is no such endorsement here.");
    // A decision on words since replaced (a renewal crossing it) is stale.
    if (compareCopies(held, read.endorsement) !== "same") return { reason: "A decision on another copy of the endorsement than the one held.", ignored: true };
    return endorsementPlan(deps, `Endorsement ${decision}.`, (tx) => applyStewardDecision(tx, actorUri, decision, { uri }));
  }
  const e = await checkedEndorsement(deps, object);
  if (!badgeHeld(deps.db, e.badgeUri)) return { reason: "The endorsed badge is not held here.", ignored: true };
  if (decision === "accepted") {
    const endorser = await deps.actors.get(e.endorserUri);
    if (!endorser.organisationId) throw new Refused(422, "Only organisations endorse badges.");
  }
  const version = decision === "accepted" ? await versionToFetch(deps, e) : null;
  return endorsementPlan(deps, `Endorsement ${decision}.`, (tx) => {
    if (version) applyRemoteBadgeVersion(tx, version.stewardUri, version);
    return applyStewardDecision(tx, actorUri, decision, decision === "accepted" ? e : { uri: e.uri });
  });
}

/** Delete or Undo of an endorsement by its endorser; a steward of ours passes it on to its audience. */
export function planEndorsementWithdrawal(deps: InboxDeps, activity: Activity, actorUri: string, uri: string): Plan {
  return endorsementPlan(deps, "Endorsement withdrawn.", (tx) => {
    const outcome = withdrawReceivedEndorsement(tx, actorUri, uri);
    // Those who showed it heard of it from our Accept; the endorser's own proof lets them
    // believe the withdrawal we forward.
    if (outcome?.changed && outcome.stewardIsLocal && outcome.wasShown && (activity as { proof?: unknown }).proof) {
      deps.replies.forwardToBadgeAudience(tx, outcome.endorsement.badgeId, activity);
    }
    return outcome;
  });
}

/** The endorsement an Undo takes back: its Create or Update, embedded or by id. */
export function undoneEndorsement(db: DatabaseLike, object: unknown): string | null {
  if (typeof object === "string") {
    return db.select({ uri: endorsements.uri }).from(endorsements).where(eq(endorsements.activityUri, object)).get()?.uri ?? null;
  }
  const inner = (object as { object?: unknown } | undefined)?.object;
  const types = typeOf(object);
  if ((types.includes("Create") || types.includes("Update")) && isEndorsementObject(inner)) return idOf(inner);
  return null;
}
