// A loopback inbox sink for the delivery benchmark, in a process of its own so that it
// does not share the deliverer's core. It verifies every request's signature and digest
// like a receiver would, answers 202, and counts requests per Host header (the benchmark
// gives each simulated instance its own name). GET /__stats reports (with the CPU the sink
// used since the last reset), POST /__reset clears.
// Usage: node --import tsx bench/federation-sink.ts <public key PEM file>
import { createHash, createPublicKey, createVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const publicKey = createPublicKey(readFileSync(process.argv[2], "utf8"));
let perHost = new Map<string, number>();
let verified = 0;
let refused = 0;
let cpuAtReset = process.cpuUsage();

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/__stats") {
    const cpu = process.cpuUsage(cpuAtReset);
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ verified, refused, perHost: Object.fromEntries(perHost), cpuMs: (cpu.user + cpu.system) / 1000 }));
    return;
  }
  if (req.method === "POST" && req.url === "/__reset") {
    perHost = new Map();
    verified = refused = 0;
    cpuAtReset = process.cpuUsage();
    res.writeHead(204).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const host = String(req.headers.host);
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
    const params = Object.fromEntries([...String(req.headers.signature).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const digestOk = req.headers.digest === `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
    const signed = String(params.headers ?? "")
      .split(" ")
      .map((h) => (h === "(request-target)" ? `(request-target): ${req.method!.toLowerCase()} ${req.url}` : `${h}: ${req.headers[h]}`))
      .join("\n");
    const ok = digestOk && createVerify("sha256").update(signed).verify(publicKey, params.signature ?? "", "base64");
    if (ok) verified++;
    else refused++;
    res.writeHead(ok ? 202 : 401).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
