// The inbox against a remote actor of our own making (served by a loopback server with
// its own RSA key): what it refuses, what it applies, and that it applies each activity once.
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, follows, inboxActivities, pathways } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { computeVersionHash } from "../../app/services/versions.server";
import { approveAndPublishPathway, draftPathway } from "../support/pathways";
import { signRequest } from "../../federation/http-signatures";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { sendJson, startLoopbackServer, waitFor, type LoopbackServer } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { startTestServer, type TestServer, serviceContextOf } from "../support/server";

interface FakeActor {
  uri: string;
  keyId: string;
  privateKey: KeyObject;
}

describe("the inbox", () => {
  let server: TestServer;
  let ctx: ServiceContext;
  let peer: LoopbackServer;
  let ours: Team;
  let mallory: FakeActor;
  let trudy: FakeActor;
  const actors = new Map<string, { publicKeyPem: string }>();
  let flakyGets = 0;

  // People live under /users/, organisations (which may steward badges and pathways) under /orgs/.
  function makeActor(name: string, collection: "users" | "orgs" = "users"): FakeActor {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const uri = `${peer.origin}/${collection}/${name}`;
    actors.set(`/${collection}/${name}`, { publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() });
    return { uri, keyId: `${uri}#main-key`, privateKey };
  }

  beforeAll(async () => {
    server = await startTestServer(undefined, "0", { federation: { delivery: { retry: { scheduleMs: [100, 200], jitter: 0 } } } });
    ctx = serviceContextOf(server);
    ours = makeLocalTeam(ctx, { handle: "changemakers", name: "Changemakers" });
    peer = await startLoopbackServer((req, res) => {
      const path = new URL(req.url, peer.origin).pathname;
      const actor = actors.get(path);
      if (req.method === "GET" && actor) {
        // The flaky actor's server fails its second fetch once (after the key was read).
        if (path === "/users/flaky" && ++flakyGets === 2) return void res.writeHead(500).end();
        const id = `${peer.origin}${path}`;
        return sendJson(res, {
          "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
          id,
          type: path.startsWith("/orgs/") ? "Organization" : "Person",
          preferredUsername: path.split("/").pop(),
          inbox: `${id}/inbox`,
          publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: actor.publicKeyPem },
        });
      }
      if (req.method === "POST") return void res.writeHead(202).end();
      res.writeHead(404).end();
    });
    mallory = makeActor("mallory");
    trudy = makeActor("trudy");
  });

  afterAll(async () => {
    await server?.close();
    await peer?.close();
  });

  const inboxUrl = () => `http://localhost:${server.port}/orgs/changemakers/inbox`;

  async function deliver(as: FakeActor, activity: Record<string, unknown>, tamper?: (headers: Record<string, string>, body: string) => { headers: Record<string, string>; body: string }) {
    const body = JSON.stringify(activity);
    let headers = signRequest({ method: "POST", url: inboxUrl(), body, headers: { "content-type": "application/activity+json" } }, { keyId: as.keyId, privateKey: as.privateKey });
    let sent = body;
    if (tamper) ({ headers, body: sent } = tamper(headers, body));
    delete headers.host;
    const res = await fetch(inboxUrl(), { method: "POST", headers, body: sent });
    return { status: res.status, reason: await res.text() };
  }

  const follow = (as: FakeActor, id = `${as.uri}/follows/${randomUUID()}`) => ({
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Follow",
    actor: as.uri,
    object: ours.org.uri,
  });
  const followersOfOurs = () => server.db.select().from(follows).where(eq(follows.followingUri, ours.org.uri)).all();
  const received = (uri: string) => server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, uri)).get();

  it("refuses what is not JSON, or not an activity, before looking at signatures", async () => {
    const res = await fetch(inboxUrl(), { method: "POST", headers: { "content-type": "application/activity+json" }, body: "{not json" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not JSON/);
    const shapeless = await fetch(inboxUrl(), { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify({ type: "Follow" }) });
    expect(shapeless.status).toBe(400);
  });

  it("refuses an unsigned activity, and one whose body, signature or signer does not hold, applying nothing", async () => {
    const unsigned = await fetch(inboxUrl(), { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(follow(mallory)) });
    expect(unsigned.status).toBe(401);

    const bodyTampered = follow(mallory);
    const r1 = await deliver(mallory, bodyTampered, (h, body) => ({ headers: h, body: body.replace(ours.org.uri, `${ours.org.uri}x`) }));
    expect(r1.status).toBe(401);
    expect(r1.reason).toMatch(/digest/i);

    const r2 = await deliver(mallory, follow(mallory), (h, body) => ({ headers: { ...h, signature: h.signature.replace(/signature="[A-Za-z0-9+/]{8}/, 'signature="AAAAAAAA') }, body }));
    expect(r2.status).toBe(401);

    // Trudy signs an activity that claims to be Mallory's.
    const r3 = await deliver(trudy, follow(mallory));
    expect(r3.status).toBe(401);
    expect(r3.reason).toContain(trudy.uri);

    const r4 = await deliver(mallory, follow(mallory), (h, body) => ({ headers: { ...h, date: new Date(Date.now() - 2 * 3600_000).toUTCString() }, body }));
    expect(r4.status).toBe(401);

    expect(followersOfOurs()).toEqual([]);
  });

  it("applies a signed Follow once, answers with one Accept, and takes a replay quietly", async () => {
    const activity = follow(mallory);
    expect((await deliver(mallory, activity)).status).toBe(202);
    expect(followersOfOurs().map((f) => f.followerUri)).toEqual([mallory.uri]);
    const accept = await waitFor(() => peer.requests.find((r) => r.method === "POST" && r.url === "/users/mallory/inbox"), 3000, "the Accept");
    expect(JSON.parse(accept.body)).toMatchObject({ type: "Accept", actor: ours.org.uri, object: { id: activity.id, type: "Follow" } });
    expect(accept.headers.signature).toContain(`keyId="${ours.org.uri}#main-key"`);

    const again = await deliver(mallory, activity);
    expect(again).toEqual({ status: 202, reason: "Already received." });
    await new Promise((r) => setTimeout(r, 300));
    expect(peer.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(received(activity.id)?.status).toBe("applied");
  });

  it("lets only the follower undo its follow", async () => {
    const original = followersOfOurs()[0];
    const byTrudy = await deliver(trudy, { id: `${trudy.uri}/undo/1`, type: "Undo", actor: trudy.uri, object: { id: original.activityUri, type: "Follow", actor: mallory.uri, object: ours.org.uri } });
    expect(byTrudy.status).toBe(202); // Trudy undoes her own (non-existent) follow of ours: nothing changes
    expect(followersOfOurs()).toHaveLength(1);
    const undo = await deliver(mallory, { id: `${mallory.uri}/undo/1`, type: "Undo", actor: mallory.uri, object: { id: original.activityUri, type: "Follow", actor: mallory.uri, object: ours.org.uri } });
    expect(undo.status).toBe(202);
    expect(followersOfOurs()).toEqual([]);
  });

  it("asks the sender to retry when it cannot fetch what an activity needs, and applies the retry", async () => {
    const flaky = makeActor("flaky");
    const activity = follow(flaky);
    const first = await deliver(flaky, activity);
    expect(first.status).toBe(503);
    expect(followersOfOurs().map((f) => f.followerUri)).not.toContain(flaky.uri);
    const retry = await deliver(flaky, activity);
    expect(retry.status).toBe(202);
    expect(followersOfOurs().map((f) => f.followerUri)).toContain(flaky.uri);
    expect(received(activity.id)?.status).toBe("applied");
  });

  it("records an activity type it does not handle and ignores it", async () => {
    const id = `${mallory.uri}/likes/1`;
    const res = await deliver(mallory, { id, type: "Like", actor: mallory.uri, object: ours.org.uri });
    expect(res.status).toBe(202);
    expect(received(id)?.status).toBe("ignored");
  });

  it("refuses a body over its size cap", async () => {
    const res = await deliver(mallory, { ...follow(mallory), padding: "x".repeat(600 * 1024) });
    expect(res.status).toBe(413);
  });

  it("never lets someone else rewrite or delete a badge of ours", async () => {
    const badge = createBadge(ctx, ours.editor.id, { stewardOrganisationId: ours.org.id, name: "Theory of Change", approvalPolicy: "steward" });
    editDraft(ctx, ours.editor.id, badge.id, { summary: "Map how change happens.", criteria: "Draw a theory of change." });
    approveAndPublish(ctx, badge.id, [ours]);
    const del = await deliver(mallory, { id: `${mallory.uri}/delete/1`, type: "Delete", actor: mallory.uri, object: badge.uri });
    expect(del.status).toBe(403);
    const update = await deliver(mallory, {
      id: `${mallory.uri}/update/1`,
      type: "Update",
      actor: mallory.uri,
      object: { id: badge.uri, type: "Note", versionId: `${badge.uri}/versions/2`, attributedTo: [mallory.uri], content: "Mine now" },
    });
    expect([403, 422]).toContain(update.status);
    expect(server.db.select().from(badges).where(eq(badges.id, badge.id)).get()?.status).toBe("published");
  });

  it("takes a pathway only from its steward, and never lets someone else delete a pathway of ours", async () => {
    const trudy = makeActor("trudy-school", "orgs");
    // Someone here follows that organisation, so a pathway it stewards is wanted.
    server.db.insert(follows).values({ followerUri: ours.org.uri, followingUri: trudy.uri, activityUri: `${ours.org.uri}/activities/${randomUUID()}`, status: "accepted" }).run();
    const content = {
      name: "Forged Foundations",
      summary: "",
      language: "en",
      goal: `${peer.origin}/badges/goal`,
      steps: [{ badge: `${peer.origin}/badges/step`, guidance: "" }],
      routes: [{ name: "", stages: [{ badges: [`${peer.origin}/badges/step`], required: 1 }] }],
    };
    const uri = `${peer.origin}/pathways/forged`;
    const object = {
      id: uri,
      type: "Note",
      attributedTo: [trudy.uri],
      name: content.name,
      published: new Date().toISOString(),
      pathway: uri,
      steward: trudy.uri,
      versionId: `${uri}/versions/1`,
      versionNumber: 1,
      contentHash: computeVersionHash({ content, stewardUri: trudy.uri, coauthorUris: [], number: 1 }),
      pathwaySummary: "",
      language: "en",
      goal: content.goal,
      steps: content.steps,
      routes: content.routes,
      approvalPolicy: "steward",
    };
    // Mallory (same origin as trudy, so the object is believed as delivered) is not its steward.
    const forged = await deliver(mallory, { id: `${mallory.uri}/create/p1`, type: "Create", actor: mallory.uri, object });
    expect(forged).toEqual({ status: 403, reason: "Only a pathway's steward publishes or updates it." });
    // A hash that does not match is unreadable, whoever sends it.
    const tampered = await deliver(trudy, { id: `${trudy.uri}/create/p0`, type: "Create", actor: trudy.uri, object: { ...object, name: "Other" } });
    expect(tampered.status).toBe(422);
    expect(server.db.select().from(pathways).where(eq(pathways.uri, uri)).get()).toBeUndefined();
    // Its steward's own Create is stored.
    const real = await deliver(trudy, { id: `${trudy.uri}/create/p1`, type: "Create", actor: trudy.uri, object });
    expect(real.status).toBe(202);
    expect(server.db.select().from(pathways).where(eq(pathways.uri, uri)).get()?.status).toBe("published");
    // Mallory cannot take it back; trudy can.
    expect((await deliver(mallory, { id: `${mallory.uri}/delete/p1`, type: "Delete", actor: mallory.uri, object: uri })).status).toBe(403);
    expect((await deliver(trudy, { id: `${trudy.uri}/delete/p1`, type: "Delete", actor: trudy.uri, object: uri })).status).toBe(202);
    expect(server.db.select().from(pathways).where(eq(pathways.uri, uri)).get()?.status).toBe("withdrawn");

    // A pathway of ours is ours to withdraw.
    const goal = createBadge(ctx, ours.editor.id, { stewardOrganisationId: ours.org.id, name: "Goal", approvalPolicy: "steward" });
    const step = createBadge(ctx, ours.editor.id, { stewardOrganisationId: ours.org.id, name: "Step", approvalPolicy: "steward" });
    for (const b of [goal, step]) {
      editDraft(ctx, ours.editor.id, b.id, { summary: "s", criteria: "c" });
      approveAndPublish(ctx, b.id, [ours]);
    }
    const local = draftPathway(ctx, ours, { goal: goal.uri, steps: [step.uri] });
    approveAndPublishPathway(ctx, local.id, [ours]);
    expect((await deliver(mallory, { id: `${mallory.uri}/delete/p2`, type: "Delete", actor: mallory.uri, object: local.uri })).status).toBe(403);
    expect(server.db.select().from(pathways).where(eq(pathways.id, local.id)).get()?.status).toBe("published");
  });
});
