import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, outboxActivities } from "../../../db/schema";
import { onDeliveriesQueued } from "../../../federation/delivery-signal";
import { enqueueActivity, followerInboxes } from "../../../federation/outbox";
import { createTestDb, PUBLIC_URL } from "../../support/factories";
import { makeActivity, makeRemoteFollower } from "../../support/federation-peers";

const actor = `${PUBLIC_URL}/orgs/changemakers`;

describe("enqueueActivity", () => {
  it("sends to each host's shared inbox once, and to the own inbox of followers without one", () => {
    const db = createTestDb();
    for (let i = 0; i < 5; i++) makeRemoteFollower(db, { following: actor, host: "big.example", shared: true });
    for (let i = 0; i < 3; i++) makeRemoteFollower(db, { following: actor, host: "small.example", shared: true });
    const loner = makeRemoteFollower(db, { following: actor, host: "solo.example" });
    const alsoLoner = makeRemoteFollower(db, { following: actor, host: "solo.example" });

    const queued = db.transaction((tx) => enqueueActivity(tx, { actorUri: actor, document: makeActivity(actor), public: true }));

    const rows = db.select().from(deliveries).where(eq(deliveries.activityId, queued.activityId)).all();
    expect(rows.map((r) => r.inboxUrl).sort()).toEqual(
      ["http://big.example/inbox", "http://small.example/inbox", loner.inboxUrl, alsoLoner.inboxUrl].sort(),
    );
    expect(rows.map((r) => r.host).sort()).toEqual(["big.example", "small.example", "solo.example", "solo.example"]);
    expect(rows.every((r) => r.status === "pending" && r.attempts === 0 && r.leaseUntil === null)).toBe(true);
  });

  it("leaves out pending and rejected follows, other actors' followers, and followers not known as remote actors", () => {
    const db = createTestDb();
    const accepted = makeRemoteFollower(db, { following: actor, host: "a.example" });
    makeRemoteFollower(db, { following: actor, host: "b.example", status: "pending" });
    makeRemoteFollower(db, { following: actor, host: "c.example", status: "rejected" });
    makeRemoteFollower(db, { following: `${PUBLIC_URL}/orgs/someone-else`, host: "d.example" });
    expect(followerInboxes(db, actor)).toEqual([accepted.inboxUrl]);
  });

  it("stores the activity as sent, with its type and object, public or not", () => {
    const db = createTestDb();
    const document = makeActivity(actor);
    const { activityId } = enqueueActivity(db, { actorUri: actor, document, public: false, inboxes: [] });
    const row = db.select().from(outboxActivities).where(eq(outboxActivities.id, activityId)).get()!;
    expect(row).toMatchObject({ uri: document.id, actorUri: actor, type: "Create", objectUri: document.object.id, public: false });
    expect(row.document).toEqual(document);
  });

  it("sends a targeted activity only to the inboxes named, each once", () => {
    const db = createTestDb();
    makeRemoteFollower(db, { following: actor, host: "follower.example", shared: true });
    const accept = makeActivity(actor, { type: "Accept", object: "http://x.example/follows/1" });
    const queued = enqueueActivity(db, {
      actorUri: actor,
      document: accept,
      public: false,
      inboxes: ["http://x.example/users/a/inbox", "http://x.example/users/a/inbox"],
    });
    expect(queued.inboxes).toEqual(["http://x.example/users/a/inbox"]);
    expect(db.select().from(deliveries).all().map((r) => r.inboxUrl)).toEqual(["http://x.example/users/a/inbox"]);
  });

  it("writes nothing when the caller's transaction rolls back", () => {
    const db = createTestDb();
    makeRemoteFollower(db, { following: actor, host: "a.example" });
    expect(() =>
      db.transaction((tx) => {
        enqueueActivity(tx, { actorUri: actor, document: makeActivity(actor), public: true });
        throw new Error("the change itself failed");
      }),
    ).toThrow("the change itself failed");
    expect(db.select().from(outboxActivities).all()).toEqual([]);
    expect(db.select().from(deliveries).all()).toEqual([]);
  });

  it("refuses an activity without an http(s) id, a non-http inbox, and the same activity twice", () => {
    const db = createTestDb();
    const document = makeActivity(actor);
    expect(() => enqueueActivity(db, { actorUri: actor, document: { ...document, id: "urn:x:1" }, public: true })).toThrow();
    expect(() => enqueueActivity(db, { actorUri: actor, document, public: true, inboxes: ["file:///etc/passwd"] })).toThrow();
    enqueueActivity(db, { actorUri: actor, document, public: true, inboxes: [] });
    expect(() => enqueueActivity(db, { actorUri: actor, document, public: true })).toThrow("already in the outbox");
  });

  it("fans out to a thousand followers on a hundred shared inboxes as a hundred deliveries", () => {
    const db = createTestDb();
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) makeRemoteFollower(db, { following: actor, host: `h${i % 100}.example`, shared: true });
    });
    const { inboxes } = enqueueActivity(db, { actorUri: actor, document: makeActivity(actor), public: true });
    expect(inboxes).toHaveLength(100);
    expect(new Set(db.select().from(deliveries).all().map((r) => r.host)).size).toBe(100);
  });

  it("wakes delivery workers once the transaction is over", async () => {
    const db = createTestDb();
    makeRemoteFollower(db, { following: actor, host: "a.example" });
    const seen: number[] = [];
    const stop = onDeliveriesQueued(() => seen.push(db.select().from(deliveries).all().length));
    try {
      db.transaction((tx) => {
        enqueueActivity(tx, { actorUri: actor, document: makeActivity(actor), public: true });
        expect(seen).toEqual([]); // not while the transaction is open
      });
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual([1]);
    } finally {
      stop();
    }
  });
});
