// A federated network for the pathway benchmarks: N published badge definitions, a third
// stewarded by organisations of this instance and the rest by organisations of five other
// instances (remote badges as federation stores them: the steward's host, its own URI and
// page), and exactly E prerequisite edges between them, as conditions of every kind: all
// of, any 1 of, N of M, and two conditions at once. Acyclic by construction (a badge names
// only badges made before it, mostly recent ones, so chains run deep), and a few edges name
// badges of an instance nobody here knows (shown unavailable). Reproducible: a fixed seed.
// A learner holds 50 badges, chosen as a person would earn them (starting badges, then
// badges whose conditions those meet), and plans three badges far along.
import { createHash, randomUUID } from "node:crypto";
import { openDatabase } from "../db/client";
import { badges, organisations, revisions, versions, ORGANISATION_KINDS } from "../db/schema";
import { canonicalJson, emptyContent } from "../app/services/badge-content";
import { indexPublishedVersion } from "../app/services/catalogue-index.server";
import { indexPrerequisites } from "../app/services/prerequisite-index.server";
import { canonicalPrerequisites, prerequisitesMet, type PrerequisiteCondition } from "../app/services/prerequisites";
import { createAccount } from "../app/services/auth.server";
import { setLearnerBadge } from "../app/services/learner-badges.server";
import { rng } from "./generate";

const SUBJECTS = [
  "social innovation", "theory of change", "social finance", "storytelling", "crowdfunding", "leadership",
  "sustainability", "design thinking", "community organising", "impact measurement", "facilitation",
  "circular economy", "data literacy", "public speaking", "grant writing", "volunteer management",
  "climate action", "inclusive design", "negotiation", "systems thinking", "project management",
  "digital safety", "peer mentoring", "food security", "urban gardening", "youth work",
];
const LEVELS = ["101", "Foundations", "Practitioner", "Advanced", "in Practice", "for Teams", "Essentials"];
const WORDS = "learners show evidence of applying the method in a real project with partners and reflect on outcomes measured against goals agreed with the community".split(" ");
export const REMOTE_HOSTS = ["north.bench.test", "south.bench.test", "east.bench.test", "west.bench.test", "harbour.bench.test"];
const ROOTS = 1_000;

export interface FederatedBenchData {
  subjects: string[];
  learner: { email: string; password: string; held: string[]; planned: string[] };
  // Local ids of badges deep in the graph (many levels of prerequisites), for badge pages.
  deepBadgeIds: string[];
  edgeCount: number;
  localBadges: number;
  remoteBadges: number;
}

