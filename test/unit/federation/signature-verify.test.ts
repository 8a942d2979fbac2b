import { createHash, createPublicKey, generateKeyPairSync, webcrypto, type KeyObject } from "node:crypto";
import { signRequest as fedifySignRequest, verifyRequest as fedifyVerifyRequest } from "@fedify/fedify/sig";
import { getDocumentLoader } from "@fedify/fedify/runtime";
import { describe, expect, it } from "vitest";
import { signRequest } from "../../../federation/http-signatures";
import { verifyRequest, type IncomingRequest } from "../../../federation/signature-verify";
import { signatureBase } from "../../../federation/signature-rfc9421";
import { checkSignature } from "../../../federation/signature-common";
import { parseDictionary, type InnerList } from "structured-headers";
import { cavageSignature, memoryKeys, rfc9421Headers, sha256Base64 } from "../../support/signing";
import {
  CAVAGE_C3_REQUEST,
  CAVAGE_NOW,
  CAVAGE_TEST_PUBLIC_PEM,
  RFC9421_B23,
  RFC9421_B26,
  RFC9421_ED25519_PUBLIC_PEM,
  RFC9421_NOW,
  RFC9421_REQUEST,
  rfc9421RsaPssKey,
} from "../../support/signature-vectors";

const ACTOR = "https://peer.example/orgs/makers";
const KEY_ID = `${ACTOR}#main-key`;
const INBOX = "https://badges.test/orgs/changemakers/inbox";
const NOW = new Date("2026-12-01T10:00:00Z");
const BODY = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", type: "Follow", actor: ACTOR });

// One RSA pair for the file: generating one costs ~160 ms.
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const peerKeys = () => memoryKeys({ [KEY_ID]: { ownerUri: ACTOR, publicKey: rsa.publicKey } });

function signedPost(body = BODY, now = NOW): IncomingRequest {
  const headers = signRequest(
    { method: "POST", url: INBOX, body, headers: { "Content-Type": "application/activity+json" } },
    { keyId: KEY_ID, privateKey: rsa.privateKey },
    now,
  );
  return { method: "POST", url: INBOX, headers, body };
}

function withHeaders(request: IncomingRequest, changes: Record<string, string | undefined>): IncomingRequest {
  return { ...request, headers: { ...(request.headers as Record<string, string>), ...changes } };
}

