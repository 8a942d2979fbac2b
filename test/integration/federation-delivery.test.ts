// Outgoing federation end to end: real servers, real peers on loopback that check every
// request's HTTP Signature, and a delivery worker that is stopped, restarted and killed.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { deliveries } from "../../db/schema";
import { createDeliveryWorker, type DeliveryWorker } from "../../federation/delivery-worker";
import { createFetcher } from "../../federation/fetcher";
import { actorKeysFor, rsaKeyId } from "../../federation/keys";
import { enqueueActivity } from "../../federation/outbox";
import { openDatabase } from "../../db/client";
import { createTestDb } from "../support/factories";
import { makeActivity, makeRemoteFollower, startPeerInbox, type PeerInbox } from "../support/federation-peers";
import { waitFor } from "../support/loopback";
import { HttpSession, startTestServer, type TestServer, type TestServerOptions } from "../support/server";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Fast retries so a test sees several attempts within a couple of seconds.
const FAST = { retry: { scheduleMs: [150, 300, 600], jitter: 0 }, pollIntervalMs: 60_000 };

async function server(options: TestServerOptions = {}) {
  const s = await startTestServer(undefined, "0", { federation: { delivery: FAST }, ...options });
  const handle = { current: s as TestServer };
  cleanups.push(() => handle.current.close());
  return handle;
}

