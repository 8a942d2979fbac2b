// Builds a SQLite file with a fixed, reproducible data set of published badges for the
// benchmarks: 200 organisations of every kind, N badges each with 1-3 co-authors, tags,
// criteria text, a published version and the catalogue index.
import { randomUUID } from "node:crypto";
import { openDatabase } from "../db/client";
import { badges, coauthors, organisations, revisions, versions, ORGANISATION_KINDS } from "../db/schema";
import { canonicalJson, emptyContent } from "../app/services/badge-content";
import { indexPublishedVersion } from "../app/services/catalogue-index.server";
import { indexPrerequisites } from "../app/services/prerequisite-index.server";
import { createHash } from "node:crypto";

// A small deterministic PRNG (mulberry32), so every run builds the same data.
export function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  "social innovation", "theory of change", "social finance", "storytelling", "crowdfunding", "leadership",
  "sustainability", "design thinking", "community organising", "impact measurement", "facilitation",
  "circular economy", "data literacy", "public speaking", "grant writing", "volunteer management",
  "climate action", "inclusive design", "negotiation", "systems thinking", "project management",
  "digital safety", "peer mentoring", "food security", "urban gardening", "youth work",
];
const LEVELS = ["101", "Foundations", "Practitioner", "Advanced", "in Practice", "for Teams", "Essentials"];
const WORDS = "learners show evidence of applying the method in a real project with partners and reflect on outcomes measured against goals agreed with the community".split(" ");

export function generateBenchDatabase(path: string, badgeCount: number, publicUrl = "http://localhost:3000") {
  const db = openDatabase(path);
  const random = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  db.transaction((tx) => {
    const orgIds: string[] = [];
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      orgIds.push(id);
      const handle = `org${i}`;
      tx.insert(organisations)
        .values({ id, handle, uri: `${publicUrl}/orgs/${handle}`, name: `Organisation ${i}`, kind: ORGANISATION_KINDS[i % 4], description: sentence(12) })
        .run();
    }
    for (let i = 0; i < badgeCount; i++) {
      const id = randomUUID();
      const revisionId = randomUUID();
      const versionId = randomUUID();
      const subject = pick(SUBJECTS);
      const name = `${subject.replace(/\b\w/g, (c) => c.toUpperCase())} ${pick(LEVELS)} #${i}`;
      const content = {
        ...emptyContent(name),
        summary: `Shows ${subject}: ${sentence(14)}.`,
        criteria: `## What to do\n\n- ${sentence(10)}\n- ${sentence(12)}\n- ${sentence(8)}\n\n${sentence(30)}.`,
        tags: [...new Set([subject, pick(SUBJECTS), pick(SUBJECTS)])].slice(0, 3),
        estimatedHours: 1 + Math.floor(random() * 40),
      };
      const steward = orgIds[i % orgIds.length];
      const uri = `${publicUrl}/badges/${id}`;
      tx.insert(badges)
        .values({ id, uri, stewardOrganisationId: steward, status: "published", currentRevisionId: revisionId, latestVersionId: versionId, approvalPolicy: "all" })
        .run();
      tx.insert(revisions).values({ id: revisionId, badgeId: id, number: 1, content, changedFields: ["name"] }).run();
      const coauthorCount = 1 + Math.floor(random() * 3);
      for (let c = 1; c <= coauthorCount; c++)
        tx.insert(coauthors)
          .values({ badgeId: id, organisationId: orgIds[(i + c * 7) % orgIds.length], status: "accepted" })
          .run();
      tx.insert(versions)
        .values({
          id: versionId, badgeId: id, number: 1, uri: `${uri}/versions/1`, revisionId, content,
          contentHash: createHash("sha256").update(canonicalJson(content)).digest("hex"),
          publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        })
        .run();
      indexPublishedVersion(tx, id);
      indexPrerequisites(tx, id);
    }
  });
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.exec("ANALYZE");
  db.$client.close();
  return { subjects: SUBJECTS };
}
