import { createHash, createVerify, sign as cryptoSign, verify as cryptoVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { actorKeysFor, ed25519PrivateKey, ed25519PublicKeyFromMultikey, rsaKeyId, rsaPrivateKey } from "../../../federation/keys";
import { base58btcDecode, base58btcEncode, ed25519RawFromMultikey } from "../../../federation/multibase";
import { signRequest } from "../../../federation/http-signatures";
import { createTestDb, PUBLIC_URL } from "../../support/factories";

describe("actor keys", () => {
  it("are made once per actor and kept", () => {
    const db = createTestDb();
    const actor = `${PUBLIC_URL}/orgs/changemakers`;
    const first = actorKeysFor(db, actor);
    const again = actorKeysFor(db, actor);
    expect(again.rsaPrivateKeyPem).toBe(first.rsaPrivateKeyPem);
    expect(first.rsaPublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(actorKeysFor(db, `${PUBLIC_URL}/actor`).rsaPublicKeyPem).not.toBe(first.rsaPublicKeyPem);
  });

  it("publish an Ed25519 Multikey that verifies what the private key signed", () => {
    const keys = actorKeysFor(createTestDb(), `${PUBLIC_URL}/orgs/a`);
    expect(keys.ed25519PublicKeyMultibase).toMatch(/^z6Mk/); // every Ed25519 Multikey starts so
    expect(ed25519RawFromMultikey(keys.ed25519PublicKeyMultibase)).toHaveLength(32);
    const message = Buffer.from("a badge version");
    const signature = cryptoSign(null, message, ed25519PrivateKey(keys));
    const publicKey = ed25519PublicKeyFromMultikey(keys.ed25519PublicKeyMultibase);
    expect(cryptoVerify(null, message, publicKey, signature)).toBe(true);
    expect(cryptoVerify(null, Buffer.from("another"), publicKey, signature)).toBe(false);
  });
});

describe("base58btc", () => {
  it("round-trips bytes, leading zeros included", () => {
    for (const bytes of [Uint8Array.of(), Uint8Array.of(0, 0, 1, 2), Uint8Array.from(createHash("sha256").update("x").digest())]) {
      expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
    }
    expect(base58btcEncode(new TextEncoder().encode("Hello World!"))).toBe("2NEpo7TZRRrLZSi2U");
  });
});

describe("signRequest (draft-cavage, as Mastodon sends)", () => {
  it("signs (request-target) host date digest with the actor's RSA key", () => {
    const actor = `${PUBLIC_URL}/orgs/a`;
    const keys = actorKeysFor(createTestDb(), actor);
    const body = JSON.stringify({ type: "Follow" });
    const now = new Date("2026-12-01T10:00:00Z");
    const headers = signRequest(
      { method: "POST", url: "https://peer.example/inbox?x=1", body, headers: { "Content-Type": "application/activity+json" } },
      { keyId: rsaKeyId(actor), privateKey: rsaPrivateKey(keys) },
      now,
    );
    expect(headers.digest).toBe(`SHA-256=${createHash("sha256").update(body).digest("base64")}`);
    expect(headers.date).toBe("Tue, 01 Dec 2026 10:00:00 GMT");
    expect(headers["content-type"]).toBe("application/activity+json");
    const params = Object.fromEntries([...headers.signature.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(params).toMatchObject({ keyId: `${actor}#main-key`, algorithm: "rsa-sha256", headers: "(request-target) host date digest" });
    const signed = `(request-target): post /inbox?x=1\nhost: peer.example\ndate: ${headers.date}\ndigest: ${headers.digest}`;
    expect(createVerify("sha256").update(signed).verify(keys.rsaPublicKeyPem, params.signature, "base64")).toBe(true);
    expect(createVerify("sha256").update(signed + " ").verify(keys.rsaPublicKeyPem, params.signature, "base64")).toBe(false);
  });

  it("leaves digest out of a GET", () => {
    const keys = actorKeysFor(createTestDb(), `${PUBLIC_URL}/actor`);
    const headers = signRequest({ method: "GET", url: "https://peer.example/orgs/x" }, { keyId: "k", privateKey: rsaPrivateKey(keys) });
    expect(headers.digest).toBeUndefined();
    expect(headers.signature).toContain('headers="(request-target) host date"');
  });
});
