// A loopback inbox sink for the delivery benchmark, in a process of its own so that it
// does not share the deliverer's event loop. It verifies every request's signature and
// digest like a receiver would, answers 202 (401 when they do not hold), and counts requests
// per Host header (the benchmark gives each simulated instance its own name). GET /__stats
// reports (with the CPU the sink used since the last reset), POST /__reset clears.
//
// Two ways of serving, with the same checks:
// - `raw` (the default): HTTP/1.1 read from plain TCP sockets (request line, headers,
//   Content-Length body, keep-alive) and a fixed answer written back. The fetcher always
//   sends a Content-Length; anything else is answered 400 and counted as refused.
// - `node-http`: node:http's server.
// The sink stands in for a thousand servers on other machines; on this benchmark's two
// cores, what it uses is taken from the deliverer it measures (node:http's server cost
// 250-500 µs per request on the project's VM).
// Usage: node --import tsx bench/federation-sink.ts <public key PEM file> [raw|node-http]
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";

const publicKey = createPublicKey(readFileSync(process.argv[2], "utf8"));
const kind = process.argv[3] ?? "raw";
if (kind !== "raw" && kind !== "node-http") throw new Error(`unknown sink ${kind}`);
let perHost = new Map<string, number>();
let verified = 0;
let refused = 0;
let cpuAtReset = process.cpuUsage();

function stats(): string {
  const cpu = process.cpuUsage(cpuAtReset);
  return JSON.stringify({ verified, refused, perHost: Object.fromEntries(perHost), cpuMs: (cpu.user + cpu.system) / 1000 });
}

function reset() {
  perHost = new Map();
  verified = refused = 0;
  cpuAtReset = process.cpuUsage();
}

/** A delivery as a receiver checks it: the Digest of the body, then the signature over the headers it names. */
function receive(method: string, target: string, header: (name: string) => string | undefined, body: Buffer): boolean {
  const host = String(header("host"));
  perHost.set(host, (perHost.get(host) ?? 0) + 1);
  const params = Object.fromEntries([...String(header("signature")).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const digestOk = header("digest") === `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
  const signed = String(params.headers ?? "")
    .split(" ")
    .map((h) => (h === "(request-target)" ? `(request-target): ${method.toLowerCase()} ${target}` : `${h}: ${header(h)}`))
    .join("\n");
  const ok = digestOk && verify("sha256", Buffer.from(signed), publicKey, Buffer.from(params.signature ?? "", "base64"));
  if (ok) verified++;
  else refused++;
  return ok;
}

function nodeHttpSink(): Server {
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/__stats") return void res.writeHead(200, { "content-type": "application/json" }).end(stats());
    if (req.method === "POST" && req.url === "/__reset") return void (reset(), res.writeHead(204).end());
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const ok = receive(req.method!, req.url!, (name) => req.headers[name] as string | undefined, Buffer.concat(chunks));
      res.writeHead(ok ? 202 : 401).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

const answer = (status: string, body = "", type = "text/plain") =>
  Buffer.from(`HTTP/1.1 ${status}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nkeep-alive: timeout=30\r\n\r\n${body}`);
const ACCEPTED = answer("202 Accepted");
const UNAUTHORISED = answer("401 Unauthorized");

function rawSink(): Server {
  return createTcpServer((socket: Socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const headEnd = pending.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const [requestLine, ...lines] = pending.subarray(0, headEnd).toString("latin1").split("\r\n");
        const [method, target] = requestLine.split(" ");
        const headers = new Map<string, string>();
        for (const line of lines) {
          const colon = line.indexOf(":");
          headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const length = Number(headers.get("content-length") ?? (method === "GET" ? "0" : NaN));
        if (!Number.isFinite(length) || headers.has("transfer-encoding")) {
          refused++;
          socket.end(answer("400 Bad Request", "a Content-Length body only"));
          return;
        }
        if (pending.length < headEnd + 4 + length) return;
        const body = pending.subarray(headEnd + 4, headEnd + 4 + length);
        pending = pending.subarray(headEnd + 4 + length);
        if (method === "GET" && target === "/__stats") socket.write(answer("200 OK", stats(), "application/json"));
        else if (method === "POST" && target === "/__reset") socket.write((reset(), answer("200 OK")));
        else socket.write(receive(method, target, (name) => headers.get(name), body) ? ACCEPTED : UNAUTHORISED);
      }
    });
  });
}

const server = kind === "raw" ? rawSink() : nodeHttpSink();
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
