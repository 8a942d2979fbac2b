// Reading a V8 CPU profile (`node --cpu-prof`) into where the time went: self time by part
// of the stack (our modules, libraries, Node internals) and the inclusive time of named
// functions. Async functions are cut at each await, so inclusive time counts only the
// synchronous stretches under a function, which is what costs CPU.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SummaryOptions {
  /** Inclusive time is summed for functions of these names. */
  inclusiveOf?: string[];
  /** Only samples this long after the profile began (leave out start-up). */
  fromMs?: number;
  /** …and before this. */
  toMs?: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time by category, busiest first. */
  byCategory: Array<[string, number]>;
  /** Inclusive time of the functions asked for, by name. */
  inclusive: Record<string, number>;
  /** The busiest functions by self time. */
  topSelf: Array<[string, number]>;
}

/** The part of the program a frame belongs to. */
export function category(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(idle)") return "idle";
  if (functionName === "(program)") return "V8/native (unattributed)";
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (module) {
    if (module === "better-sqlite3" || module === "drizzle-orm") return "SQLite (better-sqlite3 + drizzle)";
    if (module === "zod") return "zod";
    if (["express", "body-parser", "raw-body", "compression", "router", "send", "serve-static", "finalhandler", "on-finished", "type-is", "accepts", "negotiator", "iconv-lite", "mime-types", "content-type", "bytes", "qs", "depd", "debug", "vary", "compressible", "path-to-regexp", "parseurl"].includes(module)) {
      return "express + middleware";
    }
    return `library: ${module}`;
  }
  if (url.includes("/federation/")) return `ours: federation/${url.split("/federation/")[1]}`;
  if (url.includes("/app/")) return `ours: app/${url.split("/app/")[1]}`;
  if (url.endsWith("/server.ts")) return "ours: server.ts";
  if (url.startsWith("node:internal/crypto") || url === "node:crypto") return "node crypto (RSA verify, hashes)";
  if (/^node:(_http|http|net|internal\/(http|stream|streams|net|js_stream|timers|async_hooks|process\/task_queues))/.test(url) || url === "node:events" || url === "node:stream") {
    return "node HTTP, streams, timers";
  }
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/").slice(0, 2).join("/")}`;
  if (url === "") return `native: ${functionName || "(anonymous)"}`;
  return `other: ${url.split("/").slice(-2).join("/")}`;
}

export function summariseProfile(path: string, options: SummaryOptions = {}): ProfileSummary {
  const { inclusiveOf = [], fromMs = 0, toMs = Infinity } = options;
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    at += ms;
    if (at >= fromMs && at <= toMs) self.set(id, (self.get(id) ?? 0) + ms);
  });

  const byCategory = new Map<string, number>();
  const bySelfName = new Map<string, number>();
  const inclusive: Record<string, number> = Object.fromEntries(inclusiveOf.map((f) => [f, 0]));
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    totalMs += ms;
    const cat = category(node.callFrame);
    if (cat === "idle") {
      idleMs += ms;
      continue;
    }
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + ms);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").slice(-1)[0]}:${node.callFrame.lineNumber + 1}`;
    bySelfName.set(name, (bySelfName.get(name) ?? 0) + ms);
    if (inclusiveOf.length) {
      const seen = new Set<string>();
      for (let frame: number | undefined = id; frame !== undefined; frame = parent.get(frame)) {
        const fn = byId.get(frame)!.callFrame.functionName;
        if (fn in inclusive && !seen.has(fn)) {
          seen.add(fn);
          inclusive[fn] += ms;
        }
      }
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, idleMs, byCategory: sorted(byCategory), inclusive, topSelf: sorted(bySelfName).slice(0, 15) };
}
