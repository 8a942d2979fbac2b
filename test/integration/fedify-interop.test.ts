// Interop with an implementation we did not write: Fedify 1.5.9 as a peer on loopback,
// talking to a real Badge Commons server. Fedify reads our documents with its JSON-LD
// processor, verifies our HTTP signatures and eddsa-jcs-2022 proofs with its own code, and
// signs what it sends us with its own signer.
import { createPublicKey, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Activity,
  Announce,
  Application,
  Create,
  Delete,
  Follow,
  Hashtag,
  Image,
  Like,
  Link,
  Note,
  OrderedCollection,
  Organization,
  PropertyValue,
  Tombstone,
  Undo,
  Update,
  exportJwk,
  getNodeInfo,
  lookupWebFinger,
  verifyObject,
  type Multikey,
} from "@fedify/fedify";
import { badges, follows, inboxActivities, outboxActivities, remoteActors } from "../../db/schema";
import { endorseBadge } from "../../app/services/endorsements.server";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { withdrawBadge } from "../../app/services/publishing.server";
import { actorKeysFor, ed25519PublicKeyFromMultikey } from "../../federation/keys";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { PEER_IDENTIFIER, startFedifyPeer, type FedifyPeer } from "../support/fedify-peer";
import { waitFor } from "../support/loopback";
import { editDraft, type Team } from "../support/publishing";
import { startTestServer, type TestServer, serviceContextOf } from "../support/server";

const FAST = { retry: { scheduleMs: [100, 200, 400], jitter: 0 } };

