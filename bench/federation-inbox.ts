// Inbox throughput: signed activities verified, de-duplicated and stored per second by a
// real server (server.ts in its own process, production build) over loopback HTTP.
//
// Senders are `actors` distinct remote actors, each with its own RSA-2048 key, served by a
// loopback actor server in this process: the first activity of each makes the server fetch
// the actor's key and document for real (signed GETs through the guarded fetcher); later
// ones find them cached. Activities are pre-signed (draft-cavage, rsa-sha256, Digest), then
// POSTed by a client in a third process over keep-alive connections, `concurrency` at a time.
// The mix: Creates of Notes from actors nobody here follows (verified, recorded as ignored),
// some Follows of a local organisation (recorded, answered with an Accept that the delivery
// worker sends back to the actor server), and some exact replays (answered "Already
// received", applied once).
import { spawn } from "node:child_process";
import { generateKeyPair, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openDatabase } from "../db/client";
import { createAccount } from "../app/services/auth.server";
import { noBadgeEvents } from "../app/services/events";
import { createOrganisation } from "../app/services/organisations.server";
import { standaloneFederation } from "../federation/standalone";
import { signRequestAsync } from "../federation/http-signatures";
import type { ClientKind, ClientResult, SignedRequest } from "./federation-inbox-client";
import { summariseProfile } from "./cpu-profile";
import { freePort, processCpuMs, startChildServer, type ChildServer } from "./lib";

const root = fileURLToPath(new URL("..", import.meta.url));
const TARGET = 2_000;
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

