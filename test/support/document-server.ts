// A loopback HTTP server that serves JSON documents set by the test, counting requests, so
// key fetching is exercised over real HTTP with plain fetch rather than with stubs.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface DocumentServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  set(path: string, document: unknown): void;
  remove(path: string): void;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const documents = new Map<string, unknown>();
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (!documents.has(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify(documents.get(path)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (path, document) => documents.set(path, document),
    remove: (path) => documents.delete(path),
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // fetch keeps connections alive
      }),
  };
}

/** Plain global fetch as a document fetcher (the guarded fetcher takes its place in production). */
export async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: "application/activity+json" } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}
