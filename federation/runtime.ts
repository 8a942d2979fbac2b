// Assembles federation for one running instance: the inbox endpoints, the directory of
// remote actors, following and back-fill, and the outbox that services write to. server.ts
// makes one and mounts its router before the CSRF guard (servers are not browsers: what
// they POST is signed, not same-origin).
import express, { type Router } from "express";
import type { Db } from "../db/client";
import type { Follow } from "../db/schema";
import type { FederationOutbox } from "../app/services/federation-outbox";
import { ValidationError } from "../app/services/errors";
import type { RemoteBadgeVersion } from "../app/services/remote-badges.server";
import type { RemotePathwayVersion } from "../app/services/remote-pathways.server";
import { storeMirroredImage } from "../app/services/images.server";
import { parseBadgeObject } from "./badge-object";
import { isPathwayObject, parsePathwayObject } from "./pathway-object";
import type { Fetcher } from "./fetcher";
import { followsAwaitingBackfill } from "../app/services/follows.server";
import type { Discovery } from "../app/services/discovery";
import { lookUp } from "./discovery";
import { backfillOutbox, followOrganisation, unfollowOrganisation, type FollowingDeps } from "./following";
import { acceptActivity } from "./activities";
import { receiveActivity, INBOX_BODY_LIMIT, type InboxAnswer, type InboxDeps } from "./inbox";
import { createKeyResolver, multikeyResolver } from "./key-resolver";
import type { SigningKey } from "./http-signatures";
import { actorKeysFor, rsaKeyId, rsaPrivateKey } from "./keys";
import { enqueueActivity } from "./outbox";
import { verifyProof } from "./proof";
import { federationOutbox, forwardToBadgeAudience } from "./publisher";
import { remoteBadgeLookup, type RemoteBadgeLookUp } from "./badge-lookup";
import type { RemoteBadgeCachePolicy } from "../app/services/remote-badge-cache.server";
import { actorDirectory, storedActor } from "./remote-actors";
import { createCredentialNetwork } from "./credential-network";
import type { CredentialNetwork } from "../app/services/credential-network";
import type { IncomingRequest } from "./signature-verify";
import { instanceActorUri } from "./uris";

/** Our domain's reading of a badge object; null when the object is not a badge at all. */
export type ReadBadgeVersion = RemoteBadgeVersion & { imageUrl: string | null };

export function readBadgeVersion(object: unknown): ReadBadgeVersion | null {
  if (!object || typeof object !== "object" || !("versionId" in object) || isPathwayObject(object)) return null;
  const parsed = parseBadgeObject(object);
  if (!parsed.ok) throw new ValidationError(`Not a badge version we can accept: ${parsed.error}`);
  const b = parsed.badge;
  return {
    badgeUri: b.badgeUri,
    versionUri: b.versionUri,
    number: b.versionNumber,
    url: b.url,
    content: b.content,
    stewardUri: b.stewardUri,
    coauthorUris: b.coauthorUris,
    contentHash: b.contentHash,
    publishedAt: b.published,
    approvalPolicy: b.approvalPolicy,
    status: b.status,
    successorUri: b.successorUri,
    deprecatedAt: b.deprecatedAt,
    imageUrl: b.image?.url ?? null,
  };
}

/** Our domain's reading of a pathway object; null when the object is not a pathway at all. */
export function readPathwayVersion(object: unknown): RemotePathwayVersion | null {
  if (!isPathwayObject(object)) return null;
  const parsed = parsePathwayObject(object);
  if (!parsed.ok) throw new ValidationError(`Not a pathway version we can accept: ${parsed.error}`);
  const p = parsed.pathway;
  return {
    pathwayUri: p.pathwayUri,
    versionUri: p.versionUri,
    number: p.versionNumber,
    url: p.url,
    content: p.content,
    stewardUri: p.stewardUri,
    coauthorUris: p.coauthorUris,
    contentHash: p.contentHash,
    publishedAt: p.published,
    approvalPolicy: p.approvalPolicy,
    status: p.status,
    deprecatedAt: p.deprecatedAt,
  };
}

export interface FederationRuntimeOptions {
  db: Db;
  publicUrl: string;
  fetcher: Fetcher;
  allowPlainHttp: boolean;
  /** After commit: a remote badge was stored, changed or withdrawn here. */
  onRemoteBadgeChanged?(badgeId: string): void;
  /** After commit: endorsements of a badge changed here through federation. */
  onEndorsementsChanged?(badgeId: string): void;
  /** When remote badges fetched here are due to be asked for again (the defaults otherwise). */
  cachePolicy?: RemoteBadgeCachePolicy;
}

export interface FederationRuntime {
  /** Express routes for the inboxes; server.ts answers most inbox POSTs before Express (inbox-http.ts). */
  router: Router;
  /** Verifies, records and applies one activity POSTed to an inbox. */
  receive(request: IncomingRequest & { body: Uint8Array }): Promise<InboxAnswer>;
  outbox: FederationOutbox;
  following: FollowingDeps;
  follow(userId: string, organisationId: string, input: string): Promise<Follow>;
  unfollow(userId: string, organisationId: string, followingUri: string): void;
  /** What verifying learners' imported credentials needs of the network and of keys. */
  credentials: CredentialNetwork;
  lookUp(input: string): Promise<Discovery>;
  /** The look-up of a remote badge by its URL (what the outbox offers services, and the refresh uses). */
  lookUpRemoteBadge: RemoteBadgeLookUp;
  /** Back-fills started and not yet finished (tests wait on them). */
  idle(): Promise<void>;
}

/**
 * What reading other instances takes, made once per process: the instance actor's signing
 * key, signed fetches, the directory of remote actors, image copies, and the look-up of a
 * badge by its URL. The runtime builds on it; so can a process without a server of its own.
 */
