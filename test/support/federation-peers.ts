// Test data and peers for outgoing federation: remote followers, plain activity documents,
// and peer inboxes on loopback that check each request's HTTP Signature with node:crypto.
import { createHash, createVerify, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Db } from "../../db/client";
import { follows, remoteActors, type FollowStatus } from "../../db/schema";
import { startLoopbackServer, type LoopbackRequest, type LoopbackServer } from "./loopback";

let counter = 0;

export interface FollowerOptions {
  following: string;
  /** host:port of the follower's server. */
  host: string;
  /** Give the follower the server's shared inbox. */
  shared?: boolean;
  status?: FollowStatus;
  handle?: string;
}

/** A remote actor (on `http://host`) that follows `following`. */
export function makeRemoteFollower(db: Db, o: FollowerOptions) {
  const handle = o.handle ?? `person${++counter}`;
  const uri = `http://${o.host}/users/${handle}`;
  const actor = {
    uri,
    type: "Person",
    handle,
    host: o.host,
    inboxUrl: `${uri}/inbox`,
    sharedInboxUrl: o.shared ? `http://${o.host}/inbox` : null,
    fetchedAt: new Date(),
  };
  db.insert(remoteActors).values(actor).run();
  db.insert(follows)
    .values({ followerUri: uri, followingUri: o.following, activityUri: `${uri}/follows/${randomUUID()}`, status: o.status ?? "accepted" })
    .run();
  return actor;
}

/** A plain Create of a Note by `actorUri`, about the size of a badge announcement. */
export function makeActivity(actorUri: string, overrides: Record<string, unknown> = {}) {
  const id = `${actorUri}/activities/${randomUUID()}`;
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Create",
    actor: actorUri,
    to: ["https://www.w3.org/ns/activitystreams#Public"],
    cc: [`${actorUri}/followers`],
    object: {
      id: `${id}/object`,
      type: "Note",
      attributedTo: actorUri,
      content: "<p>A new badge: <a href=\"https://badges.test/badges/1\">Social Innovation 101</a></p>",
    },
    ...overrides,
  };
}

export interface ReceivedActivity extends LoopbackRequest {
  /** The Signature header verified against the actor's key, and the Digest against the body. */
  verified: boolean;
  keyId: string | null;
  activityId: string | null;
}

export type PeerReply = { status: number; headers?: Record<string, string>; delayMs?: number } | "hang";

export interface PeerInbox {
  server: LoopbackServer;
  origin: string;
  port: number;
  received: ReceivedActivity[];
  /** Distinct activity ids received with a valid signature: what a receiver that de-duplicates applies. */
  applied(): Set<string>;
  /** Decides each reply; by default 202 Accepted. `n` counts requests, from 1. */
  reply: (req: ReceivedActivity, n: number) => PeerReply;
  close(): Promise<void>;
}

/**
 * A peer that accepts POSTs on any path, verifying each against the public key PEM of the
 * key id named in its Signature (`keys(keyId)`).
 */
export async function startPeerInbox(keys: (keyId: string) => string | undefined, port = 0): Promise<PeerInbox> {
  const received: ReceivedActivity[] = [];
  const peer: PeerInbox = {
    server: undefined as unknown as LoopbackServer,
    origin: "",
    port: 0,
    received,
    applied: () => new Set(received.filter((r) => r.verified && r.activityId).map((r) => r.activityId!)),
    reply: () => ({ status: 202 }),
    close: () => peer.server.close(),
  };
  peer.server = await startLoopbackServer((req, res) => respond(peer, keys, req, res), "127.0.0.1", port);
  peer.origin = peer.server.origin;
  peer.port = peer.server.port;
  return peer;
}

function respond(peer: PeerInbox, keys: (keyId: string) => string | undefined, req: LoopbackRequest, res: ServerResponse) {
  const check = verifyCavage(req, keys);
  let activityId: string | null = null;
  try {
    activityId = (JSON.parse(req.body) as { id?: string }).id ?? null;
  } catch {
    activityId = null;
  }
  const entry: ReceivedActivity = { ...req, ...check, activityId };
  peer.received.push(entry);
  const reply = peer.reply(entry, peer.received.length);
  if (reply === "hang") return; // the test closes the server
  const send = () => {
    if (res.destroyed) return;
    res.writeHead(check.verified ? reply.status : 401, reply.headers).end(check.verified ? "" : "bad signature");
  };
  if (reply.delayMs) setTimeout(send, reply.delayMs);
  else send();
}

/** Checks a draft-cavage rsa-sha256 signature and the SHA-256 Digest, as a receiver would. */
export function verifyCavage(req: LoopbackRequest, keys: (keyId: string) => string | undefined): { verified: boolean; keyId: string | null } {
  const header = req.headers.signature;
  if (typeof header !== "string") return { verified: false, keyId: null };
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const pem = keys(params.keyId);
  if (!pem || params.algorithm !== "rsa-sha256") return { verified: false, keyId: params.keyId ?? null };
  const covered = (params.headers ?? "date").split(" ");
  if (!covered.includes("digest") || !covered.includes("(request-target)")) return { verified: false, keyId: params.keyId };
  const digest = `SHA-256=${createHash("sha256").update(req.body).digest("base64")}`;
  if (req.headers.digest !== digest) return { verified: false, keyId: params.keyId };
  const signed = covered
    .map((name) => (name === "(request-target)" ? `(request-target): ${req.method.toLowerCase()} ${req.url}` : `${name}: ${req.headers[name]}`))
    .join("\n");
  const verified = createVerify("sha256").update(signed).verify(pem, params.signature ?? "", "base64");
  return { verified, keyId: params.keyId };
}
