// Delivery throughput: one publish-sized activity fanned out to 1,000 followers, delivered
// signed (RSA-2048) to a loopback sink in another process that verifies every request.
// Then the same 1,000 followers on 100 instances with shared inboxes: one request each.
//
// Simulated instances are names (f1.bench.test, h1.bench.test, …) that the fetcher's
// resolver maps to 127.0.0.1; the sink tells them apart by the Host header.
import { spawn, type ChildProcess } from "node:child_process";
import { createSign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, type Db } from "../db/client";
import { follows, remoteActors } from "../db/schema";
import { createDeliveryWorker } from "../federation/delivery-worker";
import { createFetcher, type Resolver } from "../federation/fetcher";
import { actorKeysFor, rsaPrivateKey } from "../federation/keys";
import { enqueueActivity } from "../federation/outbox";
import { summariseProfile } from "./cpu-profile";

const root = fileURLToPath(new URL("..", import.meta.url));
const ACTOR = "http://localhost:3000/orgs/bench";
const PASSES = 3;

interface Sink {
  port: number;
  stats(): Promise<{ verified: number; refused: number; perHost: Record<string, number>; cpuMs: number }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export type SinkKind = "raw" | "node-http";

async function startSink(publicKeyPem: string, kind: SinkKind): Promise<Sink> {
  const keyFile = join(mkdtempSync(join(tmpdir(), "bc-bench-key-")), "key.pem");
  writeFileSync(keyFile, publicKeyPem);
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "bench/federation-sink.ts", keyFile, kind], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const m = chunk.toString().match(/listening (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`sink exited with ${code}`)));
  });
  const control = `http://127.0.0.1:${port}`;
  return {
    port,
    stats: async () => (await fetch(`${control}/__stats`)).json(),
    reset: async () => void (await fetch(`${control}/__reset`, { method: "POST" })),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** `count` remote followers of ACTOR; follower i lives on host `hostOf(i)`. */
function addFollowers(db: Db, prefix: string, count: number, hostOf: (i: number) => string, shared: boolean) {
  db.transaction((tx) => {
    for (let i = 0; i < count; i++) {
      const host = hostOf(i);
      const uri = `http://${host}/users/${prefix}${i}`;
      tx.insert(remoteActors)
        .values({ uri, type: "Person", handle: `${prefix}${i}`, host, inboxUrl: `${uri}/inbox`, sharedInboxUrl: shared ? `http://${host}/inbox` : null, fetchedAt: new Date() })
        .run();
      tx.insert(follows).values({ followerUri: uri, followingUri: ACTOR, activityUri: `${uri}#follow`, status: "accepted" }).run();
    }
  });
}

function clearFollowers(db: Db) {
  db.delete(follows).run();
  db.delete(remoteActors).run();
}

let published = 0;
/** A Create the size of a badge version announcement (about 3 KB of JSON). */
function badgeActivity() {
  const n = ++published;
  const badge = `http://localhost:3000/badges/bench-${n}`;
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", { bc: "https://badgecommons.org/ns#" }],
    id: `${ACTOR}/activities/create-${n}`,
    type: "Create",
    actor: ACTOR,
    published: new Date().toISOString(),
    to: ["https://www.w3.org/ns/activitystreams#Public"],
    cc: [`${ACTOR}/followers`],
    object: {
      id: `${badge}/versions/1`,
      type: "Note",
      attributedTo: [ACTOR, "http://localhost:3001/orgs/peer"],
      name: "Social Innovation 101",
      summary: "Understands how social innovations are designed, tested and scaled with the people they serve.",
      content: `<p>${"Designs an intervention with the community it serves, tests it, and shows evidence of its effect. ".repeat(20)}</p>`,
      url: badge,
      tag: ["social-innovation", "community", "design", "evidence"].map((t) => ({ type: "Hashtag", name: `#${t}`, href: `http://localhost:3000/tags/${t}` })),
      attachment: [{ type: "Link", mediaType: "application/ld+json", href: `${badge}/achievement.json` }],
      "bc:version": 1,
      "bc:prerequisites": [],
    },
  };
}

