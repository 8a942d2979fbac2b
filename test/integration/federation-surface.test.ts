// The federation read surface over real HTTP: WebFinger, NodeInfo, actor documents beside
// the HTML pages at the same URLs, the outbox in pages, and badge objects.
import { createVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { badges, follows, outboxActivities } from "../../db/schema";
import { createBadge } from "../../app/services/badges.server";
import type { ServiceContext } from "../../app/services/context.server";
import { computeVersionHash, deprecateBadge } from "../../app/services/publishing.server";
import { publicBadgeVersion } from "../../app/services/public-versions.server";
import { createActivity, followActivity, updateActivity, type OutgoingActivity } from "../../federation/activities";
import { parseBadgeObject, toBadgeObject } from "../../federation/badge-object";
import { signRequest } from "../../federation/http-signatures";
import { actorKeysFor, ed25519PublicKeyFromMultikey, rsaKeyId, rsaPrivateKey } from "../../federation/keys";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { editDraft, makeCoauthoredBadge, type Team } from "../support/publishing";
import { startTestServer, type TestServer, serviceContextOf } from "../support/server";

const AS = "application/activity+json";
const LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("federation surface over HTTP", () => {
  let server: TestServer;
  let ctx: ServiceContext;
  let host: string;
  let steward: Team;
  let partner: Team;
  let badgeId: string;
  let draftId: string;

  const get = (path: string, accept?: string) => fetch(server.url + path, { headers: accept ? { accept } : {} });
  const json = async (res: Response) => (await res.json()) as Record<string, any>;

  beforeAll(async () => {
    server = await startTestServer();
    const publicUrl = `http://localhost:${server.port}`;
    host = `localhost:${server.port}`;
    ctx = serviceContextOf(server);
    steward = makeLocalTeam(ctx, {
      handle: "changemakers",
      name: "Changemakers",
      description: "We <b>change</b> things.\n\nTogether & openly.",
      website: "changemakers.example",
    });
    partner = makeLocalTeam(ctx, { handle: "acme", name: "Acme", kind: "business" });
    const badge = makeCoauthoredBadge(ctx, steward, [partner]);
    approveAndPublish(ctx, badge.id, [steward, partner]);
    editDraft(ctx, steward.editor.id, badge.id, { summary: "Second thoughts." });
    approveAndPublish(ctx, badge.id, [steward, partner]);
    badgeId = badge.id;
    draftId = createBadge(ctx, steward.editor.id, { stewardOrganisationId: steward.org.id, name: "Not yet", approvalPolicy: "all" }).id;
  });
  afterAll(() => server?.close());

  describe("WebFinger", () => {
    it("finds an organisation by acct: and by its actor URL, with CORS open", async () => {
      const res = await get(`/.well-known/webfinger?resource=acct:changemakers@${host}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/jrd\+json/);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      const jrd = await json(res);
      expect(jrd.subject).toBe(`acct:changemakers@${host}`);
      expect(jrd.aliases).toEqual([steward.org.uri]);
      expect(jrd.links).toContainEqual({ rel: "self", type: AS, href: steward.org.uri });
      expect(jrd.links).toContainEqual({ rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: steward.org.uri });

      const byUrl = await json(await get(`/.well-known/webfinger?resource=${encodeURIComponent(steward.org.uri)}`));
      expect(byUrl.subject).toBe(`acct:changemakers@${host}`);
      const onlySelf = await json(await get(`/.well-known/webfinger?resource=acct:changemakers@${host}&rel=self`));
      expect(onlySelf.links).toEqual([{ rel: "self", type: AS, href: steward.org.uri }]);
    });

    it("finds the instance actor by its host", async () => {
      const jrd = await json(await get(`/.well-known/webfinger?resource=acct:${host}@${host}`));
      expect(jrd.links).toContainEqual({ rel: "self", type: AS, href: `${ctx.publicUrl}/actor` });
    });

    it("answers 404 for unknown accounts and 400 for malformed resources", async () => {
      expect((await get(`/.well-known/webfinger?resource=acct:nobody@${host}`)).status).toBe(404);
      expect((await get(`/.well-known/webfinger?resource=acct:changemakers@elsewhere.example`)).status).toBe(404);
      const missing = await get("/.well-known/webfinger");
      expect(missing.status).toBe(400);
      expect((await json(missing)).error).toMatch(/resource/);
      expect((await get("/.well-known/webfinger?resource=acct:nohost")).status).toBe(400);
    });
  });

  it("NodeInfo: discovery, then 2.1 with software, protocols and usage", async () => {
    const discovery = await json(await get("/.well-known/nodeinfo"));
    expect(discovery.links).toEqual([
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${ctx.publicUrl}/nodeinfo/2.1` },
    ]);
    const res = await get("/nodeinfo/2.1");
    expect(res.headers.get("content-type")).toContain('profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"');
    const info = await json(res);
    expect(info.version).toBe("2.1");
    expect(info.software).toEqual({ name: "badge-commons", version: PACKAGE_VERSION });
    expect(info.protocols).toEqual(["activitypub"]);
    expect(info.openRegistrations).toBe(true);
    expect(info.usage.users.total).toBe(2);
    // Two published versions of one badge; the draft is not a post.
    expect(info.usage.localPosts).toBe(2);
    expect(info.metadata).toMatchObject({ organisations: 2, publishedBadges: 1 });
  });

  describe("actors", () => {
    it("serves the Organization actor to ActivityStreams requests, with keys that verify", async () => {
      const res = await get("/orgs/changemakers", AS);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/activity\+json/);
      expect(res.headers.get("vary")).toMatch(/\bAccept\b/);
      const actor = await json(res);
      expect(actor).toMatchObject({
        id: steward.org.uri,
        type: "Organization",
        preferredUsername: "changemakers",
        name: "Changemakers",
        url: steward.org.uri,
        inbox: `${steward.org.uri}/inbox`,
        outbox: `${steward.org.uri}/outbox`,
        followers: `${steward.org.uri}/followers`,
        following: `${steward.org.uri}/following`,
        endpoints: { sharedInbox: `${ctx.publicUrl}/inbox` },
        manuallyApprovesFollowers: false,
        discoverable: true,
      });
      expect(actor["@context"]).toEqual(
        expect.arrayContaining(["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", "https://w3id.org/security/data-integrity/v1"]),
      );
      // The description is text: its markup is escaped, its paragraphs kept.
      expect(actor.summary).toBe("<p>We &lt;b&gt;change&lt;/b&gt; things.</p><p>Together &amp; openly.</p>");
      expect(actor.icon).toEqual({ type: "Image", url: `${ctx.publicUrl}/images/${steward.org.logoImageId}`, mediaType: "image/svg+xml" });
      expect(actor.attachment[0]).toMatchObject({ type: "PropertyValue", name: "Website" });
      expect(new Date(actor.published).getTime()).toBe(steward.org.createdAt.getTime());

      // A signature made with the organisation's private key verifies with the published key.
      expect(actor.publicKey.id).toBe(rsaKeyId(steward.org.uri));
      expect(actor.publicKey.owner).toBe(steward.org.uri);
      const keys = actorKeysFor(server.db, steward.org.uri);
      const headers = signRequest({ method: "GET", url: "https://peer.example/orgs/x" }, { keyId: actor.publicKey.id, privateKey: rsaPrivateKey(keys) });
      const signature = /signature="([^"]+)"/.exec(headers.signature)![1];
      const signed = `(request-target): get /orgs/x\nhost: peer.example\ndate: ${headers.date}`;
      expect(createVerify("sha256").update(signed).verify(actor.publicKey.publicKeyPem, signature, "base64")).toBe(true);
      // FEP-521a: the Ed25519 key as a Multikey the actor controls.
      expect(actor.assertionMethod).toEqual([
        { id: `${steward.org.uri}#ed25519-key`, type: "Multikey", controller: steward.org.uri, publicKeyMultibase: keys.ed25519PublicKeyMultibase },
      ]);
      expect(ed25519PublicKeyFromMultikey(actor.assertionMethod[0].publicKeyMultibase).asymmetricKeyType).toBe("ed25519");
    });

    it("answers JSON-LD with the ActivityStreams profile in the form asked for", async () => {
      const res = await get("/orgs/changemakers", LD);
      expect(res.headers.get("content-type")).toBe(LD);
      expect((await json(res)).id).toBe(steward.org.uri);
    });

    it("leaves browsers to the HTML page at the same URL, also saying Vary: Accept", async () => {
      const res = await get("/orgs/changemakers", BROWSER);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("vary")).toMatch(/\bAccept\b/);
      expect(await res.text()).toContain("Changemakers");
    });

    it("answers 404 JSON for an unknown organisation", async () => {
      const res = await get("/orgs/nobody", AS);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect((await json(res)).error).toBeTruthy();
    });

    it("serves the instance actor as an Application named after the host", async () => {
      const actor = await json(await get("/actor", AS));
      expect(actor).toMatchObject({ id: `${ctx.publicUrl}/actor`, type: "Application", preferredUsername: host, inbox: `${ctx.publicUrl}/inbox` });
      expect(actor.publicKey.owner).toBe(`${ctx.publicUrl}/actor`);
      expect(actor.publicKey.publicKeyPem).toBe(actorKeysFor(server.db, `${ctx.publicUrl}/actor`).rsaPublicKeyPem);
      const outbox = await json(await get("/actor/outbox", AS));
      expect(outbox).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
    });
  });

  describe("collections", () => {
    it("followers and following are counts of accepted follows", async () => {
      server.db.insert(follows).values([
        { followerUri: "https://mastodon.example/users/ada", followingUri: steward.org.uri, activityUri: "https://mastodon.example/f1", status: "accepted" },
        { followerUri: "https://mastodon.example/users/bo", followingUri: steward.org.uri, activityUri: "https://mastodon.example/f2", status: "pending" },
        { followerUri: steward.org.uri, followingUri: "https://peer.example/orgs/acme", activityUri: `${steward.org.uri}/activities/f3`, status: "accepted" },
      ]).run();
      const followers = await json(await get("/orgs/changemakers/followers", AS));
      expect(followers).toEqual({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${steward.org.uri}/followers`,
        type: "OrderedCollection",
        totalItems: 1,
      });
      expect((await json(await get("/orgs/changemakers/following", AS))).totalItems).toBe(1);
      expect((await get("/orgs/nobody/followers", AS)).status).toBe(404);
    });

    it("pages the outbox newest first, public activities only, each as it was sent", async () => {
      // 21 versions published through the real flow, by an organisation of their own: the
      // publishing transaction wrote each Create/Update to the outbox as it will be sent.
      const author = makeLocalTeam(ctx, { handle: "theory-makers", name: "Theory Makers" });
      const badge = makeCoauthoredBadge(ctx, author, [], { policy: "steward", name: "Theory of Change" });
      for (let n = 1; n <= 21; n++) {
        if (n > 1) editDraft(ctx, author.editor.id, badge.id, { summary: `Revision ${n}.` });
        approveAndPublish(ctx, badge.id, [author]);
      }
      const sent = server.db
        .select()
        .from(outboxActivities)
        .where(eq(outboxActivities.actorUri, author.org.uri))
        .orderBy(asc(outboxActivities.id))
        .all()
        .map((row) => row.document as OutgoingActivity & { object: { versionNumber: number } });
      expect(sent.map((a) => a.type)).toEqual(["Create", ...new Array(20).fill("Update")]);
      expect(sent.every((a) => "proof" in a)).toBe(true);
      const follow = followActivity(author.org.uri, "https://peer.example/orgs/acme");
      server.db.insert(outboxActivities).values({ uri: follow.id, actorUri: author.org.uri, type: "Follow", objectUri: follow.object, document: follow, public: false }).run();

      const outbox = await json(await get("/orgs/theory-makers/outbox", AS));
      const outboxUri = `${author.org.uri}/outbox`;
      expect(outbox).toMatchObject({ id: outboxUri, type: "OrderedCollection", totalItems: 21, first: `${outboxUri}?page=1`, last: `${outboxUri}?page=2` });

      const page1 = await json(await get("/orgs/theory-makers/outbox?page=1", AS));
      expect(page1).toMatchObject({ id: `${outboxUri}?page=1`, type: "OrderedCollectionPage", partOf: outboxUri, next: `${outboxUri}?page=2` });
      expect(page1).not.toHaveProperty("prev");
      expect(page1.orderedItems).toHaveLength(20);
      expect(page1.orderedItems[0]).toEqual(JSON.parse(JSON.stringify(sent[20])));
      expect(page1.orderedItems[0].object.versionNumber).toBe(21);
      expect(page1.orderedItems.map((a: { type: string }) => a.type)).not.toContain("Follow");

      const page2 = await json(await get("/orgs/theory-makers/outbox?page=2", AS));
      expect(page2.orderedItems.map((a: { id: string }) => a.id)).toEqual([sent[0].id]);
      expect(page2.orderedItems[0].type).toBe("Create");
      expect(page2.prev).toBe(`${outboxUri}?page=1`);
      expect(page2).not.toHaveProperty("next");
      // Items keep their @context (a proof covers it), so each verifies on its own.
      expect(page2.orderedItems[0]["@context"]).toBeDefined();
      expect(parseBadgeObject(page2.orderedItems[0].object).ok).toBe(true);

      expect((await get("/orgs/theory-makers/outbox?page=0", AS)).status).toBe(400);
      expect((await get("/orgs/theory-makers/outbox?page=two", AS)).status).toBe(400);

      // Activity ids are dereferenceable while public.
      const one = await get(`/orgs/theory-makers/activities/${sent[3].id.split("/").pop()}`, AS);
      expect(one.status).toBe(200);
      expect((await json(one)).id).toBe(sent[3].id);
      expect((await get(`/orgs/theory-makers/activities/${follow.id.split("/").pop()}`, AS)).status).toBe(404);
    });
  });

  describe("badge objects", () => {
    it("serve the latest version at the badge URI and each version at its own, with hashes that recompute", async () => {
      const badgeUri = `${ctx.publicUrl}/badges/${badgeId}`;
      const res = await get(`/badges/${badgeId}`, AS);
      expect(res.status).toBe(200);
      expect(res.headers.get("vary")).toMatch(/\bAccept\b/);
      const latest = parseBadgeObject(await json(res));
      if (!latest.ok) throw new Error(latest.error);
      expect(latest.badge.id).toBe(badgeUri);
      expect(latest.badge.versionNumber).toBe(2);
      expect(latest.badge.content.summary).toBe("Second thoughts.");
      expect(latest.badge.coauthorUris).toEqual([partner.org.uri]);

      const v1 = parseBadgeObject(await json(await get(`/badges/${badgeId}/versions/1`, AS)));
      if (!v1.ok) throw new Error(v1.error);
      expect(v1.badge.id).toBe(`${badgeUri}/versions/1`);
      expect(v1.badge.versionNumber).toBe(1);
      for (const b of [latest.badge, v1.badge]) {
        expect(computeVersionHash({ content: b.content, stewardUri: b.stewardUri, coauthorUris: b.coauthorUris, number: b.versionNumber })).toBe(b.contentHash);
      }
      // The page the object links to is the HTML page at the same URL.
      const page = await get(`/badges/${badgeId}`, BROWSER);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("vary")).toMatch(/\bAccept\b/);
      expect(await page.text()).toContain("Social Innovation 101");
    });

    it("404 for drafts and versions that do not exist", async () => {
      expect((await get(`/badges/${draftId}`, AS)).status).toBe(404);
      expect((await get(`/badges/${badgeId}/versions/9`, AS)).status).toBe(404);
      expect((await get(`/badges/${badgeId}/versions/0`, AS)).status).toBe(404);
      expect((await get("/badges/no-such-badge", AS)).status).toBe(404);
    });

    it("a deprecated badge is still served, marked so", async () => {
      const other = makeCoauthoredBadge(ctx, steward, [], { policy: "steward", name: "Old Badge" });
      approveAndPublish(ctx, other.id, [steward]);
      deprecateBadge(ctx, steward.admin.id, other.id, { successor: badgeId });
      const object = await json(await get(`/badges/${other.id}`, AS));
      expect(object.status).toBe("deprecated");
      expect(object.successor).toBe(`${ctx.publicUrl}/badges/${badgeId}`);
    });

    it("410 Gone with a Tombstone once withdrawn", async () => {
      const gone = makeCoauthoredBadge(ctx, steward, [], { policy: "steward", name: "Taken Back" });
      approveAndPublish(ctx, gone.id, [steward]);
      // No withdrawal service exists yet: the state it will leave is set directly.
      server.db.update(badges).set({ status: "withdrawn", updatedAt: new Date("2026-12-01T00:00:00Z") }).where(eq(badges.id, gone.id)).run();
      for (const [path, id] of [
        [`/badges/${gone.id}`, gone.uri],
        [`/badges/${gone.id}/versions/1`, `${gone.uri}/versions/1`],
      ]) {
        const res = await get(path, AS);
        expect(res.status).toBe(410);
        expect(await json(res)).toEqual({
          "@context": "https://www.w3.org/ns/activitystreams",
          id,
          type: "Tombstone",
          formerType: "Note",
          deleted: "2026-12-01T00:00:00.000Z",
        });
      }
    });
  });
});
