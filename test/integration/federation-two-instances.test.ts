// Two Badge Commons instances on loopback, each with its own database, federating for real:
// WebFinger, signed Follow and Accept, back-fill, Create/Update/Delete delivered by the
// worker and applied by the other side's inbox, the catalogue on the other side.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, follows, inboxActivities } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { searchCatalogue } from "../../app/services/catalogue.server";
import { deprecateBadge, withdrawBadge } from "../../app/services/publishing.server";
import { addMember } from "../support/factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { waitFor } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { HttpSession, startTestServer, type TestServer, serviceContextOf } from "../support/server";

// Fast retries; five of them span about three seconds, longer than the outage below.
const FAST = { retry: { scheduleMs: [100, 200, 400, 800, 1600], jitter: 0 } };

describe("two instances federating", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let riverside: Team; // on A
  let changemakers: Team; // on B
  let hostA: string;

  beforeAll(async () => {
    a = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    hostA = `localhost:${a.port}`;
    ctxA = serviceContextOf(a);
    ctxB = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    changemakers = makeLocalTeam(ctxB, { handle: "changemakers", name: "Changemakers Network" });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  function publishOnA(name: string, criteria: string) {
    const badge = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name, approvalPolicy: "steward" });
    editDraft(ctxA, riverside.editor.id, badge.id, { summary: `${name}, for people who garden together.`, criteria, tags: ["gardening"] });
    approveAndPublish(ctxA, badge.id, [riverside]);
    return badge;
  }

  const badgeOnB = (uri: string) => b.db.select().from(badges).where(eq(badges.uri, uri)).get();

  it("follows by @handle@host through the page, is accepted, and back-fills what was already published", async () => {
    const early = publishOnA("Seed Saving", "Save seeds from three plants and share them.");
    // Sign in on B as the Changemakers admin through the real pages.
    const session = new HttpSession(b.url);
    await session.signUp("admin@changemakers.example", "Admin");
    const admin = b.db.query.users.findFirst({ where: (u, { eq: equals }) => equals(u.email, "admin@changemakers.example") }).sync()!;
    addMember(b.db, changemakers.org.id, admin.id, "admin");

    const bad = await session.post("/orgs/changemakers/following", { intent: "follow", handle: "not a handle" });
    expect(bad.status).toBe(400);
    const res = await session.post("/orgs/changemakers/following", { intent: "follow", handle: `@riverside@${hostA}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Asked to follow");

    // A answers with Accept; B then reads A's outbox and stores the badge published before.
    const follow = await waitFor(() => b.db.select().from(follows).where(eq(follows.status, "accepted")).get(), 5000, "the Accept");
    expect(follow.followingUri).toBe(riverside.org.uri);
    await b.federation.idle();
    const copy = await waitFor(() => badgeOnB(early.uri), 5000, "the back-filled badge");
    expect(copy.status).toBe("published");
    const page = await (await session.get("/orgs/changemakers/following")).text();
    expect(page).toContain("Riverside School");
    // A knows B follows it.
    expect(a.db.select().from(follows).where(eq(follows.followingUri, riverside.org.uri)).all().map((f) => f.followerUri)).toEqual([changemakers.org.uri]);
  });

  it("delivers a new badge, its next version, its deprecation and its withdrawal, each applied once", async () => {
    const badge = publishOnA("Urban Composting", "Run a compost bin for a month with your street.");
    const copy = await waitFor(() => badgeOnB(badge.uri), 3000, "Create on B");
    const found = searchCatalogue(b.db, { q: "composting" });
    expect(found.entries.map((e) => [e.name, e.steward.host])).toEqual([["Urban Composting", hostA]]);
    // B shows its own checked copy of the badge's picture, never A's address.
    const imageId = found.entries[0].imageId;
    expect(imageId).toBeTruthy();
    const image = await fetch(`${b.url}/images/${imageId}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toMatch(/^image\/(svg\+xml|png)/);

    editDraft(ctxA, riverside.editor.id, badge.id, { name: "Urban Composting II" });
    approveAndPublish(ctxA, badge.id, [riverside]);
    await waitFor(() => searchCatalogue(b.db, { q: "composting" }).entries.find((e) => e.name === "Urban Composting II"), 3000, "Update on B");
    expect(searchCatalogue(b.db, { q: "composting" }).entries[0].versionNumber).toBe(2);

    deprecateBadge(ctxA, riverside.admin.id, badge.id, {});
    await waitFor(() => badgeOnB(badge.uri)?.status === "deprecated", 3000, "deprecation on B");

    withdrawBadge(ctxA, riverside.admin.id, badge.id);
    await waitFor(() => badgeOnB(badge.uri)?.status === "withdrawn", 3000, "Delete on B");
    expect(searchCatalogue(b.db, { q: "composting" }).total).toBe(0);
    expect(copy.id).toBe(badgeOnB(badge.uri)!.id);

    // Every activity B received from A was applied once, none refused.
    const received = b.db.select().from(inboxActivities).where(eq(inboxActivities.actorUri, riverside.org.uri)).all();
    expect(received.filter((r) => r.status === "rejected")).toEqual([]);
    expect(new Set(received.map((r) => r.uri)).size).toBe(received.length);
  });

  it("delivers to a peer that was down once it is back, and the restart keeps what it held", async () => {
    await b.close();
    const badge = publishOnA("Rain Gardens", "Build a rain garden with your neighbours.");
    await new Promise((r) => setTimeout(r, 500)); // A tries, fails, and waits to retry
    b = await b.restart();
    const copy = await waitFor(() => badgeOnB(badge.uri), 5000, "the badge after B came back");
    expect(copy.status).toBe("published");
    // What B held before going down is still there.
    expect(searchCatalogue(b.db, { q: "seed saving" }).total).toBe(1);
  });
});
