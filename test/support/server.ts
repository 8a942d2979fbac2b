// Starts a real Badge Commons server from the build on an ephemeral loopback port with a
// database of its own. Integration and end-to-end tests use this.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer, type StartOptions } from "../../server";
import type { ServiceContext } from "../../app/services/context.server";
import { noBadgeEvents } from "../../app/services/events";

export interface TestServer extends RunningServer {
  databasePath: string;
  restart(): Promise<TestServer>;
}

export interface TestServerOptions {
  env?: StartOptions["env"];
  federation?: StartOptions["federation"];
}

export async function startTestServer(databasePath?: string, port = "0", options: TestServerOptions = {}): Promise<TestServer> {
  const dbPath = databasePath ?? join(mkdtempSync(join(tmpdir(), "bc-server-")), "app.sqlite");
  const server = await startServer({
    env: {
      PORT: port,
      HOST: "127.0.0.1",
      DATABASE_PATH: dbPath,
      PUBLIC_URL: undefined,
      NODE_ENV: "production",
      // Peers in tests listen on 127.0.0.1.
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: "1",
      ...options.env,
    },
    quiet: true,
    federation: options.federation,
  });
  // PUBLIC_URL defaults to the bound port only when known up front; restart on the same
  // port so ids made from it stay valid.
  return {
    ...server,
    databasePath: dbPath,
    async restart() {
      await server.close();
      return startTestServer(dbPath, String(server.port), options);
    },
  };
}

/** A cookie-keeping HTTP client that sends same-origin headers like a browser would. */
export class HttpSession {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader);
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", this.baseUrl);
    const res = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === "" || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, fields: Record<string, string> | FormData) {
    const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
    return this.request(path, { method: "POST", body });
  }

  async signUp(email: string, displayName = email.split("@")[0], password = "correct horse battery") {
    const res = await this.post("/signup", { email, displayName, password });
    if (res.status !== 302) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
    return res;
  }
}

/** What services need, for calling them directly against a running test server's database. */
export function serviceContextOf(server: Pick<RunningServer, "db" | "port" | "federation">): ServiceContext {
  const publicUrl = `http://localhost:${server.port}`;
  return { db: server.db, publicUrl, events: noBadgeEvents, federation: server.federation.outbox };
}
