// Publish-to-visible latency between the two demo instances: `npm run demo`'s set-up (both
// instances in one process, B's Riverside Library following A's Changemakers Network) on
// ephemeral ports and a temporary directory. Changemakers publishes through the services,
// as the publishing page does; the clock runs from the publishing call until the badge is
// in B's catalogue. New badges (Create) and new versions (Update) are timed apart.
//
// Where the time goes, per publish: the publishing transaction; from its commit until A's
// delivery worker claims the delivery (the wake-up: publishing signals the worker, which
// otherwise polls every 5 s); from the claim until B has verified, applied and recorded
// the activity (signing, HTTP, B's inbox); and until the poll here saw it.
import { and, eq, sql } from "drizzle-orm";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { badges, deliveries, inboxActivities, outboxActivities, organisations, users, versions } from "../db/schema";
import type { ServiceContext } from "../app/services/context.server";
import { createBadge, currentRevision, getBadge, revisionContent, saveDraft } from "../app/services/badges.server";
import { emptyContent } from "../app/services/badge-content";
import { noBadgeEvents } from "../app/services/events";
import { searchCatalogue } from "../app/services/catalogue.server";
import { approveRevision, publishVersion } from "../app/services/publishing.server";
import { startDemo } from "../scripts/demo";
import { percentile } from "./lib";

const TARGET_MEDIAN_MS = 1_000;
const POLL_MS = 2;

interface Timing {
  kind: "Create" | "Update";
  totalMs: number;
  publishMs: number;
  wakeMs: number;
  deliverMs: number;
}