describe("verifyRequest: draft-cavage signatures", () => {
  it("accepts a POST signed by our signRequest and names the key and its owner", async () => {
    const keys = peerKeys();
    expect(await verifyRequest(signedPost(), keys, NOW)).toEqual({ ok: true, keyId: KEY_ID, ownerUri: ACTOR, scheme: "cavage" });
    expect(keys.calls).toEqual([{ keyId: KEY_ID, refresh: false }]);
  });

  it("accepts a signed GET, which has no body and so no digest", async () => {
    const url = "https://badges.test/orgs/changemakers/outbox?page=2";
    const headers = signRequest({ method: "GET", url }, { keyId: KEY_ID, privateKey: rsa.privateKey }, NOW);
    const result = await verifyRequest({ method: "GET", url, headers }, peerKeys(), NOW);
    expect(result).toMatchObject({ ok: true, scheme: "cavage" });
  });

  it("reads Node's header shape: arrays and upper-case names", async () => {
    const request = signedPost();
    const headers = Object.fromEntries(Object.entries(request.headers as Record<string, string>).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(await verifyRequest({ ...request, headers }, peerKeys(), NOW)).toMatchObject({ ok: true });
  });

  it("refuses a body that is not the one the digest names", async () => {
    const request = { ...signedPost(), body: BODY.replace("Follow", "Delete") };
    const result = await verifyRequest(request, peerKeys(), NOW);
    expect(result).toEqual({ ok: false, reason: "The Digest header does not match the request body." });
  });

  it("refuses a tampered signature", async () => {
    const request = signedPost();
    const signature = (request.headers as Record<string, string>).signature;
    const tampered = signature.replace(/signature="(.)/, (_, c: string) => `signature="${c === "A" ? "B" : "A"}`);
    const result = await verifyRequest(withHeaders(request, { signature: tampered }), peerKeys(), NOW);
    expect(result).toEqual({ ok: false, reason: `The signature does not verify with the key ${KEY_ID}.` });
  });

  it("refuses a signature made by another key than the one named", async () => {
    const other = generateKeyPairSync("ed25519");
    const keys = memoryKeys({ [KEY_ID]: { ownerUri: ACTOR, publicKey: other.publicKey } });
    const result = await verifyRequest(signedPost(), keys, NOW);
    expect(result.ok).toBe(false);
  });

  it("refuses a tampered request line, host or date even when the body is intact", async () => {
    const request = signedPost();
    for (const changed of [
      { ...request, url: INBOX.replace("changemakers", "other") },
      { ...request, method: "PUT" },
      withHeaders(request, { host: "elsewhere.test" }),
      withHeaders(request, { date: new Date(NOW.getTime() + 1000).toUTCString() }),
    ]) {
      expect(await verifyRequest(changed, peerKeys(), NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
    }
  });

  it("checks the digest in constant time against SHA-256 or SHA-512, and refuses unknown algorithms", async () => {
    const sha512 = `SHA-512=${createHash("sha512").update(BODY).digest("base64")}`;
    const sign = (digest: string) => {
      const headers = { host: "badges.test", date: NOW.toUTCString(), digest, "content-type": "application/activity+json" };
      const covered = ["(request-target)", "host", "date", "digest", "content-type"];
      const signature = cavageSignature({ method: "POST", url: INBOX, headers, covered, keyId: KEY_ID, privateKey: rsa.privateKey });
      return { method: "POST", url: INBOX, headers: { ...headers, signature }, body: BODY };
    };
    expect(await verifyRequest(sign(sha512), peerKeys(), NOW)).toMatchObject({ ok: true });
    expect(await verifyRequest(sign(`SHA-256=${sha256Base64("another body")}`), peerKeys(), NOW)).toEqual({
      ok: false,
      reason: "The Digest header does not match the request body.",
    });
    expect(await verifyRequest(sign("MD5=rL0Y20zC+Fzt72VPzMSk2A=="), peerKeys(), NOW)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no supported algorithm/),
    });
    // A right SHA-256 beside a wrong SHA-512 is still a wrong digest.
    expect(await verifyRequest(sign(`SHA-256=${sha256Base64(BODY)},${sha512.replace(/.=$/, "A=")}`), peerKeys(), NOW)).toMatchObject({
      ok: false,
    });
  });

  it("accepts a Date up to an hour away in either direction and refuses beyond", async () => {
    const hour = 60 * 60 * 1000;
    const at = (offset: number) => new Date(NOW.getTime() + offset);
    expect(await verifyRequest(signedPost(BODY, at(-hour + 60_000)), peerKeys(), NOW)).toMatchObject({ ok: true });
    expect(await verifyRequest(signedPost(BODY, at(hour - 60_000)), peerKeys(), NOW)).toMatchObject({ ok: true });
    for (const offset of [-hour - 60_000, hour + 60_000]) {
      const keys = peerKeys();
      expect(await verifyRequest(signedPost(BODY, at(offset)), keys, NOW)).toEqual({
        ok: false,
        reason: "The Date header is more than an hour away from the server's clock.",
      });
      expect(keys.calls).toEqual([]); // refused before any key is fetched
    }
  });

  it("refuses requests that are unsigned or sign too little", async () => {
    const request = signedPost();
    const headers = request.headers as Record<string, string>;
    expect(await verifyRequest(withHeaders(request, { signature: undefined }), peerKeys(), NOW)).toEqual({
      ok: false,
      reason: "The request is not signed: it has no Signature header.",
    });
    const coverOnly = (covered: string[]) =>
      withHeaders(request, {
        signature: cavageSignature({ method: "POST", url: INBOX, headers, covered, keyId: KEY_ID, privateKey: rsa.privateKey }),
      });
    expect(await verifyRequest(coverOnly(["(request-target)", "host", "date"]), peerKeys(), NOW)).toEqual({
      ok: false,
      reason: "The signature must cover digest.",
    });
    expect(await verifyRequest(coverOnly(["(request-target)", "date", "digest"]), peerKeys(), NOW)).toEqual({
      ok: false,
      reason: "The signature must cover host.",
    });
    const noHeadersParam = headers.signature.replace(/headers="[^"]*",/, "");
    expect(await verifyRequest(withHeaders(request, { signature: noHeadersParam }), peerKeys(), NOW)).toMatchObject({
      ok: false,
      reason: "The signature must cover (request-target), host, digest.",
    });
    expect(await verifyRequest(withHeaders(request, { digest: undefined }), peerKeys(), NOW)).toEqual({
      ok: false,
      reason: "The signed header digest is not in the request.",
    });
    expect(await verifyRequest(withHeaders(request, { signature: 'keyId="x",signature=' }), peerKeys(), NOW)).toEqual({
      ok: false,
      reason: "The Signature header is malformed.",
    });
    expect(
      await verifyRequest(withHeaders(request, { signature: headers.signature.replace("rsa-sha256", "hmac-sha256") }), peerKeys(), NOW),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/hmac-sha256 is not supported/) });
  });

  it("accepts hs2019 over the headers Mastodon signs", async () => {
    const headers = {
      host: "badges.test",
      date: NOW.toUTCString(),
      digest: `SHA-256=${sha256Base64(BODY)}`,
      "content-type": "application/activity+json",
    };
    const covered = ["(request-target)", "host", "date", "digest", "content-type"];
    const signature = cavageSignature({ method: "POST", url: INBOX, headers, covered, keyId: KEY_ID, privateKey: rsa.privateKey });
    const result = await verifyRequest({ method: "POST", url: INBOX, headers: { ...headers, signature }, body: BODY }, peerKeys(), NOW);
    expect(result).toMatchObject({ ok: true, scheme: "cavage" });
  });

  it("verifies draft-cavage-12's own C.3 example with its published Test key", async () => {
    const keys = memoryKeys({ Test: { ownerUri: "https://example.com/", publicKey: createPublicKey(CAVAGE_TEST_PUBLIC_PEM) } });
    expect(await verifyRequest(CAVAGE_C3_REQUEST, keys, CAVAGE_NOW)).toEqual({
      ok: true,
      keyId: "Test",
      ownerUri: "https://example.com/",
      scheme: "cavage",
    });
    const tampered = { ...CAVAGE_C3_REQUEST, headers: { ...CAVAGE_C3_REQUEST.headers, "content-type": "text/plain" } };
    expect(await verifyRequest(tampered, keys, CAVAGE_NOW)).toMatchObject({ ok: false });
  });
});

describe("verifyRequest: key lookup and rotation", () => {
  it("says so when the key is unknown or cannot be fetched", async () => {
    expect(await verifyRequest(signedPost(), memoryKeys({}), NOW)).toEqual({ ok: false, reason: `The signing key ${KEY_ID} is not known.` });
    const failing = {
      resolve: async () => {
        throw new Error("connection refused");
      },
    };
    expect(await verifyRequest(signedPost(), failing, NOW)).toEqual({
      ok: false,
      reason: `The signing key ${KEY_ID} could not be used: connection refused`,
    });
  });

  it("re-fetches once when the cached key is stale (the actor rotated it) and then accepts", async () => {
    const old = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keys = memoryKeys(
      { [KEY_ID]: { ownerUri: ACTOR, publicKey: old.publicKey, cached: true } },
      { [KEY_ID]: { ownerUri: ACTOR, publicKey: rsa.publicKey, cached: false } },
    );
    expect(await verifyRequest(signedPost(), keys, NOW)).toMatchObject({ ok: true, keyId: KEY_ID });
    expect(keys.calls).toEqual([
      { keyId: KEY_ID, refresh: false },
      { keyId: KEY_ID, refresh: true },
    ]);
  });

  it("re-fetches only once, and not at all for a key that was just fetched", async () => {
    const wrong = generateKeyPairSync("ed25519").publicKey;
    const stale = memoryKeys({ [KEY_ID]: { ownerUri: ACTOR, publicKey: wrong, cached: true } });
    expect(await verifyRequest(signedPost(), stale, NOW)).toMatchObject({ ok: false });
    expect(stale.calls).toHaveLength(2);

    const fresh = memoryKeys({ [KEY_ID]: { ownerUri: ACTOR, publicKey: wrong, cached: false } });
    expect(await verifyRequest(signedPost(), fresh, NOW)).toMatchObject({ ok: false });
    expect(fresh.calls).toHaveLength(1);

    const gone = memoryKeys({ [KEY_ID]: { ownerUri: ACTOR, publicKey: wrong } }, {});
    expect(await verifyRequest(signedPost(), gone, NOW)).toEqual({ ok: false, reason: `The signing key ${KEY_ID} is not known.` });
  });
});

describe("verifyRequest: RFC 9421 signatures", () => {
  const b23 = { ...RFC9421_REQUEST, headers: { ...RFC9421_REQUEST.headers, ...RFC9421_B23 } };
  const pssKeys = () => memoryKeys({ "test-key-rsa-pss": { ownerUri: "https://example.com/", publicKey: rfc9421RsaPssKey() } });

  it("verifies the RFC's B.2.3 example (rsa-pss-sha512, full coverage, Content-Digest sha-512)", async () => {
    expect(await verifyRequest(b23, pssKeys(), RFC9421_NOW)).toEqual({
      ok: true,
      keyId: "test-key-rsa-pss",
      ownerUri: "https://example.com/",
      scheme: "rfc9421",
    });
  });

  it("refuses B.2.3 tampered in body, signature, a covered header or time", async () => {
    expect(await verifyRequest({ ...b23, body: '{"hello": "moon"}' }, pssKeys(), RFC9421_NOW)).toEqual({
      ok: false,
      reason: "The Content-Digest header does not match the request body.",
    });
    const badSignature = RFC9421_B23.signature.replace("bbN8", "bbN9");
    expect(await verifyRequest({ ...b23, headers: { ...b23.headers, signature: badSignature } }, pssKeys(), RFC9421_NOW)).toEqual({
      ok: false,
      reason: "The signature does not verify with the key test-key-rsa-pss.",
    });
    expect(await verifyRequest({ ...b23, headers: { ...b23.headers, "content-length": "19" } }, pssKeys(), RFC9421_NOW)).toMatchObject({
      ok: false,
    });
    expect(await verifyRequest({ ...b23, url: "https://example.com/foo?param=Value&Pet=cat" }, pssKeys(), RFC9421_NOW)).toMatchObject({
      ok: false,
    });
    const later = new Date(RFC9421_NOW.getTime() + 61 * 60 * 1000);
    expect(await verifyRequest(b23, pssKeys(), later)).toEqual({
      ok: false,
      reason: "The signature's created time is more than an hour away from the server's clock.",
    });
  });

  it("rebuilds B.2.6's signature base exactly, verifies its Ed25519 signature, and refuses it for covering too little", async () => {
    const request = {
      method: "POST",
      url: new URL(RFC9421_REQUEST.url),
      headers: new Map(Object.entries(RFC9421_REQUEST.headers)),
      body: Buffer.from(RFC9421_REQUEST.body),
    };
    const member = parseDictionary(RFC9421_B26["signature-input"]).get("sig-b26") as InnerList;
    expect(signatureBase(request, member)).toBe(RFC9421_B26.base);
    const signature = Buffer.from(RFC9421_B26.signature.slice("sig-b26=:".length, -1), "base64");
    const publicKey = createPublicKey(RFC9421_ED25519_PUBLIC_PEM);
    const claim = { scheme: "rfc9421" as const, keyId: "test-key-ed25519", algorithm: undefined, signed: Buffer.from(RFC9421_B26.base), signature };
    expect(checkSignature(claim, publicKey)).toBe(true);

    // It signs neither the query nor the body's digest, so as a request to us it is refused.
    const b26 = { ...RFC9421_REQUEST, headers: { ...RFC9421_REQUEST.headers, ...RFC9421_B26 } };
    const keys = memoryKeys({ "test-key-ed25519": { ownerUri: "https://example.com/", publicKey } });
    expect(await verifyRequest(b26, keys, RFC9421_NOW)).toEqual({
      ok: false,
      reason: "The signature must cover @target-uri (or @authority with @path and @query), content-digest.",
    });
    expect(keys.calls).toEqual([]);
  });

  describe("our coverage and algorithm rules (requests from a test signer)", () => {
    const edPair = generateKeyPairSync("ed25519");
    const edKeys = () => memoryKeys({ [`${ACTOR}#ed25519-key`]: { ownerUri: ACTOR, publicKey: edPair.publicKey } });
    const contentDigest = `sha-256=:${sha256Base64(BODY)}:`;
    const baseHeaders = { host: "badges.test", "content-type": "application/activity+json", "content-digest": contentDigest };
    const sign = (overrides: Partial<Parameters<typeof rfc9421Headers>[0]> = {}) => ({
      method: "POST",
      url: INBOX,
      body: BODY,
      headers: {
        ...baseHeaders,
        ...rfc9421Headers({
          method: "POST",
          url: INBOX,
          headers: baseHeaders,
          components: ["@method", "@target-uri", "content-digest"],
          keyId: `${ACTOR}#ed25519-key`,
          privateKey: edPair.privateKey,
          created: NOW,
          alg: "ed25519",
          ...overrides,
        }),
      },
    });

    it("accepts ed25519 and rsa-v1_5-sha256", async () => {
      expect(await verifyRequest(sign(), edKeys(), NOW)).toEqual({ ok: true, keyId: `${ACTOR}#ed25519-key`, ownerUri: ACTOR, scheme: "rfc9421" });
      const rsaSigned = sign({ keyId: KEY_ID, privateKey: rsa.privateKey, alg: "rsa-v1_5-sha256" });
      expect(await verifyRequest(rsaSigned, peerKeys(), NOW)).toMatchObject({ ok: true, keyId: KEY_ID });
      const noAlg = sign({ keyId: KEY_ID, privateKey: rsa.privateKey, alg: undefined });
      expect(await verifyRequest(noAlg, peerKeys(), NOW)).toMatchObject({ ok: true });
    });

    it("accepts @authority + @path in place of @target-uri", async () => {
      const request = sign({ components: ["@method", "@authority", "@path", "content-digest"] });
      expect(await verifyRequest(request, edKeys(), NOW)).toMatchObject({ ok: true });
    });

    it("refuses a body whose Content-Digest differs, and a body without a signed Content-Digest", async () => {
      expect(await verifyRequest({ ...sign(), body: `${BODY} ` }, edKeys(), NOW)).toEqual({
        ok: false,
        reason: "The Content-Digest header does not match the request body.",
      });
      expect(await verifyRequest(sign({ components: ["@method", "@target-uri"] }), edKeys(), NOW)).toEqual({
        ok: false,
        reason: "The signature must cover content-digest.",
      });
    });

    it("refuses a signature without @method, without created, expired, or from the future", async () => {
      expect(await verifyRequest(sign({ components: ["@target-uri", "content-digest"] }), edKeys(), NOW)).toEqual({
        ok: false,
        reason: "The signature must cover @method.",
      });
      const noCreated = sign();
      const input = noCreated.headers["signature-input"].replace(/;created=\d+/, "");
      expect(await verifyRequest({ ...noCreated, headers: { ...noCreated.headers, "signature-input": input } }, edKeys(), NOW)).toEqual({
        ok: false,
        reason: "The signature has no created time.",
      });
      const expired = sign({ extraParams: `;expires=${Math.floor(NOW.getTime() / 1000) - 5}` });
      expect(await verifyRequest(expired, edKeys(), NOW)).toEqual({ ok: false, reason: "The signature has expired." });
      const future = sign({ created: new Date(NOW.getTime() + 2 * 60 * 60 * 1000) });
      expect(await verifyRequest(future, edKeys(), NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/created time/) });
    });

    it("refuses an alg that does not suit the key, and algorithms we do not accept", async () => {
      const mismatched = sign({ alg: "rsa-v1_5-sha256" });
      expect(await verifyRequest(mismatched, edKeys(), NOW)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/does not suit the key/),
      });
      expect(await verifyRequest(sign({ alg: "hmac-sha256" }), edKeys(), NOW)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/hmac-sha256 is not supported/),
      });
    });

    it("refuses malformed structured fields and unmatched labels", async () => {
      const request = sign();
      expect(await verifyRequest({ ...request, headers: { ...request.headers, "signature-input": "sig1=(" } }, edKeys(), NOW)).toEqual({
        ok: false,
        reason: "The Signature-Input header is not a valid structured field.",
      });
      const other = request.headers.signature.replace("sig1=", "sig2=");
      expect(await verifyRequest({ ...request, headers: { ...request.headers, signature: other } }, edKeys(), NOW)).toEqual({
        ok: false,
        reason: "No signature in the Signature header matches a label in Signature-Input.",
      });
    });
  });
});

