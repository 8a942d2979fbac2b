// `npm run bench:federation`: figures for issue 3 (see docs/performance.md).
//   npm run bench:federation                      all of them
//   npm run bench:federation -- inbox             one of them (inbox | delivery | latency)
//   npm run bench:federation -- inbox --profile   also profile the server and say where its time went
import { benchFederationDelivery } from "./federation-delivery";
import { benchFederationInbox } from "./federation-inbox";
import { benchFederationLatency } from "./federation-latency";

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith("--"));
const profile = args.includes("--profile");
console.log(`Badge Commons federation benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
console.log(`Machine: ${(await import("node:os")).cpus().length} cores, load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(", ")}`);
if (!only || only === "inbox") await benchFederationInbox({ profile });
if (!only || only === "delivery") await benchFederationDelivery();
if (!only || only === "latency") await benchFederationLatency();
