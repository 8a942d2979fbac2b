// A peer we did not write: Fedify 1.5 (test-only) serving one Organization actor on a real
// HTTP server on 127.0.0.1. Its inbox is Fedify's own, with Fedify's signature and proof
// checks on (as they are by default); every POST it receives is also checked on its own
// with Fedify's verifyRequest and kept with its raw body, so a test can say both "Fedify's
// inbox accepted it" and "its HTTP signature verifies", and can run Fedify's verifyObject
// over the exact bytes we sent.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Accept,
  Activity,
  Create,
  Delete,
  Endpoints,
  Follow,
  Organization,
  Update,
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  signRequest,
  verifyRequest,
  type Context,
  type Federation,
} from "@fedify/fedify";

export const PEER_IDENTIFIER = "makers";

/** An activity Fedify's inbox accepted and handed to its listener. */
export interface PeerInboxEntry {
  type: "Accept" | "Create" | "Update" | "Delete" | "Follow";
  activity: Activity;
}

/** A POST as it reached the peer, with what Fedify's verifyRequest made of its signature. */
export interface PeerRequest {
  path: string;
  headers: Headers;
  body: string;
  json: Record<string, unknown> | null;
  /** The key Fedify's verifyRequest accepted, or null when it refused the signature. */
  signedBy: string | null;
  /** What Fedify's inbox answered. */
  status: number;
}

export interface FedifyPeer {
  origin: string;
  actorUri: string;
  federation: Federation<void>;
  /** A Fedify context for the peer's origin: lookups, document loaders, sending. */
  context: Context<void>;
  /** What Fedify's inbox listeners received, in order. */
  inbox: PeerInboxEntry[];
  /** Every POST to the peer's inboxes, in order. */
  requests: PeerRequest[];
  /** The key each GET of the peer's actor was signed with, as Fedify verified it (null: unsigned or refused). */
  actorFetches: (string | null)[];
  rsa: CryptoKeyPair;
  ed25519: CryptoKeyPair;
  rsaKeyId: string;
  /** While true, the peer answers every GET with 503, as a server briefly down would. */
  unavailable: boolean;
  /**
   * POSTs `activity` (Fedify's, or plain JSON for types Fedify has no class for) to `inbox`,
   * signed by the peer's RSA key with Fedify's own signRequest; `tamper` changes the
   * request after signing, as an attacker on the way would.
   */
  post(inbox: string, activity: Activity | Record<string, unknown>, tamper?: (signed: { body: string; headers: Headers }) => void): Promise<Response>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

export async function startFedifyPeer(): Promise<FedifyPeer> {
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => void res.writeHead(503).end();
  const http = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  // Keys as Fedify makes them: RSA-4096 (what Fedify-based servers publish) and Ed25519.
  const rsa = (await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")) as CryptoKeyPair;
  const ed25519 = (await generateCryptoKeyPair("Ed25519")) as CryptoKeyPair;
  const inbox: PeerInboxEntry[] = [];
  const requests: PeerRequest[] = [];
  const actorFetches: (string | null)[] = [];

  const federation = createFederation<void>({
    kv: new MemoryKvStore(),
    origin,
    // Our server listens on loopback too; nothing else loosens Fedify's defaults, in
    // particular signatures are verified (skipSignatureVerification stays false).
    allowPrivateAddress: true,
  });
  federation
    .setActorDispatcher("/orgs/{identifier}", async (ctx, identifier) => {
      if (identifier !== PEER_IDENTIFIER) return null;
      const [rsaPair, edPair] = await ctx.getActorKeyPairs(identifier);
      return new Organization({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Makers Guild (Fedify)",
        summary: "<p>A Fedify 1.5 peer.</p>",
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: rsaPair.cryptographicKey,
        assertionMethods: [edPair.multikey],
        manuallyApprovesFollowers: false,
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === PEER_IDENTIFIER ? [rsa, ed25519] : []) as never)
    // Secure mode, as Mastodon's authorized fetch: the actor is served only to signed GETs
    // that Fedify's verifier accepts.
    .authorize((_ctx, _identifier, signedKey) => {
      actorFetches.push(signedKey?.id?.href ?? null);
      return signedKey !== null;
    });
  federation
    .setInboxListeners("/orgs/{identifier}/inbox", "/inbox")
    .on(Accept, (_ctx, activity) => void inbox.push({ type: "Accept", activity }))
    .on(Create, (_ctx, activity) => void inbox.push({ type: "Create", activity }))
    .on(Update, (_ctx, activity) => void inbox.push({ type: "Update", activity }))
    .on(Delete, (_ctx, activity) => void inbox.push({ type: "Delete", activity }))
    // Accepts every follow at once, as an organisation of ours does.
    .on(Follow, async (ctx, follow) => {
      inbox.push({ type: "Follow", activity: follow });
      const follower = await follow.getActor(ctx);
      if (!follower || follow.objectId?.href !== ctx.getActorUri(PEER_IDENTIFIER).href) return;
      const accept = new Accept({ id: new URL(`${follow.objectId.href}/accepts/${crypto.randomUUID()}`), actor: follow.objectId, object: follow });
      await ctx.sendActivity({ identifier: PEER_IDENTIFIER }, follower, accept);
    });

  const context = federation.createContext(new URL(origin), undefined);

  handle = async (req, res) => {
    const body = await readBody(req);
    const method = req.method ?? "GET";
    if (peer.unavailable && method === "GET") return void res.writeHead(503, { "retry-after": "1" }).end();
    const url = new URL(req.url ?? "/", origin);
    const init: RequestInit = { method, headers: toHeaders(req), body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body) };
    const request = new Request(url, init);
    // Checked on a copy before Fedify's inbox reads the request.
    const check = method === "POST" ? verifyRequest(new Request(url, init), { documentLoader: context.documentLoader, contextLoader: context.contextLoader }) : null;
    const response = await federation.fetch(request, { contextData: undefined });
    if (check) {
      const text = body.toString("utf8");
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = null;
      }
      const key = await check.catch(() => null);
      requests.push({ path: url.pathname, headers: request.headers, body: text, json, signedBy: key?.id?.href ?? null, status: response.status });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };

  const actorUri = context.getActorUri(PEER_IDENTIFIER).href;
  const rsaKeyId = `${actorUri}#main-key`;
  const peer: FedifyPeer = {
    origin,
    actorUri,
    federation,
    context,
    inbox,
    requests,
    actorFetches,
    rsa,
    ed25519,
    rsaKeyId,
    unavailable: false,
    async post(target, activity, tamper) {
      const json = activity instanceof Activity ? await activity.toJsonLd({ format: "compact", contextLoader: context.contextLoader }) : activity;
      const unsigned = new Request(target, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(json) });
      const signed = await signRequest(unsigned, rsa.privateKey as never, new URL(rsaKeyId));
      const parts = { body: await signed.text(), headers: new Headers(signed.headers) };
      tamper?.(parts);
      return fetch(target, { method: "POST", headers: parts.headers, body: parts.body });
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return peer;
}
