// A badge with 1,000 endorsements: server-side render time of its public page, of the
// steward's view of it (with endorsements waiting), of the full list's pages and of the
// Achievement that embeds every signed credential, over loopback HTTP; and the section's
// own time in-process. Endorsements are made through the service (validated, signed with
// Ed25519, indexed); the 1,000 endorsing organisations share one stored key pair, because
// generating 1,000 RSA keys would take minutes and is not what is measured.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { openDatabase } from "../db/client";
import { actorKeys, memberships, organisations, ORGANISATION_KINDS } from "../db/schema";
import { createAccount } from "../app/services/auth.server";
import { createBadge, currentRevision, getBadge, revisionContent, saveDraft } from "../app/services/badges.server";
import { emptyContent } from "../app/services/badge-content";
import { endorseBadge, setAutoAcceptEndorsements } from "../app/services/endorsements.server";
import { noBadgeEvents } from "../app/services/events";
import { createOrganisation } from "../app/services/organisations.server";
import { approveRevision, publishVersion } from "../app/services/publishing.server";
import { endorsementSection } from "../app/utils/endorsements-view.server";
import { generateActorKeys } from "../federation/keys";
import { standaloneFederation } from "../federation/standalone";
import { HttpSession } from "../test/support/server";
import { rng } from "./generate";
import { fmt, percentile, startChildServer, timeRuns } from "./lib";

const STATEMENTS = [
  "We hire people who hold this badge",
  "We co-teach this with our partners",
  "Our volunteers earn it in their first season",
  "It matches what we look for in a pitch",
  "Our students take it every spring",
];

export async function benchEndorsements(count = 1000, port = 3803) {
  const dbPath = join(mkdtempSync(join(tmpdir(), "bc-bench-")), "endorsements.sqlite");
  const publicUrl = `http://localhost:${port}`;
  const db = openDatabase(dbPath);
  const ctx = { db, publicUrl, events: noBadgeEvents, federation: standaloneFederation(db, publicUrl) };
  const random = rng(7);
  const t0 = performance.now();

  const stewardUser = await createAccount(db, { email: "steward@bench.example", displayName: "Steward", password: "correct horse battery" });
  const steward = createOrganisation(ctx, stewardUser.id, { handle: "steward", name: "Bench Steward", kind: "nonprofit", description: "" });
  const badge = createBadge(ctx, stewardUser.id, { stewardOrganisationId: steward.id, name: "Social Innovation 101", approvalPolicy: "steward" });
  const rev = currentRevision(db, getBadge(db, badge.id));
  saveDraft(ctx, stewardUser.id, badge.id, {
    baseRevisionId: rev.id,
    content: { ...emptyContent(), ...revisionContent(rev), summary: "Spot a social problem and test a first solution.", criteria: "Interview five people; prototype; reflect." },
  });
  approveRevision(ctx, stewardUser.id, badge.id, { organisationId: steward.id, revisionId: getBadge(db, badge.id).currentRevisionId! });
  publishVersion(ctx, stewardUser.id, badge.id);

  // The endorsing organisations, one owner for all of them, one shared key pair.
  const owner = await createAccount(db, { email: "endorser@bench.example", displayName: "Endorser", password: "correct horse battery" });
  const shared = generateActorKeys("shared");
  const orgIds: string[] = [];
  db.transaction((tx) => {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const handle = `endorser${i}`;
      const uri = `${publicUrl}/orgs/${handle}`;
      tx.insert(organisations).values({ id, uri, handle, name: `Endorsing Organisation ${i}`, kind: ORGANISATION_KINDS[i % 4], description: "" }).run();
      tx.insert(memberships).values({ organisationId: id, userId: owner.id, role: "owner" }).run();
      tx.insert(actorKeys).values({ ...shared, actorUri: uri }).run();
      orgIds.push(id);
    }
  });
  const t1 = performance.now();
  // The last tenth arrives after the steward chose to review by hand: they wait.
  const pendingFrom = count - Math.floor(count / 10);
  orgIds.forEach((organisationId, i) => {
    if (i === pendingFrom) setAutoAcceptEndorsements(ctx, stewardUser.id, badge.id, { autoAccept: "off" });
    const statement = `${STATEMENTS[Math.floor(random() * STATEMENTS.length)]} (organisation ${i}).`;
    endorseBadge(ctx, owner.id, badge.id, { organisationId, statement, versionNumber: 1 });
  });
  const endorseMs = performance.now() - t1;
  console.log(
    `generated ${count} endorsements (${pendingFrom} accepted, ${count - pendingFrom} pending) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `endorsing through the service: ${(endorseMs / count).toFixed(2)} ms each`,
  );

  // The section's own time, without HTTP or React.
  const inProcess = await timeRuns(100, 10, async () => {
    endorsementSection(db, badge.id, null, { badgeName: "Social Innovation 101" });
  });
  db.$client.close();

  const server = await startChildServer(dbPath, port);
  await server.warmedUp();
  try {
    const steward = new HttpSession(server.url);
    const signIn = await steward.post("/signin", { email: "steward@bench.example", password: "correct horse battery" });
    if (signIn.status !== 302) throw new Error(`steward sign-in failed: ${signIn.status}`);
    let bytes = 0;
    const get = (session: HttpSession | null) => async (path: string) => {
      const res = session ? await session.get(path) : await fetch(server.url + path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      bytes = (await res.arrayBuffer()).byteLength;
    };
    const page = `/badges/${badge.id}`;
    const rows: Array<[string, number[], number]> = [];
    const measure = async (label: string, n: number, fn: () => Promise<void>) => {
      const xs = await timeRuns(n, Math.ceil(n / 10), fn);
      rows.push([label, xs, bytes]);
    };
    await measure("badge page, anonymous", 200, () => get(null)(page));
    await measure("badge page, steward admin", 100, () => get(steward)(page));
    await measure("all endorsements, page 10 of 18", 100, () => get(null)(`${page}/endorsements?page=10`));
    await measure("achievement.json (900 credentials)", 50, () => get(null)(`${page}/achievement.json`));
    const mem = server.memoryMb();
    console.log(`\nA badge with ${count} endorsements (target: badge page median < 50 ms)`);
    for (const [label, xs, size] of rows)
      console.log(`  ${label.padEnd(36)} median ${fmt(percentile(xs, 50))}  p95 ${fmt(percentile(xs, 95))}  (${(size / 1024).toFixed(0)} KB)`);
    console.log(`  endorsement section in-process        median ${fmt(percentile(inProcess, 50))}  p95 ${fmt(percentile(inProcess, 95))}`);
    console.log(`  server memory: rss ${mem.rss.toFixed(0)} MB, peak ${mem.peak.toFixed(0)} MB`);
  } finally {
    await server.stop();
  }
}