interface Actor {
  uri: string;
  keyId: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

/** Remote actors on loopback: their documents (with keys), and inboxes that take the Accepts. */
async function startActorServer(count: number) {
  const keys = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) =>
          generateKeyPair("rsa", { modulusLength: 2048 }, (e, publicKey, privateKey) => (e ? reject(e) : resolve({ publicKey, privateKey }))),
        ),
    ),
  );
  let documentsServed = 0;
  let acceptsReceived = 0;
  const actors: Actor[] = [];
  const server: Server = createServer((req, res) => {
    const m = /^\/users\/(\d+)(\/inbox)?$/.exec(req.url ?? "");
    const actor = m ? actors[Number(m[1])] : undefined;
    if (!actor) return void res.writeHead(404).end();
    if (req.method === "POST" && m![2]) {
      req.resume();
      req.on("end", () => {
        acceptsReceived++;
        res.writeHead(202).end();
      });
      return;
    }
    documentsServed++;
    res.writeHead(200, { "content-type": "application/activity+json" }).end(
      JSON.stringify({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id: actor.uri,
        type: "Person",
        preferredUsername: `sender${m![1]}`,
        name: `Sender ${m![1]}`,
        inbox: `${actor.uri}/inbox`,
        outbox: `${actor.uri}/outbox`,
        followers: `${actor.uri}/followers`,
        publicKey: { id: actor.keyId, owner: actor.uri, publicKeyPem: actor.publicKeyPem },
      }),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  keys.forEach((k, i) => {
    const uri = `${base}/users/${i}`;
    actors.push({ uri, keyId: `${uri}#main-key`, publicKeyPem: k.publicKey.export({ type: "spki", format: "pem" }).toString(), privateKey: k.privateKey });
  });
  return {
    actors,
    stats: () => ({ documentsServed, acceptsReceived }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Kind = "create" | "follow" | "replay";

/** Pre-signs `count` activities (plus replays) for the server at `publicUrl`. */
async function signActivities(publicUrl: string, actors: Actor[], count: number, tag: string, followShare: number, replayShare: number) {
  const organisation = `${publicUrl}/orgs/bench`;
  const kinds: Kind[] = [];
  const jobs: Array<Promise<SignedRequest>> = [];
  const every = (share: number) => (share > 0 ? Math.round(1 / share) : Infinity);
  for (let k = 0; k < count; k++) {
    const actor = actors[k % actors.length];
    const follow = k % every(followShare) === every(followShare) - 1;
    const document = follow
      ? { "@context": "https://www.w3.org/ns/activitystreams", id: `${actor.uri}/follows/${tag}-${k}`, type: "Follow", actor: actor.uri, object: organisation }
      : {
          "@context": "https://www.w3.org/ns/activitystreams",
          id: `${actor.uri}/statuses/${tag}-${k}/activity`,
          type: "Create",
          actor: actor.uri,
          published: new Date().toISOString(),
          to: [PUBLIC],
          cc: [`${actor.uri}/followers`],
          object: {
            id: `${actor.uri}/statuses/${tag}-${k}`,
            type: "Note",
            attributedTo: actor.uri,
            published: new Date().toISOString(),
            to: [PUBLIC],
            cc: [`${actor.uri}/followers`],
            content: `<p>${"Our community garden opened a seed library this week: bring seeds, take seeds, write down where they came from. ".repeat(4)}</p>`,
            tag: [{ type: "Hashtag", name: "#gardening", href: `${actor.uri.split("/users")[0]}/tags/gardening` }],
          },
        };
    const path = follow ? "/orgs/bench/inbox" : "/inbox";
    const body = JSON.stringify(document);
    kinds.push(follow ? "follow" : "create");
    jobs.push(
      signRequestAsync({ method: "POST", url: `${publicUrl}${path}`, body, headers: { "content-type": "application/activity+json" } }, { keyId: actor.keyId, privateKey: actor.privateKey }).then(
        (headers) => ({ path, headers, body }),
      ),
    );
  }
  const requests = await Promise.all(jobs);
  // Replays: the same request again, later, as a retrying sender would.
  const replays = Math.round(count * replayShare);
  for (let r = 0; r < replays; r++) {
    const original = Math.floor((r / replays) * (count - 1));
    const at = Math.min(requests.length, original + 200 + r);
    requests.splice(at, 0, requests[original]);
    kinds.splice(at, 0, "replay");
  }
  return { requests, kinds };
}

function runClient(requests: SignedRequest[], port: number, concurrency: number, client: ClientKind): Promise<ClientResult> {
  const file = join(mkdtempSync(join(tmpdir(), "bc-bench-inbox-")), "requests.json");
  writeFileSync(file, JSON.stringify(requests));
  const child = spawn(process.execPath, ["--import", "tsx", "bench/federation-inbox-client.ts", file, String(port), String(concurrency), client], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as ClientResult) : reject(new Error(`inbox client exited with ${code}`)))),
  );
}

interface PassOptions {
  actors: number;
  activities: number;
  concurrency: number;
  followShare: number;
  replayShare: number;
  profile: boolean;
  /** No profiled pass when below target (quicker runs side by side). */
  explain: boolean;
  /** How the client process sends (bench/federation-inbox-client.ts). */
  client: ClientKind;
}

async function pass(options: PassOptions) {
  const dir = mkdtempSync(join(tmpdir(), "bc-bench-inbox-"));
  const dbPath = join(dir, "inbox.sqlite");
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  // The organisation that the Follows name, made through the services.
  const setup = openDatabase(dbPath);
  const owner = await createAccount(setup, { email: "owner@bench.example", displayName: "Bench owner", password: "bench-password-1" });
  createOrganisation({ db: setup, publicUrl, events: noBadgeEvents, federation: standaloneFederation(setup, publicUrl) }, owner.id, {
    handle: "bench",
    name: "Bench",
    kind: "community",
    description: "",
  });
  setup.$client.close();

  const actorServer = await startActorServer(options.actors);
  const profileDir = join(dir, "profile");
  const spawnedAt = performance.now();
  let server: ChildServer | null = await startChildServer(dbPath, port, {
    // The actors are on 127.0.0.1, like the peers of the tests.
    env: { FEDERATION_ALLOW_PRIVATE_ADDRESSES: "1" },
    nodeArgs: options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  try {
    // A follower looks an organisation up before following it (Mastodon resolves it by
    // WebFinger, then reads its actor document), which makes the organisation's keys here;
    // without this the first Follow's Accept would generate them inside the timed run.
    const lookedUp = await fetch(`${server.url}/orgs/bench`, { headers: { accept: "application/activity+json" } });
    if (!lookedUp.ok) throw new Error(`the organisation's actor document: ${lookedUp.status}`);
    await lookedUp.arrayBuffer();
    // First contact: one Create per actor; the server fetches each actor's key and document.
    const first = await signActivities(publicUrl, actorServer.actors, options.actors, "first", 0, 0);
    const firstContact = await runClient(first.requests, port, options.concurrency, options.client);

    const signStarted = performance.now();
    const { requests, kinds } = await signActivities(publicUrl, actorServer.actors, options.activities, "run", options.followShare, options.replayShare);
    const signMs = performance.now() - signStarted;
    const cpuBefore = processCpuMs(server.pid);
    // The client process takes a moment to start and read its file; the window is approximate.
    const window = { fromMs: performance.now() - spawnedAt, toMs: 0 };
    const run = await runClient(requests, port, options.concurrency, options.client);
    const serverCpuMs = processCpuMs(server.pid) - cpuBefore;
    window.toMs = performance.now() - spawnedAt;

    // The Accepts for the Follows go out through the delivery worker meanwhile; wait for them.
    const follows = kinds.filter((k) => k === "follow").length;
    const deadline = Date.now() + 30_000;
    while (actorServer.stats().acceptsReceived < follows && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const db = new Database(dbPath, { readonly: true });
    const stored = Object.fromEntries(
      (db.prepare("SELECT status, count(*) AS n FROM inbox_activities GROUP BY status").all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    );
    const keysCached = (db.prepare("SELECT count(*) AS n FROM remote_keys").get() as { n: number }).n;
    db.close();
    await server.stop();
    server = null;
    // One profile per thread (tsx runs its loader in a second one); the main thread's is thread 0.
    const profile = options.profile ? join(profileDir, readdirSync(profileDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))!) : null;
    return { firstContact, run, kinds, signMs, serverCpuMs, stored, keysCached, actorStats: actorServer.stats(), profile, window };
  } finally {
    await server?.stop();
    await actorServer.close();
  }
}

/** What an RSA-2048 verification costs on this machine right now (19 µs on an idle core of the kind the targets assume). */
function verifyCostUs(): number {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.from("(request-target): post /inbox\nhost: localhost\ndate: now\ndigest: SHA-256=x");
  const signature = sign("sha256", data, privateKey);
  for (let i = 0; i < 200; i++) verify("sha256", data, publicKey, signature);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) verify("sha256", data, publicKey, signature);
  return (performance.now() - started) * 1000 / 1000;
}

export async function benchFederationInbox(options: Partial<PassOptions> = {}) {
  const settings: PassOptions = {
    actors: 32,
    activities: 5_000,
    concurrency: 32,
    followShare: 0.1,
    replayShare: 0.05,
    profile: false,
    explain: true,
    client: "raw",
    ...options,
  };
  console.log(
    `\nFederation inbox: ${settings.activities} signed activities (${Math.round((1 - settings.followShare) * 100)}% Create of a Note, ${Math.round(settings.followShare * 100)}% Follow) ` +
      `+ ${Math.round(settings.replayShare * 100)}% replays, from ${settings.actors} remote actors (RSA-2048 each), POSTed ${settings.concurrency} at a time over keep-alive ` +
      `to a server in its own process (client: ${settings.client}; target: >= ${TARGET.toLocaleString("en")} activities/s)`,
  );
  const verifyUs = verifyCostUs();
  console.log(`  RSA-2048 verification here and now: ${verifyUs.toFixed(0)} µs on one core (about 19 µs on an idle one)`);
  const r = await pass(settings);
  const rate = (r.run.sent / r.run.elapsedMs) * 1000;
  const count = (k: string) => r.kinds.filter((x) => x === k).length;
  const answered = (prefix: string) => Object.entries(r.run.answers).filter(([a]) => a.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
  console.log(
    `  first contact: ${settings.actors} activities from ${settings.actors} new actors in ${r.firstContact.elapsedMs.toFixed(0)} ms ` +
      `(each key and actor fetched for real: ${r.actorStats.documentsServed} documents served, ${r.keysCached} keys cached)`,
  );
  console.log(`  pre-signed ${r.run.sent} requests in ${(r.signMs / 1000).toFixed(1)} s (not timed below)`);
  console.log(
    `  ${r.run.sent} requests in ${r.run.elapsedMs.toFixed(0)} ms = ${rate.toFixed(0)} activities/s; latency p50 ${r.run.latencyMs.p50.toFixed(1)} ms, p95 ${r.run.latencyMs.p95.toFixed(1)} ms, p99 ${r.run.latencyMs.p99.toFixed(1)} ms`,
  );
  console.log(
    `  server CPU ${((r.serverCpuMs / r.run.sent) * 1000).toFixed(0)} µs per activity (${r.serverCpuMs.toFixed(0)} ms, ${((r.serverCpuMs / r.run.elapsedMs) * 100).toFixed(0)}% of a core, including the Accepts it signed and sent); ` +
      `client CPU ${((r.run.cpuMs / r.run.sent) * 1000).toFixed(0)} µs per request`,
  );
  const expectedIgnored = count("create") + settings.actors;
  const ok202 = answered("202");
  console.log(
    `  answers: ${ok202} × 202 (${answered("202 Already received")} "Already received" for ${count("replay")} replays), ${r.run.sent - ok202} other; ` +
      `stored: ${r.stored.ignored ?? 0} ignored (expected ${expectedIgnored}), ${r.stored.applied ?? 0} applied (expected ${count("follow")}), ${r.stored.rejected ?? 0} rejected; ` +
      `${r.actorStats.acceptsReceived} Accepts delivered back`,
  );
  const wrong = r.run.sent - ok202 || (r.stored.ignored ?? 0) !== expectedIgnored || (r.stored.applied ?? 0) !== count("follow") || answered("202 Already received") !== count("replay");
  if (wrong) console.log(`  <-- unexpected answers: ${JSON.stringify(r.run.answers)}`);
  if ((rate < TARGET && settings.explain) || settings.profile) await explain(settings, rate);
  return { rate, serverCpuPerActivityUs: (r.serverCpuMs / r.run.sent) * 1000 };
}

/** Runs the same load again with the server under --cpu-prof and says where its time went. */
async function explain(settings: PassOptions, rate: number) {
  console.log(rate < TARGET ? `  below target: the same load again with the server profiled (--cpu-prof) …` : `  profiled pass (--cpu-prof):`);
  const r = await pass({ ...settings, profile: true });
  // Inclusive times of middleware would count everything they call on to, so only functions
  // that do one job are named here.
  const summary = summariseProfile(r.profile!, {
    inclusiveOf: ["receiveActivity", "verifyRequest", "readCavageSignature", "checkSignature", "planFor", "transaction", "rawParser", "attempt"],
    ...r.window,
  });
  const busy = summary.totalMs - summary.idleMs;
  const per = (ms: number) => `${((ms / r.run.sent) * 1000).toFixed(0)} µs`;
  console.log(
    `    profiled: ${((r.run.sent / r.run.elapsedMs) * 1000).toFixed(0)} activities/s; during the timed run the main thread was busy ${busy.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms (${per(busy)} per activity)`,
  );
  console.log(`    self time by part (per activity):`);
  for (const [name, ms] of summary.byCategory.slice(0, 14)) console.log(`      ${per(ms).padStart(7)}  ${((ms / busy) * 100).toFixed(0).padStart(3)}%  ${name}`);
  console.log(`    inclusive time of (per activity):`);
  for (const [name, ms] of Object.entries(summary.inclusive).filter(([, ms]) => ms > 0)) console.log(`      ${per(ms).padStart(7)}  ${name}`);
  console.log(`    busiest functions (self):`);
  for (const [name, ms] of summary.topSelf.slice(0, 10)) console.log(`      ${per(ms).padStart(7)}  ${name}`);
  console.log(`    profile: ${r.profile}`);
}
