import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, startTestServer, type TestServer } from "../support/server";

describe("accounts over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("signs up, keeps the session in an httpOnly SameSite cookie, signs out", async () => {
    const s = new HttpSession(server.url);
    const res = await s.signUp("ada@example.org", "Ada");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("bc_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The token in the cookie is not what the database stores.
    const token = cookie.split(";")[0].split("=")[1];
    const stored = server.db.$client.prepare("select id from sessions").all() as { id: string }[];
    expect(stored.map((r) => r.id)).not.toContain(token);
    expect(await (await s.get("/")).text()).toContain("Sign out");
    const out = await s.post("/signout", {});
    expect(out.status).toBe(302);
    expect(await (await s.get("/")).text()).not.toContain("Sign out");
  });

  it("keeps typed values and shows field errors on bad input", async () => {
    const s = new HttpSession(server.url);
    const res = await s.post("/signup", { displayName: "Grace", email: "not-an-email", password: "short" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Enter a valid e-mail address");
    expect(html).toContain("Use at least 10 characters");
    expect(html).toContain('value="Grace"');
    expect(html).toContain('value="not-an-email"');
  });

  it("refuses a duplicate e-mail and a wrong password without saying which", async () => {
    const s = new HttpSession(server.url);
    await s.signUp("linus@example.org");
    const again = await new HttpSession(server.url).post("/signup", {
      displayName: "L",
      email: "linus@example.org",
      password: "another password",
    });
    expect(again.status).toBe(400);
    const wrong = await new HttpSession(server.url).post("/signin", { email: "linus@example.org", password: "nope nope nope" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("E-mail or password is not right.");
    const right = await new HttpSession(server.url).post("/signin", {
      email: "linus@example.org",
      password: "correct horse battery",
    });
    expect(right.status).toBe(302);
  });

  it("rate limits sign-in attempts", async () => {
    const s = new HttpSession(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await s.post("/signin", { email: "nobody@example.org", password: `guess ${i}` })).status);
    }
    expect(statuses.slice(0, 10).every((st) => st === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("refuses cross-site form posts", async () => {
    const foreign = await fetch(`${server.url}/signup`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "displayName=x&email=x@example.org&password=0123456789",
      redirect: "manual",
    });
    expect(foreign.status).toBe(403);
    const none = await fetch(`${server.url}/signup`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "displayName=x&email=x@example.org&password=0123456789",
      redirect: "manual",
    });
    expect(none.status).toBe(403);
    const crossSite = await fetch(`${server.url}/signup`, {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site", origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: "displayName=x&email=x@example.org&password=0123456789",
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
  });
});