/** A peer that knows the public keys of the actors in `db` (as if it had fetched them). */
async function peer(dbOf: () => Db, port = 0) {
  const p = await startPeerInbox((keyId) => actorKeysFor(dbOf(), keyId.replace(/#main-key$/, "")).rsaPublicKeyPem, port);
  cleanups.push(() => p.close());
  return p;
}

function publish(db: Db, actor: string, inboxes?: string[]) {
  const document = makeActivity(actor);
  const queued = db.transaction((tx) => enqueueActivity(tx, { actorUri: actor, document, public: true, inboxes }));
  return { ...queued, id: document.id };
}

const rowsOf = (db: Db, activityId: number) => db.select().from(deliveries).where(eq(deliveries.activityId, activityId)).all();
const allDelivered = (db: Db, activityId: number) => rowsOf(db, activityId).every((r) => r.status === "delivered");
const hostOf = (p: PeerInbox) => `127.0.0.1:${p.port}`;

describe("delivery to followers", () => {
  it("sends one signed request per shared inbox and one per personal inbox, at once, exactly once", async () => {
    const s = await server();
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/changemakers`;
    const shared = await peer(() => db);
    const personal = await peer(() => db);
    for (let i = 0; i < 10; i++) makeRemoteFollower(db, { following: actor, host: hostOf(shared), shared: true });
    const a = makeRemoteFollower(db, { following: actor, host: hostOf(personal) });
    const b = makeRemoteFollower(db, { following: actor, host: hostOf(personal) });
    actorKeysFor(db, actor); // made on first use otherwise; not what is timed here

    const started = Date.now();
    const activity = publish(db, actor);
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "deliveries");
    // Woken by the enqueue, not by the (one minute) poll.
    expect(Date.now() - started).toBeLessThan(2_000);

    expect(shared.received.map((r) => [r.url, r.verified, r.keyId, r.activityId])).toEqual([["/inbox", true, rsaKeyId(actor), activity.id]]);
    expect(personal.received.map((r) => r.url).sort()).toEqual([new URL(a.inboxUrl).pathname, new URL(b.inboxUrl).pathname].sort());
    expect(personal.received.every((r) => r.verified && r.activityId === activity.id)).toBe(true);
    expect(JSON.parse(shared.received[0].body)).toMatchObject({ id: activity.id, type: "Create", actor });
    expect(shared.received[0].headers["content-type"]).toBe("application/activity+json");

    await new Promise((r) => setTimeout(r, 400));
    expect(shared.received.length + personal.received.length).toBe(3);
    expect(rowsOf(db, activity.activityId).map((r) => r.attempts)).toEqual([1, 1, 1]);
  });

  it("retries a peer that answers 500 until it is back", async () => {
    const s = await server();
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const p = await peer(() => db);
    p.reply = (_req, n) => ({ status: n <= 2 ? 500 : 202 });
    makeRemoteFollower(db, { following: actor, host: hostOf(p), shared: true });
    const activity = publish(db, actor);
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "delivery after retries");
    expect(p.received).toHaveLength(3);
    expect(p.received.every((r) => r.verified && r.activityId === activity.id)).toBe(true);
    expect(rowsOf(db, activity.activityId)[0]).toMatchObject({ attempts: 3, lastStatusCode: 202, lastError: null });
  });

  it("retries a peer that refuses connections, and delivers once it listens again", async () => {
    const s = await server();
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const gone = await peer(() => db);
    const port = gone.port;
    await gone.close();
    makeRemoteFollower(db, { following: actor, host: `127.0.0.1:${port}`, shared: true });
    const activity = publish(db, actor);
    const failed = await waitFor(() => rowsOf(db, activity.activityId).find((r) => r.attempts >= 2), 5_000, "two failed attempts");
    expect(failed).toMatchObject({ status: "pending", lastStatusCode: null, lastError: expect.stringContaining("ECONNREFUSED") });

    const back = await peer(() => db, port);
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "delivery after the peer came back");
    expect(back.received.map((r) => [r.verified, r.activityId])).toEqual([[true, activity.id]]);
  });

  it("waits as long as Retry-After asks", async () => {
    const s = await server();
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const p = await peer(() => db);
    const times: number[] = [];
    p.reply = (_req, n) => {
      times.push(Date.now());
      return n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 202 };
    };
    makeRemoteFollower(db, { following: actor, host: hostOf(p), shared: true });
    const activity = publish(db, actor);
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "delivery after Retry-After");
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
  });
});

describe("dead deliveries and the operator page", () => {
  it("marks a 410 dead at once, shows it to operators only, and sends it again on request", async () => {
    const s = await server({ env: { ADMIN_EMAILS: "ops@example.org, Other-Ops@example.org" } });
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const p = await peer(() => db);
    p.reply = () => ({ status: 410 });
    makeRemoteFollower(db, { following: actor, host: hostOf(p), shared: true });
    const healthy = await peer(() => db);
    makeRemoteFollower(db, { following: actor, host: hostOf(healthy), shared: true });
    const activity = publish(db, actor);
    await waitFor(() => rowsOf(db, activity.activityId).every((r) => r.status !== "pending"), 5_000, "final states");
    expect(rowsOf(db, activity.activityId).find((r) => r.host === hostOf(p))).toMatchObject({ status: "dead", attempts: 1, lastStatusCode: 410 });

    const anonymous = new HttpSession(s.current.url);
    expect((await anonymous.get("/admin/federation")).status).toBe(302);
    const member = new HttpSession(s.current.url);
    await member.signUp("someone@example.org");
    expect((await member.get("/admin/federation")).status).toBe(403);
    expect((await member.post("/admin/federation", { intent: "retry-host", host: hostOf(p) })).status).toBe(403);

    const ops = new HttpSession(s.current.url);
    await ops.signUp("ops@example.org");
    const page = await ops.get("/admin/federation");
    expect(page.status).toBe(200);
    const html = await page.text();
    const row = html.match(new RegExp(`<tr><th scope="row">${hostOf(p)}</th>(.*?)</tr>`))?.[1] ?? "";
    expect(row).toMatch(/^<td>0<\/td><td>0<\/td><td>1<\/td>/); // pending, delivered, dead
    expect(row).toContain("<td>410</td>");
    expect(row).toContain("HTTP 410");
    expect(html).toMatch(new RegExp(`<tr><th scope="row">${hostOf(healthy)}</th><td>0</td><td>1</td><td>0</td>`));
    expect(html).toContain(`${p.origin}/inbox`);
    expect(html).toMatch(/<dt>Dead<\/dt><dd>1<\/dd>/);

    p.reply = () => ({ status: 202 });
    const retried = await ops.post("/admin/federation", { intent: "retry-host", host: hostOf(p) });
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain(`1 dead delivery to ${hostOf(p)} queued again.`);
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "retried delivery");
    expect(p.received.map((r) => r.activityId)).toEqual([activity.id, activity.id]);

    const again = await ops.post("/admin/federation", { intent: "retry-host", host: hostOf(p) });
    expect(again.status).toBe(404);
    expect((await ops.post("/admin/federation", { intent: "retry-delivery", deliveryId: "x" })).status).toBe(400);
  });

  it("retries one dead delivery by its id", async () => {
    const s = await server({ env: { ADMIN_EMAILS: "ops@example.org" } });
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const p = await peer(() => db);
    p.reply = (_req, n) => ({ status: n === 1 ? 404 : 202 });
    makeRemoteFollower(db, { following: actor, host: hostOf(p), shared: true });
    const activity = publish(db, actor);
    const dead = await waitFor(() => rowsOf(db, activity.activityId).find((r) => r.status === "dead"), 5_000, "dead delivery");
    const ops = new HttpSession(s.current.url);
    await ops.signUp("ops@example.org");
    const res = await ops.post("/admin/federation", { intent: "retry-delivery", deliveryId: String(dead.id) });
    expect(await res.text()).toContain("1 dead delivery queued again.");
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "retried delivery");
  });
});

describe("restarts and crashes", () => {
  it("lets an in-flight delivery finish on a graceful stop, and does not send it again after the restart", async () => {
    const s = await server({ federation: { delivery: { ...FAST, shutdownGraceMs: 3_000 } } });
    const db = s.current.db;
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const p = await peer(() => s.current.db);
    p.reply = () => ({ status: 202, delayMs: 300 });
    makeRemoteFollower(db, { following: actor, host: hostOf(p), shared: true });
    const activity = publish(db, actor);
    await waitFor(() => p.received.length === 1, 5_000, "the request to arrive");
    s.current = await s.current.restart();
    expect(allDelivered(s.current.db, activity.activityId)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(p.received).toHaveLength(1);
  });

  it("releases a delivery cut off by a stop, and the restarted server delivers it, once per activity id", async () => {
    const s = await server({ federation: { delivery: { ...FAST, shutdownGraceMs: 100 } } });
    const actor = `http://localhost:${s.current.port}/orgs/a`;
    const p = await peer(() => s.current.db);
    p.reply = (_req, n) => (n === 1 ? "hang" : { status: 202 });
    makeRemoteFollower(s.current.db, { following: actor, host: hostOf(p), shared: true });
    const activity = publish(s.current.db, actor);
    await waitFor(() => p.received.length === 1, 5_000, "the request to arrive");
    const leased = rowsOf(s.current.db, activity.activityId)[0];
    expect(leased.leaseOwner).toBe(s.current.delivery!.owner);

    s.current = await s.current.restart();
    await waitFor(() => allDelivered(s.current.db, activity.activityId), 5_000, "delivery after restart");
    expect(p.received.map((r) => r.activityId)).toEqual([activity.id, activity.id]);
    expect(p.applied()).toEqual(new Set([activity.id]));
    // The cut-off attempt was handed back, not counted.
    expect(rowsOf(s.current.db, activity.activityId)[0].attempts).toBe(1);
  });

  it("recovers a delivery from a worker killed with SIGKILL mid-request", async () => {
    const db = createTestDb();
    const actor = "http://badges.test/orgs/a";
    const p = await peer(() => db);
    p.reply = (_req, n) => (n === 1 ? "hang" : { status: 202 });
    makeRemoteFollower(db, { following: actor, host: hostOf(p), shared: true });
    actorKeysFor(db, actor);
    const activity = publish(db, actor);

    const child = spawn(process.execPath, ["--import", "tsx", "test/support/delivery-child.ts", db.$client.name], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    });
    await waitFor(() => p.received.length === 1, 20_000, "the child's request to arrive");
    const leased = rowsOf(db, activity.activityId)[0];
    expect(leased.leaseOwner).toMatch(new RegExp(`:${child.pid}:`));
    expect(leased.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + 30_000); // far from expiring on its own

    child.kill("SIGKILL");
    expect(await exited).toBe(null);

    const started = Date.now();
    const worker: DeliveryWorker = createDeliveryWorker({ db, fetcher: createFetcher({ allowPrivateAddresses: true, userAgent: "test" }), ...FAST });
    worker.start();
    cleanups.push(() => worker.stop());
    await waitFor(() => allDelivered(db, activity.activityId), 5_000, "delivery by the next worker");
    expect(Date.now() - started).toBeLessThan(2_000); // freed at start-up, not after the 60 s lease
    expect(p.received.map((r) => r.activityId)).toEqual([activity.id, activity.id]);
    expect(p.applied()).toEqual(new Set([activity.id]));
  });
});

describe("several workers on one database", () => {
  it("deliver each row once between them", async () => {
    const first = createTestDb();
    const second = openDatabase(first.$client.name);
    cleanups.push(() => second.$client.close());
    const actor = "http://badges.test/orgs/a";
    actorKeysFor(first, actor);
    const p = await peer(() => first);
    p.reply = () => ({ status: 202, delayMs: 5 });
    const inboxes = Array.from({ length: 200 }, (_, i) => `${p.origin}/users/u${i}/inbox`);
    const workers = [first, second].map((db, i) =>
      createDeliveryWorker({ db, fetcher: createFetcher({ allowPrivateAddresses: true, userAgent: `worker-${i}` }), ...FAST }),
    );
    workers.forEach((w) => w.start());
    cleanups.push(() => Promise.all(workers.map((w) => w.stop())));
    const activity = publish(first, actor, inboxes);
    await waitFor(() => allDelivered(first, activity.activityId), 10_000, "200 deliveries");
    expect(p.received).toHaveLength(200);
    expect(new Set(p.received.map((r) => r.url)).size).toBe(200);
    expect(p.received.every((r) => r.verified)).toBe(true);
    expect(new Set(p.received.map((r) => r.headers["user-agent"]))).toEqual(new Set(["worker-0", "worker-1"])); // both took part
    const byWorker = first.select().from(deliveries).all().map((r) => r.attempts);
    expect(byWorker.every((n) => n === 1)).toBe(true);
  });
});
