// Receiving activities. Order matters: read and parse the body, verify the HTTP signature
// (or, for forwarded activities, the actor's Data Integrity proof), check that the signer
// is the actor and that the activity lives on the actor's origin, drop what was seen
// before, then do any fetching the activity needs and apply it in one transaction together
// with the record that it was received. Nothing is applied before all of that holds.
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DatabaseLike } from "../db/client";
import { badges, follows, inboxActivities, versions, type Follow } from "../db/schema";
import { isDomainError } from "../app/services/errors";
import { answerFollow, recordIncomingFollow, removeFollow } from "../app/services/follows.server";
import { findLocalOrganisationByUri } from "../app/services/organisations.server";
import { applyRemoteBadgeVersion, withdrawRemoteBadge, type RemoteBadgeVersion } from "../app/services/remote-badges.server";
import { isRecordedShare, recordRemoteShare, removeRemoteShare } from "../app/services/shares.server";
import { isFetchError, type FetchError, type RemoteError } from "./fetch-errors";
import { groupCommit } from "./group-commit";
import type { ActorDirectory } from "./remote-actors";
import type { ProofResult } from "./proof";
import { verifyRequest, type IncomingRequest, type KeyResolver } from "./signature-verify";

/** Larger bodies are refused before parsing; a badge version with long criteria fits easily. */
export const INBOX_BODY_LIMIT = 512 * 1024;

export interface InboxReplies {
  /** Inside the transaction that records the follow: queue our Accept to the follower. */
  acceptFollow(tx: DatabaseLike, follow: Follow, followActivity: Record<string, unknown>): void;
}

export interface InboxDeps {
  db: Db;
  publicUrl: string;
  keys: KeyResolver;
  actors: ActorDirectory;
  /** GET a document from its own origin, signed, refusing one whose id is not the URL. */
  fetchObject(url: string): Promise<unknown>;
  /** A badge version object as our domain reads it; null when the object is something else. */
  readBadgeVersion(object: unknown): (RemoteBadgeVersion & { imageUrl?: string | null }) | null;
  /** Our copy of a remote image; null when it cannot be had. */
  mirrorImage(url: string): Promise<string | null>;
  verifyProof(document: unknown): Promise<ProofResult>;
  replies: InboxReplies;
  /** After commit: a follow of ours was accepted (start back-filling its outbox). */
  onFollowAccepted?(follow: Follow): void;
  /** After commit: a remote badge changed here. */
  onRemoteBadgeChanged?(badgeId: string): void;
}

export interface InboxAnswer {
  status: number;
  reason: string;
}

const httpUrl = z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "only http(s)");
const reference = z.union([httpUrl, z.object({ id: httpUrl }).passthrough()]);
const Envelope = z
  .object({
    id: httpUrl,
    type: z.union([z.string(), z.array(z.string()).nonempty()]),
    actor: reference,
    object: z.unknown().optional(),
  })
  .passthrough();
type Activity = z.infer<typeof Envelope>;

const idOf = (value: unknown): string | null => {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string") return (value as { id: string }).id;
  return null;
};
const typeOf = (value: unknown): string[] => {
  const t = value && typeof value === "object" ? (value as { type?: unknown }).type : undefined;
  return typeof t === "string" ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
};
const origin = (uri: string) => new URL(uri).origin;

const KNOWN = ["Follow", "Undo", "Accept", "Reject", "Create", "Update", "Delete", "Announce"] as const;
type Known = (typeof KNOWN)[number];

/** What applying an activity takes, prepared outside the transaction (fetches are async). */
interface Plan {
  reason: string;
  /** The badge a badge activity concerns, once read. */
  badgeUri?: string;
  apply?: (tx: DatabaseLike) => void;
  after?: () => void;
  ignored?: boolean;
}

