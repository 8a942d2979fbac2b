// Co-editing fan-out: one co-author types into a draft that 50 other editors have open;
// how long until each of them has the keystroke (socket.io + Yjs, over loopback).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { memberships, users } from "../db/schema";
import { createBadge } from "../app/services/badges.server";
import { noBadgeEvents } from "../app/services/events";
import { createOrganisation } from "../app/services/organisations.server";
import { LiveClient, waitFor } from "../test/support/live-client";
import { HttpSession } from "../test/support/server";
import { fmt, percentile, startChildServer } from "./lib";
import { standaloneFederation } from "../federation/standalone";

export async function benchCoediting(observers = 50, edits = 200, port = 3802) {
  const dbPath = join(mkdtempSync(join(tmpdir(), "bc-bench-")), "coedit.sqlite");
  const server = await startChildServer(dbPath, port);
  const db = openDatabase(dbPath);
  const clients: LiveClient[] = [];
  try {
    // Everyone signs up over HTTP (real sessions), then joins one organisation as editor.
    const sessions: HttpSession[] = [];
    for (let i = 0; i <= observers; i++) {
      const s = new HttpSession(server.url);
      await s.signUp(`editor${i}@bench.example`, `Editor ${i}`);
      sessions.push(s);
    }
    const ids = sessions.map((_, i) => db.select().from(users).where(eq(users.email, `editor${i}@bench.example`)).get()!.id);
    const publicUrl = `http://localhost:${port}`;
    const ctx = { db, publicUrl, events: noBadgeEvents, federation: standaloneFederation(db, publicUrl) };
    const org = createOrganisation(ctx, ids[0], { handle: "bench", name: "Bench Org", kind: "community", description: "", website: "" });
    for (const id of ids.slice(1)) db.insert(memberships).values({ organisationId: org.id, userId: id, role: "editor" }).run();
    const badge = createBadge(ctx, ids[0], { stewardOrganisationId: org.id, name: "Fan-out", approvalPolicy: "all" });

    for (const s of sessions) {
      const c = await LiveClient.connect(server.url, s.cookieHeader);
      const reply = await c.join(badge.id);
      if (!reply.ok) throw new Error(`join refused: ${JSON.stringify(reply)}`);
      clients.push(c);
    }
    const [writer, ...readers] = clients;
    const latencies: number[] = [];
    for (let e = 0; e < edits; e++) {
      const before = readers.map((r) => r.updatesAt.length);
      const sent = Date.now();
      writer.insert("criteria", writer.text("criteria").length, e % 10 === 9 ? "\n" : "x");
      await waitFor(() => readers.every((r, i) => r.updatesAt.length > before[i]), 5000, "fan-out");
      readers.forEach((r, i) => latencies.push(r.updatesAt[before[i]] - sent));
    }
    const expected = writer.text("criteria");
    const converged = readers.every((r) => r.text("criteria") === expected);
    const mem = server.memoryMb();
    console.log(`\nCo-editing fan-out: 1 writer, ${observers} other editors, ${edits} keystrokes (target: p99 < 100 ms)`);
    console.log(`  edit reaches each editor: median ${fmt(percentile(latencies, 50))}  p95 ${fmt(percentile(latencies, 95))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(Math.max(...latencies))}`);
    console.log(`  all ${observers} documents converged: ${converged ? "yes" : "NO"}`);
    console.log(`  server memory: rss ${mem.rss.toFixed(0)} MB, peak ${mem.peak.toFixed(0)} MB (target < 300 MB)`);
  } finally {
    for (const c of clients) c.close();
    db.$client.close();
    await server.stop();
  }
}