export async function benchFederationLatency(publishes = 30, updates = 10) {
  console.log(
    `\nPublish-to-visible latency between the two demo instances (one process, as npm run demo runs them): ${publishes} new badges and ${updates} new versions published on A, ` +
      `each timed until it is in B's catalogue (target: median < ${TARGET_MEDIAN_MS} ms)`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), "bc-bench-latency-"));
  const startedAt = performance.now();
  const demo = await startDemo({ ports: [0, 0], dataDir, log: () => {} });
  console.log(`  both instances seeded and following each other in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  const { a, b } = demo;
  try {
    const ctx: ServiceContext = { db: a.server.db, publicUrl: a.publicUrl, events: noBadgeEvents, federation: a.server.federation.outbox };
    const amara = a.server.db.select().from(users).where(eq(users.email, "amara@changemakers.example")).get()!;
    const changemakers = a.server.db.select().from(organisations).where(eq(organisations.uri, `${a.publicUrl}/orgs/changemakers`)).get()!;
    // On B, read the way its catalogue reads: badge and latest version, one prepared query.
    const onB = b.server.db
      .select({ number: versions.number })
      .from(badges)
      .innerJoin(versions, eq(versions.id, badges.latestVersionId))
      .where(and(eq(badges.uri, sql.placeholder("uri")), eq(badges.status, "published")))
      .prepare();

    const edit = (badgeId: string, patch: Record<string, unknown>) => {
      const rev = currentRevision(ctx.db, getBadge(ctx.db, badgeId));
      saveDraft(ctx, amara.id, badgeId, { content: { ...emptyContent(), ...revisionContent(rev), ...patch }, baseRevisionId: rev.id });
      approveRevision(ctx, amara.id, badgeId, { organisationId: changemakers.id, revisionId: currentRevision(ctx.db, getBadge(ctx.db, badgeId)).id });
    };

    async function publishAndWait(badgeId: string, kind: Timing["kind"], number: number): Promise<Timing> {
      const uri = getBadge(ctx.db, badgeId).uri;
      const t0 = performance.now();
      const wall0 = Date.now();
      publishVersion(ctx, amara.id, badgeId);
      const publishMs = performance.now() - t0;
      for (;;) {
        if ((onB.get({ uri })?.number ?? 0) >= number) break;
        if (performance.now() - t0 > 30_000) throw new Error(`version ${number} of ${uri} did not reach B in 30 s`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const totalMs = performance.now() - t0;
      // The delivery of this version's activity to B, and B's record of receiving it.
      const activity = a.server.db
        .select({ uri: outboxActivities.uri, claimedAt: deliveries.lastAttemptAt })
        .from(outboxActivities)
        .innerJoin(deliveries, eq(deliveries.activityId, outboxActivities.id))
        .where(and(eq(outboxActivities.objectUri, uri), eq(outboxActivities.type, kind)))
        .orderBy(sql`${outboxActivities.id} desc`)
        .get()!;
      const received = b.server.db.select({ at: inboxActivities.receivedAt }).from(inboxActivities).where(eq(inboxActivities.uri, activity.uri)).get()!;
      // Stored times have millisecond resolution; a claim in the same millisecond as the commit counts as 0.
      const committedAt = wall0 + publishMs;
      const wakeMs = Math.max(0, activity.claimedAt!.getTime() - Math.floor(committedAt));
      return { kind, totalMs, publishMs, wakeMs, deliverMs: received.at.getTime() - activity.claimedAt!.getTime() };
    }

    // Warm-up: the first delivery opens the connection and JIT-compiles the paths.
    const warm = createBadge(ctx, amara.id, { stewardOrganisationId: changemakers.id, name: "Latency warm-up", approvalPolicy: "steward" });
    edit(warm.id, { summary: "Warm-up.", criteria: "Nothing.", tags: ["bench"] });
    await publishAndWait(warm.id, "Create", 1);

    const timings: Timing[] = [];
    const created: string[] = [];
    for (let i = 0; i < publishes; i++) {
      const badge = createBadge(ctx, amara.id, { stewardOrganisationId: changemakers.id, name: `Community Listening ${i + 1}`, approvalPolicy: "steward" });
      edit(badge.id, { summary: `Listen to a neighbourhood before acting in it (${i + 1}).`, criteria: "1. Hold three listening sessions.\n2. Write down what you heard.", tags: ["listening", "community"] });
      timings.push(await publishAndWait(badge.id, "Create", 1));
      created.push(badge.id);
      // A person publishing does not do so back to back; nor do these.
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const badgeId of created.slice(0, updates)) {
      edit(badgeId, { criteria: "1. Hold three listening sessions.\n2. Write down what you heard.\n3. Tell them what you will do." });
      timings.push(await publishAndWait(badgeId, "Update", 2));
      await new Promise((r) => setTimeout(r, 50));
    }
    // And they are in the catalogue search, beside B's own badges.
    const found = searchCatalogue(b.server.db, { q: "community listening" }).total;

    const line = (label: string, list: Timing[]) => {
      const pick = (f: (t: Timing) => number) => list.map(f);
      const fmt = (values: number[]) => `median ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms`;
      console.log(
        `  ${label.padEnd(22)} ${fmt(pick((t) => t.totalMs))} (max ${Math.max(...pick((t) => t.totalMs)).toFixed(0)} ms); ` +
          `of which publishing transaction ${percentile(pick((t) => t.publishMs), 50).toFixed(0)} ms, ` +
          `commit to claimed by A's worker ${percentile(pick((t) => t.wakeMs), 50).toFixed(0)} ms (max ${Math.max(...pick((t) => t.wakeMs)).toFixed(0)}), ` +
          `claimed to recorded on B ${percentile(pick((t) => t.deliverMs), 50).toFixed(0)} ms (medians)`,
      );
    };
    line(`all ${timings.length}`, timings);
    line(`new badges (Create)`, timings.filter((t) => t.kind === "Create"));
    line(`new versions (Update)`, timings.filter((t) => t.kind === "Update"));
    console.log(`  B's catalogue search finds ${found} of the ${publishes} (polled every ${POLL_MS} ms; clock times in ms)`);
    const median = percentile(timings.map((t) => t.totalMs), 50);
    if (median >= TARGET_MEDIAN_MS) console.log(`  <-- median above the ${TARGET_MEDIAN_MS} ms target`);
    return { medianMs: median, p95Ms: percentile(timings.map((t) => t.totalMs), 95) };
  } finally {
    await demo.close();
  }
}
