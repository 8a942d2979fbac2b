// A real server over HTTP: sign up, create an organisation with a logo through the
// multipart form, read its public page and logo, invite a second person, and check that
// cross-site posts are refused. Needs `npx remix build` first (npm test does it).
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organisations } from "../../db/schema";
import { startServer, type RunningServer } from "../../server";
import { makeLargePng, makePng } from "../support/images";

const buildFile = fileURLToPath(new URL("../../build/index.js", import.meta.url));

describe("organisations over HTTP", () => {
  let server: RunningServer;
  const png = makePng(16, 16, [200, 60, 40]);

  beforeAll(async () => {
    if (!existsSync(buildFile)) throw new Error("build/index.js is missing: run `npx remix build` first (npm test does).");
    const dir = mkdtempSync(join(tmpdir(), "bc-orgs-http-"));
    server = await startServer({ env: { PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: join(dir, "db.sqlite") }, quiet: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (path: string, body: FormData | URLSearchParams, headers: Record<string, string> = {}) =>
    fetch(server.url + path, { method: "POST", body, redirect: "manual", headers: { Origin: server.url, ...headers } });
  const get = (path: string, cookie?: string) => fetch(server.url + path, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });

  async function signUp(name: string): Promise<string> {
    const res = await post("/signup", new URLSearchParams({ displayName: name, email: `${name.toLowerCase()}@example.org`, password: "correct horse battery" }));
    expect(res.status).toBe(302);
    const cookie = res.headers.get("set-cookie")?.split(";")[0];
    expect(cookie).toMatch(/^bc_session=/);
    return cookie!;
  }

  function orgForm(fields: Record<string, string>, logo?: Buffer, filename = "logo.png") {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (logo) form.append("logo", new Blob([new Uint8Array(logo)], { type: "image/png" }), filename);
    return form;
  }

  const fields = {
    handle: "changemakers",
    name: "Changemakers <Collective>",
    kind: "nonprofit",
    description: "We teach <script>alert(1)</script> social innovation.",
    website: "https://changemakers.example",
  };

  it("creates an organisation with a logo, shows its page and serves the logo safely", async () => {
    const cookie = await signUp("Ada");
    const created = await post("/orgs/new", orgForm(fields, png), { Cookie: cookie });
    expect(created.status).toBe(302);
    expect(created.headers.get("location")).toBe("/orgs/changemakers");

    const page = await get("/orgs/changemakers");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Changemakers &lt;Collective&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toMatch(/<a href="https:\/\/changemakers\.example" rel="noopener nofollow ugc">/);
    expect(html).toContain("1 member");
    expect(html).toContain("Badges stewarded by");
    const imageId = /src="\/images\/([0-9a-f-]{36})"/.exec(html)?.[1];
    expect(imageId).toBeTruthy();

    const image = await get(`/images/${imageId}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    // server.ts also sets it for every response; browsers read the first value.
    expect(image.headers.get("x-content-type-options")?.split(",")[0].trim()).toBe("nosniff");
    expect(image.headers.get("cache-control")).toMatch(/max-age=31536000.*immutable/);
    expect(Buffer.compare(Buffer.from(await image.arrayBuffer()), png)).toBe(0);
    const again = await fetch(`${server.url}/images/${imageId}`, { headers: { "If-None-Match": image.headers.get("etag")! } });
    expect(again.status).toBe(304);

    const missing = await get("/images/00000000-0000-0000-0000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-content-type-options")).toMatch(/^nosniff/);
  });

  it("re-renders the form with field errors and typed values for a disguised or oversized logo", async () => {
    const cookie = await signUp("Bea");
    const disguised = await post("/orgs/new", orgForm({ ...fields, handle: "bea-org" }, Buffer.from("<html><body>hi</body></html>"), "cat.png"), { Cookie: cookie });
    expect(disguised.status).toBe(400);
    const html = await disguised.text();
    expect(html).toMatch(/id="logo-error"[^>]*>[^<]*HTML page, not an image/);
    expect(html).toContain('value="bea-org"');

    const oversized = await post("/orgs/new", orgForm({ ...fields, handle: "bea-big" }, makeLargePng(1024 * 1024 + 512)), { Cookie: cookie });
    expect(oversized.status).toBe(400);
    const big = await oversized.text();
    expect(big).toMatch(/id="logo-error"[^>]*>[^<]*larger than 1 MiB/);
    expect(big).toContain('value="bea-big"');
    expect(server.db.select().from(organisations).all().map((o) => o.handle)).not.toContain("bea-big");
  });

  it("refuses cross-site posts with 403", async () => {
    const cookie = await signUp("Cy");
    const form = () => orgForm({ ...fields, handle: "cross-site" });
    const noOrigin = await fetch(server.url + "/orgs/new", { method: "POST", body: form(), redirect: "manual", headers: { Cookie: cookie } });
    expect(noOrigin.status).toBe(403);
    const foreign = await post("/orgs/new", form(), { Cookie: cookie, Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const fetchSite = await post("/orgs/new", form(), { Cookie: cookie, "Sec-Fetch-Site": "cross-site" });
    expect(fetchSite.status).toBe(403);
    expect(server.db.select().from(organisations).all().map((o) => o.handle)).not.toContain("cross-site");
  });

  it("invites a second person by link, who joins with the link's role", async () => {
    const owner = await signUp("Dee");
    expect((await post("/orgs/new", orgForm({ ...fields, handle: "dee-org", name: "Dee Org" }), { Cookie: owner })).status).toBe(302);
    const made = await post("/orgs/dee-org/members", new URLSearchParams({ intent: "invite", role: "editor" }), { Cookie: owner });
    expect(made.status).toBe(200);
    const token = /\/invitations\/([A-Za-z0-9_-]{43})/.exec(await made.text())?.[1];
    expect(token).toBeTruthy();

    const guest = await signUp("Eve");
    const view = await get(`/invitations/${token}`, guest);
    expect(view.status).toBe(200);
    // After the site-wide default; browsers apply the last policy they understand.
    expect(view.headers.get("referrer-policy")?.split(",").pop()?.trim()).toBe("no-referrer");
    expect(await view.text()).toContain("Join Dee Org");
    const accepted = await post(`/invitations/${token}`, new URLSearchParams(), { Cookie: guest });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/orgs/dee-org?joined=1");
    const members = await (await get("/orgs/dee-org/members", guest)).text();
    expect(members).toContain("Eve");
    // The guest, an editor, cannot open the settings; strangers cannot see members.
    expect((await get("/orgs/dee-org/settings", guest)).status).toBe(403);
    expect((await get("/orgs/dee-org/members", await signUp("Fay"))).status).toBe(403);
    expect((await get("/orgs/nobody-here")).status).toBe(404);
    // Used links say so.
    const reused = await post(`/invitations/${token}`, new URLSearchParams(), { Cookie: await signUp("Gus") });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("already been used");
  });

  it("offers the only owner no way to leave or step down, says why, and refuses it anyway", async () => {
    const owner = await signUp("Ivo");
    expect((await post("/orgs/new", orgForm({ ...fields, handle: "ivo-org", name: "Ivo Org" }), { Cookie: owner })).status).toBe(302);
    const alone = (await (await get("/orgs/ivo-org/members", owner)).text()).replaceAll("<!-- -->", "");
    expect(alone).toContain("You are the only owner, so you cannot leave or step down.");
    expect(alone).not.toContain('value="leave"');
    expect(alone).not.toContain('value="role"');
    // A hand-made post is refused by the service, and Ivo stays the owner.
    const refused = await post("/orgs/ivo-org/members", new URLSearchParams({ intent: "leave" }), { Cookie: owner });
    expect(refused.status).toBe(400);
    expect((await refused.text()).replaceAll("&#x27;", "'")).toContain("An organisation needs at least one owner");
    expect((await (await get("/orgs/ivo-org", owner)).text()).replaceAll("<!-- -->", "")).toContain("you are");

    // With a second owner, either may leave.
    const made = await post("/orgs/ivo-org/members", new URLSearchParams({ intent: "invite", role: "owner" }), { Cookie: owner });
    const token = /\/invitations\/([A-Za-z0-9_-]{43})/.exec(await made.text())![1];
    const second = await signUp("Joy");
    expect((await post(`/invitations/${token}`, new URLSearchParams(), { Cookie: second })).status).toBe(302);
    const shared = await (await get("/orgs/ivo-org/members", owner)).text();
    expect(shared).not.toContain("You are the only owner");
    expect(shared).toContain('value="leave"');
    const left = await post("/orgs/ivo-org/members", new URLSearchParams({ intent: "leave" }), { Cookie: owner });
    expect(left.status).toBe(302);
    expect(left.headers.get("location")).toBe("/orgs");
  });

  it("edits the profile with an SVG logo, which is served sanitised", async () => {
    const cookie = await signUp("Ivy");
    expect((await post("/orgs/new", orgForm({ ...fields, handle: "ivy-org", name: "Ivy Org" }), { Cookie: cookie })).status).toBe(302);
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><circle r="4"/></svg>`);
    const form = orgForm({ name: "Ivy Organisation", kind: "community", description: "", website: "" });
    form.append("logo", new Blob([new Uint8Array(svg)], { type: "image/svg+xml" }), "logo.svg");
    const saved = await post("/orgs/ivy-org/settings", form, { Cookie: cookie });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/orgs/ivy-org?saved=1");
    const html = await (await get("/orgs/ivy-org")).text();
    expect(html).toContain("Ivy Organisation");
    expect(html).toContain("Community group");
    const imageId = /src="\/images\/([0-9a-f-]{36})"/.exec(html)?.[1];
    const image = await get(`/images/${imageId}`);
    expect(image.headers.get("content-type")).toBe("image/svg+xml");
    expect(await image.text()).toBe('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>');
  });

  it("shows the dashboard with organisations and roles", async () => {
    const cookie = await signUp("Hal");
    expect((await post("/orgs/new", orgForm({ ...fields, handle: "hal-org", name: "Hal Org" }), { Cookie: cookie })).status).toBe(302);
    const res = await get("/dashboard", cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Hal Org");
    expect(html).toContain("Owner");
    expect(html).toContain('href="/badges/new"');
    expect((await get("/dashboard")).status).toBe(302);
  });
});