export async function generateFederatedBenchDatabase(
  path: string,
  badgeCount: number,
  edgeCount: number,
  publicUrl = "http://localhost:3000",
): Promise<FederatedBenchData> {
  const db = openDatabase(path);
  const random = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");

  // How many prerequisites each badge names: none for the first ROOTS, then 1-5 (3 on
  // average), plus one more for as many badges as it takes to make exactly `edgeCount`.
  const perBadge = Array.from({ length: badgeCount }, (_, i) => (i < ROOTS ? 0 : 1 + Math.floor(random() * 5)));
  let total = perBadge.reduce((a, b) => a + b, 0);
  for (let i = ROOTS; total !== edgeCount && i < badgeCount * 4; i++) {
    const at = ROOTS + ((i * 7919) % (badgeCount - ROOTS));
    if (total < edgeCount && perBadge[at] < 8) (perBadge[at]++, total++);
    else if (total > edgeCount && perBadge[at] > 1) (perBadge[at]--, total--);
  }
  if (total !== edgeCount) throw new Error(`could not make exactly ${edgeCount} edges (${total})`);

  const uris: string[] = [];
  const conditionsOf: PrerequisiteCondition[][] = [];
  let local = 0;
  db.transaction((tx) => {
    const orgs: { id: string; host: string | null; uri: string }[] = [];
    for (let i = 0; i < 300; i++) {
      const host = i < 100 ? null : REMOTE_HOSTS[i % REMOTE_HOSTS.length];
      const handle = `org${i}`;
      const uri = host ? `https://${host}/orgs/${handle}` : `${publicUrl}/orgs/${handle}`;
      const id = randomUUID();
      tx.insert(organisations)
        .values({ id, uri, handle, host, name: `${host ? "Partner" : "Organisation"} ${i}`, kind: ORGANISATION_KINDS[i % 4], description: sentence(10) })
        .run();
      orgs.push({ id, host, uri });
    }
    for (let i = 0; i < badgeCount; i++) {
      const id = randomUUID();
      // A third of the badges are this instance's own, the rest came by federation.
      const steward = i % 3 === 0 ? orgs[i % 100] : orgs[100 + (i % 200)];
      if (!steward.host) local++;
      const uri = steward.host ? `https://${steward.host}/badges/${id}` : `${publicUrl}/badges/${id}`;
      uris.push(uri);

      // Prerequisites among the badges made before, mostly recent ones (pathways build
      // on neighbours), now and then one of an instance that is gone.
      const k = perBadge[i];
      const chosen = new Set<string>();
      while (chosen.size < k) {
        if (random() < 0.005) {
          chosen.add(`https://gone.bench.test/badges/${i}-${chosen.size}`);
          continue;
        }
        const back = 1 + Math.floor(random() * random() * Math.min(i, 3_000));
        chosen.add(uris[i - back]);
      }
      const named = [...chosen];
      const kind = random();
      const conditions: PrerequisiteCondition[] =
        k === 0
          ? []
          : kind < 0.4 || k === 1
            ? [{ requiredNumber: k, badges: named }] // all of
            : kind < 0.7
              ? [{ requiredNumber: 1, badges: named }] // any 1 of
              : kind < 0.85 && k >= 3
                ? [{ requiredNumber: 2, badges: named }] // 2 of M
                : [
                    // one required, and any 1 of the rest
                    { requiredNumber: 1, badges: named.slice(0, 1) },
                    { requiredNumber: 1, badges: named.slice(1) },
                  ];
      conditionsOf.push(conditions);

      const subject = pick(SUBJECTS);
      const name = `${subject.replace(/\b\w/g, (c) => c.toUpperCase())} ${pick(LEVELS)} #${i}`;
      const content = {
        ...emptyContent(name),
        summary: `Shows ${subject}: ${sentence(14)}.`,
        criteria: `## What to do\n\n- ${sentence(10)}\n- ${sentence(12)}\n\n${sentence(24)}.`,
        tags: [...new Set([subject, pick(SUBJECTS)])],
        estimatedHours: 1 + Math.floor(random() * 40),
        prerequisites: canonicalPrerequisites(conditions),
      };
      const revisionId = steward.host ? null : randomUUID();
      const versionId = randomUUID();
      tx.insert(badges)
        .values({
          id,
          uri,
          stewardOrganisationId: steward.id,
          status: "published",
          currentRevisionId: revisionId,
          latestVersionId: versionId,
          remoteUrl: steward.host ? uri : null,
        })
        .run();
      if (revisionId) tx.insert(revisions).values({ id: revisionId, badgeId: id, number: 1, content, changedFields: ["name"] }).run();
      tx.insert(versions)
        .values({
          id: versionId,
          badgeId: id,
          number: 1,
          uri: `${uri}/versions/1`,
          revisionId,
          content,
          stewardUri: steward.uri,
          contentHash: createHash("sha256").update(canonicalJson(content)).digest("hex"),
          publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        })
        .run();
      indexPublishedVersion(tx, id);
      indexPrerequisites(tx, id);
    }
  });

  // The learner: some starting badges, then, in the order badges were made, every badge
  // whose conditions what they hold already meets, until they hold 50.
  const held = new Set<string>();
  for (let i = 0; i < ROOTS && held.size < 20; i += 50) held.add(uris[i]);
  for (let i = ROOTS; i < badgeCount && held.size < 50; i++) {
    if (prerequisitesMet(conditionsOf[i], (u) => held.has(u))) held.add(uris[i]);
  }
  const planned = [Math.floor(badgeCount * 0.6), Math.floor(badgeCount * 0.7), Math.floor(badgeCount * 0.8)].map((i) => uris[i]);
  const password = "correct horse battery";
  const user = await createAccount(db, { email: "learner@bench.example", displayName: "Bench Learner", password });
  db.transaction((tx) => {
    for (const uri of held) setLearnerBadge(tx, user.id, uri, "held");
    for (const uri of planned) setLearnerBadge(tx, user.id, uri, "planned");
  });

  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.exec("ANALYZE");
  db.$client.close();
  return describeFederatedBenchDatabase(path, password);
}

/** What the benchmark needs to know of a generated file (also of one kept from an earlier run). */
export function describeFederatedBenchDatabase(path: string, password = "correct horse battery"): FederatedBenchData {
  const db = openDatabase(path);
  try {
    const all = (q: string, ...args: unknown[]) => db.$client.prepare(q).pluck().all(...args) as string[];
    const ids = all("SELECT id FROM badges ORDER BY rowid");
    // Badge pages to open: badges far from the roots, so each has levels of prerequisites.
    const deepBadgeIds: string[] = [];
    for (let i = Math.floor(ids.length / 2); deepBadgeIds.length < 300 && i < ids.length; i += 97) deepBadgeIds.push(ids[i]);
    const email = "learner@bench.example";
    const mine = (status: string) =>
      all("SELECT badge_uri FROM learner_badges l JOIN users u ON u.id = l.user_id WHERE u.email = ? AND l.status = ? ORDER BY l.rowid", email, status);
    const count = (q: string) => db.$client.prepare(q).pluck().get() as number;
    const local = count("SELECT count(*) FROM badges b JOIN organisations o ON o.id = b.steward_organisation_id WHERE o.host IS NULL");
    return {
      subjects: SUBJECTS,
      learner: { email, password, held: mine("held"), planned: mine("planned") },
      deepBadgeIds,
      edgeCount: count("SELECT count(*) FROM prerequisite_edges"),
      localBadges: local,
      remoteBadges: ids.length - local,
    };
  } finally {
    db.$client.close();
  }
}
