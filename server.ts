// One HTTP server: Express serving the Remix app and static assets, with socket.io on the
// same port. Singletons (database, auth, realtime hub, the guarded fetcher, the delivery
// worker and the refresh of fetched remote badges) are made here once and reach loaders and actions through getLoadContext.
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Server as SocketServer } from "socket.io";
import { openDatabase, type Db } from "./db/client";
import { parseEnv, type Env } from "./app/env.server";
import { createAuth } from "./app/services/auth.server";
import { createRealtime } from "./app/realtime/server";
import { sameOriginGuard } from "./app/utils/same-origin.server";
import { federationRouter } from "./federation/router";
import { createFederationRuntime, type FederationRuntime } from "./federation/runtime";
import { noBadgeEvents, type BadgeEvents } from "./app/services/events";
import { createDeliveryWorker, type DeliveryTuning, type DeliveryWorker } from "./federation/delivery-worker";
import type { RetryPolicy } from "./federation/delivery-policy";
import { createFetcher, type Fetcher, type Resolver } from "./federation/fetcher";
import { createRemoteBadgeRefresher, type RemoteBadgeRefresher, type RemoteBadgeRefreshTuning } from "./federation/remote-badge-refresh";
import { remoteBadgeCachePolicy } from "./app/services/remote-badge-cache.server";
import { warmUpGraphLayout } from "./app/services/badge-graph-layout.server";
import { INBOX_BODY_LIMIT } from "./federation/inbox";
import { inboxHttpHandler } from "./federation/inbox-http";

export interface StartOptions {
  env?: Partial<Record<keyof Env, string>>;
  // Quiet request logging (tests).
  quiet?: boolean;
  federation?: {
    // `false`: no delivery worker (tests that drive one themselves). Otherwise tuning,
    // e.g. a retry schedule of milliseconds so a test sees retries happen.
    delivery?: false | (Partial<Omit<DeliveryTuning, "retry">> & { retry?: Partial<RetryPolicy> });
    // Name resolution for the fetcher (tests give loopback peers names).
    resolve?: Resolver;
    // `false`: the refresh of fetched remote badges makes no passes by itself (tests call
    // `remoteBadgeRefresh.runPass()`). Otherwise tuning beside what the environment sets.
    refresh?: false | Partial<RemoteBadgeRefreshTuning>;
  };
}

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  http: HttpServer;
  fetcher: Fetcher;
  delivery: DeliveryWorker | null;
  federation: FederationRuntime;
  /** Asks again for remote badges fetched here; passes by itself unless turned off. */
  remoteBadgeRefresh: RemoteBadgeRefresher;
  close(): Promise<void>;
}

// On every response, the inboxes' included.
const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
} as const;

const version = (JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string }).version;

