// The sending side of the inbox benchmark, in a process of its own so that it does not share
// the server's event loop: POSTs pre-signed requests over keep-alive connections, a fixed
// number in flight (one request at a time on each connection, no pipelining), and prints
// one JSON line with the elapsed time, its own CPU, latencies and a tally of the answers.
//
// Two ways of sending the same bytes:
// - `raw` (the default): each request is serialised once beforehand, exactly as node:http
//   sends it, and written to a plain TCP socket; the answer's status line, Content-Length
//   and body are read back. About 70 µs of CPU per request on the project's VM.
// - `node-http`: node:http's client with a keep-alive Agent, as real senders in Node do.
//   About 260 µs per request there.
// The machine has two cores; whatever the client uses is not available to the server it
// measures, and real senders are on other machines. The server does the same work either way.
// Usage: node --import tsx bench/federation-inbox-client.ts <requests.json> <port> <concurrency> [raw|node-http]
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect } from "node:net";

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ClientResult {
  sent: number;
  elapsedMs: number;
  cpuMs: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** "202 Already received." → how many. */
  answers: Record<string, number>;
}

export type ClientKind = "raw" | "node-http";

const [file, portText, concurrencyText, kindText = "raw"] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, "utf8")) as SignedRequest[];
const port = Number(portText);
const concurrency = Number(concurrencyText);
const kind = kindText as ClientKind;
if (kind !== "raw" && kind !== "node-http") throw new Error(`unknown client ${kindText}`);

const answers: Record<string, number> = {};
const latencies: number[] = [];
let next = 0;

function tally(status: number, body: string, startedAt: number) {
  latencies.push(performance.now() - startedAt);
  // Reasons that name an organisation or a version stay distinct; these are few.
  const answer = `${status} ${body.slice(0, 80)}`;
  answers[answer] = (answers[answer] ?? 0) + 1;
}

// node:http ------------------------------------------------------------------------------
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function post(r: SignedRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(r.body, "utf8");
    const startedAt = performance.now();
    const req = request(
      // The signed Host header names the server's public host; the socket goes to loopback.
      { host: "127.0.0.1", port, path: r.path, method: "POST", agent, headers: { ...r.headers, "content-length": String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(tally(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), startedAt)));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function nodeHttpSender() {
  while (next < requests.length) await post(requests[next++]);
}

// raw ------------------------------------------------------------------------------------
/** The bytes node:http would send for `r`: request line, its headers, Content-Length, keep-alive. */
function serialise(r: SignedRequest): Buffer {
  const body = Buffer.from(r.body, "utf8");
  const headers = { ...r.headers, "content-length": String(body.length), connection: "keep-alive" };
  const head = `POST ${r.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

function rawSender(wire: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, noDelay: true });
    let pending: Buffer = Buffer.alloc(0);
    let startedAt = 0;
    const send = () => {
      if (next >= wire.length) {
        socket.end();
        return resolve();
      }
      startedAt = performance.now();
      socket.write(wire[next++]);
    };
    socket.on("connect", send);
    socket.on("error", reject);
    socket.on("close", () => next < wire.length && reject(new Error("the server closed a connection")));
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const headEnd = pending.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const head = pending.subarray(0, headEnd).toString("latin1");
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
      // The inbox always says how long its answer is; anything else is a failure to report.
      if (!Number.isFinite(length)) return reject(new Error(`an answer without Content-Length: ${head.split("\r\n")[0]}`));
      if (pending.length < headEnd + 4 + length) return;
      tally(Number(head.slice(9, 12)), pending.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8"), startedAt);
      pending = pending.subarray(headEnd + 4 + length);
      send();
    });
  });
}

const wire = kind === "raw" ? requests.map(serialise) : [];
const cpu = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, () => (kind === "raw" ? rawSender(wire) : nodeHttpSender())));
const elapsedMs = performance.now() - started;
const used = process.cpuUsage(cpu);
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
const result: ClientResult = {
  sent: requests.length,
  elapsedMs,
  cpuMs: (used.user + used.system) / 1000,
  latencyMs: { p50: at(50), p95: at(95), p99: at(99) },
  answers,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
