// `npm run demo`: two Badge Commons instances on this machine, federating for real, so a
// newcomer sees it work in a minute. Instance A (port 3000) gets the demo network of
// `npm run seed`, instance B (port 3001) a second one; then organisations of each follow
// organisations of the other through the same code the "Following" page uses: WebFinger, a
// signed Follow delivered by the worker, an Accept back, and a back-fill of the followed
// organisation's published badges. Databases are ./data/demo-a.sqlite and demo-b.sqlite,
// created on the first run and reused after. Ctrl-C stops both.
import { and, eq } from "drizzle-orm";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { extendDemoPathways, seed } from "../db/seed";
import { DEMO_NETWORK, DEMO_PASSWORD, type DemoNetwork } from "../db/seed-data";
import { RIVERSIDE_NETWORK } from "../db/seed-data-riverside";
import { endorsements, follows, organisations, pathways, users } from "../db/schema";
import type { ServiceContext } from "../app/services/context.server";
import { endorseBadge, withdrawEndorsement } from "../app/services/endorsements.server";
import { noBadgeEvents } from "../app/services/events";
import { searchCatalogue } from "../app/services/catalogue.server";
import { pathwayVersionView } from "../app/services/pathway-queries.server";
import { setLearnerBadge } from "../app/services/learner-badges.server";
import { startServer, type RunningServer } from "../server";

export interface DemoInstance {
  name: "A" | "B";
  server: RunningServer;
  /** What people open, and what ids are made from. */
  publicUrl: string;
  host: string;
  network: DemoNetwork;
}

/** One organisation of one instance following one of the other. */
export interface DemoFollow {
  follower: { instance: "A" | "B"; handle: string };
  following: { instance: "A" | "B"; handle: string };
}

// Each instance follows organisations of the other: B's catalogue then holds A's badges
// and A's holds B's. "Oral History Interviewing" on B names A's "Social Innovation 101" as
// a prerequisite, so its pathway crosses instances.
export const DEMO_FOLLOWS: DemoFollow[] = [
  { follower: { instance: "B", handle: "riverside" }, following: { instance: "A", handle: "changemakers" } },
  { follower: { instance: "B", handle: "greenfield" }, following: { instance: "A", handle: "northside" } },
  { follower: { instance: "A", handle: "changemakers" }, following: { instance: "B", handle: "riverside" } },
  { follower: { instance: "A", handle: "acme" }, following: { instance: "B", handle: "greenfield" } },
];

/** An organisation of one instance endorsing a badge of the other, held there through a follow. */
export interface DemoCrossEndorsement {
  instance: "A" | "B";
  by: string;
  badge: string;
  statement: string;
  // The endorser later withdraws it (after the steward's Accept came back).
  then?: "withdrawn";
}

// Endorsements across the two instances: made on one, accepted by the steward's instance
// (automatically), shown on both; one is withdrawn again, and disappears from both.
export const DEMO_CROSS_ENDORSEMENTS: DemoCrossEndorsement[] = [
  {
    instance: "B",
    by: "greenfield",
    badge: "Social Innovation 101",
    statement: "Our first-year students take this before any project with a community partner.",
  },
  {
    instance: "A",
    by: "acme",
    badge: "Community Archiving",
    statement: "We fund archive projects in our neighbourhood and hire people who have run one.",
  },
  {
    instance: "A",
    by: "harbour",
    badge: "Oral History Interviewing",
    statement: "Our evening course uses these interview guides.",
  },
  {
    instance: "B",
    by: "riverside",
    badge: "Storytelling for Change",
    statement: "We tried this with our volunteers; we will vouch again once we have run it twice.",
    then: "withdrawn",
  },
];

// Lee, the demo learner on A, also plans a badge of B (held on A through a follow): My
// learning on A then offers B's "Community Archiving" as the place to start, "on" B's host.
export const DEMO_LEARNER_PLAN = { email: "lee@learner.example", badge: "Oral History Interviewing" };