const buildPath = fileURLToPath(new URL("./build/index.js", import.meta.url));

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const source = { ...process.env, ...options.env } as NodeJS.ProcessEnv;
  const env = parseEnv(source);
  const app = express();
  // Inbox POSTs are answered before Express (federation/inbox-http.ts); everything else,
  // socket.io aside, goes to the Express app. Bound once the federation runtime exists.
  let inboxHttp: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  const http = createServer((req, res) => {
    if (!inboxHttp?.(req, res)) app(req, res);
  });
  // Bind first: with PORT=0 (tests) the real port is known only now, and ids of local
  // things are made from PUBLIC_URL. Nothing can reach the port before routes are mounted.
  await new Promise<void>((resolve) => http.listen(env.PORT, env.HOST, resolve));
  const port = (http.address() as AddressInfo).port;
  if (!source.PUBLIC_URL) env.PUBLIC_URL = `http://localhost:${port}`;
  const db = openDatabase(env.DATABASE_PATH);
  const secureCookies = env.COOKIE_SECURE ? env.COOKIE_SECURE === "true" : env.PUBLIC_URL.startsWith("https:");
  const auth = createAuth(db, { secureCookies, signInLimit: env.SIGNIN_RATE_LIMIT });

  const io = new SocketServer(http, {
    // Browsers do not apply CORS to WebSockets, so the origin is checked here.
    allowRequest: (req, callback) => callback(null, sameOrigin(req.headers.origin, req.headers.host, env.PUBLIC_URL)),
    maxHttpBufferSize: 1_000_000,
  });
  const fetcher = createFetcher({
    allowPrivateAddresses: env.FEDERATION_ALLOW_PRIVATE_ADDRESSES,
    userAgent: `BadgeCommons/${version} (+${env.PUBLIC_URL}/)`,
    resolve: options.federation?.resolve,
  });
  // Late-bound: remote badges arriving tell open pages, and the hub needs the outbox.
  let realtimeEvents: BadgeEvents = noBadgeEvents;
  const cachePolicy = remoteBadgeCachePolicy(env.REMOTE_BADGE_STALE_HOURS);
  const federation = createFederationRuntime({
    db,
    publicUrl: env.PUBLIC_URL,
    fetcher,
    // Operators who let the fetcher reach private addresses (tests, demos, one private
    // network) also let WebFinger fall back to plain http there.
    allowPlainHttp: env.FEDERATION_ALLOW_PRIVATE_ADDRESSES,
    onRemoteBadgeChanged: (badgeId) => realtimeEvents.badgeChanged(badgeId, "published"),
    onEndorsementsChanged: (badgeId) => realtimeEvents.badgeChanged(badgeId, "endorsements"),
    cachePolicy,
  });
  const realtime = createRealtime({ io, db, auth, publicUrl: env.PUBLIC_URL, federation: federation.outbox });
  realtimeEvents = realtime.events;
  const deliveryTuning = options.federation?.delivery;
  const delivery = deliveryTuning === false ? null : createDeliveryWorker({ db, fetcher, ...deliveryTuning });
  const refreshTuning = options.federation?.refresh;
  const remoteBadgeRefresh = createRemoteBadgeRefresher({
    db,
    lookUp: federation.lookUpRemoteBadge,
    intervalMs: env.REMOTE_BADGE_REFRESH_MINUTES * 60_000,
    batchSize: env.REMOTE_BADGE_REFRESH_BATCH,
    ...(refreshTuning || {}),
  });

  inboxHttp = inboxHttpHandler({ receive: federation.receive, publicUrl: env.PUBLIC_URL, limit: INBOX_BODY_LIMIT, headers: SECURITY_HEADERS });

  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use((_req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  });
  // The inboxes' Express routes first (what the lean path above hands on: compressed
  // bodies): they skip compression, static files and the document routes. Servers are not
  // browsers: what they POST is signed, not same-origin, so this is before the CSRF guard too.
  app.use(federation.router);
  app.use(compression());
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  // Federation (WebFinger, NodeInfo, ActivityStreams documents) before the CSRF guard:
  // servers are not browsers; what they POST is signed, not same-origin.
  app.use(federationRouter({ db, publicUrl: env.PUBLIC_URL }));
  app.use(sameOriginGuard(env.PUBLIC_URL));

  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (req) => ({
        env,
        auth,
        services: { db, publicUrl: env.PUBLIC_URL, events: realtime.events, federation: federation.outbox },
        federation: { follow: federation.follow, unfollow: federation.unfollow, credentials: federation.credentials, lookUp: federation.lookUp },
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
    }),
  );

  delivery?.start();
  if (refreshTuning !== false && env.REMOTE_BADGE_REFRESH_MINUTES > 0) remoteBadgeRefresh.start();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    http,
    fetcher,
    delivery,
    federation,
    remoteBadgeRefresh,
    async close() {
      // First, so in-flight deliveries and look-ups are finished or released while the database is open.
      await Promise.all([delivery?.stop(), remoteBadgeRefresh.stop()]);
      fetcher.close();
      await realtime.close();
      io.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      db.$client.close();
    },
  };
}

function sameOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return true; // non-browser clients; they still need a session cookie
  try {
    const o = new URL(origin);
    return o.host === host || o.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Asks the catalogue for a few searches, each kind of filter once: the first loads its
 * in-memory facets (ADR 013), and the rest have V8 optimise the code of the search and the
 * page. Over HTTP, because the routes run the server build's own copy of the services.
 */
async function warmUpCatalogue(url: string): Promise<void> {
  const searches = ["", "q=badge", "kind=school", "endorserKind=nonprofit", "instance=elsewhere", "hoursMax=10", "language=en", "tag=learning", "q=learn&kind=community"];
  for (let round = 0; round < 4; round++)
    for (const search of searches) await (await fetch(`${url}/badges?${search}`)).arrayBuffer();
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const server = await startServer();
  console.log(`Badge Commons listening on ${server.url} (public URL ${parseEnv().PUBLIC_URL})`);
  // Badge pages lay out their graphs with ELK, and the catalogue searches an in-memory copy
  // of its facets: have both ready and their code optimised before visitors come.
  void (async () => {
    const t0 = performance.now();
    await warmUpCatalogue(server.url).catch((error: unknown) => console.warn(`catalogue warm-up skipped: ${String(error)}`));
    const t1 = performance.now();
    await warmUpGraphLayout().catch(() => {});
    console.log(`warmed up: catalogue ${Math.round(t1 - t0)} ms, graph layout ${Math.round(performance.now() - t1)} ms`);
  })();
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
