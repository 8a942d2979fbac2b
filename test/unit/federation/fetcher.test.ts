import { createVerify, generateKeyPairSync } from "node:crypto";
import { connect } from "node:net";
import type { LookupAddress } from "node:dns";
import { afterEach, describe, expect, it } from "vitest";
import { createFetcher, guardConnectedSocket, guardedLookup, type Fetcher, type FetcherConfig, type Resolver } from "../../../federation/fetcher";
import { FetchRefused, isFetchError } from "../../../federation/fetch-errors";
import { sendJson, startLoopbackServer, type LoopbackServer } from "../../support/loopback";

const servers: LoopbackServer[] = [];
const fetchers: Fetcher[] = [];
afterEach(async () => {
  fetchers.splice(0).forEach((f) => f.close());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handler: Parameters<typeof startLoopbackServer>[0]) {
  const s = await startLoopbackServer(handler);
  servers.push(s);
  return s;
}

function fetcher(config: Partial<FetcherConfig> = {}) {
  const f = createFetcher({ allowPrivateAddresses: true, userAgent: "BadgeCommons-test", ...config });
  fetchers.push(f);
  return f;
}

/** A resolver that answers from a script, one answer list per call (the last repeats). */
function scriptedResolver(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    const list = answers[Math.min(calls.length, answers.length - 1)];
    calls.push(hostname);
    return list.map((address) => ({ address, family: address.includes(":") ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { calls });
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (e) {
    return e as Error & { kind?: string; status?: number };
  }
  throw new Error("expected a failure");
}

const docAt = (s: LoopbackServer, path: string) => `${s.origin}${path}`;

describe("getDocument", () => {
  it("asks for ActivityStreams, signs when asked, and returns the parsed document", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const s = await server((req, res) => sendJson(res, { id: `http://127.0.0.1:${s.port}${req.url}`, type: "Organization" }));
    const url = docAt(s, "/orgs/a");
    const got = await fetcher().getDocument(url, { signAs: { keyId: "https://us.example/actor#main-key", privateKey } });
    expect(got).toEqual({ document: { id: url, type: "Organization" }, url });
    const [req] = s.requests;
    expect(req.headers.accept).toContain("application/activity+json");
    expect(req.headers.accept).toContain('application/ld+json; profile="https://www.w3.org/ns/activitystreams"');
    const signature = req.headers.signature as string;
    expect(signature).toContain('keyId="https://us.example/actor#main-key"');
    expect(signature).toContain('headers="(request-target) host date"');
    const signed = `(request-target): get /orgs/a\nhost: ${req.headers.host}\ndate: ${req.headers.date}`;
    const value = signature.match(/signature="([^"]+)"/)![1];
    expect(createVerify("sha256").update(signed).verify(publicKey, value, "base64")).toBe(true);
  });

  it("refuses a document whose id is not the URL asked for, or has none", async () => {
    const s = await server((req, res) =>
      req.url === "/other" ? sendJson(res, { id: "https://elsewhere.example/orgs/a" }) : sendJson(res, { type: "Note" }),
    );
    const f = fetcher();
    expect(await failure(f.getDocument(docAt(s, "/other")))).toMatchObject({ kind: "invalid", message: expect.stringContaining("elsewhere.example") });
    expect(await failure(f.getDocument(docAt(s, "/none")))).toMatchObject({ kind: "invalid", message: expect.stringContaining("no id") });
  });

  it("compares ids after normalising them, and ignores the fragment asked for", async () => {
    const s = await server((_req, res) => sendJson(res, { id: `HTTP://127.0.0.1:${s.port}/orgs/%7Ea` }));
    const got = await fetcher().getDocument(`http://127.0.0.1:${s.port}/orgs/~a#main-key`);
    expect(got.url).toBe(`http://127.0.0.1:${s.port}/orgs/~a`);
  });

  it("refuses HTML, malformed JSON and JSON that is not an object", async () => {
    const s = await server((req, res) => {
      if (req.url === "/html") return void res.writeHead(200, { "content-type": "text/html" }).end("<p>hi</p>");
      if (req.url === "/broken") return void res.writeHead(200, { "content-type": "application/activity+json" }).end("{");
      sendJson(res, [1, 2]);
    });
    const f = fetcher();
    expect(await failure(f.getDocument(docAt(s, "/html")))).toMatchObject({ kind: "invalid", message: expect.stringContaining("text/html") });
    expect(await failure(f.getDocument(docAt(s, "/broken")))).toMatchObject({ kind: "invalid", message: expect.stringContaining("malformed") });
    expect(await failure(f.getDocument(docAt(s, "/array")))).toMatchObject({ kind: "invalid" });
  });

  it("reports a remote failure with its status", async () => {
    const s = await server((_req, res) => void res.writeHead(410).end());
    const error = await failure(fetcher().getDocument(docAt(s, "/gone")));
    expect(error).toMatchObject({ kind: "remote", status: 410 });
  });

  it("getJson accepts any JSON object, without the id rule", async () => {
    const s = await server((_req, res) => sendJson(res, { subject: "acct:a@x", links: [] }, 200, "application/jrd+json; charset=utf-8"));
    const got = await fetcher().getJson(docAt(s, "/.well-known/webfinger?resource=acct:a@x"), { accept: "application/jrd+json" });
    expect(got.document).toEqual({ subject: "acct:a@x", links: [] });
    expect(s.requests[0].headers.accept).toBe("application/jrd+json");
  });
});

describe("size cap", () => {
  it("refuses a response whose Content-Length is over 1 MiB without reading it", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) });
      res.write("{"); // and then nothing: waiting for the rest would hit the timeout instead
    });
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 3_000 }).getJson(docAt(s, "/big")));
    expect(error).toMatchObject({ kind: "too_large" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("aborts a streamed response once it passes the cap", async () => {
    let written = 0;
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // chunked, no length
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (written < 8 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const error = await failure(fetcher().getJson(docAt(s, "/stream")));
    expect(error).toMatchObject({ kind: "too_large" });
    expect(written).toBeLessThan(8 * 1024 * 1024); // the server was cut off, not read to the end
  });

  it("accepts a document just under the cap", async () => {
    const filler = "x".repeat(1024 * 1024 - 200);
    const s = await server((req, res) => sendJson(res, { id: `http://127.0.0.1:${s.port}${req.url}`, filler }));
    const got = await fetcher().getDocument(docAt(s, "/big"));
    expect((got.document.filler as string).length).toBe(filler.length);
  });
});

describe("timeouts", () => {
  it("gives up on a server that never answers", async () => {
    const s = await server(() => undefined);
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 300 }).getJson(docAt(s, "/slow")));
    expect(error).toMatchObject({ kind: "timeout", phase: "total" });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("counts name resolution and connecting against the connect timeout", async () => {
    const never: Resolver = () => new Promise(() => undefined);
    const error = await failure(fetcher({ resolve: never, connectTimeoutMs: 200 }).getJson("http://stuck.test/x"));
    expect(error).toMatchObject({ kind: "timeout", phase: "connect" });
  });
});