/** Profiles this process's main thread while `run` runs, and says where its time went. */
async function profiled<T extends { deliveries: number }>(label: string, run: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  const result = await run();
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  const file = join(mkdtempSync(join(tmpdir(), "bc-bench-delivery-")), "delivery.cpuprofile");
  writeFileSync(file, JSON.stringify(profile));
  const summary = summariseProfile(file, { inclusiveOf: ["attempt", "exchangeOnce", "signRequestAsync", "tick", "recordAndClaim", "recordOutcomes"] });
  const busy = summary.totalMs - summary.idleMs;
  const per = (ms: number) => `${((ms / result.deliveries) * 1000).toFixed(0)} µs`;
  console.log(`    profiled (${label}): the main thread was busy ${busy.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms (${per(busy)} per delivery; signing runs on the thread pool, not counted here)`);
  console.log(`    self time by part (per delivery):`);
  for (const [name, ms] of summary.byCategory.slice(0, 12)) console.log(`      ${per(ms).padStart(7)}  ${((ms / busy) * 100).toFixed(0).padStart(3)}%  ${name}`);
  console.log(`    inclusive time of (per delivery):`);
  for (const [name, ms] of Object.entries(summary.inclusive).filter(([, ms]) => ms > 0)) console.log(`      ${per(ms).padStart(7)}  ${name}`);
  console.log(`    busiest functions (self):`);
  for (const [name, ms] of summary.topSelf.slice(0, 10)) console.log(`      ${per(ms).padStart(7)}  ${name}`);
  console.log(`    profile: ${file}`);
  return result;
}

/** Publishes once to the current followers and waits until every delivery is done. */
async function publishAndDeliver(db: Db, worker: ReturnType<typeof createDeliveryWorker>) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { inboxes } = db.transaction((tx) => enqueueActivity(tx, { actorUri: ACTOR, document: badgeActivity(), public: true }));
  const queuedMs = performance.now() - started;
  await worker.idle();
  const totalMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const counts = db.$client.prepare("SELECT status, count(*) AS n FROM deliveries GROUP BY status").all() as { status: string; n: number }[];
  db.$client.prepare("DELETE FROM deliveries").run();
  return { deliveries: inboxes.length, queuedMs, totalMs, cpuMs, counts: Object.fromEntries(counts.map((c) => [c.status, c.n])) };
}

