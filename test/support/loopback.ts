// A real HTTP server on 127.0.0.1 for tests of outbound requests: counts connections and
// hands each request, body read, to the test's handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type LoopbackHandler = (req: LoopbackRequest, res: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  port: number;
  /** http://127.0.0.1:port */
  origin: string;
  requests: LoopbackRequest[];
  connections: number;
  handler: LoopbackHandler;
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: LoopbackHandler, host = "127.0.0.1", port = 0): Promise<LoopbackServer> {
  const state = {
    requests: [] as LoopbackRequest[],
    connections: 0,
    handler,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      state.requests.push(request);
      Promise.resolve(state.handler(request, res)).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    origin: `http://${host}:${bound}`,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    get handler() {
      return state.handler;
    },
    set handler(h: LoopbackHandler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, body: unknown, status = 200, contentType = "application/activity+json") {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 5_000, what = "condition"): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
