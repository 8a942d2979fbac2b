// The sending side of the inbox benchmark, in a process of its own so that it does not share
// the server's event loop: POSTs pre-signed requests over keep-alive connections, a fixed
// number in flight, and prints one JSON line with the elapsed time, its own CPU, latencies
// and a tally of the answers.
// Usage: node --import tsx bench/federation-inbox-client.ts <requests.json> <port> <concurrency>
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

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

const [file, portText, concurrencyText] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, "utf8")) as SignedRequest[];
const port = Number(portText);
const concurrency = Number(concurrencyText);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function post(r: SignedRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(r.body, "utf8");
    const req = request(
      // The signed Host header names the server's public host; the socket goes to loopback.
      { host: "127.0.0.1", port, path: r.path, method: "POST", agent, headers: { ...r.headers, "content-length": String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString("utf8").slice(0, 80)}`));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const answers: Record<string, number> = {};
const latencies: number[] = [];
let next = 0;
async function sender() {
  while (next < requests.length) {
    const r = requests[next++];
    const t0 = performance.now();
    const answer = await post(r);
    latencies.push(performance.now() - t0);
    // Reasons that name an organisation or a version stay distinct; these are few.
    answers[answer] = (answers[answer] ?? 0) + 1;
  }
}

const cpu = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, sender));
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
