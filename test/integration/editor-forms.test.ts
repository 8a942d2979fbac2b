// The draft editor without JavaScript: starting a badge, saving the form (merge,
// conflict, validation), who may open what, history with diffs and restore, comments.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../app/services/badges.server";
import { addMember, makeOrganisation } from "../support/factories";
import { acceptCoauthor, currentContent } from "../support/editor-factories";
import { signedUp } from "../support/live-client";
import { HttpSession, startTestServer, type TestServer } from "../support/server";

type Person = { session: HttpSession; user: { id: string } };

describe("the draft editor over HTTP", () => {
  let server: TestServer;
  let ada: Person;
  let grace: Person;
  let vera: Person;
  let outsider: Person;
  let stewardId: string;
  let badgeId: string;

  // React separates adjacent text with <!-- -->; matching reads the page without them.
  const read = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");
  const base = (html: string) => html.match(/name="baseRevisionId" value="([^"]+)"/)![1];
  const formOf = (content: ReturnType<typeof currentContent>, baseRevisionId: string, over: Record<string, string> = {}) => ({
    baseRevisionId,
    name: content.name,
    summary: content.summary,
    criteria: content.criteria,
    tags: content.tags.join(", "),
    achievementType: content.achievementType,
    language: content.language,
    estimatedHours: content.estimatedHours === null ? "" : String(content.estimatedHours),
    ...over,
  });

  beforeAll(async () => {
    server = await startTestServer();
    ada = await signedUp(server.url, server.db, "ada@example.org", "Ada");
    grace = await signedUp(server.url, server.db, "grace@example.org", "Grace");
    vera = await signedUp(server.url, server.db, "vera@example.org", "Vera");
    outsider = await signedUp(server.url, server.db, "otto@example.org", "Otto");
    const steward = makeOrganisation(server.db, { name: "Changemakers" });
    const partner = makeOrganisation(server.db, { name: "Acme", kind: "business" });
    stewardId = steward.id;
    addMember(server.db, steward.id, ada.user.id, "editor");
    addMember(server.db, partner.id, grace.user.id, "admin");
    addMember(server.db, steward.id, vera.user.id, "viewer");
    addMember(server.db, makeOrganisation(server.db, { name: "Vera's club" }).id, vera.user.id, "editor");
    const res = await ada.session.post("/badges/new", { stewardOrganisationId: steward.id, name: "Theory of Change", approvalPolicy: "all" });
    badgeId = res.headers.get("location")!.split("/")[2];
    acceptCoauthor(server.db, badgeId, partner.id);
  });
  afterAll(() => server?.close());

  it("starts a badge only in an organisation where the person is an editor, keeping input on errors", async () => {
    const page = await (await ada.session.get("/badges/new")).text();
    expect(page).toContain("Changemakers");
    expect(page).toContain("A majority");
    const bad = await ada.session.post("/badges/new", { stewardOrganisationId: stewardId, name: "  ", approvalPolicy: "everyone" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("Give the badge a name");
    expect(html).toContain("Choose one of the approval policies");
    const foreign = await vera.session.post("/badges/new", { stewardOrganisationId: stewardId, name: "Mine", approvalPolicy: "all" });
    expect(foreign.status).toBe(400);
    const refused = await foreign.text();
    expect(refused).toContain("Choose one of your organisations where you are an editor");
    expect(refused).toContain('value="Mine"');
    const none = await (await outsider.session.get("/badges/new")).text();
    expect(none).toContain("not an editor of any organisation");
    const anonymous = await new HttpSession(server.url).get("/badges/new");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/signin\?redirectTo=/);
  });

  it("opens the editor to editors of author organisations only: 403 for a viewer, 404 for others", async () => {
    const page = await ada.session.get(`/badges/${badgeId}/edit`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="criteria"');
    expect(html).toContain("Markdown works");
    expect(html).toContain('<option value="MicroCredential">Micro Credential</option>');
    expect((await grace.session.get(`/badges/${badgeId}/edit`)).status).toBe(200);
    expect((await vera.session.get(`/badges/${badgeId}/edit`)).status).toBe(403);
    expect((await outsider.session.get(`/badges/${badgeId}/edit`)).status).toBe(404);
    expect((await ada.session.get(`/badges/nope/edit`)).status).toBe(404);
    const post = await outsider.session.post(`/badges/${badgeId}/edit`, { baseRevisionId: "x", name: "Hijack" });
    expect(post.status).toBe(404);
    expect((await vera.session.post(`/badges/${badgeId}/edit`, formOf(currentContent(server.db, badgeId), "x"))).status).toBe(403);
  });

  it("saves the form, merges a save from a stale revision, and reports which fields merged", async () => {
    const stale = base(await (await grace.session.get(`/badges/${badgeId}/edit`)).text());
    const content = currentContent(server.db, badgeId);
    const first = await ada.session.post(`/badges/${badgeId}/edit`, {
      ...formOf(content, stale, { criteria: "Draw the change you want.\n\nName your assumptions." }),
      "alignments.0.targetName": "SDG 4",
      "alignments.0.targetUrl": "https://sdgs.un.org/goals/goal4",
      "alignments.0.targetFramework": "UN SDG",
      "alignments.1.targetName": "",
      "alignments.1.targetUrl": "",
      "alignments.1.targetFramework": "",
    });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(`/badges/${badgeId}/edit?saved=2`);
    // Grace still edits revision 1: her change to another line of criteria merges in.
    const both = await grace.session.post(`/badges/${badgeId}/edit`, formOf(content, stale, { summary: "Map how change happens." }));
    expect(both.status).toBe(302);
    expect(both.headers.get("location")).toBe(`/badges/${badgeId}/edit?saved=3`);
    const now = currentContent(server.db, badgeId);
    expect(now).toMatchObject({ summary: "Map how change happens.", criteria: "Draw the change you want.\n\nName your assumptions." });
    expect(now.alignments).toEqual([{ targetName: "SDG 4", targetUrl: "https://sdgs.un.org/goals/goal4", targetFramework: "UN SDG" }]);

    const r3 = base(await (await ada.session.get(`/badges/${badgeId}/edit`)).text());
    const a = await ada.session.post(`/badges/${badgeId}/edit`, formOf(now, r3, { criteria: "Draw the change you want.\n\nName your assumptions.\n\nTest one." }));
    const g = await grace.session.post(`/badges/${badgeId}/edit`, formOf(now, r3, { criteria: "Draw the change you want, with a partner.\n\nName your assumptions." }));
    expect(a.status).toBe(302);
    expect(g.headers.get("location")).toBe(`/badges/${badgeId}/edit?saved=5&merged=criteria`);
    const notice = await (await grace.session.get(g.headers.get("location")!)).text();
    expect(notice).toContain("your changes were merged with theirs in: Criteria");
    expect(currentContent(server.db, badgeId).criteria).toBe("Draw the change you want, with a partner.\n\nName your assumptions.\n\nTest one.");
  });

  it("shows a conflict with both texts, keeps what was typed, and lets the next save settle it", async () => {
    const page = await (await ada.session.get(`/badges/${badgeId}/edit`)).text();
    const r = base(page);
    const content = currentContent(server.db, badgeId);
    await grace.session.post(`/badges/${badgeId}/edit`, formOf(content, r, { name: "Theory of Change: Basics", tags: "change" }));
    const res = await ada.session.post(`/badges/${badgeId}/edit`, formOf(content, r, { name: "Theory of Change & Impact" }));
    expect(res.status).toBe(409);
    const html = await read(res);
    expect(html).toContain("Not saved: someone changed the same fields");
    expect(html).toMatch(/Your version<\/p><pre[^>]*>Theory of Change &amp; Impact<\/pre>/);
    expect(html).toMatch(/Their version \(revision \d+\)<\/p><pre[^>]*>Theory of Change: Basics<\/pre>/);
    // The form keeps Ada's name, shows Grace's tags (not a conflict), and is based on the latest revision.
    expect(html).toContain('value="Theory of Change &amp; Impact"');
    expect(html).toContain('value="change"');
    const latest = listRevisions(server.db, ada.user.id, badgeId)[0];
    expect(base(html)).toBe(latest.id);
    const settle = await ada.session.post(`/badges/${badgeId}/edit`, formOf(currentContent(server.db, badgeId), base(html), { name: "Theory of Change & Impact" }));
    expect(settle.status).toBe(302);
    expect(currentContent(server.db, badgeId)).toMatchObject({ name: "Theory of Change & Impact", tags: ["change"] });
  });

  it("answers bad input with 400, a message by each field, and everything typed kept", async () => {
    const r = base(await (await ada.session.get(`/badges/${badgeId}/edit`)).text());
    const res = await ada.session.post(`/badges/${badgeId}/edit`, {
      ...formOf(currentContent(server.db, badgeId), r, {
        name: "",
        summary: "Typed <summary> kept",
        estimatedHours: "ten",
        language: "english",
        achievementType: "Trophy",
        "prerequisites.0.rule": "all",
        "prerequisites.0.urls": "not-a-url",
      }),
      "alignments.0.targetName": "Mine",
      "alignments.0.targetUrl": "ftp://example.org",
      "alignments.0.targetFramework": "",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    for (const message of [
      "Give the badge a name",
      "Enter a number of hours",
      "Use a language code such as en or fr-CA",
      "Choose an achievement type from the list",
      "Not a badge URL: not-a-url",
      "Only http(s) URLs",
    ])
      expect(html).toContain(message);
    expect(html).toContain("Typed &lt;summary&gt; kept");
    expect(html).toContain('value="ten"');
    expect(html).toContain('value="ftp://example.org"');
    expect(html).toContain("not-a-url</textarea>");
    expect(html).toMatch(/id="draft-hours"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="draft-hours"/);
  });

  it("refuses an oversized image and keeps the rest of the form", async () => {
    const r = base(await (await ada.session.get(`/badges/${badgeId}/edit`)).text());
    const fd = new FormData();
    for (const [k, v] of Object.entries(formOf(currentContent(server.db, badgeId), r, { summary: "With a big image" }))) fd.set(k, v);
    fd.set("image", new Blob([new Uint8Array(1024 * 1024 + 10)], { type: "image/png" }), "big.png");
    const res = await ada.session.post(`/badges/${badgeId}/edit`, fd);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("The image must be at most 1 MiB.");
    expect(html).toContain("With a big image");
  });

  it("lists the history, shows a revision's changes field by field, and restores it as a new revision", async () => {
    const list = await vera.session.get(`/badges/${badgeId}/history`);
    expect(list.status).toBe(200);
    const html = await read(list);
    const revisions = listRevisions(server.db, ada.user.id, badgeId);
    for (const r of revisions) expect(html).toContain(`Revision ${r.number}</a>`);
    expect(html).toContain('Grace<span class="muted"> · Acme');
    expect((await outsider.session.get(`/badges/${badgeId}/history`)).status).toBe(404);

    const second = revisions.find((r) => r.number === 2)!;
    const diff = await read(await ada.session.get(`/badges/${badgeId}/history/${second.id}`));
    expect(diff).toContain("Compared with revision 1.");
    expect(diff).toMatch(/<ins>.*Draw the change you want\.<\/ins>/);
    expect(diff).toContain("SDG 4 — https://sdgs.un.org/goals/goal4 — (UN SDG)");
    expect(diff).toContain("Restore this revision");
    expect(await (await vera.session.get(`/badges/${badgeId}/history/${second.id}`)).text()).not.toContain("Restore this revision");
    expect((await ada.session.get(`/badges/${badgeId}/history/nope`)).status).toBe(404);

    expect((await vera.session.post(`/badges/${badgeId}/history/${second.id}`, {})).status).toBe(403);
    const restore = await ada.session.post(`/badges/${badgeId}/history/${second.id}`, {});
    expect(restore.status).toBe(302);
    const after = listRevisions(server.db, ada.user.id, badgeId);
    expect(restore.headers.get("location")).toBe(`/badges/${badgeId}/edit?restored=${after[0].number}`);
    expect(after[0]).toMatchObject({ restoredFromRevisionId: second.id, authorName: "Ada" });
    expect(currentContent(server.db, badgeId).name).toBe("Theory of Change");
    const listed = await read(await ada.session.get(`/badges/${badgeId}/history`));
    expect(listed).toContain("Restored revision 2");
  });

  it("takes comments from any member without JavaScript and refuses empty ones", async () => {
    const ok = await vera.session.post(`/badges/${badgeId}/comments`, { body: "Looks good to me", redirectTo: "https://evil.example/" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toMatch(new RegExp(`^/badges/${badgeId}/comments\\?commented=1`));
    const page = await (await vera.session.get(`/badges/${badgeId}/comments`)).text();
    expect(page).toContain("Looks good to me");
    const empty = await vera.session.post(`/badges/${badgeId}/comments`, { body: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Write a comment first");
    expect((await outsider.session.post(`/badges/${badgeId}/comments`, { body: "spam" })).status).toBe(404);
  });
});
