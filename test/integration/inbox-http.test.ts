// The inboxes' HTTP path, answered before Express (federation/inbox-http.ts), over real
// HTTP: the answers and headers it sends, the paths Express routing used to match, the
// size cap on a body of unannounced length, and compressed bodies handed on to the Express
// route, which inflates them.
import { generateKeyPairSync } from "node:crypto";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboxActivities } from "../../db/schema";
import { signRequest } from "../../federation/http-signatures";
import { startDocumentServer, type DocumentServer } from "../support/document-server";
import { makeActivity } from "../support/federation-peers";
import { startTestServer, type TestServer } from "../support/server";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

describe("the inbox over HTTP", () => {
  let server: TestServer;
  let peer: DocumentServer;
  let actorUri: string;
  let publicUrl: string;
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

  beforeAll(async () => {
    server = await startTestServer(undefined, "0", { federation: { delivery: false } });
    publicUrl = `http://localhost:${server.port}`;
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

  /** POSTs `body` to `path` with node:http, so framing and encoding are the test's to choose. */
  function post(path: string, headers: Record<string, string>, body: Buffer | Buffer[]): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, path, method: "POST", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      });
      req.on("error", reject);
      if (Array.isArray(body)) {
        for (const part of body) req.write(part);
        req.end();
      } else req.end(body);
    });
  }

  function signed(path: string, activity: object) {
    const body = JSON.stringify(activity);
    const headers = signRequest({ method: "POST", url: `${publicUrl}${path}`, body, headers: { "content-type": "application/activity+json" } }, { keyId: `${actorUri}#main-key`, privateKey });
    return { body, headers };
  }

  const recorded = (uri: string) => server.db.select().from(inboxActivities).where(eq(inboxActivities.uri, uri)).get();

  it("answers in plain text with the security headers every response carries", async () => {
    const activity = makeActivity(actorUri);
    const { body, headers } = signed("/inbox", activity);
    const answer = await post("/inbox", headers, Buffer.from(body));
    expect(answer).toMatchObject({ status: 202, text: "Not a badge definition; nothing to do." });
    expect(answer.headers).toMatchObject({
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
    expect(recorded(activity.id)?.status).toBe("ignored");

    const malformed = await post("/inbox", { "content-type": "application/activity+json" }, Buffer.from("{not json"));
    expect(malformed).toMatchObject({ status: 400, text: "The body is not JSON." });
  });

  it("takes the paths Express routing matched: any case, a trailing slash, a query string", async () => {
    for (const path of ["/inbox/", "/INBOX?via=relay", "/orgs/nobody/inbox/"]) {
      const activity = makeActivity(actorUri);
      const { body, headers } = signed(path, activity);
      const answer = await post(path, headers, Buffer.from(body));
      expect(answer, path).toMatchObject({ status: 202 });
      expect(recorded(activity.id)?.status, path).toBe("ignored");
    }
  });

  it("refuses a body over the cap whose length was not announced, and one whose length was", async () => {
    const part = Buffer.alloc(64 * 1024, " ");
    const chunked = await post("/inbox", { "content-type": "application/activity+json", "transfer-encoding": "chunked" }, Array.from({ length: 10 }, () => part));
    expect(chunked).toMatchObject({ status: 413, text: "An activity is at most 524288 bytes." });
    const announced = await post("/inbox", { "content-type": "application/activity+json" }, Buffer.alloc(600 * 1024, " "));
    expect(announced).toMatchObject({ status: 413, text: "An activity is at most 524288 bytes." });
    // The server still answers on.
    const { body, headers } = signed("/inbox", makeActivity(actorUri));
    expect((await post("/inbox", headers, Buffer.from(body))).status).toBe(202);
  });

  it("hands a compressed body to the route that inflates it, and refuses an encoding it cannot read", async () => {
    const activity = makeActivity(actorUri);
    const { body, headers } = signed("/inbox", activity);
    const gzipped = await post("/inbox", { ...headers, "content-encoding": "gzip" }, gzipSync(body));
    expect(gzipped).toMatchObject({ status: 202, text: "Not a badge definition; nothing to do." });
    expect(recorded(activity.id)?.status).toBe("ignored");

    const unknown = await post("/inbox", { ...headers, "content-encoding": "br-nonsense" }, Buffer.from(body));
    expect(unknown.status).toBe(415);
  });
});
