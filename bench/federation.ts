// `npm run bench:federation`: figures for issue 3 (see docs/performance.md).
//   npm run bench:federation                      all of them
//   npm run bench:federation -- inbox             one of them (inbox | delivery | latency)
//   npm run bench:federation -- inbox --profile   also profile the server and say where its time went
//   npm run bench:federation -- delivery --profile  also profile the deliverer's main thread
//   npm run bench:federation -- delivery --sink=node-http  a sink on node:http's server (default: raw sockets, see bench/federation-sink.ts)
//   npm run bench:federation -- inbox --follows=0 the inbox with Creates only (default: 10% Follows)
//   npm run bench:federation -- inbox --client=node-http  send with node:http's client (default: raw sockets, see bench/federation-inbox-client.ts)
//   npm run bench:federation -- inbox --no-profile  no profiled pass when below target
import { benchFederationDelivery } from "./federation-delivery";
import { benchFederationInbox } from "./federation-inbox";
import { benchFederationLatency } from "./federation-latency";

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith("--"));
const profile = args.includes("--profile");
const follows = args.find((a) => a.startsWith("--follows="));
const followShare = follows ? Number(follows.split("=")[1]) : undefined;
if (followShare !== undefined && !(followShare >= 0 && followShare <= 1)) throw new Error("--follows= takes a share between 0 and 1");
const client = args.find((a) => a.startsWith("--client="))?.split("=")[1];
if (client !== undefined && client !== "raw" && client !== "node-http") throw new Error("--client= takes raw or node-http");
const explain = !args.includes("--no-profile");
const sink = args.find((a) => a.startsWith("--sink="))?.split("=")[1];
if (sink !== undefined && sink !== "raw" && sink !== "node-http") throw new Error("--sink= takes raw or node-http");
console.log(`Badge Commons federation benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
console.log(`Machine: ${(await import("node:os")).cpus().length} cores, load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(", ")}`);
if (!only || only === "inbox") await benchFederationInbox({ profile, explain, ...(client ? { client } : {}), ...(followShare === undefined ? {} : { followShare }) });
if (!only || only === "delivery") await benchFederationDelivery({ profile, ...(sink ? { sink } : {}) });
if (!only || only === "latency") await benchFederationLatency();
