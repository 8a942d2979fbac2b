// Following organisations of other instances: find them by `@handle@host` (WebFinger) or
// by any URL of theirs, ask to follow (a Follow queued with the pending follow, in one
// transaction), stop following (Undo), and back-fill their published badges from their
// outbox once they accept (their pathways come with them).
import type { Db } from "../db/client";
import type { Follow, RemoteActor } from "../db/schema";
import { ValidationError } from "../app/services/errors";
import { getLocalOrganisationById } from "../app/services/organisations.server";
import { recordBackfillProgress, requestFollow, stopFollowing } from "../app/services/follows.server";
import { applyRemoteBadgeVersion, withdrawRemoteBadge, type RemoteBadgeVersion } from "../app/services/remote-badges.server";
import { applyRemotePathwayVersion, withdrawRemotePathway, type RemotePathwayVersion } from "../app/services/remote-pathways.server";
import { followActivity, undoActivity } from "./activities";
import type { Fetcher } from "./fetcher";
import { mirrorNewVersionImage } from "./inbox";
import { enqueueActivity } from "./outbox";
import type { ActorDirectory } from "./remote-actors";
import { newActivityUri } from "./uris";
import type { SigningKey } from "./http-signatures";

export interface FollowingDeps {
  db: Db;
  publicUrl: string;
  fetcher: Fetcher;
  actors: ActorDirectory;
  /** The instance actor's key: GETs are signed on the instance's behalf. */
  instanceKey: SigningKey;
  readBadgeVersion(object: unknown): (RemoteBadgeVersion & { imageUrl?: string | null }) | null;
  /** A pathway version object as our domain reads it; null when the object is something else. */
  readPathwayVersion(object: unknown): RemotePathwayVersion | null;
  mirrorImage(url: string): Promise<string | null>;
  /** Try plain http after https (operators of test and demo set-ups on loopback). */
  allowPlainHttp: boolean;
  onRemoteBadgeChanged?(badgeId: string): void;
}

const HANDLE = /^@?([\p{L}\p{N}._-]+)@([a-z0-9.-]+(?::\d{1,5})?)$/iu;

/** The organisation a person typed: `@handle@host`, `acct:handle@host`, or a URL of it or of one of its badges. */
export async function resolveOrganisation(deps: FollowingDeps, input: string): Promise<RemoteActor> {
  const text = input.trim().replace(/^acct:/i, "");
  const handle = HANDLE.exec(text);
  let actorUri: string;
  if (handle) {
    actorUri = await webfinger(deps, handle[1], handle[2]);
  } else if (/^https?:\/\//i.test(text)) {
    const { document } = await deps.fetcher.getDocument(text, { signAs: deps.instanceKey });
    const attributed = document.attributedTo;
    const first = Array.isArray(attributed) ? attributed[0] : attributed;
    actorUri = typeof document.inbox === "string" ? String(document.id) : typeof first === "string" ? first : typeof (first as { id?: unknown })?.id === "string" ? (first as { id: string }).id : "";
    if (!actorUri) throw new ValidationError("That page is neither an organisation nor one of its badges.", { handle: ["Paste an organisation's address or one of its badges."] });
  } else {
    throw new ValidationError("Enter @handle@host or a URL.", { handle: ["Enter an organisation as @handle@host, or paste a URL of it."] });
  }
  if (new URL(actorUri).origin === new URL(deps.publicUrl).origin) {
    throw new ValidationError("That organisation is on this instance.", { handle: ["That organisation is on this instance; its badges are already here."] });
  }
  const actor = await deps.actors.get(actorUri, { refresh: true });
  if (actor.type !== "Organization") {
    throw new ValidationError("Only organisations can be followed here.", { handle: [`${actor.handle}@${actor.host} is a ${actor.type.toLowerCase()}, not an organisation.`] });
  }
  return actor;
}

