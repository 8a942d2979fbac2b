// The refresh of remote prerequisites across two Badge Commons instances on loopback,
// neither following the other. B sits behind a front (a reverse proxy; B's ids are on it)
// that can answer 500 as a front does while the instance behind it is down. A's badge
// names two of B's badges, fetched when the author named them; A's refresh passes are run
// by hand with a clock set ahead. A 500 changes nothing shown; a badge B withdraws (410, a
// Tombstone) shows as unavailable on A after the next pass, still named; the operator's
// page says so and can ask again for one badge.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, remoteBadgeFetches } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge, getBadge } from "../../app/services/badges.server";
import { noBadgeEvents } from "../../app/services/events";
import { fetchPrerequisites } from "../../app/services/prerequisite-lookups.server";
import { withdrawBadge } from "../../app/services/publishing.server";
import { addMember } from "../support/factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { startFrontProxy, type FrontProxy } from "../support/front-proxy";
import { signedUp } from "../support/live-client";
import { editDraft, type Team } from "../support/publishing";
import { serviceContextOf, startTestServer, type HttpSession, type TestServer } from "../support/server";

const HOUR = 60 * 60 * 1000;
const read = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");

describe("remote prerequisites kept current across two instances", () => {
  let a: TestServer;
  let b: TestServer;
  let front: FrontProxy;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let changemakers: Team; // on A
  let riverside: Team; // on B
  let operator: HttpSession; // A's operator
  let hostB: string;
  let storytelling: { id: string; uri: string }; // on B
  let archiving: { id: string; uri: string }; // on B
  let tocId = ""; // Theory of Change, on A
  const start = Date.now();
  const later = (hours: number) => new Date(start + hours * HOUR);

  const publish = (ctx: ServiceContext, team: Team, name: string, prerequisites: string[] = []) => {
    const badge = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
    editDraft(ctx, team.editor.id, badge.id, { summary: `${name}, in short.`, criteria: `Show ${name}.`, prerequisites });
    approveAndPublish(ctx, badge.id, [team]);
    return getBadge(ctx.db, badge.id);
  };
  const copyOnA = (uri: string) => a.db.select().from(badges).where(eq(badges.uri, uri)).get();
  const tocPage = async () => read(await fetch(`${a.url}/badges/${tocId}`));
  const shownAs = (name: string) => `${name}</a><span class="muted small"> on ${hostB}</span>`;

  beforeAll(async () => {
    front = await startFrontProxy();
    b = await startTestServer(undefined, "0", { env: { PUBLIC_URL: front.origin } });
    front.target = b.port;
    hostB = new URL(front.origin).host;
    // A makes no passes by itself: the test runs them.
    a = await startTestServer(undefined, "0", { env: { ADMIN_EMAILS: "ops@a.example" }, federation: { refresh: false } });
    ctxA = serviceContextOf(a);
    ctxB = { db: b.db, publicUrl: front.origin, events: noBadgeEvents, federation: b.federation.outbox };
    changemakers = makeLocalTeam(ctxA, { handle: "changemakers", name: "Changemakers Network" });
    riverside = makeLocalTeam(ctxB, { handle: "riverside", name: "Riverside School", kind: "school" });
    storytelling = publish(ctxB, riverside, "Storytelling");
    archiving = publish(ctxB, riverside, "Community Archiving");
    const ops = await signedUp(a.url, a.db, "ops@a.example", "Ops");
    addMember(a.db, changemakers.org.id, ops.user.id, "admin");
    operator = ops.session;

    // An author on A names B's badges (as a pasted URL is fetched, then saved).
    const answers = await fetchPrerequisites(ctxA, [storytelling.uri, archiving.uri]);
    expect([...answers.values()].map((x) => x.status)).toEqual(["found", "found"]);
    tocId = publish(ctxA, changemakers, "Theory of Change", [storytelling.uri, archiving.uri]).id;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await front?.close();
  });

  it("holds B's badges as fetched, shown available, and asks nothing before they are stale", async () => {
    for (const uri of [storytelling.uri, archiving.uri]) {
      const copy = copyOnA(uri)!;
      expect(copy.status).toBe("published");
      expect(a.db.select().from(remoteBadgeFetches).where(eq(remoteBadgeFetches.badgeId, copy.id)).get()).toMatchObject({ goneSince: null, failures: 0 });
    }
    const page = await tocPage();
    expect(page).toContain("Both of these:");
    expect(page).toContain(shownAs("Storytelling"));
    expect(page).not.toContain(`<span class="pill withdrawn">unavailable</span>`);
    expect(await a.remoteBadgeRefresh.runPass(later(1))).toMatchObject({ checked: 0 });
  });

  it("does not mark them unavailable when B's front answers 500", async () => {
    front.mode = "error";
    const pass = await a.remoteBadgeRefresh.runPass(later(25));
    expect(pass).toMatchObject({ checked: 2, failed: 2, gone: 0, refreshed: 0 });
    for (const uri of [storytelling.uri, archiving.uri]) {
      const copy = copyOnA(uri)!;
      expect(copy.status).toBe("published");
      const record = a.db.select().from(remoteBadgeFetches).where(eq(remoteBadgeFetches.badgeId, copy.id)).get()!;
      expect(record).toMatchObject({ goneSince: null, failures: 1 });
      expect(record.lastError).toMatch(/answered 500/);
    }
    const page = await tocPage();
    expect(page).toContain(shownAs("Storytelling"));
    expect(page).toContain(shownAs("Community Archiving"));
    expect(page).not.toContain(`<span class="pill withdrawn">unavailable</span>`);
    // The copy's own page still shows the badge, and says its home has not answered since.
    const copyPage = await read(await fetch(`${a.url}/badges/${copyOnA(storytelling.uri)!.id}`));
    expect(copyPage).toContain("Storytelling");
    expect(copyPage).toMatch(new RegExp(`${hostB.replace(/[.]/g, "\\.")} has not answered since this copy was last confirmed on <time[^>]*>[^<]+</time> \\(1 attempt since\\)`));
  });

  it("shows a prerequisite B withdrew as unavailable on A after the next pass, still named", async () => {
    front.mode = "pass";
    withdrawBadge(ctxB, riverside.admin.id, archiving.id);
    // The retry after a failure comes six hours later.
    expect(await a.remoteBadgeRefresh.runPass(later(30))).toMatchObject({ checked: 0 });
    const pass = await a.remoteBadgeRefresh.runPass(later(31));
    expect(pass).toMatchObject({ checked: 2, refreshed: 1, gone: 1, failed: 0 });
    expect(pass.outcomes.get(archiving.uri)).toBe("gone");
    expect(copyOnA(archiving.uri)?.status).toBe("withdrawn");
    expect(copyOnA(storytelling.uri)?.status).toBe("published");
    const page = await tocPage();
    expect(page).toContain("Both of these:");
    expect(page).toContain(`${shownAs("Community Archiving")} <span class="pill withdrawn">unavailable</span>`);
    expect(page).toContain(shownAs("Storytelling"));
    expect(page).not.toContain(`${shownAs("Storytelling")} <span class="pill withdrawn">`);
    // Storytelling answered again: its page no longer says otherwise.
    expect(await read(await fetch(`${a.url}/badges/${copyOnA(storytelling.uri)!.id}`))).not.toContain("has not answered since");
  });

  it("shows the operator the fetched badges, the last pass, and asks again for one on request", async () => {
    const admin = await read(await operator.get("/admin/federation"));
    expect(admin).toContain("Remote badges fetched here");
    expect(admin).toMatch(/<dt>Fresh<\/dt><dd>1<\/dd>/);
    expect(admin).toMatch(/<dt>Stale<\/dt><dd>0<\/dd>/);
    expect(admin).toMatch(/<dt>Unavailable<\/dt><dd>1<\/dd>/);
    expect(admin).toContain("2 checked, 1 refreshed, 0 available again, 1 gone, 0 failed for now.");
    expect(admin).toContain(archiving.uri);
    const res = await operator.post("/admin/federation", { intent: "check-remote-badge", badgeId: copyOnA(archiving.uri)!.id });
    expect(res.status).toBe(200);
    expect(await read(res)).toContain(`${archiving.uri} is gone from its instance (Its instance answered 410.)`);
    expect(copyOnA(archiving.uri)?.status).toBe("withdrawn");
  });
});
