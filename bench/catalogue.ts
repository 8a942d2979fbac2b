// Catalogue and search with 10,000 published badges: server-side render time of the
// catalogue page and of searches, measured over loopback HTTP (an upper bound on the
// server's own time), and the server's memory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateBenchDatabase } from "./generate";
import { fmt, percentile, startChildServer, timeRuns } from "./lib";

export async function benchCatalogue(badgeCount = 10_000, port = 3801) {
  const dbPath = join(mkdtempSync(join(tmpdir(), "bc-bench-")), "bench.sqlite");
  const t0 = performance.now();
  const { subjects } = generateBenchDatabase(dbPath, badgeCount, `http://localhost:${port}`);
  console.log(`generated ${badgeCount} published badges in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const server = await startChildServer(dbPath, port);
  await server.warmedUp();
  try {
    const get = async (path: string) => {
      const res = await fetch(server.url + path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      await res.text();
    };
    const catalogue = await timeRuns(200, 20, () => get("/badges"));
    const page5 = await timeRuns(100, 10, () => get("/badges?page=5"));
    const queries = subjects.flatMap((s) => [s, s.split(" ")[0], `${s.split(" ")[0].slice(0, 4)}`]);
    const search = await timeRuns(300, 30, (i) => get(`/badges?q=${encodeURIComponent(queries[i % queries.length])}`));
    const filtered = await timeRuns(100, 10, (i) => get(`/badges?tag=${encodeURIComponent(subjects[i % subjects.length])}&kind=school`));
    const mem = server.memoryMb();
    const rows = [
      ["catalogue page (/badges)", catalogue],
      ["catalogue page 5", page5],
      ["search (/badges?q=…)", search],
      ["tag + kind filter", filtered],
    ] as const;
    console.log(`\nCatalogue with ${badgeCount} published badges (target: median < 30 ms)`);
    for (const [label, xs] of rows) console.log(`  ${label.padEnd(28)} median ${fmt(percentile(xs, 50))}  p95 ${fmt(percentile(xs, 95))}`);
    console.log(`  server memory: rss ${mem.rss.toFixed(0)} MB, peak ${mem.peak.toFixed(0)} MB (target < 300 MB)`);
    return { catalogue, search, mem };
  } finally {
    await server.stop();
  }
}
