// The cache lifecycle of remote badges fetched here (ADR 010): a real "home" instance's
// federation routes on 127.0.0.1 (its own SQLite, badges published through the real flow)
// behind a front that can answer 500, 404, tampered content or nothing at all; on this
// side the real look-up and guarded fetcher (loopback allowed, as in tests), a real
// database, and the refresh pass driven by hand with an injected clock.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import express from "express";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../db/client";
import { badges, follows, remoteBadgeFetches, versions } from "../../../db/schema";
import { createBadge, getBadge } from "../../../app/services/badges.server";
import { searchCatalogue } from "../../../app/services/catalogue.server";
import type { ServiceContext } from "../../../app/services/context.server";
import { noBadgeEvents } from "../../../app/services/events";
import { prerequisiteTargets } from "../../../app/services/prerequisite-targets.server";
import { claimDueRemoteBadges, remoteBadgeCacheSummary } from "../../../app/services/remote-badge-cache.server";
import { publicBadgeVersion } from "../../../app/services/public-versions.server";
import { withdrawBadge } from "../../../app/services/publishing.server";
import { applyRemoteBadgeVersion, recordRemoteBadgeGone, recordRemoteOrganisation } from "../../../app/services/remote-badges.server";
import { emptyContent } from "../../../app/services/badge-content";
import { computeVersionHash, verifyVersionHash } from "../../../app/services/versions.server";
import { toBadgeObject } from "../../../federation/badge-object";
import type { RemoteBadgeLookUp } from "../../../federation/badge-lookup";
import { createFetcher, type Fetcher } from "../../../federation/fetcher";
import { createRemoteBadgeRefresher } from "../../../federation/remote-badge-refresh";
import { federationRouter } from "../../../federation/router";
import { federationDeps } from "../../../federation/runtime";
import { standaloneFederation } from "../../../federation/standalone";
import { createTestDb, PUBLIC_URL } from "../../support/factories";
import { approveAndPublish, makeLocalTeam } from "../../support/federation";
import { editDraft } from "../../support/publishing";

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse("2031-03-01T09:00:00Z");
const at = (hours: number) => new Date(T0 + hours * HOUR);

type Mode = "serve" | "500" | "404" | "tamper" | "hang";