describe("what may be reached", () => {
  it.each(["file:///etc/passwd", "ftp://example.org/x", "data:application/json,{}", "gopher://x/", "not a url"])("refuses %s", async (url) => {
    const error = await failure(fetcher().getJson(url));
    expect(error).toMatchObject({ kind: "refused" });
  });

  it("refuses loopback peers unless the operator allows them, before connecting", async () => {
    const s = await server((_req, res) => sendJson(res, { id: "x" }));
    const strict = fetcher({ allowPrivateAddresses: false });
    for (const url of [docAt(s, "/a"), `http://[::1]:${s.port}/a`, `http://[::ffff:127.0.0.1]:${s.port}/a`, `http://localhost:${s.port}/a`]) {
      expect(await failure(strict.getJson(url))).toMatchObject({ kind: "refused" });
    }
    expect(await failure(strict.post(docAt(s, "/inbox"), "{}", {}))).toMatchObject({ kind: "refused" });
    expect(s.connections).toBe(0);
  });

  it("refuses a name that resolves to a private address, without connecting", async () => {
    const s = await server((_req, res) => sendJson(res, {}));
    const resolve = scriptedResolver(["127.0.0.1"]);
    const error = await failure(fetcher({ allowPrivateAddresses: false, resolve }).getJson(`http://peer.test:${s.port}/x`));
    expect(error).toBeInstanceOf(FetchRefused);
    expect(error.message).toContain(`http://peer.test:${s.port}/x`);
    expect(error.message).toContain("loopback address 127.0.0.1");
    expect(resolve.calls).toEqual(["peer.test"]);
    expect(s.connections).toBe(0);
  });

  it("never reaches metadata or unspecified addresses, even when private peers are allowed", async () => {
    const f = fetcher({ allowPrivateAddresses: true, resolve: scriptedResolver(["169.254.169.254"]) });
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://0.0.0.0:1/", "http://metadata.test/"]) {
      expect(await failure(f.getJson(url))).toMatchObject({ kind: "refused" });
    }
  });

  it("judges the address of every new connection, so a name rebound to metadata is refused", async () => {
    // DNS rebinding: the first answer is acceptable, the next one is not. Each
    // connection resolves anew (the server closes after each answer) and connects only
    // to the address its own lookup judged.
    const s = await server((req, res) => {
      res.setHeader("connection", "close");
      sendJson(res, { id: `http://rebind.test:${s.port}${req.url}` });
    });
    const resolve = scriptedResolver(["127.0.0.1"], ["169.254.169.254"]);
    const f = fetcher({ resolve });
    await expect(f.getDocument(`http://rebind.test:${s.port}/first`)).resolves.toMatchObject({ url: `http://rebind.test:${s.port}/first` });
    const error = await failure(f.getDocument(`http://rebind.test:${s.port}/second`));
    expect(error).toMatchObject({ kind: "refused", message: expect.stringContaining("metadata address 169.254.169.254") });
    expect(resolve.calls).toEqual(["rebind.test", "rebind.test"]);
    expect(s.requests.map((r) => r.url)).toEqual(["/first"]);
  });
});

