// Looking up a badge of another instance by its URL, for services that name one (a pasted
// prerequisite): fetched from its own origin through the guarded fetcher, signed as the
// instance actor, read and checked as the inbox reads a badge object (content, origins,
// hash), its steward and image fetched as for a delivered version, and stored with
// applyRemoteBadgeVersion. An answer that it is gone (404, 410, a Tombstone) withdraws a
// copy held here. Nothing the other side answers is thrown: the caller gets a status.
// Every answer about a copy held here is recorded for the periodic refresh
// (app/services/remote-badge-cache.server.ts): had now, found gone, or failed for now.
import type { Db } from "../db/client";
import type { RemoteBadgeLookup } from "../app/services/federation-outbox";
import { isDomainError } from "../app/services/errors";
import { prerequisiteUris, PrerequisitesSchema } from "../app/services/prerequisites";
import { applyRemoteBadgeVersion, recordRemoteBadgeGone, type RemoteBadgeVersion } from "../app/services/remote-badges.server";
import {
  DEFAULT_REMOTE_BADGE_CACHE_POLICY,
  recordRemoteBadgeCheckFailed,
  recordRemoteBadgeFetched,
  type RemoteBadgeCachePolicy,
} from "../app/services/remote-badge-cache.server";
import { isFetchError, type RemoteError } from "./fetch-errors";
import type { Fetcher } from "./fetcher";
import type { SigningKey } from "./http-signatures";
import { mirrorNewVersionImage } from "./inbox";
import { ActorDocumentError, type ActorDirectory } from "./remote-actors";

export interface BadgeLookupDeps {
  db: Db;
  publicUrl: string;
  fetcher: Fetcher;
  actors: ActorDirectory;
  instanceKey: SigningKey;
  readBadgeVersion(object: unknown): (RemoteBadgeVersion & { imageUrl?: string | null }) | null;
  mirrorImage(url: string): Promise<string | null>;
  onRemoteBadgeChanged?(badgeId: string): void;
  /** When copies fetched here are due again; the defaults unless the operator set them. */
  cachePolicy?: RemoteBadgeCachePolicy;
}

export interface LookUpOptions {
  /** Ask again even for a URL that failed a moment ago. */
  refresh?: boolean;
  /** The time the answer is recorded at (the refresh pass's clock); now by default. */
  at?: Date;
}

export type RemoteBadgeLookUp = (uri: string, options?: LookUpOptions) => Promise<RemoteBadgeLookup>;

// A URL that could not be had is not asked again for this long (unless refreshing): an
// editor's every pause would otherwise refetch a dead address.
const FAILURE_REMEMBERED_MS = 5 * 60 * 1000;
const REMEMBERED_MAX = 1000;

const origin = (uri: string) => new URL(uri).origin;
const typesOf = (doc: Record<string, unknown>) => [doc.type].flat().filter((t): t is string => typeof t === "string");

export function remoteBadgeLookup(deps: BadgeLookupDeps): RemoteBadgeLookUp {
  const inFlight = new Map<string, Promise<RemoteBadgeLookup>>();
  const failed = new Map<string, { at: number; answer: RemoteBadgeLookup }>();

  const remember = (uri: string, answer: RemoteBadgeLookup) => {
    if (answer.status !== "unavailable") return void failed.delete(uri);
    if (failed.size >= REMEMBERED_MAX) failed.delete(failed.keys().next().value!);
    failed.set(uri, { at: Date.now(), answer });
  };

  return (uri, options = {}) => {
    let own: boolean;
    try {
      own = origin(uri) === origin(deps.publicUrl);
    } catch {
      return Promise.resolve({ status: "unavailable", reason: "That is not a URL." });
    }
    if (own) return Promise.resolve({ status: "unavailable", reason: "That address is on this instance." });
    const recent = failed.get(uri);
    if (recent && !options.refresh && Date.now() - recent.at < FAILURE_REMEMBERED_MS) return Promise.resolve(recent.answer);
    const pending = inFlight.get(uri);
    if (pending) return pending;
    const lookup = lookUp(deps, uri, options.at ?? new Date())
      .then((answer) => {
        remember(uri, answer);
        return answer;
      })
      .finally(() => inFlight.delete(uri));
    inFlight.set(uri, lookup);
    return lookup;
  };
}

async function lookUp(deps: BadgeLookupDeps, uri: string, at: Date): Promise<RemoteBadgeLookup> {
  const policy = deps.cachePolicy ?? DEFAULT_REMOTE_BADGE_CACHE_POLICY;
  // Not to be had for now: a copy held stays as it is, and is asked for again later.
  const failedForNow = (reason: string): RemoteBadgeLookup => {
    recordRemoteBadgeCheckFailed(deps.db, uri, at, reason, policy);
    return { status: "unavailable", reason };
  };
  let document: Record<string, unknown>;
  try {
    document = (await deps.fetcher.getDocument(uri, { signAs: deps.instanceKey })).document;
  } catch (e) {
    const status = isFetchError(e, "remote") ? (e as RemoteError).status : 0;
    if (status === 404 || status === 410) return gone(deps, uri, `Its instance answered ${status}.`, at, policy);
    return failedForNow(e instanceof Error ? e.message : String(e));
  }
  if (typesOf(document).includes("Tombstone")) return gone(deps, uri, "Its instance says it was deleted.", at, policy);
  try {
    const version = deps.readBadgeVersion(document);
    if (!version) return failedForNow("The address is not a badge.");
    // As the inbox does for a delivered version: the steward's organisation first (the
    // version names it), co-authors where they can be reached, then our copy of the image.
    await deps.actors.get(version.stewardUri);
    const ownOrigin = origin(deps.publicUrl);
    await Promise.all(
      (version.coauthorUris ?? []).filter((a) => origin(a) !== ownOrigin).map((a) => deps.actors.get(a).catch(() => null)),
    );
    await mirrorNewVersionImage(deps, version);
    const applied = deps.db.transaction((tx) => {
      const stored = applyRemoteBadgeVersion(tx, version.stewardUri, version);
      recordRemoteBadgeFetched(tx, stored.badgeId, at, policy);
      return stored;
    });
    deps.onRemoteBadgeChanged?.(applied.badgeId);
    return {
      status: "found",
      restored: applied.restored,
      badgeUri: version.badgeUri,
      badgeId: applied.badgeId,
      name: version.content.name,
      prerequisiteUris: prerequisiteUris(PrerequisitesSchema.parse(version.content.prerequisites ?? [])),
    };
  } catch (e) {
    // What the other side sent cannot be used (refused content, an unreachable steward):
    // said to the caller. Anything else is a fault of ours and is thrown.
    if (isDomainError(e) || isFetchError(e) || e instanceof ActorDocumentError) return failedForNow(e.message);
    throw e;
  }
}

function gone(deps: BadgeLookupDeps, uri: string, reason: string, at: Date, policy: RemoteBadgeCachePolicy): RemoteBadgeLookup {
  const withdrawn = recordRemoteBadgeGone(deps.db, uri, { at, reason, policy });
  if (withdrawn) deps.onRemoteBadgeChanged?.(withdrawn.badgeId);
  return { status: "gone", reason };
}