/** Another instance: its real federation routes, behind a front the test can switch. */
async function startHome() {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = createTestDb();
  const ctx: ServiceContext = { db, publicUrl: origin, events: noBadgeEvents, federation: standaloneFederation(db, origin) };
  const app = express().use(federationRouter({ db, publicUrl: origin }));
  const state = { mode: "serve" as Mode, badgeRequests: 0 };
  server.on("request", (req, res) => {
    const isBadge = /^\/badges\/[^/]+$/.test(req.url ?? "");
    if (isBadge) state.badgeRequests++;
    // Only the badge documents misbehave; the steward's actor stays reachable.
    const mode = isBadge ? state.mode : "serve";
    if (mode === "serve") return void app(req, res);
    if (mode === "hang") return; // never answers: the fetcher's timeout ends it
    if (mode === "500") return void res.writeHead(500, { "content-type": "text/plain" }).end("database is locked");
    if (mode === "404") return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found."}');
    // Another name than the one hashed: the version's hash no longer matches its content.
    const found = publicBadgeVersion(db, req.url!.split("/")[2]);
    if (found.state !== "public") throw new Error("tampering needs a published badge");
    const object = toBadgeObject(found.badge, { publicUrl: origin, as: "badge" });
    res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify({ ...object, name: "Something else" }));
  });
  const team = makeLocalTeam(ctx, { handle: "riverside", name: "Riverside School", kind: "school" });
  return {
    origin,
    db,
    ctx,
    team,
    state,
    publish(name: string): { id: string; uri: string } {
      const badge = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
      editDraft(ctx, team.editor.id, badge.id, { summary: `${name}, in short.`, criteria: `Show ${name}.` });
      approveAndPublish(ctx, badge.id, [team]);
      return getBadge(db, badge.id);
    },
    republish(badgeId: string, summary: string) {
      editDraft(ctx, team.editor.id, badgeId, { summary });
      approveAndPublish(ctx, badgeId, [team]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("the refresh of remote badges fetched here", () => {
  let home: Awaited<ReturnType<typeof startHome>>;
  let fetcher: Fetcher;
  let db: Db;
  let lookUp: RemoteBadgeLookUp;

  const copyOf = (uri: string) => db.select().from(badges).where(eq(badges.uri, uri)).get()!;
  const recordOf = (uri: string) => db.select().from(remoteBadgeFetches).where(eq(remoteBadgeFetches.badgeId, copyOf(uri).id)).get()!;
  const refresher = (batchSize = 100) => createRemoteBadgeRefresher({ db, lookUp, batchSize, concurrency: 2, clock: () => T0 });

  /** Fetched as a pasted prerequisite is, at T0. */
  async function fetchedAtT0(name: string) {
    const badge = home.publish(name);
    expect(await lookUp(badge.uri, { at: at(0) })).toMatchObject({ status: "found", name });
    return badge;
  }

  beforeAll(async () => {
    home = await startHome();
    // The fetcher servers use, loopback allowed as tests allow it; a short timeout for "hang".
    fetcher = createFetcher({ allowPrivateAddresses: true, userAgent: "BadgeCommons tests", timeoutMs: 1_500 });
  });
  afterAll(async () => {
    fetcher.close();
    await home.close();
  });
  beforeEach(() => {
    db = createTestDb();
    lookUp = federationDeps({ db, publicUrl: PUBLIC_URL, fetcher }).lookUpRemoteBadge;
  });
  afterEach(() => {
    home.state.mode = "serve";
  });

  it("records a fetched badge as fresh, leaves it be until it is stale, then stores its new version, hash-checked", async () => {
    const si = await fetchedAtT0("Social Innovation 101");
    expect(recordOf(si.uri)).toMatchObject({ fetchedAt: at(0), checkedAt: at(0), nextCheckAt: at(24), goneSince: null, failures: 0 });
    expect(remoteBadgeCacheSummary(db, at(1))).toMatchObject({ fresh: 1, stale: 0, unavailable: 0, lastPass: null });

    home.republish(si.id, "Frame a problem; test an intervention.");
    const before = home.state.badgeRequests;
    const early = await refresher().runPass(at(23));
    expect(early).toMatchObject({ checked: 0 });
    expect(home.state.badgeRequests).toBe(before);
    expect(remoteBadgeCacheSummary(db, at(24.5))).toMatchObject({ fresh: 0, stale: 1 });

    const pass = await refresher().runPass(at(25));
    expect(pass).toMatchObject({ checked: 1, refreshed: 1, gone: 0, failed: 0 });
    expect(pass.outcomes.get(si.uri)).toBe("refreshed");
    const copy = copyOf(si.uri);
    const latest = db.select().from(versions).where(eq(versions.id, copy.latestVersionId!)).get()!;
    expect(latest.number).toBe(2);
    expect(latest.content).toMatchObject({ summary: "Frame a problem; test an intervention." });
    expect(verifyVersionHash(latest)).toBe(true);
    expect(recordOf(si.uri)).toMatchObject({ fetchedAt: at(25), nextCheckAt: at(49) });
    expect(remoteBadgeCacheSummary(db, at(25))).toMatchObject({
      fresh: 1,
      stale: 0,
      lastPass: { startedAt: at(25).getTime(), checked: 1, refreshed: 1, restored: 0, gone: 0, failed: 0 },
    });
  });

  it("keeps a badge shown when its home answers 500 or not at all, and tries again later", async () => {
    const si = await fetchedAtT0("Storytelling");
    home.state.mode = "500";
    const failed = await refresher().runPass(at(25));
    expect(failed).toMatchObject({ checked: 1, failed: 1, gone: 0 });
    expect(copyOf(si.uri).status).toBe("published");
    expect(prerequisiteTargets(db, [si.uri]).get(si.uri)).toMatchObject({ availability: "available", name: "Storytelling" });
    expect(recordOf(si.uri)).toMatchObject({ fetchedAt: at(0), checkedAt: at(25), nextCheckAt: at(31), goneSince: null, failures: 1 });
    expect(recordOf(si.uri).lastError).toMatch(/answered 500/);
    // Not before its retry; then, with no answer at all, the wait doubles.
    expect(await refresher().runPass(at(30))).toMatchObject({ checked: 0 });
    home.state.mode = "hang";
    expect(await refresher().runPass(at(31))).toMatchObject({ checked: 1, failed: 1 });
    expect(recordOf(si.uri)).toMatchObject({ nextCheckAt: at(43), failures: 2, goneSince: null });
    expect(recordOf(si.uri).lastError).toMatch(/timed out/);
    expect(copyOf(si.uri).status).toBe("published");
    expect(remoteBadgeCacheSummary(db, at(32))).toMatchObject({ fresh: 0, stale: 1, unavailable: 0 });
    // Its home answers again.
    home.state.mode = "serve";
    expect(await refresher().runPass(at(43))).toMatchObject({ checked: 1, refreshed: 1 });
    expect(recordOf(si.uri)).toMatchObject({ fetchedAt: at(43), failures: 0, lastError: null });
  });

  it("refuses content whose hash does not match, keeping the copy it had", async () => {
    const si = await fetchedAtT0("Peer Mediation");
    home.state.mode = "tamper";
    expect(await refresher().runPass(at(25))).toMatchObject({ checked: 1, failed: 1 });
    expect(recordOf(si.uri).lastError).toMatch(/hash/);
    const copy = copyOf(si.uri);
    expect(copy.status).toBe("published");
    expect(prerequisiteTargets(db, [si.uri]).get(si.uri)).toMatchObject({ name: "Peer Mediation" });
  });

  it("marks a badge whose home answers 404 unavailable, checks it again less and less often, and restores it when it answers", async () => {
    const si = await fetchedAtT0("Community Archiving");
    home.state.mode = "404";
    const pass = await refresher().runPass(at(25));
    expect(pass).toMatchObject({ checked: 1, gone: 1 });
    expect(copyOf(si.uri).status).toBe("withdrawn");
    expect(prerequisiteTargets(db, [si.uri]).get(si.uri)).toMatchObject({ availability: "withdrawn" });
    expect(searchCatalogue(db, { q: "archiving" }).total).toBe(0);
    expect(recordOf(si.uri)).toMatchObject({ goneSince: at(25), goneChecks: 1, nextCheckAt: at(49) });
    expect(remoteBadgeCacheSummary(db, at(26))).toMatchObject({ fresh: 0, stale: 0, unavailable: 1 });

    expect(await refresher().runPass(at(48))).toMatchObject({ checked: 0 });
    expect(await refresher().runPass(at(49))).toMatchObject({ checked: 1, gone: 1 });
    // Gone twice in a row: the next check is twice as far off; still gone since the first.
    expect(recordOf(si.uri)).toMatchObject({ goneSince: at(25), goneChecks: 2, nextCheckAt: at(97) });
    // A transient failure meanwhile says nothing new: it stays unavailable, at the slow pace.
    home.state.mode = "500";
    expect(await refresher().runPass(at(97))).toMatchObject({ checked: 1, failed: 1 });
    expect(copyOf(si.uri).status).toBe("withdrawn");
    expect(recordOf(si.uri)).toMatchObject({ goneSince: at(25), nextCheckAt: at(97 + 48) });

    home.state.mode = "serve";
    const back = await refresher().runPass(at(145));
    expect(back).toMatchObject({ checked: 1, restored: 1, gone: 0 });
    expect(copyOf(si.uri).status).toBe("published");
    expect(prerequisiteTargets(db, [si.uri]).get(si.uri)).toMatchObject({ availability: "available", name: "Community Archiving" });
    expect(searchCatalogue(db, { q: "archiving" }).total).toBe(1);
    expect(recordOf(si.uri)).toMatchObject({ goneSince: null, goneChecks: 0, fetchedAt: at(145), nextCheckAt: at(169) });
  });

  it("keeps a badge its steward withdrew (410, a Tombstone) unavailable on every check", async () => {
    const si = await fetchedAtT0("Facilitation");
    withdrawBadge(home.ctx, home.team.admin.id, si.id);
    expect(await refresher().runPass(at(25))).toMatchObject({ checked: 1, gone: 1 });
    expect(recordOf(si.uri).lastError).toMatch(/410|deleted/);
    expect(await refresher().runPass(at(49))).toMatchObject({ checked: 1, gone: 1, restored: 0 });
    expect(copyOf(si.uri).status).toBe("withdrawn");
    expect(recordOf(si.uri)).toMatchObject({ goneChecks: 2 });
  });

  it("asks nothing of badges whose steward is followed here, and takes a bounded batch, the longest due first", async () => {
    const a = await fetchedAtT0("Badge A");
    const b = home.publish("Badge B");
    await lookUp(b.uri, { at: at(1) });
    const c = home.publish("Badge C");
    await lookUp(c.uri, { at: at(2) });

    const first = await refresher(2).runPass(at(30));
    expect([...first.outcomes.keys()].sort()).toEqual([a.uri, b.uri].sort());
    const second = await refresher(2).runPass(at(30));
    expect([...second.outcomes.keys()]).toEqual([c.uri]);

    // An organisation here follows Riverside now: its activities keep the copies current.
    db.insert(follows)
      .values({ followerUri: `${PUBLIC_URL}/orgs/changemakers`, followingUri: home.team.org.uri, activityUri: `${PUBLIC_URL}/follows/1`, status: "accepted" })
      .run();
    expect(await refresher().runPass(at(100))).toMatchObject({ checked: 0 });
    expect(remoteBadgeCacheSummary(db, at(100))).toMatchObject({ fresh: 0, stale: 0, unavailable: 0, followed: 3 });
  });

  it("holds the badges a pass took, so a pass running beside it does not take them too", async () => {
    const si = await fetchedAtT0("Held");
    const taken = claimDueRemoteBadges(db, at(25), { limit: 10, holdMs: HOUR / 2 });
    expect(taken.map((t) => t.uri)).toEqual([si.uri]);
    expect(claimDueRemoteBadges(db, at(25), { limit: 10, holdMs: HOUR / 2 })).toEqual([]);
    // A pass that died lets them come due again once the hold is over.
    expect(claimDueRemoteBadges(db, at(25.5), { limit: 10, holdMs: HOUR / 2 }).map((t) => t.uri)).toEqual([si.uri]);
  });
});

describe("the migration's back-fill of badges fetched before it", () => {
  const PEER = "https://peer.example";
  function store(db: Db, steward: string, id: string, prerequisites: string[] = []) {
    const content = { ...emptyContent(`Badge ${id}`), summary: "In short.", criteria: "Do it.", prerequisites };
    const applied = applyRemoteBadgeVersion(db, steward, {
      badgeUri: `${PEER}/badges/${id}`,
      versionUri: `${PEER}/badges/${id}/versions/1`,
      number: 1,
      content,
      stewardUri: steward,
      coauthorUris: [],
      contentHash: computeVersionHash({ content, stewardUri: steward, coauthorUris: [], number: 1 }),
      publishedAt: new Date("2030-11-30T10:00:00Z"),
    });
    return { id: applied.badgeId, uri: `${PEER}/badges/${id}` };
  }

  it("records remote badges named here whose steward nobody here follows; those withdrawn as gone", () => {
    const db = createTestDb();
    const riverside = recordRemoteOrganisation(db, { uri: `${PEER}/orgs/riverside`, handle: "riverside", host: "peer.example", name: "Riverside" });
    const followed = recordRemoteOrganisation(db, { uri: `${PEER}/orgs/followed`, handle: "followed", host: "peer.example", name: "Followed" });
    db.insert(follows).values({ followerUri: `${PUBLIC_URL}/orgs/x`, followingUri: followed.uri, activityUri: `${PUBLIC_URL}/follows/2`, status: "accepted" }).run();
    const named = store(db, riverside.uri, "named");
    const gone = store(db, riverside.uri, "gone");
    const ofFollowed = store(db, followed.uri, "of-followed");
    const unnamed = store(db, riverside.uri, "unnamed");
    store(db, followed.uri, "names-them", [named.uri, gone.uri, ofFollowed.uri]);
    recordRemoteBadgeGone(db, gone.uri);
    db.delete(remoteBadgeFetches).run();

    const file = readdirSync(new URL("../../../db/migrations/", import.meta.url)).find((f) => f.endsWith("_remote_badge_fetches.sql"))!;
    const migration = readFileSync(new URL(`../../../db/migrations/${file}`, import.meta.url), "utf8");
    db.$client.exec(migration.slice(migration.indexOf("-- Hand-written from here")));

    const rows = new Map(db.select().from(remoteBadgeFetches).all().map((r) => [r.badgeId, r]));
    expect([...rows.keys()].sort()).toEqual([named.id, gone.id].sort());
    const updatedAt = getBadge(db, named.id).updatedAt;
    expect(rows.get(named.id)).toMatchObject({ fetchedAt: updatedAt, nextCheckAt: new Date(updatedAt.getTime() + 24 * HOUR), goneSince: null, goneChecks: 0 });
    expect(rows.get(gone.id)).toMatchObject({ goneSince: getBadge(db, gone.id).updatedAt, goneChecks: 1 });
    expect(rows.has(unnamed.id)).toBe(false);
  });
});