describe("guardedLookup", () => {
  const lookupOnce = (lookup: ReturnType<typeof guardedLookup>, all: boolean) =>
    new Promise<{ error: Error | null; address: string | LookupAddress[] }>((resolve) =>
      lookup("peer.test", { all }, (error, address) => resolve({ error, address })),
    );

  it("answers each lookup from its own resolution: public first, then private is refused", async () => {
    const lookup = guardedLookup(scriptedResolver(["93.184.216.34"], ["10.0.0.5"]), false);
    expect(await lookupOnce(lookup, false)).toEqual({ error: null, address: "93.184.216.34" });
    const second = await lookupOnce(lookup, false);
    expect(second.error).toBeInstanceOf(FetchRefused);
    expect(second.error?.message).toContain("private address 10.0.0.5");
  });

  it("hands the socket only the allowed answers when a name has several", async () => {
    const lookup = guardedLookup(scriptedResolver(["127.0.0.1", "93.184.216.34", "::1", "2606:4700::1111"]), false);
    expect(await lookupOnce(lookup, true)).toEqual({
      error: null,
      address: [
        { address: "93.184.216.34", family: 4 },
        { address: "2606:4700::1111", family: 6 },
      ],
    });
    expect(await lookupOnce(lookup, false)).toEqual({ error: null, address: "93.184.216.34" });
  });
});

describe("guardConnectedSocket", () => {
  it("destroys a socket connected to a forbidden address before anything is written", async () => {
    const received: string[] = [];
    const s = await server(() => undefined);
    const socket = connect(s.port, "127.0.0.1");
    const refused = new Promise<FetchRefused>((resolve) => guardConnectedSocket(socket, false, docAt(s, "/"), resolve));
    socket.on("error", () => undefined);
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n"); // buffered until connect, like the HTTP client's request
    const error = await refused;
    expect(error.reason).toBe("connected to loopback address 127.0.0.1");
    expect(socket.destroyed).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requests.map((r) => r.url).concat(received)).toEqual([]);
  });
});