describe("interop with Fedify 1.5.9 (an implementation we did not write)", () => {
  async function fedifyPrivateKey(key: KeyObject) {
    const pkcs8 = key.export({ type: "pkcs8", format: "der" });
    return webcrypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  }

  it("accepts a request Fedify signed (draft-cavage, all its headers covered)", async () => {
    const request = new Request(INBOX, { method: "POST", body: BODY, headers: { "Content-Type": "application/activity+json" } });
    const signed = await fedifySignRequest(request, (await fedifyPrivateKey(rsa.privateKey)) as never, new URL(KEY_ID));
    const incoming = { method: signed.method, url: signed.url, headers: signed.headers, body: await signed.text() };
    expect(await verifyRequest(incoming, peerKeys())).toEqual({ ok: true, keyId: KEY_ID, ownerUri: ACTOR, scheme: "cavage" });
    expect(await verifyRequest({ ...incoming, body: BODY.replace("Follow", "Block") }, peerKeys())).toMatchObject({ ok: false });
  });

  it("has Fedify's verifyRequest accept what our signRequest sends", async () => {
    const actorDocument = {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id: ACTOR,
      type: "Organization",
      preferredUsername: "makers",
      inbox: `${ACTOR}/inbox`,
      publicKey: { id: KEY_ID, owner: ACTOR, publicKeyPem: rsa.publicKey.export({ type: "spki", format: "pem" }) },
    };
    // Fedify reads JSON-LD contexts from its preloaded copies; the actor comes from us, not the network.
    const contextLoader = getDocumentLoader();
    const documentLoader = async (url: string) =>
      url.split("#")[0] === ACTOR ? { contextUrl: null, documentUrl: url, document: actorDocument } : contextLoader(url);
    const inbox = "https://fedify.example/inbox";
    const headers = signRequest(
      { method: "POST", url: inbox, body: BODY, headers: { "Content-Type": "application/activity+json" } },
      { keyId: KEY_ID, privateKey: rsa.privateKey },
    );
    const key = await fedifyVerifyRequest(new Request(inbox, { method: "POST", headers, body: BODY }), { documentLoader, contextLoader });
    expect(key?.id?.href).toBe(KEY_ID);
    expect(key?.ownerId?.href).toBe(ACTOR);

    const tampered = await fedifyVerifyRequest(new Request(inbox, { method: "POST", headers, body: `${BODY} ` }), { documentLoader, contextLoader });
    expect(tampered).toBeNull();
  });
});