// The two statements every received activity runs, prepared once per database: building
// and preparing a query through drizzle costs several times what running it does.
function prepareStatements(db: Db) {
  return {
    // Applied or ignored: received, not to be applied again. A refusal does not count: the
    // sender may deliver the same activity again once what failed (often fetching from a
    // peer that was down) works, and that delivery is looked at afresh.
    seen: db
      .select({ uri: inboxActivities.uri })
      .from(inboxActivities)
      .where(and(eq(inboxActivities.uri, sql.placeholder("uri")), ne(inboxActivities.status, "rejected")))
      .prepare(),
    record: db
      .insert(inboxActivities)
      .values({
        uri: sql.placeholder("uri"),
        actorUri: sql.placeholder("actorUri"),
        type: sql.placeholder("type"),
        status: sql.placeholder("status"),
        reason: sql.placeholder("reason"),
        receivedAt: sql.placeholder("receivedAt"),
      })
      // Takes the place of an earlier refusal of the same activity; never of a received one.
      .onConflictDoUpdate({
        target: inboxActivities.uri,
        set: {
          actorUri: sql`excluded.actor_uri`,
          type: sql`excluded.type`,
          status: sql`excluded.status`,
          reason: sql`excluded.reason`,
          receivedAt: sql`excluded.received_at`,
        },
        setWhere: eq(inboxActivities.status, "rejected"),
      })
      .prepare(),
  };
}
const prepared = new WeakMap<Db, ReturnType<typeof withGroupCommit>>();
// The record of an activity with nothing to apply is committed with the others of the same
// turn of the event loop (group-commit.ts), before its sender is answered.
const withGroupCommit = (db: Db) => {
  const s = prepareStatements(db);
  return { ...s, recordInGroup: groupCommit(db.$client, (row: Parameters<typeof s.record.run>[0]) => s.record.run(row).changes > 0) };
};
function statements(db: Db) {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = withGroupCommit(db)));
  return s;
}

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

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

  const { seen, record: recordReceived, recordInGroup } = statements(deps.db);
  if (seen.get({ uri: activity.id })) return { status: 202, reason: "Already received." };
  const type = typeOf(activity).find((t): t is Known => (KNOWN as readonly string[]).includes(t));
  let plan: Plan;
  try {
    plan = type ? await planFor(deps, type, activity, actorUri) : { reason: `${typeOf(activity).join(", ")} is not handled here.`, ignored: true };
  } catch (e) {
    const refused = asRefusal(e);
    record(deps.db, activity, actorUri, "rejected", refused.message);
    return { status: refused.status, reason: refused.message };
  }

  const received = { uri: activity.id, actorUri, type: type ?? typeOf(activity).join(","), status: plan.ignored ? "ignored" : "applied", reason: plan.reason, receivedAt: new Date() };
  try {
    // Nothing to apply (most of what a busy inbox gets): the record alone, committed with
    // the others of this moment. Otherwise the record and the change commit together.
    const { apply } = plan;
    const applied = apply
      ? deps.db.transaction((tx) => {
          if (!recordReceived.run(received).changes) return false; // the same activity, delivered twice at once
          apply(tx);
          return true;
        })
      : await recordInGroup(received);
    if (!applied) return { status: 202, reason: "Already received." };
  } catch (e) {
    const refused = asRefusal(e);
    record(deps.db, activity, actorUri, "rejected", refused.message);
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

/** Keeps the latest refusal for the operator to read; never overwrites an applied activity. */
function record(db: Db, activity: Activity, actorUri: string, status: "rejected", reason: string) {
  statements(db).record.run({ uri: activity.id, actorUri, type: typeOf(activity).join(","), status, reason, receivedAt: new Date() });
}


/** Someone here follows the actor, or has asked to (a Create may overtake the Accept). */
const followsActor = (db: DatabaseLike, actorUri: string) =>
  !!db
    .select({ f: follows.followerUri })
    .from(follows)
    .where(and(eq(follows.followingUri, actorUri), ne(follows.status, "rejected")))
    .limit(1)
    .get();

async function planFor(deps: InboxDeps, type: Known, activity: Activity, actorUri: string): Promise<Plan> {
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
      return planBadgeVersion(deps, activity, actorUri, activity.object, { announced: false });
    case "Announce":
      return planAnnounce(deps, activity, actorUri);
    case "Delete": {
      const objectUri = idOf(activity.object);
      if (!objectUri) throw new Refused(400, "The Delete does not name what it deletes.");
      if (objectUri === actorUri) return { reason: "The actor is gone.", apply: (tx) => void tx.delete(follows).where(eq(follows.followerUri, actorUri)).run() };
      if (origin(objectUri) !== origin(actorUri)) throw new Refused(403, "Only its owner deletes an object.");
      let badgeId: string | null = null;
      return {
        reason: "Withdrawn.",
        apply: (tx) => {
          badgeId = withdrawRemoteBadge(tx, actorUri, objectUri)?.badgeId ?? null;
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
  const plan = await planBadgeVersion(deps, activity, actorUri, activity.object, { announced: true });
  if (plan.ignored || !plan.badgeUri) return plan;
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
async function planBadgeVersion(deps: InboxDeps, activity: Activity, actorUri: string, object: unknown, options: { announced: boolean }): Promise<Plan> {
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
  const version = deps.readBadgeVersion(document);
  if (!version) return { reason: "Not a badge definition; nothing to do.", ignored: true };
  // Badges from organisations nobody here follows are not wanted, unless already held;
  // an Announce counts when someone here follows whoever shared it.
  const wanted = followsActor(deps.db, version.stewardUri) || held(version.badgeUri) || (options.announced && followsActor(deps.db, actorUri));
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
