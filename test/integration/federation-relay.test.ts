// Relays: two Badge Commons instances that follow no one on each other subscribe to a relay
// built on Fedify (as Mastodon-compatible relays work: the instance actor follows the
// Public collection at the relay's inbox). A badge published on A reaches B's catalogue
// through the relay, its later version and its withdrawal too; both ways relays pass
// things on (the original activity forwarded verbatim, or an Announce by the relay) work.
// What a relay passes on is believed on its author's proof, never on the relay's word.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, follows, inboxActivities, relays } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { withdrawBadge } from "../../app/services/publishing.server";
import { addRelay, removeRelay } from "../../app/services/relays.server";
import { expectDomainError } from "../support/publishing";
import { startFedifyRelay, type FedifyRelay, type RelayMode } from "../support/fedify-relay";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { waitFor } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { HttpSession, startTestServer, type TestServer, serviceContextOf } from "../support/server";

const FAST = { retry: { scheduleMs: [100, 200, 400, 800], jitter: 0 } };

for (const mode of ["forward", "announce"] as RelayMode[]) {
  describe(`a relay that passes activities on by ${mode === "forward" ? "forwarding them" : "announcing them"}`, () => {
    let relay: FedifyRelay;
    let a: TestServer;
    let b: TestServer;
    let ctxA: ServiceContext;
    let ctxB: ServiceContext;
    let riverside: Team;
    let badge: { id: string; uri: string };

    beforeAll(async () => {
      relay = await startFedifyRelay(mode);
      a = await startTestServer(undefined, "0", { federation: { delivery: FAST }, env: { ADMIN_EMAILS: "ops@a.example" } });
      b = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
      ctxA = serviceContextOf(a);
      ctxB = serviceContextOf(b);
      riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await relay?.close();
    });

    const onB = () => b.db.select().from(badges).where(eq(badges.uri, badge.uri)).get();

    it("subscribes both instances; A's operator does it from the federation page", async () => {
      const ops = new HttpSession(a.url);
      await ops.signUp("ops@a.example", "Operator");
      const bad = await ops.post("/admin/federation", { intent: "add-relay", inboxUrl: "not a url" });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("not a web address");
      const res = await ops.post("/admin/federation", { intent: "add-relay", inboxUrl: relay.inboxUrl });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("Waiting for the relay to accept");
      addRelay(ctxB, { inboxUrl: relay.inboxUrl });

      await waitFor(() => a.db.select().from(relays).get()?.status === "accepted" && b.db.select().from(relays).get()?.status === "accepted", 5000, "both subscriptions accepted");
      expect(a.db.select().from(relays).get()!.actorUri).toBe(relay.actorUri);
      expect(relay.subscribers().sort()).toEqual([`http://localhost:${a.port}/actor`, `http://localhost:${b.port}/actor`].sort());
      expect(await (await ops.get("/admin/federation")).text()).toContain("Relaying");
      // Following the same relay twice is refused with a reason.
      expectDomainError(() => addRelay(ctxB, { inboxUrl: relay.inboxUrl }), "invalid", /already follows that relay/);
      // Nobody on B follows anyone on A.
      expect(b.db.select().from(follows).all()).toEqual([]);
    });

    it("a badge published on A arrives in B's catalogue through the relay, and so do its next version and its withdrawal", async () => {
      const created = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name: `Seed Saving (${mode})`, approvalPolicy: "steward" });
      badge = { id: created.id, uri: created.uri };
      editDraft(ctxA, riverside.editor.id, badge.id, { summary: "Save seeds together.", criteria: "Save seeds from three plants.", tags: ["gardening"] });
      approveAndPublish(ctxA, badge.id, [riverside]);
      const copy = await waitFor(() => onB(), 5000, "the badge on B through the relay");
      expect(copy.status).toBe("published");
      await waitFor(() => relay.relayed.length > 0, 2000, "the relay's record of passing it on");

      editDraft(ctxA, riverside.editor.id, badge.id, { summary: "Save and swap seeds together." });
      approveAndPublish(ctxA, badge.id, [riverside]);
      await waitFor(() => {
        const held = onB();
        return held?.latestVersionId && b.db.query.versions.findFirst({ where: (v, { eq: equals }) => equals(v.id, held.latestVersionId!) }).sync()?.number === 2;
      }, 5000, "version 2 on B");

      if (mode === "forward") {
        // A LitePub relay announces objects, and a Tombstone has nothing to fetch; a
        // forwarding relay passes the Delete itself on.
        withdrawBadge(ctxA, riverside.admin.id, badge.id);
        await waitFor(() => onB()?.status === "withdrawn", 5000, "the withdrawal on B");
      }
      expect(b.db.select().from(inboxActivities).where(eq(inboxActivities.status, "rejected")).all().map((r) => [r.type, r.reason])).toEqual([]);
    });

    if (mode === "forward") {
      it("refuses what the relay passes on without its author's proof, and a stranger's answer to our subscription", async () => {
        // Signed by the relay (as forwarding is), claiming to be Riverside, with no proof.
        const forged = await relay.post(`${b.url}/inbox`, {
          "@context": "https://www.w3.org/ns/activitystreams",
          id: `${riverside.org.uri}/activities/${randomUUID()}`,
          type: "Update",
          actor: riverside.org.uri,
          object: { id: badge.uri, type: "Note", content: "<p>Rewritten by the relay</p>" },
        });
        expect(forged.status).toBe(401);
        expect(await forged.text()).toContain(`Signed by ${relay.actorUri}, but the actor is ${riverside.org.uri}`);
        // Another server answering B's subscription (it knows the Follow's id) is refused.
        const stranger = await startFedifyRelay("forward");
        try {
          const follow = b.db.select().from(relays).get()!.followActivityUri;
          const accept = await stranger.post(`${b.url}/inbox`, {
            "@context": "https://www.w3.org/ns/activitystreams",
            id: `${stranger.origin}/accepts/${randomUUID()}`,
            type: "Reject",
            actor: stranger.actorUri,
            object: follow,
          });
          expect(accept.status).toBe(403);
          expect(b.db.select().from(relays).get()!.status).toBe("accepted");
        } finally {
          await stranger.close();
        }
      });

      it("stops relaying when the operator unsubscribes: the relay is told, and nothing more comes through it", async () => {
        removeRelay(ctxB, { inboxUrl: relay.inboxUrl });
        await waitFor(() => relay.subscribers().length === 1, 5000, "the relay forgetting B");
        expect(b.db.select().from(relays).all()).toEqual([]);
      });
    }
  });
}

describe("relay subscriptions, by the operator only", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(undefined, "0", { env: { ADMIN_EMAILS: "ops@example.org" } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("refuses anyone but an operator", async () => {
    const someone = new HttpSession(server.url);
    await someone.signUp("someone@example.org", "Someone");
    const res = await someone.post("/admin/federation", { intent: "add-relay", inboxUrl: "https://relay.example/inbox" });
    expect(res.status).toBe(403);
    expect(server.db.select().from(relays).all()).toEqual([]);
  });
});
