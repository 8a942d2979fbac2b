// Sharing across two instances on loopback: an organisation's Announce brings a badge to
// an instance that does not follow its steward, and its Undo takes the share back there;
// an Announce of a badge reaching the badge's own instance is recorded as a share.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, deliveries, follows, inboxActivities, outboxActivities } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { searchCatalogue } from "../../app/services/catalogue.server";
import { badgeSharers, shareBadge } from "../../app/services/shares.server";
import { addMember } from "../support/factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { waitFor } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { HttpSession, startTestServer, type TestServer, serviceContextOf } from "../support/server";

const FAST = { retry: { scheduleMs: [100, 200, 400], jitter: 0 } };

describe("sharing badges between two instances", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let riverside: Team; // Y on A: shares
  let gardeners: Team; // Z on A: stewards; nobody on B follows it
  let changemakers: Team; // X on B: follows Y
  let hostA: string;

  beforeAll(async () => {
    a = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    hostA = `localhost:${a.port}`;
    ctxA = serviceContextOf(a);
    ctxB = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    gardeners = makeLocalTeam(ctxA, { handle: "gardeners", name: "Community Gardeners", kind: "community" });
    changemakers = makeLocalTeam(ctxB, { handle: "changemakers", name: "Changemakers Network" });

    await b.federation.follow(changemakers.admin.id, changemakers.org.id, `@riverside@${hostA}`);
    await waitFor(() => b.db.select().from(follows).where(eq(follows.status, "accepted")).get(), 5000, "the Accept");
    await b.federation.idle();
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const badgeOnB = (uri: string) => b.db.select().from(badges).where(eq(badges.uri, uri)).get();

  it("brings a badge whose steward nobody on B follows into B's catalogue when an organisation B follows shares it", async () => {
    const badge = createBadge(ctxA, gardeners.editor.id, { stewardOrganisationId: gardeners.org.id, name: "Seed Library", approvalPolicy: "steward" });
    editDraft(ctxA, gardeners.editor.id, badge.id, { summary: "Run a seed library for a season.", criteria: "Lend and collect seeds.", tags: ["seeds"] });
    approveAndPublish(ctxA, badge.id, [gardeners]);
    await a.delivery!.idle();
    expect(badgeOnB(badge.uri)).toBeUndefined();

    // Riverside's admin shares it through the badge page on A.
    const session = new HttpSession(a.url);
    await session.signUp("admin@riverside.example", "Riverside Admin");
    const admin = a.db.query.users.findFirst({ where: (u, { eq: equals }) => equals(u.email, "admin@riverside.example") }).sync()!;
    addMember(a.db, riverside.org.id, admin.id, "admin");
    const page = await (await session.get(`/badges/${badge.id}`)).text();
    expect(page).toContain("Share with our followers");
    expect(page).toContain("Share as Riverside School");
    const shared = await session.post(`/badges/${badge.id}`, { intent: "share", organisationId: riverside.org.id });
    expect(shared.status).toBe(302);
    expect(shared.headers.get("location")).toBe(`/badges/${badge.id}?shared=${riverside.org.id}`);
    const again = await session.post(`/badges/${badge.id}`, { intent: "share", organisationId: riverside.org.id });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already shares this badge");

    // B fetches the badge from its home, since it follows the organisation that shared it.
    const copy = await waitFor(() => badgeOnB(badge.uri), 5000, "the shared badge on B");
    expect(copy.remoteUrl).toBe(badge.uri);
    const found = searchCatalogue(b.db, { q: "seed library" });
    expect(found.entries.map((e) => [e.name, e.steward.name, e.steward.host])).toEqual([["Seed Library", "Community Gardeners", hostA]]);
    expect(badgeSharers(b.db, copy.id).map((o) => [o.name, o.host])).toEqual([["Riverside School", hostA]]);
    const html = await (await fetch(`${b.url}/badges/${copy.id}`)).text();
    expect(html).toContain(`Published on ${hostA}`);
    expect(html).toContain(`href="${badge.uri}"`);
    expect(html).toContain("Shared by");
    // The steward is on A itself: the Announce went to B only, once.
    const announce = a.db.select().from(outboxActivities).where(eq(outboxActivities.type, "Announce")).get()!;
    expect(a.db.select({ inbox: deliveries.inboxUrl }).from(deliveries).where(eq(deliveries.activityId, announce.id)).all()).toEqual([
      { inbox: `http://localhost:${b.port}/inbox` },
    ]);

    // Taken back: B forgets the share; the badge, public anyway, stays.
    const stopped = await session.post(`/badges/${badge.id}`, { intent: "unshare", organisationId: riverside.org.id });
    expect(stopped.status).toBe(302);
    await waitFor(() => badgeSharers(b.db, copy.id).length === 0, 5000, "the Undo on B");
    expect(badgeOnB(badge.uri)?.status).toBe("published");
    const received = b.db.select().from(inboxActivities).where(eq(inboxActivities.actorUri, riverside.org.uri)).all();
    expect(received.map((r) => [r.type, r.status])).toEqual(expect.arrayContaining([["Announce", "applied"], ["Undo", "applied"]]));
  });

  it("records on the steward's own instance that an organisation elsewhere shares its badge", async () => {
    // Riverside follows Changemakers back, so Changemakers' badges reach A.
    await a.federation.follow(riverside.owner.id, riverside.org.id, `@changemakers@localhost:${b.port}`);
    await waitFor(
      () => a.db.select().from(follows).where(and(eq(follows.followerUri, riverside.org.uri), eq(follows.status, "accepted"))).get(),
      5000,
      "the Accept on A",
    );
    const badge = createBadge(ctxB, changemakers.editor.id, { stewardOrganisationId: changemakers.org.id, name: "Street Mapping", approvalPolicy: "steward" });
    editDraft(ctxB, changemakers.editor.id, badge.id, { summary: "Map the needs of one street.", criteria: "Walk it and ask.", tags: ["mapping"] });
    approveAndPublish(ctxB, badge.id, [changemakers]);
    const onA = await waitFor(() => a.db.select().from(badges).where(eq(badges.uri, badge.uri)).get(), 5000, "the badge on A");

    // Gardeners (on A, not following anyone) shares it; Changemakers' instance hears of it.
    shareBadge(ctxA, gardeners.admin.id, onA.id, { organisationId: gardeners.org.id });
    await waitFor(() => badgeSharers(b.db, badge.id).length > 0, 5000, "the share on B");
    expect(badgeSharers(b.db, badge.id).map((o) => [o.name, o.host])).toEqual([["Community Gardeners", hostA]]);
    const html = await (await fetch(`${b.url}/badges/${badge.id}`)).text();
    expect(html).not.toContain("Published on");
    expect(html).toContain("Community Gardeners");
  });
});
