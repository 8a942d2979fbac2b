// Prerequisites over HTTP on one instance, as a browser without JavaScript uses them:
// conditions typed in the draft form, mistakes answered with everything typed kept,
// published and shown in words, and cycles refused with the badges named.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BadgeContent } from "../../app/services/badge-content";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge, getBadge } from "../../app/services/badges.server";
import { edgesFrom } from "../../app/services/prerequisite-graph.server";
import { addMember } from "../support/factories";
import { currentContent } from "../support/editor-factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { fieldsOf, readValues } from "../../app/realtime/draft-doc";
import { LiveClient, signedUp, waitFor } from "../support/live-client";
import { editDraft, type Team } from "../support/publishing";
import { serviceContextOf, startTestServer, type HttpSession, type TestServer } from "../support/server";

// React separates adjacent text with <!-- -->; matching reads the page without them.
const read = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");
const baseOf = (html: string) => html.match(/name="baseRevisionId" value="([^"]+)"/)![1];

/** The whole draft form as the page would post it, with `over` typed on top. */
function draftForm(content: BadgeContent, baseRevisionId: string, over: Record<string, string | string[]>) {
  const form = new FormData();
  const fields: Record<string, string | string[]> = {
    baseRevisionId,
    name: content.name,
    summary: content.summary,
    criteria: content.criteria,
    tags: content.tags.join(", "),
    achievementType: content.achievementType,
    language: content.language,
    estimatedHours: content.estimatedHours === null ? "" : String(content.estimatedHours),
    ...over,
  };
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
  return form;
}