/** The learner plans a badge stewarded on the other instance, once it is in this catalogue. */
function planAcross(on: DemoInstance, plan: typeof DEMO_LEARNER_PLAN) {
  const { db } = on.server;
  const learner = db.select().from(users).where(eq(users.email, plan.email)).get();
  const badge = searchCatalogue(db, { q: plan.badge }).entries.find((x) => x.name === plan.badge && x.steward.host);
  if (!learner || !badge) throw new Error(`instance ${on.name} lacks ${plan.email} or a remote "${plan.badge}" to plan`);
  setLearnerBadge(db, learner.id, badge.uri, "planned");
}

export interface DemoOptions {
  ports?: [number, number];
  dataDir?: string;
  host?: string;
  log?: (line: string) => void;
  /** How long one follow may take to be accepted and back-filled. */
  followTimeoutMs?: number;
}

export interface Demo {
  a: DemoInstance;
  b: DemoInstance;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const { ports = [3000, 3001], dataDir = "./data", log = console.log, followTimeoutMs = 30_000 } = options;
  // The instances trust private and loopback addresses (below), so by default they listen
  // on loopback only: the demo is for this machine.
  const host = options.host ?? "127.0.0.1";
  for (const port of ports) if (port) await assertPortFree(port, host);

  const start = async (name: "A" | "B", port: number, network: DemoNetwork): Promise<DemoInstance> => {
    const server = await startServer({
      env: {
        PORT: String(port),
        HOST: host,
        DATABASE_PATH: join(dataDir, `demo-${name.toLowerCase()}.sqlite`),
        // Ids are made from the URL people open; a PUBLIC_URL set in the shell is for `npm start`.
        PUBLIC_URL: undefined,
        // The two instances are peers on 127.0.0.1. The guarded fetcher refuses loopback and
        // private addresses unless the operator allows them (so a remote actor cannot make an
        // instance fetch its own network); this demo is such an operator, and this flag is
        // set here only, never by default. It also lets WebFinger use plain http.
        FEDERATION_ALLOW_PRIVATE_ADDRESSES: "1",
        // The owner of each instance's first organisation sees /admin/federation (the queue).
        ADMIN_EMAILS: network.accounts[0].email,
      },
      quiet: true,
    });
    return { name, server, publicUrl: `http://localhost:${server.port}`, host: `localhost:${server.port}`, network };
  };