describe("redirects", () => {
  it("follows a redirect on the same origin and accepts the canonical id it leads to", async () => {
    const s = await server((req, res) => {
      if (req.url === "/@a") return void res.writeHead(301, { location: "/orgs/a" }).end();
      sendJson(res, { id: `http://127.0.0.1:${s.port}/orgs/a` });
    });
    const got = await fetcher().getDocument(docAt(s, "/@a"));
    expect(got.url).toBe(docAt(s, "/orgs/a"));
  });

  it("does not let a redirect to another origin rename the object, but accepts the object asked for", async () => {
    const other = await server((req, res) =>
      sendJson(res, { id: req.url === "/renamed" ? `http://127.0.0.1:${other.port}/renamed` : `http://127.0.0.1:${first.port}/kept` }),
    );
    const first = await server((req, res) => void res.writeHead(302, { location: `${other.origin}${req.url}` }).end());
    const f = fetcher();
    expect(await failure(f.getDocument(docAt(first, "/renamed")))).toMatchObject({ kind: "invalid" });
    await expect(f.getDocument(docAt(first, "/kept"))).resolves.toMatchObject({ url: docAt(other, "/kept") });
  });

  it("stops after three redirects", async () => {
    const s = await server((req, res) => {
      const n = Number(req.url.slice(1));
      if (n < 10) return void res.writeHead(302, { location: `/${n + 1}` }).end();
      sendJson(res, {});
    });
    expect(await failure(fetcher().getJson(docAt(s, "/0")))).toMatchObject({ kind: "refused", message: expect.stringContaining("redirects") });
    expect(s.requests).toHaveLength(4);
    await expect(fetcher().getJson(docAt(s, "/7"))).resolves.toBeTruthy();
  });

  it("re-checks every hop: metadata, a private name, other schemes and unreadable locations are refused", async () => {
    const s = await server((req, res) => {
      const to = {
        "/meta": "http://169.254.169.254/latest/meta-data/",
        "/file": "file:///etc/passwd",
        "/name": "http://internal.test/",
        "/broken": "http://[::1",
      }[req.url];
      res.writeHead(302, { location: to ?? "/" }).end();
    });
    const f = fetcher({ resolve: scriptedResolver(["fd00:ec2::254"]) });
    for (const path of ["/meta", "/file", "/name", "/broken"]) {
      const error = await failure(f.getJson(docAt(s, path)));
      expect(isFetchError(error, "refused")).toBe(true);
    }
  });
});

describe("post", () => {
  it("sends the exact body, signed with a digest, and returns the status and the start of the reply", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const s = await server((_req, res) => void res.writeHead(400, { "content-type": "text/plain" }).end("e".repeat(40_000)));
    const body = JSON.stringify({ id: "https://us.example/a/1", type: "Create" });
    const result = await fetcher().post(docAt(s, "/inbox"), body, { signAs: { keyId: "https://us.example/orgs/a#main-key", privateKey } });
    expect(result.status).toBe(400);
    expect(result.body).toHaveLength(16 * 1024);
    const [req] = s.requests;
    expect(req.body).toBe(body);
    expect(req.headers["content-type"]).toBe("application/activity+json");
    expect(req.headers.digest).toMatch(/^SHA-256=/);
    const value = (req.headers.signature as string).match(/signature="([^"]+)"/)![1];
    const signed = `(request-target): post /inbox\nhost: ${req.headers.host}\ndate: ${req.headers.date}\ndigest: ${req.headers.digest}`;
    expect(createVerify("sha256").update(signed).verify(publicKey, value, "base64")).toBe(true);
  });

  it("keeps the connection alive between deliveries to one host", async () => {
    const s = await server((_req, res) => void res.writeHead(202).end());
    const f = fetcher();
    for (let i = 0; i < 5; i++) expect((await f.post(docAt(s, "/inbox"), "{}", {})).status).toBe(202);
    expect(s.connections).toBe(1);
  });

  it("does not follow redirects", async () => {
    const s = await server((_req, res) => void res.writeHead(308, { location: "/elsewhere" }).end());
    expect((await fetcher().post(docAt(s, "/inbox"), "{}", {})).status).toBe(308);
    expect(s.requests).toHaveLength(1);
  });

  it("fails with the network error when nothing listens", async () => {
    const s = await server(() => undefined);
    const url = docAt(s, "/inbox");
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    expect(await failure(fetcher().post(url, "{}", {}))).toMatchObject({ kind: "failed", message: expect.stringContaining("ECONNREFUSED") });
  });
});
