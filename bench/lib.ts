// Shared helpers for benchmark scripts: a server in a child process (so its memory is its
// own), timing and percentiles.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
  memoryMb(): { rss: number; peak: number };
  /** CPU time the server process has used so far (user + system), in milliseconds. */
  cpuMs(): number;
  /**
   * Resolves with the server's "warmed up" line once it has loaded the catalogue's facets and
   * had V8 optimise search and layout (server.ts), so figures are not taken during that.
   */
  warmedUp(): Promise<string>;
}

export interface ChildServerOptions {
  env?: Record<string, string>;
  /** Node flags before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export async function startChildServer(databasePath: string, port: number, options: ChildServerOptions = {}): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: databasePath,
      PUBLIC_URL: `http://localhost:${port}`,
      NODE_ENV: "production",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // What it printed since start, for the lines awaited below (kept short: requests are logged too).
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  });
  const line = (text: string, seconds: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not say "${text}" in ${seconds} s`)), seconds * 1000);
      const look = () => {
        const found = output.split("\n").find((l) => l.includes(text));
        if (!found) return;
        clearTimeout(timer);
        child.stdout!.off("data", look);
        resolve(found);
      };
      child.stdout!.on("data", look);
      look();
    });
  await new Promise<void>((resolve, reject) => {
    line("listening", 60).then(() => resolve(), reject);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    memoryMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
      return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
    },
    cpuMs: () => processCpuMs(child.pid!),
    warmedUp: () => line("warmed up", 120),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** User + system CPU of a process from /proc (Linux), in milliseconds. */
export function processCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces, hence the last ")"): utime is the 14th, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** A TCP port that was free a moment ago (the machine is shared; fixed ports collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Times `fn` n times after `warmup` untimed runs; returns milliseconds per run. */
export async function timeRuns(n: number, warmup: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}