  const a = await start("A", ports[0], DEMO_NETWORK);
  let b: DemoInstance | null = null;
  const close = async () => {
    await Promise.all([a.server.close(), b?.server.close()]);
  };
  try {
    b = await start("B", ports[1], RIVERSIDE_NETWORK);
    const quiet = () => {};
    if (await seed(a.server.db, a.publicUrl, { log: quiet })) log(`Loaded the demo network into instance A.`);
    const onA = (key: string) => {
      const name = DEMO_NETWORK.badges.find((x) => x.key === key)?.content.name;
      return name ? searchCatalogue(a.server.db, { q: name }).entries.find((e) => e.name === name && !e.steward.host)?.uri : undefined;
    };
    if (await seed(b.server.db, b.publicUrl, { log: quiet, network: RIVERSIDE_NETWORK, externalBadgeUri: onA })) log(`Loaded the second network into instance B.`);
    const instances = { A: a, B: b };
    for (const f of DEMO_FOLLOWS) await follow(instances[f.follower.instance], f.follower.handle, instances[f.following.instance], f.following.handle, followTimeoutMs, log);
    // A's "Changemaker Foundations" pathway gets B's "Community Archiving" as a step, now
    // that A holds it: version 2, delivered to B, which follows its steward.
    const onB = (key: string) => {
      const name = RIVERSIDE_NETWORK.badges.find((x) => x.key === key)?.content.name;
      return name ? searchCatalogue(a.server.db, { q: name }).entries.find((e) => e.name === name && e.steward.host === b!.host)?.uri : undefined;
    };
    if (extendDemoPathways(a.server.db, a.publicUrl, DEMO_NETWORK, onB)) {
      log("Published version 2 of Changemaker Foundations on A, with a step of B.");
      await waitForPathwayVersion(b, DEMO_NETWORK.pathways?.[0]?.name ?? "", 2, followTimeoutMs);
    }
    for (const e of DEMO_CROSS_ENDORSEMENTS) await endorseAcross(instances[e.instance], e, followTimeoutMs, log);
    planAcross(a, DEMO_LEARNER_PLAN);
    return { a, b, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** `handle` on `from` follows `target` on `to`, unless it already does; waits for Accept and back-fill. */
async function follow(from: DemoInstance, handle: string, to: DemoInstance, target: string, timeoutMs: number, log: (line: string) => void) {
  const { db } = from.server;
  const follower = db.select().from(organisations).where(eq(organisations.uri, `${from.publicUrl}/orgs/${handle}`)).get();
  if (!follower) throw new Error(`instance ${from.name} has no organisation ${handle}`);
  const followingUri = `${to.publicUrl}/orgs/${target}`;
  const existing = () => db.select().from(follows).where(and(eq(follows.followerUri, follower.uri), eq(follows.followingUri, followingUri))).get();
  if (existing()?.status !== "accepted") {
    const ownerKey = from.network.organisations.find((o) => o.handle === handle)!.owner;
    const email = from.network.accounts.find((p) => p.key === ownerKey)!.email;
    const owner = db.select().from(users).where(eq(users.email, email)).get();
    if (!owner) throw new Error(`instance ${from.name} has no account ${email}`);
    log(`${follower.name} (${from.name}) asks to follow @${target}@${to.host} (${to.name}) …`);
    await from.server.federation.follow(owner.id, follower.id, `@${target}@${to.host}`);
    const deadline = Date.now() + timeoutMs;
    while (existing()?.status !== "accepted") {
      if (existing()?.status === "rejected") throw new Error(`@${target}@${to.host} rejected the follow`);
      if (Date.now() > deadline) throw new Error(`@${target}@${to.host} did not accept within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // The Accept starts a back-fill of the followed organisation's outbox.
  await from.server.federation.idle();
}

/**
 * One cross-instance endorsement, unless that organisation already endorsed (or withdrew
 * its endorsement of) the badge; waits for the steward's Accept, then withdraws when asked.
 */
async function endorseAcross(from: DemoInstance, e: DemoCrossEndorsement, timeoutMs: number, log: (line: string) => void) {
  const { db } = from.server;
  const ctx: ServiceContext = { db, publicUrl: from.publicUrl, events: noBadgeEvents, federation: from.server.federation.outbox };
  const endorser = db.select().from(organisations).where(eq(organisations.uri, `${from.publicUrl}/orgs/${e.by}`)).get();
  const badge = searchCatalogue(db, { q: e.badge }).entries.find((x) => x.name === e.badge && x.steward.host);
  if (!endorser || !badge) throw new Error(`instance ${from.name} lacks ${e.by} or a remote "${e.badge}" to endorse`);
  const earlier = () => db.select().from(endorsements).where(and(eq(endorsements.endorserOrganisationId, endorser.id), eq(endorsements.badgeId, badge.id))).get();
  if (earlier()) return;
  const ownerKey = from.network.organisations.find((o) => o.handle === e.by)!.owner;
  const owner = db.select().from(users).where(eq(users.email, from.network.accounts.find((p) => p.key === ownerKey)!.email)).get()!;
  log(`${endorser.name} (${from.name}) endorses "${e.badge}" (${badge.steward.host}) …`);
  const { endorsement } = endorseBadge(ctx, owner.id, badge.id, { organisationId: endorser.id, statement: e.statement, versionNumber: badge.versionNumber });
  const deadline = Date.now() + timeoutMs;
  while (earlier()?.status !== "accepted") {
    if (Date.now() > deadline) throw new Error(`the steward of "${e.badge}" did not accept within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (e.then === "withdrawn") withdrawEndorsement(ctx, owner.id, endorsement.id);
}

/** Waits until `instance` holds version `number` of the pathway named `name` (delivered by the worker). */
async function waitForPathwayVersion(instance: DemoInstance, name: string, number: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = instance.server.db.select().from(pathways).all().some((p) => {
      if (p.status !== "published") return false;
      const view = pathwayVersionView(instance.server.db, p.id);
      return view.name === name && view.version.number >= number;
    });
    if (held) return;
    if (Date.now() > deadline) throw new Error(`instance ${instance.name} did not receive version ${number} of ${name} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `Port ${port} is in use; stop what listens there (another npm start or npm run demo?) and try again.` : e.message)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function describe(demo: Demo): string {
  const { a, b } = demo;
  const instances = { A: a, B: b };
  const orgName = (i: DemoInstance, handle: string) => i.network.organisations.find((o) => o.handle === handle)!.name;
  const remoteIn = (i: DemoInstance) => searchCatalogue(i.server.db, { pageSize: 100 }).entries.filter((e) => e.steward.host);
  const lines = [
    "",
    "Badge Commons demo: two instances federating on this machine.",
    "",
    `  Instance A  ${a.publicUrl}   ${DEMO_NETWORK.organisations.map((o) => o.name).join(", ")}`,
    `  Instance B  ${b.publicUrl}   ${RIVERSIDE_NETWORK.organisations.map((o) => o.name).join(", ")}`,
    "",
    "Who follows whom (a signed Follow, an Accept, then the published badges back-filled; new ones arrive as they are published):",
    ...DEMO_FOLLOWS.map((f) => {
      const from = instances[f.follower.instance];
      const to = instances[f.following.instance];
      return `  ${orgName(from, f.follower.handle)} (${from.name}) follows ${orgName(to, f.following.handle)} (${to.name}, @${f.following.handle}@${to.host})`;
    }),
    "",
    `Badges from the other instance now in each catalogue: ${remoteIn(b).length} on B, ${remoteIn(a).length} on A.`,
    "",
    "Endorsements across the instances (sent to the steward's instance, accepted there, shown on both):",
    ...DEMO_CROSS_ENDORSEMENTS.map((e) => {
      const from = instances[e.instance];
      return `  ${orgName(from, e.by)} (${from.name}) endorses "${e.badge}"${e.then === "withdrawn" ? ", then withdrew it: gone from both" : ""}`;
    }),
    `  Open ${b.publicUrl}/badges: "Social Innovation 101" is there, marked "${a.host}".`,
    `  Open ${a.publicUrl}/badges: "Community Archiving" is there, marked "${b.host}".`,
    "",
    `A pathway across both: "Changemaker Foundations", stewarded on A by Changemakers Network with Northside School,`,
    `leads to the badge of that name through Social Innovation 101, Theory of Change and one of three applied badges,`,
    `one of them B's "Community Archiving". Open ${a.publicUrl}/pathways, or ${b.publicUrl}/pathways for B's copy.`,
    `${DEMO_LEARNER_PLAN.email} on A holds two badges and plans "Impact Measurement" (A) and "${DEMO_LEARNER_PLAN.badge}" (B):`,
    `  ${a.publicUrl}/learning lists what they can earn next and where to start; each badge page draws where it fits.`,
    "",
    `Sign in with the password "${DEMO_PASSWORD}" as:`,
    ...a.network.accounts.map((p) => `  on A  ${p.email.padEnd(28)} ${p.about}`),
    ...b.network.accounts.map((p) => `  on B  ${p.email.padEnd(28)} ${p.about}`),
    "",
    `Try it: sign in on A as chen@northside.example (Northside publishes alone), edit "Storytelling for Change",`,
    `approve and publish version 2, then reload ${b.publicUrl}/badges: the new version is there within a second.`,
    `${a.network.accounts[0].email} on A and ${b.network.accounts[0].email} on B also see /admin/federation (the delivery queue).`,
    "",
    "Ctrl-C stops both instances. Delete data/demo-a.sqlite and data/demo-b.sqlite (with their -wal and -shm files) to start afresh.",
  ];
  return lines.join("\n");
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  let demo: Demo;
  try {
    demo = await startDemo();
  } catch (e) {
    console.error(`The demo could not start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  console.log(describe(demo));
  let stopping = false;
  const stop = () => {
    // A second Ctrl-C does not wait for deliveries in flight to finish.
    if (stopping) process.exit(1);
    stopping = true;
    console.log("\nStopping both instances …");
    demo.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