export function federationDeps(options: Omit<FederationRuntimeOptions, "allowPlainHttp"> & { allowPlainHttp?: boolean }) {
  const { db, publicUrl, fetcher } = options;
  const instanceUri = instanceActorUri(publicUrl);
  // Made (and its PEM parsed) on first use, not at start-up nor at every signed fetch.
  let instanceSigningKey: SigningKey | null = null;
  const instanceKey = () => (instanceSigningKey ??= { keyId: rsaKeyId(instanceUri), privateKey: rsaPrivateKey(actorKeysFor(db, instanceUri)) });
  const fetchDocument = async (url: string) => (await fetcher.getDocument(url, { signAs: instanceKey() })).document;
  const keys = createKeyResolver(db, { publicUrl, fetchDocument });
  const actors = actorDirectory(db, fetchDocument);
  // Our own checked copy of a remote badge's image, so learners' browsers never load
  // third-party images; one that cannot be fetched or judged is simply not shown.
  const mirrorImage = async (url: string): Promise<string | null> => {
    try {
      const { body } = await fetcher.getBytes(url, { accept: "image/png, image/svg+xml" });
      return storeMirroredImage(db, body).id;
    } catch {
      return null;
    }
  };
  const following: FollowingDeps & { cachePolicy?: RemoteBadgeCachePolicy } = {
    db,
    publicUrl,
    fetcher,
    actors,
    get instanceKey() {
      return instanceKey();
    },
    readBadgeVersion,
    readPathwayVersion,
    mirrorImage,
    allowPlainHttp: options.allowPlainHttp ?? false,
    onRemoteBadgeChanged: options.onRemoteBadgeChanged,
    cachePolicy: options.cachePolicy,
  };
  return { following, keys, actors, fetchDocument, mirrorImage, lookUpRemoteBadge: remoteBadgeLookup(following) };
}

export function createFederationRuntime(options: FederationRuntimeOptions): FederationRuntime {
  const { db, publicUrl } = options;
  const { following, keys, actors, fetchDocument, mirrorImage, lookUpRemoteBadge } = federationDeps(options);
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => {});
  };

  const backfill = (follow: Pick<Follow, "followerUri" | "followingUri">) =>
    track(
      backfillOutbox(following, follow).catch((e: unknown) => {
        console.warn(`back-fill of ${follow.followingUri} failed: ${e instanceof Error ? e.message : String(e)}`);
      }),
    );

  const outbox = { ...federationOutbox(publicUrl), lookUpRemoteBadge };
  const inboxDeps: InboxDeps = {
    db,
    publicUrl,
    keys,
    actors,
    fetchObject: fetchDocument,
    readBadgeVersion,
    readPathwayVersion,
    mirrorImage,
    verifyProof: (document) => verifyProof(document, multikeyResolver(keys)),
    replies: {
      acceptFollow(tx, follow, followActivity) {
        // The follower's actor was fetched before this transaction began.
        const inbox = storedActor(tx, follow.followerUri)?.inboxUrl;
        if (!inbox) throw new Error(`no inbox known for ${follow.followerUri}`);
        const accept = acceptActivity({ id: String(followActivity.id), actor: follow.followerUri, object: follow.followingUri });
        enqueueActivity(tx, { actorUri: follow.followingUri, document: accept as never, public: false, inboxes: [inbox] });
      },
      endorsementDecided: (tx, endorsementId) => outbox.endorsementDecided(tx, endorsementId),
      forwardToBadgeAudience: (tx, badgeId, activity) => forwardToBadgeAudience(tx, badgeId, activity),
    },
    onFollowAccepted: (follow) => backfill(follow),
    onRemoteBadgeChanged: options.onRemoteBadgeChanged,
    onEndorsementsChanged: options.onEndorsementsChanged,
  };

  const receive = (request: IncomingRequest & { body: Uint8Array }) => receiveActivity(inboxDeps, request);
  // What server.ts's lean inbox path hands on: bodies with a Content-Encoding, which this
  // body parser inflates under the same cap.
  const router = express.Router();
  const inbox = express.raw({ type: () => true, limit: INBOX_BODY_LIMIT });
  const receiveRoute: express.RequestHandler = async (req, res, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await receive({
        method: req.method,
        url: new URL(req.originalUrl, publicUrl).href,
        headers: req.headers,
        body,
      });
      res.status(answer.status).type("text/plain").send(answer.reason);
    } catch (e) {
      next(e);
    }
  };
  router.post("/inbox", inbox, receiveRoute);
  router.post("/orgs/:handle/inbox", inbox, receiveRoute);
  // An oversized body: express.raw answers 413 by itself; say why in plain words.
  router.use(((err, _req, res, next) => {
    if (err && typeof err === "object" && (err as { type?: string }).type === "entity.too.large") {
      res.status(413).type("text/plain").send(`An activity is at most ${INBOX_BODY_LIMIT} bytes.`);
      return;
    }
    next(err);
  }) as express.ErrorRequestHandler);

  // Back-fills a restart interrupted.
  for (const follow of followsAwaitingBackfill(db)) backfill(follow);

  return {
    router,
    receive,
    outbox,
    following,
    follow: (userId, organisationId, input) => followOrganisation(following, userId, organisationId, input),
    unfollow: (userId, organisationId, followingUri) => unfollowOrganisation(following, userId, organisationId, followingUri),
    credentials: createCredentialNetwork({ fetcher: options.fetcher, allowPlainHttp: options.allowPlainHttp }),
    lookUp: (input) => lookUp(following, input),
    lookUpRemoteBadge,
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
