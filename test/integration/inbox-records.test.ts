// The inbox's record of what it received, over real HTTP from a remote actor on loopback:
// something nobody follows is verified and recorded as ignored; a replay, even two at once,
// is answered "Already received" and recorded once; a Follow is applied together with its
// record; a tampered body is refused with nothing recorded.
import { generateKeyPairSync } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries, follows, inboxActivities } from "../../db/schema";
import { signRequest } from "../../federation/http-signatures";
import { startDocumentServer, type DocumentServer } from "../support/document-server";
import { makeActivity } from "../support/federation-peers";
import { makeLocalTeam } from "../support/federation";
import { startTestServer, type TestServer, serviceContextOf } from "../support/server";

describe("inbox records", () => {
  let server: TestServer;
  let peer: DocumentServer;
  let actorUri: string;
  let publicUrl: string;
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

  beforeAll(async () => {
    server = await startTestServer(undefined, "0", { federation: { delivery: false } });
    publicUrl = `http://localhost:${server.port}`;
    makeLocalTeam(serviceContextOf(server), { handle: "riverside", name: "Riverside School" });
    peer = await startDocumentServer();
    actorUri = `${peer.origin}/users/ada`;
    peer.set("/users/ada", {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id: actorUri,
      type: "Person",
      preferredUsername: "ada",
      inbox: `${actorUri}/inbox`,
      publicKey: { id: `${actorUri}#main-key`, owner: actorUri, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() },
    });
  });

  afterAll(async () => {
    await server?.close();
    await peer?.close();
  });

  function signed(path: string, activity: object) {
    const body = JSON.stringify(activity);
    const headers = signRequest({ method: "POST", url: `${publicUrl}${path}`, body, headers: { "content-type": "application/activity+json" } }, { keyId: `${actorUri}#main-key`, privateKey });
    return { body, headers };
  }

  async function post(path: string, request: { body: string; headers: Record<string, string> }) {
    // To the public URL: the signature covers its Host.
    const res = await fetch(`${publicUrl}${path}`, { method: "POST", body: request.body, headers: request.headers });
    return { status: res.status, reason: await res.text() };
  }

  const recorded = (uri: string) => server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, uri)).all();

  it("records a verified Create from someone nobody follows as ignored, once, however often it comes", async () => {
    const activity = makeActivity(actorUri);
    const request = signed("/inbox", activity);
    expect(await post("/inbox", request)).toEqual({ status: 202, reason: "Not a badge definition; nothing to do." });
    expect(await post("/inbox", request)).toEqual({ status: 202, reason: "Already received." });
    expect(recorded(activity.id)).toMatchObject([{ actorUri, type: "Create", status: "ignored" }]);
    // The key was fetched once, then read from the cache.
    expect(peer.hits("/users/ada")).toBe(1);

    // Two copies of a new activity at the same moment: both answered, one record.
    const twin = makeActivity(actorUri);
    const twice = signed("/inbox", twin);
    const answers = await Promise.all([post("/inbox", twice), post("/inbox", twice)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(recorded(twin.id)).toHaveLength(1);
  });

  it("applies a Follow together with its record, and only once", async () => {
    const organisation = `${publicUrl}/orgs/riverside`;
    const follow = { "@context": "https://www.w3.org/ns/activitystreams", id: `${actorUri}/follows/1`, type: "Follow", actor: actorUri, object: organisation };
    const request = signed("/orgs/riverside/inbox", follow);
    expect(await post("/orgs/riverside/inbox", request)).toEqual({ status: 202, reason: "Now following Riverside School." });
    expect(await post("/orgs/riverside/inbox", request)).toEqual({ status: 202, reason: "Already received." });
    expect(recorded(follow.id)).toMatchObject([{ status: "applied" }]);
    expect(server.db.select().from(follows).where(eq(follows.followerUri, actorUri)).all()).toMatchObject([{ followingUri: organisation, status: "accepted" }]);
    // One Accept queued for the follower, not two.
    expect(server.db.select().from(deliveries).where(eq(deliveries.inboxUrl, `${actorUri}/inbox`)).all()).toHaveLength(1);
  });

  it("applies and records activities that arrive at the same moment each with its own outcome, a Follow's change with its record", async () => {
    makeLocalTeam(serviceContextOf(server), { handle: "harbour", name: "Harbour College" });
    const followOf = (handle: string) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${actorUri}/follows/${handle}-at-once`,
      type: "Follow",
      actor: actorUri,
      object: `${publicUrl}/orgs/${handle}`,
    });
    const harbour = signed("/orgs/harbour/inbox", followOf("harbour"));
    const create = makeActivity(actorUri);
    const stranger = followOf("nobody-here");
    // Committed together (one turn of the event loop), answered each on its own.
    const answers = await Promise.all([
      post("/orgs/harbour/inbox", harbour),
      post("/inbox", signed("/inbox", create)),
      post("/orgs/harbour/inbox", harbour),
      post("/inbox", signed("/inbox", stranger)),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 404]);
    expect(answers.filter((a) => a.reason === "Now following Harbour College.")).toHaveLength(1);
    expect(answers.filter((a) => a.reason === "Already received.")).toHaveLength(1);
    expect(recorded(followOf("harbour").id)).toMatchObject([{ status: "applied" }]);
    expect(recorded(create.id)).toMatchObject([{ status: "ignored" }]);
    expect(recorded(stranger.id)).toMatchObject([{ status: "rejected" }]);
    const harbourFollows = server.db.select().from(follows).where(eq(follows.followingUri, `${publicUrl}/orgs/harbour`)).all();
    expect(harbourFollows).toMatchObject([{ followerUri: actorUri, status: "accepted" }]);
    // Its Accept queued once, beside the one for riverside from the test before.
    expect(server.db.select().from(deliveries).where(eq(deliveries.inboxUrl, `${actorUri}/inbox`)).all()).toHaveLength(2);
  });

  it("refuses a body changed after signing and records nothing", async () => {
    const activity = makeActivity(actorUri);
    const request = signed("/inbox", activity);
    const tampered = { ...request, body: request.body.replace("Social Innovation 101", "Social Innovation 102") };
    const answer = await post("/inbox", tampered);
    expect(answer.status).toBe(401);
    expect(answer.reason).toMatch(/digest/i);
    expect(recorded(activity.id)).toEqual([]);
  });

  it("answers an oversized body with 413 and one that is not JSON with 400, saying why", async () => {
    const before = server.db.select().from(inboxActivities).all().length;
    const big = await fetch(`${publicUrl}/inbox`, { method: "POST", body: "x".repeat(600 * 1024), headers: { "content-type": "application/activity+json" } });
    expect(big.status).toBe(413);
    expect(await big.text()).toMatch(/at most/);
    const broken = await fetch(`${publicUrl}/orgs/riverside/inbox`, { method: "POST", body: "{ not json", headers: { "content-type": "application/activity+json" } });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toBe("The body is not JSON.");
    expect(server.db.select().from(inboxActivities).all()).toHaveLength(before);
  });
});
