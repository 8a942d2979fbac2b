// The catalogue, a badge's public page and its Open Badges 3.0 JSON, over HTTP against the
// built app (run `npx remix build` first; `npm test` does).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server";
import { users, type Badge } from "../../db/schema";
import { addMember, makeOrganisation } from "../support/factories";
import { makeDraftBadge, makePublishedBadge } from "../support/catalogue-factories";
import { HttpSession } from "../support/server";
import { achievementErrors } from "../support/ob3";

const PUBLIC_URL = "http://badges.test";

describe("catalogue over HTTP", () => {
  let server: RunningServer;
  let published: Badge;
  let deprecated: Badge;
  let draft: Badge;
  let stewardId: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "bc-catalogue-"));
    server = await startServer({
      env: { PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: join(dir, "app.sqlite"), PUBLIC_URL, NODE_ENV: "production" },
      quiet: true,
    });
    const db = server.db;
    const steward = makeOrganisation(db, { name: "Changemakers Network", kind: "nonprofit" });
    stewardId = steward.id;
    const school = makeOrganisation(db, { name: "Northside School", kind: "school" });
    const business = makeOrganisation(db, { name: "Acme Ventures", kind: "business" });
    published = makePublishedBadge(db, {
      steward,
      coAuthors: [school, business],
      publicUrl: PUBLIC_URL,
      versionCount: 2,
      content: {
        name: "Social Innovation 101",
        summary: "Spot a social problem and test a first solution with the people who live it.",
        criteria: "## What to do\n\n1. Interview **five** people\n2. Prototype\n\n<script>window.pwned = 1</script>[x](javascript:alert(1))",
        tags: ["social innovation", "design"],
        alignments: [{ targetName: "Design thinking", targetUrl: "https://example.org/design", targetFramework: "Example" }],
        achievementType: "MicroCredential",
        estimatedHours: 10,
      },
    });
    deprecated = makePublishedBadge(db, {
      steward,
      publicUrl: PUBLIC_URL,
      status: "deprecated",
      successorUri: published.uri,
      content: { name: "Old Change Basics", summary: "The first take on changing things.", tags: ["design"] },
    });
    draft = makeDraftBadge(db, steward, { name: "Secret Crowdfunding Draft", summary: "crowdfunding" });
  });
  afterAll(() => server?.close());

  const get = (path: string, session?: HttpSession) =>
    session ? session.get(path) : fetch(new URL(path, server.url), { redirect: "manual" });

  it("lists published badges (deprecated ones marked) and never drafts", async () => {
    const res = await get("/badges");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Social Innovation 101");
    expect(html).toContain(`href="/badges/${published.id}"`);
    expect(html).toContain("Northside School");
    expect(html).toContain("Old Change Basics");
    expect(html).toMatch(/pill deprecated/);
    expect(html).not.toContain("Secret Crowdfunding Draft");
    expect(html).toMatch(/aria-live="polite"[^>]*>2 badges found/);
  });

  it("finds a badge by search, filters by tag and kind, and survives odd queries", async () => {
    const found = await (await get("/badges?q=innovat")).text();
    expect(found).toContain(`href="/badges/${published.id}"`);
    expect(found).toContain("<mark>Innovation</mark>");
    expect(found).not.toContain("Old Change Basics");
    expect(found).toMatch(/1 badge match/);

    const byTag = await (await get("/badges?tag=design&kind=school")).text();
    expect(byTag).toContain("Social Innovation 101");
    expect(byTag).not.toContain("Old Change Basics");

    for (const q of ['"', "AND (", "*", "NEAR(", "-", "🦄", '"social', "a OR b NOT c"]) {
      const res = await get(`/badges?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(await res.text(), q).toContain('class="result-count"');
    }
    // Nothing searchable in symbols alone.
    expect(await (await get(`/badges?q=${encodeURIComponent('"*(')}`)).text()).toContain("No badges match");
    expect((await get("/badges?q=crowdfunding")).status).toBe(200);
    expect(await (await get("/badges?q=crowdfunding")).text()).not.toContain("Secret Crowdfunding Draft");
    expect((await get("/badges?page=999999999999&kind=nope")).status).toBe(200);
  });

  it("filters by time to earn from the search form, and says which filter is on", async () => {
    const page = (await (await get("/badges?hoursMax=10")).text()).replace(/<!-- -->/g, "");
    expect(page).toContain('<option value="10" selected="">Up to 10 hours</option>');
    expect(page).toContain("Up to 10 hours <a");
    expect(page).toContain("Social Innovation 101");
    // The deprecated badge says nothing of its length: left out.
    expect(page).not.toContain("Old Change Basics");
    expect(await (await get("/badges?hoursMax=5")).text()).toContain("No badges match");
    // One language in the catalogue: no language choice to offer.
    expect(page).not.toContain('id="catalogue-language"');
  });

  it("shows a published badge's page with sanitised criteria, details, versions and links", async () => {
    const res = await get(`/badges/${published.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Social Innovation 101");
    expect(html).toContain("<strong>five</strong>");
    expect(html).not.toContain("<script>window.pwned");
    expect(html).not.toMatch(/href="javascript:/);
    expect(html).toContain('href="/badges?tag=social+innovation"');
    expect(html).toContain(`href="/badges/${published.id}/versions/2"`);
    expect(html).toContain(`href="/badges/${published.id}/versions/1"`);
    expect(html).toContain(`href="/badges/${published.id}/achievement.json"`);
    expect(html).toContain("Design thinking");
    expect(html).toContain("About 10 hours");
    expect(html).toContain("sha256:");
    // Anonymous visitors get no author tools.
    expect(html).not.toContain(`/badges/${published.id}/edit`);

    const old = await (await get(`/badges/${deprecated.id}`)).text();
    expect(old).toContain("This badge is deprecated");
    expect(old).toMatch(new RegExp(`It is replaced by <a [^>]*href="/badges/${published.id}">Social Innovation 101</a>`));
  });

  it("serves the Open Badges 3.0 Achievement as JSON-LD that validates", async () => {
    const res = await get(`/badges/${published.id}/achievement.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/ld\+json/);
    const doc = await res.json();
    expect(achievementErrors(doc)).toEqual([]);
    expect(doc.id).toBe(`${PUBLIC_URL}/badges/${published.id}`);
    expect(doc.version).toBe("2");
    expect(doc.creator.name).toBe("Changemakers Network");
    expect(doc.achievementType).toBe("MicroCredential");
  });

  it("hides drafts from everyone outside their author organisations", async () => {
    expect((await get(`/badges/${draft.id}`)).status).toBe(404);
    expect((await get(`/badges/${draft.id}/achievement.json`)).status).toBe(404);
    expect((await get("/badges/no-such-badge")).status).toBe(404);
    expect((await get("/badges/no-such-badge/achievement.json")).status).toBe(404);

    const outsider = new HttpSession(server.url);
    await outsider.signUp("outsider@example.org", "Outsider");
    expect((await outsider.get(`/badges/${draft.id}`)).status).toBe(404);

    const member = new HttpSession(server.url);
    await member.signUp("editor@example.org", "Editor");
    const user = server.db.select().from(users).where(eq(users.email, "editor@example.org")).get()!;
    addMember(server.db, stewardId, user.id, "editor");
    const res = await member.get(`/badges/${draft.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Secret Crowdfunding Draft");
    expect(html).toContain("pill draft");
    for (const path of ["edit", "history", "publishing"]) expect(html).toContain(`href="/badges/${draft.id}/${path}"`);
    // Members see the same tools on a published badge.
    expect(await (await member.get(`/badges/${published.id}`)).text()).toContain(`href="/badges/${published.id}/edit"`);
  });
});