describe("interop with Fedify 1.5.9 as a peer", () => {
  let server: TestServer;
  let ctx: ServiceContext;
  let peer: FedifyPeer;
  let changemakers: Team;
  let ourActor: Organization;
  let follow: Follow;
  let theoryOfChange: string; // a badge of ours, published

  beforeAll(async () => {
    server = await startTestServer(undefined, "0", { federation: { delivery: FAST } });
    const publicUrl = `http://localhost:${server.port}`;
    ctx = serviceContextOf(server);
    changemakers = makeLocalTeam(ctx, {
      handle: "changemakers",
      name: "Changemakers Network",
      description: "A network of changemakers.",
      website: "https://changemakers.example",
    });
    peer = await startFedifyPeer();
  });

  afterAll(async () => {
    await server?.close();
    await peer?.close();
  });

  it("finds our organisation by WebFinger and reads its actor, keys included, with Fedify's JSON-LD processor", async () => {
    // Fedify 1.5 asks https://HOST/.well-known/webfinger for an acct: URI, always; our test
    // server speaks plain http, so the query names the actor's URL, which RFC 7033 allows
    // and our endpoint answers with the same descriptor.
    const jrd = await lookupWebFinger(new URL(changemakers.org.uri), { allowPrivateAddress: true });
    expect(jrd?.subject).toBe(`acct:changemakers@localhost:${server.port}`);
    const self = jrd?.links?.find((l) => l.rel === "self" && l.type === "application/activity+json");
    expect(self?.href).toBe(changemakers.org.uri);

    const actor = await peer.context.lookupObject(self!.href!);
    expect(actor).toBeInstanceOf(Organization);
    ourActor = actor as Organization;
    expect(ourActor.id?.href).toBe(changemakers.org.uri);
    expect(ourActor.preferredUsername).toBe("changemakers");
    expect(ourActor.inboxId?.href).toBe(`${changemakers.org.uri}/inbox`);
    expect(ourActor.endpoints?.sharedInbox?.href).toBe(`${ctx.publicUrl}/inbox`);

    expect(ourActor.manuallyApprovesFollowers).toBe(false);
    // The website as Mastodon's profile field: schema.org's PropertyValue under Mastodon's IRI.
    const fields: PropertyValue[] = [];
    for await (const item of ourActor.getAttachments()) if (item instanceof PropertyValue) fields.push(item);
    expect(fields.map((f) => [f.name?.toString(), String(f.value)])).toEqual([["Website", expect.stringContaining('href="https://changemakers.example"')]]);

    const keys = actorKeysFor(server.db, changemakers.org.uri);
    const rsa = await ourActor.getPublicKey();
    expect(rsa?.id?.href).toBe(`${changemakers.org.uri}#main-key`);
    expect(rsa?.ownerId?.href).toBe(changemakers.org.uri);
    const ourRsa = createPublicKey(keys.rsaPublicKeyPem).export({ format: "jwk" });
    expect(await exportJwk(rsa!.publicKey! as never)).toMatchObject({ kty: "RSA", n: ourRsa.n, e: ourRsa.e });

    const methods: Multikey[] = [];
    for await (const method of ourActor.getAssertionMethods()) methods.push(method);
    expect(methods.map((m) => [m.id?.href, m.controllerId?.href])).toEqual([[`${changemakers.org.uri}#ed25519-key`, changemakers.org.uri]]);
    const ourEd25519 = ed25519PublicKeyFromMultikey(keys.ed25519PublicKeyMultibase).export({ format: "jwk" });
    expect(await exportJwk(methods[0].publicKey! as never)).toMatchObject({ kty: "OKP", crv: "Ed25519", x: ourEd25519.x });
  });

  it("reads our NodeInfo with Fedify's strict parser, and our instance actor", async () => {
    const info = await getNodeInfo(ctx.publicUrl, { parse: "strict" });
    expect(info?.software.name).toBe("badge-commons");
    expect(info?.protocols).toEqual(["activitypub"]);
    expect(info?.usage.users.total).toBeGreaterThan(0);
    const instance = await peer.context.lookupObject(`${ctx.publicUrl}/actor`);
    expect(instance).toBeInstanceOf(Application);
    expect((await (instance as Application).getPublicKey())?.id?.href).toBe(`${ctx.publicUrl}/actor#main-key`);
  });

  it("follows with a Follow signed by Fedify; our Accept passes Fedify's own signature check", async () => {
    follow = new Follow({ id: new URL(`${peer.actorUri}/follows/${randomUUID()}`), actor: new URL(peer.actorUri), object: new URL(changemakers.org.uri) });
    await peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, follow);
    const row = server.db.select().from(follows).where(and(eq(follows.followerUri, peer.actorUri), eq(follows.followingUri, changemakers.org.uri))).get();
    expect(row).toMatchObject({ status: "accepted", activityUri: follow.id!.href });
    // To check the Follow's signature and to answer it we fetched the peer's actor, which it
    // serves only to signed requests (authorized fetch): Fedify verified ours each time.
    expect(peer.actorFetches.length).toBeGreaterThan(0);
    expect(new Set(peer.actorFetches)).toEqual(new Set([`${ctx.publicUrl}/actor#main-key`]));
    expect((await fetch(peer.actorUri, { headers: { accept: "application/activity+json" } })).status).toBe(401);

    const accepted = await waitFor(() => peer.inbox.find((e) => e.type === "Accept"), 3000, "the Accept in Fedify's inbox");
    expect(accepted.activity.actorId?.href).toBe(changemakers.org.uri);
    expect(accepted.activity.objectId?.href).toBe(follow.id!.href);
    const request = peer.requests.find((r) => r.json?.type === "Accept")!;
    expect(request.signedBy).toBe(`${changemakers.org.uri}#main-key`);
    expect(request.status).toBe(202);
    expect(server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, follow.id!.href)).get()?.status).toBe("applied");

    // Fedify's check is on: the same request, its body naming another Follow, is refused.
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    const forged = await fetch(`${peer.origin}${request.path}`, { method: "POST", headers, body: request.body.replace(follow.id!.href, `${follow.id!.href}0`) });
    expect(forged.status).toBe(401);
    expect(peer.inbox).toHaveLength(1);
  });

  it("receives our Create, Update and Delete: HTTP signature and eddsa-jcs-2022 proof verify in Fedify; the Note reads as we wrote it", async () => {
    const badge = createBadge(ctx, changemakers.editor.id, { stewardOrganisationId: changemakers.org.id, name: "Social Innovation 101", approvalPolicy: "steward" });
    editDraft(ctx, changemakers.editor.id, badge.id, {
      summary: "Frame a social problem and test a first intervention.",
      criteria: "1. Describe a local **social problem**.\n2. Run one small experiment.",
      tags: ["social innovation", "changemaking"],
    });
    approveAndPublish(ctx, badge.id, [changemakers]);

    const created = await waitFor(() => peer.inbox.find((e) => e.type === "Create"), 3000, "the Create in Fedify's inbox");
    const createRequest = peer.requests.find((r) => r.json?.type === "Create")!;
    expect(createRequest.signedBy).toBe(`${changemakers.org.uri}#main-key`);
    expect(createRequest.path).toBe("/inbox"); // the peer's shared inbox
    const note = await (created.activity as Create).getObject();
    expect(note).toBeInstanceOf(Note);
    expect(note!.id?.href).toBe(badge.uri);
    expect(note!.attributionIds.map((u) => u.href)).toEqual([changemakers.org.uri]);
    expect(String(note!.content)).toContain("<strong>Social Innovation 101</strong>");
    expect(String(note!.content)).toContain("Frame a social problem and test a first intervention.");
    const urls = note!.urls.map((u) => (u instanceof Link ? [u.href?.href, u.mediaType] : [u.href, null]));
    expect(urls).toEqual([
      [badge.uri, "text/html"],
      [`${badge.uri}/achievement.json`, "application/ld+json"],
    ]);
    const image = await note!.getImage();
    expect(image).toBeInstanceOf(Image);
    expect(image!.mediaType).toBe("image/svg+xml");
    expect(String(image!.url instanceof URL ? image!.url.href : image!.url?.href)).toMatch(new RegExp(`^${ctx.publicUrl}/images/`));
    const tags: Hashtag[] = [];
    for await (const tag of note!.getTags()) if (tag instanceof Hashtag) tags.push(tag);
    expect(tags.map((t) => [t.name?.toString(), t.href?.href])).toEqual([
      ["#SocialInnovation", `${ctx.publicUrl}/badges?tag=social+innovation`],
      ["#changemaking", `${ctx.publicUrl}/badges?tag=changemaking`],
    ]);

    const loaders = { documentLoader: peer.context.documentLoader, contextLoader: peer.context.contextLoader };
    const verified = await verifyObject(Create, createRequest.json!, loaders);
    expect(verified?.id?.href).toBe(createRequest.json!.id);
    const object = createRequest.json!.object as Record<string, unknown>;
    expect(await verifyObject(Create, { ...createRequest.json!, object: { ...object, content: "<p>Another badge</p>" } }, loaders)).toBeNull();

    editDraft(ctx, changemakers.editor.id, badge.id, { name: "Social Innovation 102" });
    approveAndPublish(ctx, badge.id, [changemakers]);
    const updated = await waitFor(() => peer.inbox.find((e) => e.type === "Update"), 3000, "the Update in Fedify's inbox");
    const updateRequest = peer.requests.find((r) => r.json?.type === "Update")!;
    expect(updateRequest.signedBy).toBe(`${changemakers.org.uri}#main-key`);
    expect(await verifyObject(Update, updateRequest.json!, loaders)).not.toBeNull();
    const next = await (updated.activity as Update).getObject();
    expect(next).toBeInstanceOf(Note);
    expect(next!.id?.href).toBe(badge.uri);
    expect(String(next!.content)).toContain("<strong>Social Innovation 102</strong>");
    expect(next!.updated).not.toBeNull();

    withdrawBadge(ctx, changemakers.admin.id, badge.id);
    const deleted = await waitFor(() => peer.inbox.find((e) => e.type === "Delete"), 3000, "the Delete in Fedify's inbox");
    const deleteRequest = peer.requests.find((r) => r.json?.type === "Delete")!;
    expect(deleteRequest.signedBy).toBe(`${changemakers.org.uri}#main-key`);
    expect(await verifyObject(Delete, deleteRequest.json!, loaders)).not.toBeNull();
    const tombstone = await (deleted.activity as Delete).getObject();
    expect(tombstone).toBeInstanceOf(Tombstone);
    expect(tombstone!.id?.href).toBe(badge.uri);
    expect([createRequest, updateRequest, deleteRequest].map((r) => r.status)).toEqual([202, 202, 202]);
  });

  it("fetches a badge, one of its versions and our outbox with Fedify's signed document loader, every outbox proof verifying", async () => {
    const badge = createBadge(ctx, changemakers.editor.id, { stewardOrganisationId: changemakers.org.id, name: "Theory of Change", approvalPolicy: "steward" });
    editDraft(ctx, changemakers.editor.id, badge.id, { summary: "Draw the path from activities to outcomes.", criteria: "Write a theory of change for one project.", tags: ["impact"] });
    approveAndPublish(ctx, badge.id, [changemakers]);
    theoryOfChange = badge.uri;

    const signedLoader = await peer.context.getDocumentLoader({ identifier: PEER_IDENTIFIER });
    const fetched = await peer.context.lookupObject(badge.uri, { documentLoader: signedLoader });
    expect(fetched).toBeInstanceOf(Note);
    expect(fetched!.id?.href).toBe(badge.uri);
    expect(String((fetched as Note).content)).toContain("<strong>Theory of Change</strong>");
    const version = await peer.context.lookupObject(`${badge.uri}/versions/1`, { documentLoader: signedLoader });
    expect(version).toBeInstanceOf(Note);
    expect(version!.id?.href).toBe(`${badge.uri}/versions/1`);

    // The outbox as a back-filling reader sees it: pages (?page=N; Fedify 1.5 signs GETs
    // without the query, which our server does not hold against it since it asks no
    // signature of public documents), each activity as sent, proof included.
    const outbox = await peer.context.lookupObject(`${changemakers.org.uri}/outbox`, { documentLoader: signedLoader });
    expect(outbox).toBeInstanceOf(OrderedCollection);
    const first = (outbox as OrderedCollection).firstId!.href;
    const page = (await signedLoader(first)).document as { orderedItems: Record<string, unknown>[] };
    expect(page.orderedItems.map((a) => a.type)).toEqual(["Create", "Delete", "Update", "Create"]);
    const loaders = { documentLoader: peer.context.documentLoader, contextLoader: peer.context.contextLoader };
    for (const item of page.orderedItems) {
      expect(await verifyObject(Activity, item, loaders), `${String(item.type)} from the outbox`).not.toBeNull();
    }
  });

  it("reads our endorsement as a Note replying to the badge with Fedify's JSON-LD processor, and verifies the endorser's Create", async () => {
    const acme = makeLocalTeam(ctx, { handle: "acme", name: "Acme Ventures", kind: "business" });
    const badgeId = server.db.select().from(badges).where(eq(badges.uri, theoryOfChange)).get()!.id;
    const { endorsement } = endorseBadge(ctx, acme.admin.id, badgeId, { organisationId: acme.org.id, statement: "We hire for this skill.", versionNumber: 1 });
    const signedLoader = await peer.context.getDocumentLoader({ identifier: PEER_IDENTIFIER });
    const note = await peer.context.lookupObject(endorsement.uri, { documentLoader: signedLoader });
    expect(note).toBeInstanceOf(Note);
    expect((note as Note).replyTargetId?.href).toBe(theoryOfChange);
    expect((note as Note).attributionId?.href).toBe(acme.org.uri);
    expect(String((note as Note).content)).toContain("We hire for this skill.");
    // The endorser's Create, as its outbox lists it, passes Fedify's proof check.
    const outbox = await peer.context.lookupObject(`${acme.org.uri}/outbox`, { documentLoader: signedLoader });
    const page = (await signedLoader((outbox as OrderedCollection).firstId!.href)).document as { orderedItems: Record<string, unknown>[] };
    expect(page.orderedItems.map((a) => a.type)).toEqual(["Create"]);
    const verified = await verifyObject(Activity, page.orderedItems[0], { documentLoader: peer.context.documentLoader, contextLoader: peer.context.contextLoader });
    expect(verified).toBeInstanceOf(Create);
  });

  it("refuses what Fedify signed but someone changed on the way, ignores what it does not know, applies each activity once, and undoes a follow", async () => {
    const riverside = makeLocalTeam(ctx, { handle: "riverside", name: "Riverside School", kind: "school" });
    const inbox = `${riverside.org.uri}/inbox`;
    const second = new Follow({ id: new URL(`${peer.actorUri}/follows/${randomUUID()}`), actor: new URL(peer.actorUri), object: new URL(riverside.org.uri) });
    const followOf = (target: string) => server.db.select().from(follows).where(and(eq(follows.followerUri, peer.actorUri), eq(follows.followingUri, target))).get();
    const received = (id: string) => server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, id)).get();
    const acceptsOf = (followId: string) =>
      server.db
        .select()
        .from(outboxActivities)
        .where(eq(outboxActivities.type, "Accept"))
        .all()
        .filter((a) => (a.document as { object: { id: string } }).object.id === followId);

    // The body changed after signing: the digest no longer matches.
    const body = await peer.post(inbox, second, (p) => void (p.body = p.body.replace(riverside.org.uri, changemakers.org.uri)));
    expect(body.status).toBe(401);
    expect(await body.text()).toBe("The Digest header does not match the request body.");
    // The signature changed: it no longer verifies with the peer's key.
    const signature = await peer.post(inbox, second, (p) => {
      const header = p.headers.get("signature")!;
      p.headers.set("signature", header.replace(/signature="(.)/, (_m, c: string) => `signature="${c === "A" ? "B" : "A"}`));
    });
    expect(signature.status).toBe(401);
    expect(await signature.text()).toBe(`The signature does not verify with the key ${peer.rsaKeyId}.`);
    expect(followOf(riverside.org.uri)).toBeUndefined();
    expect(received(second.id!.href)).toBeUndefined(); // nothing recorded: the genuine one still counts

    // The genuine Follow, then the very same activity again: applied once, answered once.
    expect((await peer.post(inbox, second)).status).toBe(202);
    expect(followOf(riverside.org.uri)).toMatchObject({ status: "accepted", activityUri: second.id!.href });
    const again = await peer.post(inbox, second);
    expect(again.status).toBe(202);
    expect(await again.text()).toBe("Already received.");
    expect(acceptsOf(second.id!.href)).toHaveLength(1);
    await waitFor(() => peer.inbox.filter((e) => e.type === "Accept").length === 2, 3000, "the second Accept");

    // Activities we do not handle: a Like (Fedify's class, to our shared inbox) and an EmojiReact (Misskey's; Fedify has no class for it).
    const like = new Like({ id: new URL(`${peer.actorUri}/likes/${randomUUID()}`), actor: new URL(peer.actorUri), object: new URL(riverside.org.uri) });
    await peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, like, { preferSharedInbox: true });
    expect(received(like.id!.href)).toMatchObject({ status: "ignored", type: "Like" });
    const reactionId = `${peer.actorUri}/reactions/${randomUUID()}`;
    const reaction = await peer.post(inbox, {
      "@context": ["https://www.w3.org/ns/activitystreams", { EmojiReact: "http://litepub.social/ns#EmojiReact" }],
      id: reactionId,
      type: "EmojiReact",
      actor: peer.actorUri,
      object: riverside.org.uri,
      content: "🌱",
    });
    expect(reaction.status).toBe(202);
    expect(received(reactionId)).toMatchObject({ status: "ignored", type: "EmojiReact" });

    // A boost of one of our own badges, which Mastodon sends to the badge's author: nothing is
    // fetched; the peer is an organisation, so its share is recorded for the badge's page.
    const boost = new Announce({ id: new URL(`${peer.actorUri}/boosts/${randomUUID()}`), actor: new URL(peer.actorUri), object: new URL(theoryOfChange) });
    const shared = await peer.post(inbox, boost);
    expect([shared.status, await shared.text()]).toEqual([202, "Share recorded."]);
    expect(received(boost.id!.href)).toMatchObject({ status: "applied", type: "Announce" });

    // Undo(Follow) as Fedify sends it (the Follow embedded); the first Follow replayed afterwards changes nothing.
    const undo = new Undo({ id: new URL(`${peer.actorUri}/undos/${randomUUID()}`), actor: new URL(peer.actorUri), object: follow });
    await peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, undo);
    expect(followOf(changemakers.org.uri)).toBeUndefined();
    expect(received(undo.id!.href)?.status).toBe("applied");
    await peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, follow);
    expect(followOf(changemakers.org.uri)).toBeUndefined();
    expect(acceptsOf(follow.id!.href)).toHaveLength(1);
    expect(followOf(riverside.org.uri)?.status).toBe("accepted");
  });

  it("applies a Follow that Fedify delivers again after we could not fetch its actor the first time", async () => {
    // A day later our copy of the peer's actor is stale, and the peer is down when its Follow arrives.
    server.db.update(remoteActors).set({ fetchedAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(remoteActors.uri, peer.actorUri)).run();
    peer.unavailable = true;
    const retried = new Follow({ id: new URL(`${peer.actorUri}/follows/${randomUUID()}`), actor: new URL(peer.actorUri), object: new URL(changemakers.org.uri) });
    await expect(peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, retried)).rejects.toThrow(/\(503 Service Unavailable\)/);
    expect(server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, retried.id!.href)).get()?.status).toBe("rejected");
    expect(server.db.select().from(follows).where(eq(follows.activityUri, retried.id!.href)).get()).toBeUndefined();

    // 503, not a 4xx, so that the sender tries again; Fedify's retry: the same activity once the peer is back.
    peer.unavailable = false;
    await peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, retried);
    expect(server.db.select().from(follows).where(eq(follows.activityUri, retried.id!.href)).get()?.status).toBe("accepted");
    expect(server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, retried.id!.href)).get()?.status).toBe("applied");
    await waitFor(() => peer.inbox.find((e) => e.type === "Accept" && e.activity.objectId?.href === retried.id!.href), 3000, "the Accept of the retried Follow");
  });

  it("follows the Fedify organisation by @handle@host: Fedify verifies our Follow, its Accept is applied, the back-fill ends at once; its plain Note is ignored", async () => {
    const host = new URL(peer.origin).host;
    const ours = await server.federation.follow(changemakers.admin.id, changemakers.org.id, `@${PEER_IDENTIFIER}@${host}`);
    expect(ours).toMatchObject({ followingUri: peer.actorUri, status: "pending" });
    const received = await waitFor(() => peer.inbox.find((e) => e.type === "Follow"), 3000, "our Follow in Fedify's inbox");
    expect(received.activity.id?.href).toBe(ours.activityUri);
    const followOf = () => server.db.select().from(follows).where(and(eq(follows.followerUri, changemakers.org.uri), eq(follows.followingUri, peer.actorUri))).get();
    await waitFor(() => followOf()?.status === "accepted", 3000, "Fedify's Accept applied here");
    // The peer publishes no outbox: nothing to back-fill, and the follow says it is done.
    await server.federation.idle();
    expect(followOf()).toMatchObject({ backfillDone: 0, backfillTotal: 0 });
    const request = await waitFor(() => peer.requests.find((r) => r.json?.id === ours.activityUri), 3000, "Fedify's answer to our Follow");
    expect(request).toMatchObject({ signedBy: `${changemakers.org.uri}#main-key`, status: 202 });
    expect(server.db.select().from(remoteActors).where(eq(remoteActors.uri, peer.actorUri)).get()).toMatchObject({ type: "Organization", handle: PEER_IDENTIFIER, host });

    // A Note that is not a badge version: received, verified, and left alone.
    const note = new Note({ id: new URL(`${peer.actorUri}/notes/${randomUUID()}`), attribution: new URL(peer.actorUri), content: "<p>Hello from Fedify</p>" });
    const create = new Create({ id: new URL(`${note.id!.href}/create`), actor: new URL(peer.actorUri), object: note });
    await peer.context.sendActivity({ identifier: PEER_IDENTIFIER }, ourActor, create);
    expect(server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, create.id!.href)).get()).toMatchObject({ status: "ignored", type: "Create" });
  });
});
