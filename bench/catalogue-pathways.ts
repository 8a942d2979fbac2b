// What the catalogue's Pathways tab adds to a catalogue page: the count of matching
// pathways, measured in-process beside the badge search it sits next to, on the
// catalogue benchmark's 10,000 badges plus 2,000 published pathways written into the read
// model (entries and search rows; their versions are not needed to count them).
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { searchCatalogue } from "../app/services/catalogue.server";
import { countPathways } from "../app/services/pathway-queries.server";
import { generateBenchDatabase } from "./generate";
import { fmt, percentile } from "./lib";

export async function benchCataloguePathways(badgeCount = 10_000, pathwayCount = 2_000) {
  const path = join(mkdtempSync(join(tmpdir(), "bc-bench-")), "bench.sqlite");
  const { subjects } = generateBenchDatabase(path, badgeCount);
  const db = openDatabase(path);
  const orgs = db.all<{ id: string }>(sql`SELECT id FROM organisations`);
  const goals = db.all<{ uri: string }>(sql`SELECT uri FROM badges LIMIT 500`);
  db.transaction((tx) => {
    for (let i = 0; i < pathwayCount; i++) {
      const id = randomUUID();
      const subject = subjects[i % subjects.length];
      const name = `Pathway to ${subject} ${i}`;
      tx.run(sql`INSERT INTO pathways (id, uri, steward_organisation_id, status)
        VALUES (${id}, ${`http://localhost:3000/pathways/${id}`}, ${orgs[i % orgs.length]!.id}, 'published')`);
      const entry = tx.get<{ id: number }>(sql`INSERT INTO pathway_entries (pathway_id, version_number, published_at, name, summary, goal_uri, step_count, route_count)
        VALUES (${id}, 1, ${Date.now()}, ${name}, ${`Learn ${subject}`}, ${goals[i % goals.length]!.uri}, 5, 1) RETURNING id`)!;
      tx.run(sql`INSERT INTO pathway_search (rowid, pathway_id, name, summary, steps)
        VALUES (${entry.id}, ${id}, ${name}, ${`Learn ${subject}`}, ${`steps and guidance about ${subject}`})`);
    }
  });
  const time = (fn: (i: number) => unknown) => {
    for (let i = 0; i < 20; i++) fn(i);
    const xs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      fn(i);
      xs.push(performance.now() - t);
    }
    return xs;
  };
  const words = subjects.flatMap((s) => [s, s.split(" ")[0]!]);
  const rows = [
    ["badge search, landing page", time(() => searchCatalogue(db, {}))],
    ["pathway count, landing page", time(() => countPathways(db, { q: "", instance: null }))],
    ["badge search, words", time((i) => searchCatalogue(db, { q: words[i % words.length] }))],
    ["pathway count, words", time((i) => countPathways(db, { q: words[i % words.length]!, instance: null }))],
    ["pathway count, words + instance", time((i) => countPathways(db, { q: words[i % words.length]!, instance: "elsewhere" }))],
  ] as const;
  console.log(`\nThe Pathways tab's count beside the badge search (${badgeCount} badges, ${pathwayCount} pathways, in-process)`);
  for (const [label, xs] of rows) console.log(`  ${label.padEnd(34)} median ${fmt(percentile([...xs], 50))}  p95 ${fmt(percentile([...xs], 95))}`);
  db.$client.close();
}