export async function benchFederationDelivery(options: { followers?: number; sharedHosts?: number; profile?: boolean; sink?: SinkKind } = {}) {
  const { followers = 1_000, sharedHosts = 100, profile = false, sink: sinkKind = "raw" } = options;
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), "bc-bench-")), "delivery.sqlite"));
  const keys = actorKeysFor(db, ACTOR);
  const sink = await startSink(keys.rsaPublicKeyPem, sinkKind);
  const resolve: Resolver = async (hostname) => {
    if (!hostname.endsWith(".bench.test")) throw Object.assign(new Error(`unknown host ${hostname}`), { code: "ENOTFOUND" });
    return [{ address: "127.0.0.1", family: 4 }];
  };
  const fetcher = createFetcher({ allowPrivateAddresses: true, userAgent: "BadgeCommons-bench", resolve });
  const worker = createDeliveryWorker({ db, fetcher });
  worker.start();
  const host = (name: string) => `${name}.bench.test:${sink.port}`;
  try {
    console.log(`\nFederation delivery: one badge activity (${JSON.stringify(badgeActivity()).length} bytes), RSA-2048 signed, to a loopback sink that verifies each request (sink: ${sinkKind}; target: >= 1,500 deliveries/s)`);
    published = 0;

    // Warm-up: JIT, connection set-up code paths, prepared statements.
    addFollowers(db, "w", 200, (i) => host(`w${i}`), false);
    await publishAndDeliver(db, worker);
    clearFollowers(db);
    await sink.reset();
    // What signing costs on this machine right now: figures from a busy machine read against it.
    const signStarted = performance.now();
    const calibrationKey = rsaPrivateKey(keys);
    for (let i = 0; i < 200; i++) createSign("sha256").update(`calibration ${i}`).sign(calibrationKey);
    console.log(`  RSA-2048 signature here and now: ${(((performance.now() - signStarted) / 200) * 1000).toFixed(0)} µs on one core (about 280 µs on an idle one)`);

    // Each case runs PASSES times, with followers on fresh host names each time (so the
    // 1,000-host case opens 1,000 new connections every pass), and the median is the figure:
    // one pass takes about a second, and the machine is shared.
    const measure = async (label: string, prefix: string, hostOf: (pass: number, i: number) => string) => {
      const passes: Array<{ rate: number; cpuUs: number; sinkUs: number; queuedMs: number }> = [];
      let delivered = 0;
      let verified = 0;
      let refused = 0;
      for (let pass = 1; pass <= PASSES; pass++) {
        addFollowers(db, `${prefix}${pass}-`, followers, (i) => hostOf(pass, i), false);
        const r = await publishAndDeliver(db, worker);
        const stats = await sink.stats();
        // The sink shares the machine's two cores with the deliverer: what it used is said too.
        const sinkUs = (stats.cpuMs / Math.max(1, stats.verified + stats.refused)) * 1000;
        passes.push({ rate: (r.deliveries / r.totalMs) * 1000, cpuUs: (r.cpuMs / r.deliveries) * 1000, sinkUs, queuedMs: r.queuedMs });
        delivered += r.counts.delivered ?? 0;
        verified += stats.verified;
        refused += stats.refused;
        clearFollowers(db);
        await sink.reset();
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(", ");
      const rates = passes.map((p) => p.rate);
      const cpu = passes.map((p) => p.cpuUs);
      const sinkCpu = passes.map((p) => p.sinkUs);
      console.log(
        `  ${followers} followers, ${label}: median ${median(rates).toFixed(0)} deliveries/s (passes: ${list(rates)}), ` +
          `${median(cpu).toFixed(0)} µs CPU each (${list(cpu)}); sink CPU ${median(sinkCpu).toFixed(0)} µs per request (${list(sinkCpu)}); ` +
          `fan-out written in ${median(passes.map((p) => p.queuedMs)).toFixed(1)} ms; delivered ${delivered}, sink verified ${verified}, refused ${refused}`,
      );
    };
    await measure("each with its own inbox on its own host", "f", (pass, i) => host(`f${pass}-${i}`));
    await measure("own inboxes on 10 hosts (4 at a time per host)", "o", (pass, i) => host(`o${pass}-${i % 10}`));

    if (profile) {
      // The same two fan-outs again under the profiler (which slows them): where the
      // deliverer's main thread spends its time.
      addFollowers(db, "pf", followers, (i) => host(`pf${i}`), false);
      await profiled(`${followers} hosts`, () => publishAndDeliver(db, worker));
      clearFollowers(db);
      addFollowers(db, "po", followers, (i) => host(`po${i % 10}`), false);
      await profiled("10 hosts", () => publishAndDeliver(db, worker));
      clearFollowers(db);
      await sink.reset();
    }

    addFollowers(db, "s", followers, (i) => host(`h${(i % sharedHosts) + 1}`), true);
    const shared = await publishAndDeliver(db, worker);
    const sharedStats = await sink.stats();
    const hosts = Object.values(sharedStats.perHost);
    const requests = hosts.reduce((a, b) => a + b, 0);
    console.log(
      `  the same ${followers} followers on ${sharedHosts} hosts with shared inboxes: ${requests} requests went out ` +
        `(${hosts.length} hosts, ${Math.min(...hosts)}-${Math.max(...hosts)} per host; ${sharedStats.verified} verified) in ${shared.totalMs.toFixed(0)} ms` +
        (requests === sharedHosts && hosts.length === sharedHosts && Math.max(...hosts) === 1 ? "" : "  <-- expected exactly one per host"),
    );
  } finally {
    await worker.stop();
    fetcher.close();
    db.$client.close();
    await sink.stop();
  }
}
