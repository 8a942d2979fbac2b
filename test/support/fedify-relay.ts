// An ActivityPub relay we did not write the protocol code of: Fedify 1.5 (test-only) on a
// real HTTP server on 127.0.0.1, behaving as Mastodon-compatible relays do. An instance
// subscribes by having its actor Follow the Public collection at the relay's inbox; the
// relay accepts, then passes every public Create, Update, Delete it receives from one
// subscriber on to the others. Two ways, as deployed relays do:
//   "forward"   the original activity verbatim (Fedify's forwardActivity, which refuses
//               to forward an activity that carries no signature or proof of its author);
//   "announce"  an Announce, by the relay, of the object's id (LitePub-style relays).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Accept,
  Announce,
  Application,
  Create,
  Delete,
  Endpoints,
  Follow,
  Undo,
  Update,
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  PUBLIC_COLLECTION,
  signRequest,
  type Actor,
  type Activity,
  type InboxContext,
} from "@fedify/fedify";

export type RelayMode = "forward" | "announce";

export interface FedifyRelay {
  origin: string;
  actorUri: string;
  inboxUrl: string;
  mode: RelayMode;
  /** Actor ids of the instances subscribed. */
  subscribers(): string[];
  /** Activities passed on: their ids, with the subscribers they went to. */
  relayed: { activityId: string; to: string[] }[];
  /** POSTs plain JSON to `inbox`, signed with the relay's key by Fedify's signRequest. */
  post(inbox: string, json: Record<string, unknown>): Promise<Response>;
  close(): Promise<void>;
}

const IDENTIFIER = "relay";

export async function startFedifyRelay(mode: RelayMode): Promise<FedifyRelay> {
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => void res.writeHead(503).end();
  const http = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const rsa = (await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")) as CryptoKeyPair;
  const subscribers = new Map<string, Actor>();
  const relayed: FedifyRelay["relayed"] = [];

  const federation = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== IDENTIFIER) return null;
      const [pair] = await ctx.getActorKeyPairs(identifier);
      return new Application({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Test relay (Fedify)",
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pair.cryptographicKey,
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === IDENTIFIER ? [rsa] : []) as never);

  // Passes a subscriber's public activity on to every other subscriber.
  const passOn = async (ctx: InboxContext<void>, activity: Activity) => {
    const sender = activity.actorId?.href;
    const from = [...subscribers.entries()].find(([, actor]) => sender && new URL(sender).origin === new URL(actor.id!.href).origin);
    if (!from) return;
    const to = [...subscribers.entries()].filter(([id]) => id !== from[0]).map(([, actor]) => actor);
    if (!to.length) return;
    if (mode === "forward") {
      await ctx.forwardActivity({ identifier: IDENTIFIER }, to, { skipIfUnsigned: true, preferSharedInbox: true });
    } else {
      const objectId = activity.objectId;
      if (!objectId || activity instanceof Delete) return;
      const announce = new Announce({
        id: new URL(`${origin}/announces/${crypto.randomUUID()}`),
        actor: ctx.getActorUri(IDENTIFIER),
        object: objectId,
        to: PUBLIC_COLLECTION,
      });
      await ctx.sendActivity({ identifier: IDENTIFIER }, to, announce, { preferSharedInbox: true });
    }
    relayed.push({ activityId: activity.id!.href, to: to.map((a) => a.id!.href) });
  };

  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
      // A subscription: an instance's actor follows the Public collection.
      if (follow.objectId?.href !== PUBLIC_COLLECTION.href) return;
      const follower = await follow.getActor(ctx);
      if (!follower?.id) return;
      subscribers.set(follower.id.href, follower);
      const accept = new Accept({ id: new URL(`${origin}/accepts/${crypto.randomUUID()}`), actor: ctx.getActorUri(IDENTIFIER), object: follow });
      await ctx.sendActivity({ identifier: IDENTIFIER }, follower, accept);
    })
    .on(Undo, async (ctx, undo) => {
      const inner = await undo.getObject(ctx);
      if (inner instanceof Follow && undo.actorId) subscribers.delete(undo.actorId.href);
    })
    .on(Create, passOn)
    .on(Update, passOn)
    .on(Delete, passOn);

  handle = async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const method = req.method ?? "GET";
    const request = new Request(new URL(req.url ?? "/", origin), { method, headers, body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body) });
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };

  const context = federation.createContext(new URL(origin), undefined);
  return {
    origin,
    actorUri: context.getActorUri(IDENTIFIER).href,
    inboxUrl: context.getInboxUri().href,
    mode,
    subscribers: () => [...subscribers.keys()],
    relayed,
    async post(inbox, json) {
      const unsigned = new Request(inbox, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(json) });
      const signed = await signRequest(unsigned, rsa.privateKey as never, new URL(`${context.getActorUri(IDENTIFIER).href}#main-key`));
      return fetch(inbox, { method: "POST", headers: signed.headers, body: await signed.text() });
    },
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}