async function webfinger(deps: FollowingDeps, user: string, host: string): Promise<string> {
  const schemes = deps.allowPlainHttp ? ["https", "http"] : ["https"];
  let lastError: unknown;
  for (const scheme of schemes) {
    try {
      const url = `${scheme}://${host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${user}@${host}`)}`;
      const { document } = await deps.fetcher.getJson(url, { accept: "application/jrd+json, application/json" });
      const links = Array.isArray(document.links) ? (document.links as Record<string, unknown>[]) : [];
      const self = links.find((l) => l.rel === "self" && typeof l.href === "string" && /activity\+json|ld\+json/.test(String(l.type ?? "")));
      if (!self) throw new Error("no ActivityPub actor in its WebFinger answer");
      return self.href as string;
    } catch (e) {
      lastError = e;
    }
  }
  throw new ValidationError(`Could not find @${user}@${host}.`, {
    handle: [`Could not find @${user}@${host}: ${lastError instanceof Error ? lastError.message : "no answer"}.`],
  });
}

/** An admin of `organisationId` follows the organisation `input` names. */
export async function followOrganisation(deps: FollowingDeps, userId: string, organisationId: string, input: string): Promise<Follow> {
  const target = await resolveOrganisation(deps, input);
  return deps.db.transaction((tx) => {
    const followerUri = getLocalOrganisationById(tx, organisationId).uri;
    const activity = followActivity(followerUri, target.uri, { id: newActivityUri(followerUri) });
    const follow = requestFollow(tx, userId, { organisationId, followingUri: target.uri, activityUri: activity.id });
    enqueueActivity(tx, { actorUri: followerUri, document: activity as never, public: false, inboxes: [target.inboxUrl] });
    return follow;
  });
}

/** An admin stops following: the follow goes and an Undo tells the other side. */
export function unfollowOrganisation(deps: Pick<FollowingDeps, "db">, userId: string, organisationId: string, followingUri: string): void {
  deps.db.transaction((tx) => {
    const follow = stopFollowing(tx, userId, { organisationId, followingUri });
    const target = tx.query.remoteActors.findFirst({ where: (a, { eq: equals }) => equals(a.uri, followingUri) }).sync();
    if (!target) return;
    const original = followActivity(follow.followerUri, followingUri, { id: follow.activityUri });
    enqueueActivity(tx, { actorUri: follow.followerUri, document: undoActivity(original) as never, public: false, inboxes: [target.inboxUrl] });
  });
}

const MAX_BACKFILL_PAGES = 50;
const MAX_BACKFILL_ITEMS = 2000;

const idOf = (v: unknown) => (typeof v === "string" ? v : v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string" ? (v as { id: string }).id : null);

/**
 * Reads the followed organisation's outbox (from its own origin, so its embedded objects
 * are its own) and applies its badge activities oldest first, so a withdrawal read before
 * the Create it undoes still wins. Progress is recorded page by page for the follow page.
 */
export async function backfillOutbox(deps: FollowingDeps, follow: Pick<Follow, "followerUri" | "followingUri">): Promise<{ applied: number; total: number }> {
  const actor = await deps.actors.get(follow.followingUri);
  if (!actor.outboxUrl) {
    // Nothing published to read (outbox is optional): done, or the follow would show
    // "Fetching their badges…" forever and be back-filled again at every start.
    recordBackfillProgress(deps.db, follow.followerUri, follow.followingUri, 0, 0);
    return { applied: 0, total: 0 };
  }
  const { document: outbox } = await deps.fetcher.getDocument(actor.outboxUrl, { signAs: deps.instanceKey });
  const total = typeof outbox.totalItems === "number" ? Math.min(outbox.totalItems, MAX_BACKFILL_ITEMS) : null;
  recordBackfillProgress(deps.db, follow.followerUri, follow.followingUri, 0, total);

  const items: unknown[] = Array.isArray(outbox.orderedItems) ? [...outbox.orderedItems] : [];
  let next: string | null = idOf(outbox.first);
  if (outbox.first && typeof outbox.first === "object" && Array.isArray((outbox.first as { orderedItems?: unknown }).orderedItems)) {
    items.push(...((outbox.first as { orderedItems: unknown[] }).orderedItems));
    next = idOf((outbox.first as { next?: unknown }).next);
  }
  for (let pages = 0; next && pages < MAX_BACKFILL_PAGES && items.length < MAX_BACKFILL_ITEMS; pages++) {
    if (new URL(next).origin !== new URL(actor.uri).origin) break;
    const { document: page } = await deps.fetcher.getDocument(next, { signAs: deps.instanceKey });
    items.push(...(Array.isArray(page.orderedItems) ? page.orderedItems : []));
    next = idOf(page.next);
    recordBackfillProgress(deps.db, follow.followerUri, follow.followingUri, Math.min(items.length, total ?? items.length), total);
  }

  let applied = 0;
  const origin = new URL(actor.uri).origin;
  // Co-authors on other instances are looked up before their badge is stored, as the inbox
  // does, so the copy here names them; each once per back-fill, and one we cannot reach is
  // simply left out.
  const ownOrigin = new URL(deps.publicUrl).origin;
  const lookedUp = new Set<string>();
  const knowCoauthors = (uris: string[] | undefined) =>
    Promise.all(
      (uris ?? [])
        .filter((uri) => new URL(uri).origin !== ownOrigin && !lookedUp.has(uri) && lookedUp.add(uri))
        .map((uri) => deps.actors.get(uri).catch(() => null)),
    );
  for (const item of items.reverse()) {
    if (!item || typeof item !== "object") continue;
    const activity = item as Record<string, unknown>;
    if (idOf(activity.actor) !== actor.uri) continue;
    try {
      if (activity.type === "Delete") {
        const uri = idOf(activity.object);
        const withdrawn = uri ? withdrawRemoteBadge(deps.db, actor.uri, uri) : null;
        if (withdrawn) deps.onRemoteBadgeChanged?.(withdrawn.badgeId);
        else if (uri) withdrawRemotePathway(deps.db, actor.uri, uri);
        continue;
      }
      if (activity.type !== "Create" && activity.type !== "Update") continue;
      const objectId = idOf(activity.object);
      if (!objectId || new URL(objectId).origin !== origin) continue;
      const pathway = deps.readPathwayVersion(activity.object);
      if (pathway) {
        await knowCoauthors(pathway.coauthorUris);
        applyRemotePathwayVersion(deps.db, actor.uri, pathway);
        applied++;
        continue;
      }
      const version = deps.readBadgeVersion(activity.object);
      if (!version) continue;
      await knowCoauthors(version.coauthorUris);
      await mirrorNewVersionImage(deps, version);
      const result = applyRemoteBadgeVersion(deps.db, actor.uri, version);
      applied++;
      deps.onRemoteBadgeChanged?.(result.badgeId);
    } catch {
      // One unreadable or refused item does not stop the rest; it is simply not shown.
    }
  }
  const done = total ?? items.length;
  recordBackfillProgress(deps.db, follow.followerUri, follow.followingUri, done, done);
  return { applied, total: done };
}
