// A real server on an ephemeral port with a temporary database, and a cookie-keeping
// client that posts forms the way a browser without JavaScript does (same Origin).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server";

export async function startPublishingServer(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "bc-publishing-"));
  return startServer({
    env: { PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: join(dir, "db.sqlite"), PUBLIC_URL: "http://badges.test" },
    quiet: true,
  });
}

export class Browser {
  private cookie = "";
  constructor(private readonly base: string) {}

  private remember(res: Response) {
    const set = res.headers.getSetCookie().find((c) => c.startsWith("bc_session="));
    if (set) this.cookie = set.split(";")[0];
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(this.base + path, { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: "manual" });
    this.remember(res);
    return res;
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const res = await fetch(this.base + path, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: this.base,
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      redirect: "manual",
    });
    this.remember(res);
    return res;
  }

  /** Signs up a new account through the form and keeps its session cookie. */
  async signUp(email: string, displayName: string): Promise<void> {
    const res = await this.post("/signup", { displayName, email, password: "correct horse battery" });
    if (res.status !== 302 || !this.cookie) throw new Error(`sign-up failed: ${res.status}`);
  }
}