describe("prerequisites over HTTP", () => {
  let server: TestServer;
  let ctx: ServiceContext;
  let ada: { session: HttpSession; user: { id: string } };
  let bo: { session: HttpSession; user: { id: string } };
  let changemakers: Team;
  let riverside: Team;
  const published: Record<string, { id: string; uri: string }> = {};
  // Theory of Change, as the first test publishes it.
  let tocId = "";

  function publishOn(team: Team, name: string, prerequisites: BadgeContent["prerequisites"] = []) {
    const badge = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
    editDraft(ctx, team.editor.id, badge.id, { summary: `${name}, in short.`, criteria: `Show ${name}.`, prerequisites });
    approveAndPublish(ctx, badge.id, [team]);
    return getBadge(ctx.db, badge.id);
  }

  async function newDraft(who: typeof ada, team: Team, name: string) {
    const res = await who.session.post("/badges/new", { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
    expect(res.status).toBe(302);
    return res.headers.get("location")!.split("/")[2];
  }

  async function approveAndPublishOverHttp(who: typeof ada, team: Team, badgeId: string) {
    const revisionId = getBadge(server.db, badgeId).currentRevisionId!;
    const page = `/badges/${badgeId}/publishing`;
    expect((await who.session.post(page, { intent: "approve", organisationId: team.org.id, revisionId })).status).toBe(302);
    return who.session.post(page, { intent: "publish", revisionId });
  }

  beforeAll(async () => {
    server = await startTestServer();
    ctx = serviceContextOf(server);
    changemakers = makeLocalTeam(ctx, { handle: "changemakers", name: "Changemakers" });
    riverside = makeLocalTeam(ctx, { handle: "riverside", name: "Riverside School", kind: "school" });
    ada = await signedUp(server.url, server.db, "ada@example.org", "Ada");
    bo = await signedUp(server.url, server.db, "bo@example.org", "Bo");
    addMember(server.db, changemakers.org.id, ada.user.id, "admin");
    addMember(server.db, riverside.org.id, bo.user.id, "admin");
    for (const name of ["Social Innovation 101", "Storytelling", "Community Archiving"]) published[name] = publishOn(riverside, name);
  });
  const clients: LiveClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it("saves conditions typed in the form, keeps a badge it cannot fetch, and shows each rule in words", async () => {
    const { "Social Innovation 101": si, Storytelling: story, "Community Archiving": archive } = published;
    const badgeId = await newDraft(ada, changemakers, "Theory of Change");
    tocId = badgeId;
    const editor = await read(await ada.session.get(`/badges/${badgeId}/edit`));
    // The catalogue to pick from, and a blank condition to fill.
    expect(editor).toContain(`<option value="${si.uri}">Social Innovation 101 — Riverside School</option>`);
    expect(editor).toContain('name="prerequisites.0.rule"');
    expect(editor).toContain('name="prerequisites.0.urls"');
    expect(editor).not.toContain('name="prerequisites.1.rule"');

    // Nothing listens there: the badge cannot be fetched, and is kept all the same.
    const unreachable = "http://127.0.0.1:9/badges/somewhere";
    const content = currentContent(server.db, badgeId);
    const res = await ada.session.post(
      `/badges/${badgeId}/edit`,
      draftForm({ ...content, summary: "Plan change.", criteria: "Write a theory of change." }, baseOf(editor), {
        "prerequisites.0.rule": "any",
        "prerequisites.0.count": "",
        "prerequisites.0.badges": [si.uri, story.uri],
        "prerequisites.0.urls": "",
        "prerequisites.1.rule": "count",
        "prerequisites.1.count": "2",
        "prerequisites.1.badges": [archive.uri],
        "prerequisites.1.urls": `${story.uri}\n${unreachable}`,
        "prerequisites.2.rule": "all",
        "prerequisites.2.count": "",
        "prerequisites.2.urls": "",
      }),
    );
    expect(res.status).toBe(302);
    expect(currentContent(server.db, badgeId).prerequisites).toEqual([
      { requiredNumber: 1, badges: [si.uri, story.uri] },
      { requiredNumber: 2, badges: [archive.uri, story.uri, unreachable] },
    ]);

    // The editor shows the rules as chosen, and says which badge it cannot show, and why.
    const again = await read(await ada.session.get(`/badges/${badgeId}/edit`));
    expect(again).toMatch(/id="prerequisites-0-rule"[^>]*>.*?<option value="any" selected=""/s);
    expect(again).toMatch(/id="prerequisites-1-count"[^>]*value="2"|value="2"[^>]*id="prerequisites-1-count"/);
    expect(again).toContain(`${unreachable}</textarea>`);
    expect(again).toContain("Kept, but not available here:");
    expect(again).toContain(`<code>${unreachable}</code> — it could not be fetched from its instance, or is not a badge`);
    // One blank condition after the two, for a third.
    expect(again).toContain('name="prerequisites.2.rule"');

    expect((await approveAndPublishOverHttp(ada, changemakers, badgeId)).status).toBe(302);
    expect(edgesFrom(server.db, [badgeId]).map((e) => [e.conditionIndex, e.requiredNumber, e.prerequisiteUri])).toEqual([
      [0, 1, si.uri],
      [0, 1, story.uri],
      [1, 2, archive.uri],
      [1, 2, story.uri],
      [1, 2, unreachable],
    ]);
    for (const path of [`/badges/${badgeId}`, `/badges/${badgeId}/versions/1`]) {
      const page = await read(await ada.session.get(path));
      expect(page).toContain("Every one of these conditions:");
      expect(page).toContain("Any 1 of these 2:");
      expect(page).toContain("2 of these 3:");
      expect(page).toContain(`href="/badges/${si.id}">Social Innovation 101</a>`);
      expect(page).toContain(`${unreachable}</a> <span class="pill withdrawn">unavailable</span> <span class="muted small">not available on this instance`);
    }
    // And the badge it builds on says where it leads.
    const siPage = await read(await ada.session.get(`/badges/${si.id}`));
    expect(siPage).toContain("Leads to");
    expect(siPage).toContain(`href="/badges/${badgeId}">Theory of Change</a>`);
  });

  it("answers a rule that cannot be met with 400 by its condition, keeping everything typed", async () => {
    const { "Social Innovation 101": si, Storytelling: story } = published;
    const badgeId = await newDraft(ada, changemakers, "Facilitation");
    const editor = await read(await ada.session.get(`/badges/${badgeId}/edit`));
    const res = await ada.session.post(
      `/badges/${badgeId}/edit`,
      draftForm(currentContent(server.db, badgeId), baseOf(editor), {
        summary: "Typed summary kept",
        "prerequisites.0.rule": "count",
        "prerequisites.0.count": "5",
        "prerequisites.0.badges": [si.uri],
        "prerequisites.0.urls": `${story.uri}\nhttps://elsewhere.example/badges/typed`,
        "prerequisites.1.rule": "all",
        "prerequisites.1.count": "",
        "prerequisites.1.urls": "javascript:alert(1)",
      }),
    );
    expect(res.status).toBe(400);
    const html = await read(res);
    expect(html).toContain("Enter how many of the 3 badges are needed, from 1 to 3");
    expect(html).toContain("Not a badge URL: javascript:alert(1)");
    expect(html).toContain("Typed summary kept");
    expect(html).toMatch(/id="prerequisites-0-count"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/value="5"/);
    // A pasted address of a badge in the catalogue shows as chosen there; the others stay pasted.
    expect(html).toContain(">https://elsewhere.example/badges/typed</textarea>");
    expect(html).toContain("javascript:alert(1)</textarea>");
    expect(html).toContain(`<option value="${si.uri}" selected="">`);
    expect(html).toContain(`<option value="${story.uri}" selected="">`);
    // Nothing was saved.
    expect(currentContent(server.db, badgeId).prerequisites).toEqual([]);
  });

  it("refuses a save that would close a cycle, naming the badges in order", async () => {
    // Theory of Change (Changemakers) needs Social Innovation 101 (any of two); Bo, of
    // Riverside, tries to make Social Innovation 101 need Theory of Change.
    const { "Social Innovation 101": si } = published;
    const toc = getBadge(server.db, tocId);
    const editor = await read(await bo.session.get(`/badges/${si.id}/edit`));
    const res = await bo.session.post(
      `/badges/${si.id}/edit`,
      draftForm(currentContent(server.db, si.id), baseOf(editor), {
        "prerequisites.0.rule": "all",
        "prerequisites.0.count": "",
        "prerequisites.0.urls": toc.uri,
      }),
    );
    expect(res.status).toBe(400);
    const html = await read(res);
    expect(html).toContain("These prerequisites make a cycle: Social Innovation 101 → Theory of Change → Social Innovation 101");
    expect(html).toContain(`<option value="${toc.uri}" selected="">`);
    expect(currentContent(server.db, si.id).prerequisites).toEqual([]);
  });

  it("refuses publication when others' publishing closed a cycle since the save, and the publishing page says why", async () => {
    const oral = await newDraft(ada, changemakers, "Oral History");
    const storytelling = published.Storytelling;
    const editor = await read(await ada.session.get(`/badges/${oral}/edit`));
    const saved = await ada.session.post(
      `/badges/${oral}/edit`,
      draftForm({ ...currentContent(server.db, oral), summary: "Record voices.", criteria: "Interview three elders." }, baseOf(editor), {
        "prerequisites.0.rule": "all",
        "prerequisites.0.count": "",
        "prerequisites.0.urls": storytelling.uri,
      }),
    );
    expect(saved.status).toBe(302);
    // Riverside now makes Storytelling need Oral History: a draft, so nothing closes yet.
    editDraft(ctx, riverside.editor.id, storytelling.id, { prerequisites: [getBadge(server.db, oral).uri] });
    approveAndPublish(ctx, storytelling.id, [riverside]);

    const panel = await read(await ada.session.get(`/badges/${oral}/publishing`));
    expect(panel).toContain("Oral History → Storytelling → Oral History");
    const res = await approveAndPublishOverHttp(ada, changemakers, oral);
    expect(res.status).toBe(409);
    expect(await read(res)).toContain("These prerequisites make a cycle: Oral History → Storytelling → Oral History");
    expect(getBadge(server.db, oral).status).toBe("draft");
  });


  it("co-edits conditions live: one editor's change reaches the other, a commit saves it, a cycle is refused", async () => {
    const { "Social Innovation 101": si, Storytelling: story } = published;
    const badgeId = await newDraft(ada, changemakers, "Mediation");
    const [one, two] = [await LiveClient.connect(server.url, ada.session.cookieHeader), await LiveClient.connect(server.url, ada.session.cookieHeader)];
    clients.push(one, two);
    expect((await one.join(badgeId)).ok && (await two.join(badgeId)).ok).toBe(true);
    const rows = [{ id: "c1", rule: "count", count: "1", badges: [si.uri, story.uri] }];
    fieldsOf(one.doc!).set("prerequisites", rows);
    await waitFor(() => readValues(two.doc!).prerequisites.length === 1, 2000, "the condition to reach the other editor");
    expect(readValues(two.doc!).prerequisites).toEqual(rows);
    expect(await two.commit()).toMatchObject({ ok: true, status: "saved" });
    expect(currentContent(server.db, badgeId).prerequisites).toEqual([{ requiredNumber: 1, badges: [si.uri, story.uri] }]);

    // Bo, live in Social Innovation 101, makes it need Theory of Change: a cycle, refused by name.
    const bos = await LiveClient.connect(server.url, bo.session.cookieHeader);
    clients.push(bos);
    expect((await bos.join(si.id)).ok).toBe(true);
    fieldsOf(bos.doc!).set("prerequisites", [{ id: "c1", rule: "all", count: "", badges: [getBadge(server.db, tocId).uri] }]);
    const refused = await bos.commit();
    expect(refused).toMatchObject({ ok: false, status: 400 });
    expect(!refused.ok && refused.fieldErrors?.prerequisites?.[0]).toContain("Social Innovation 101 → Theory of Change → Social Innovation 101");
    expect(currentContent(server.db, si.id).prerequisites).toEqual([]);
  });
});
