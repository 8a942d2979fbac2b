// Where a badge fits, over HTTP between two instances on loopback: B's "Theory of Change"
// takes either of two badges stewarded on A (pasted as addresses, fetched and stored), one
// of which needs the other. B's badge page draws that graph on the server (SVG and the same
// as a list, home instances named, the learner's progress in words), and a learner on B
// sees what they can earn next, with where each badge is offered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { badges } from "../../db/schema";
import type { BadgeContent } from "../../app/services/badge-content";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge, getBadge } from "../../app/services/badges.server";
import type { Prerequisites } from "../../app/services/prerequisites";
import { addMember } from "../support/factories";
import { currentContent } from "../support/editor-factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { signedUp } from "../support/live-client";
import { editDraft, type Team } from "../support/publishing";
import { HttpSession, serviceContextOf, startTestServer, type TestServer } from "../support/server";

const read = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");
const baseOf = (html: string) => html.match(/name="baseRevisionId" value="([^"]+)"/)![1];
// What a part of a page says, without its markup.
const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
const between = (html: string, start: string, end: string) => html.slice(html.indexOf(start), html.indexOf(end, html.indexOf(start)));

describe("the graph picture and what to earn next, across two instances", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let riverside: Team; // on A
  let changemakers: Team; // on B
  let ada: { session: HttpSession }; // Changemakers' admin, on B
  let lee: HttpSession; // a learner on B
  let hostA = "";
  const onA: Record<string, { id: string; uri: string }> = {};
  let tocId = "";

  const publish = (ctx: ServiceContext, team: Team, name: string, prerequisites: Prerequisites = []) => {
    const badge = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
    editDraft(ctx, team.editor.id, badge.id, { summary: `${name}, in short.`, criteria: `Show ${name}.`, prerequisites });
    approveAndPublish(ctx, badge.id, [team]);
    return getBadge(ctx.db, badge.id);
  };
  const copyOnB = (uri: string) => b.db.select().from(badges).where(eq(badges.uri, uri)).get()!;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
    hostA = `localhost:${a.port}`;
    ctxA = serviceContextOf(a);
    const ctxB = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    changemakers = makeLocalTeam(ctxB, { handle: "changemakers", name: "Changemakers Network" });
    onA.si = publish(ctxA, riverside, "Social Innovation 101");
    onA.oral = publish(ctxA, riverside, "Oral History", [onA.si.uri]);
    const admin = await signedUp(b.url, b.db, "ada@changemakers.example", "Ada");
    addMember(b.db, changemakers.org.id, admin.user.id, "admin");
    ada = admin;

    // Ada pastes A's two badges into Theory of Change's editor on B: any one of them will do.
    const res = await ada.session.post("/badges/new", { stewardOrganisationId: changemakers.org.id, name: "Theory of Change", approvalPolicy: "steward" });
    tocId = res.headers.get("location")!.split("/")[2];
    const editor = await read(await ada.session.get(`/badges/${tocId}/edit`));
    const content: BadgeContent = { ...currentContent(b.db, tocId), summary: "Plan change.", criteria: "Write a theory of change." };
    const form = new FormData();
    const fields: Record<string, string> = {
      baseRevisionId: baseOf(editor),
      name: content.name,
      summary: content.summary,
      criteria: content.criteria,
      tags: "",
      achievementType: content.achievementType,
      language: content.language,
      estimatedHours: "",
      "prerequisites.0.rule": "any",
      "prerequisites.0.count": "",
      "prerequisites.0.urls": `${onA.si.uri}\n${onA.oral.uri}`,
    };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    expect((await ada.session.post(`/badges/${tocId}/edit`, form)).status).toBe(302);
    const page = `/badges/${tocId}/publishing`;
    const revisionId = getBadge(b.db, tocId).currentRevisionId!;
    expect((await ada.session.post(page, { intent: "approve", organisationId: changemakers.org.id, revisionId })).status).toBe(302);
    expect((await ada.session.post(page, { intent: "publish", revisionId })).status).toBe(302);

    lee = new HttpSession(b.url);
    await lee.signUp("lee@learner.example", "Lee Park");
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("draws the badge's graph on B's page without JavaScript: A's badges named with their home, the rule as a junction, the same as a list", async () => {
    const html = await read(await fetch(`${b.url}/badges/${tocId}`));
    const figure = between(html, '<section aria-labelledby="graph-heading"', "</section>");
    const svg = between(figure, "<svg", "</svg>");
    expect(svg).toContain('role="img"');
    expect(svg).toContain("<title id=\"badge-graph-title\">Where Theory of Change fits</title>");
    expect(svg).toContain("Theory of Change, with 2 badges leading to it and none that it leads to yet.");
    // Three boxes, the rule between them, A's host under A's badges, no learner's marks.
    for (const name of ["Theory of Change", "Social Innovation 101", "Oral History"]) expect(svg).toContain(`>${name}</tspan>`);
    expect(svg).toContain(">any 1 of 2</text>");
    expect(svg.match(new RegExp(`>on ${hostA}</tspan>`, "g"))).toHaveLength(2);
    expect(svg).not.toMatch(/Held|Can earn now|Planned/);
    // Links to B's own copies of A's badges (for the mouse; the list carries them for keyboards).
    expect(svg).toContain(`href="/badges/${copyOnB(onA.oral.uri).id}" tabindex="-1"`);

    const list = textOf(between(html, '<div class="graph-list">', "</section>"));
    expect(list).toBe(
      `What leads to Theory of Change Any 1 of these 2: Social Innovation 101 (on ${hostA}) Oral History (on ${hostA}) Required: Social Innovation 101 (on ${hostA}) (shown above) ` +
        "What Theory of Change leads to No badge names it as a prerequisite yet.",
    );
    // A's page of Social Innovation 101 draws what it leads to there.
    const onAPage = await read(await fetch(`${a.url}/badges/${onA.si.id}`));
    expect(textOf(between(onAPage, '<div class="graph-list">', "</section>"))).toContain("What Social Innovation 101 leads to Oral History — needs it");
  });

  it("colours in the learner's progress and lists what they can earn next, with where each is offered", async () => {
    const siOnB = copyOnB(onA.si.uri);
    expect((await lee.post(`/badges/${siOnB.id}`, { intent: "hold" })).status).toBe(302);
    const html = await read(await lee.get(`/badges/${tocId}`));
    const svg = between(html, "<svg", "</svg>");
    expect(svg).toContain("marked with your progress.");
    expect(svg).toContain(">✓ Held</tspan>");
    expect(svg.match(/>➜ Can earn now<\/tspan>/g)).toHaveLength(2);
    expect(svg).toContain(">✓ any 1 of 2</text>");
    const list = textOf(between(html, '<div class="graph-list">', "</section>"));
    expect(list).toContain(`Any 1 of these 2 (met): Social Innovation 101 (on ${hostA}; held) Oral History (on ${hostA}; can earn now)`);

    let learning = await read(await lee.get("/learning"));
    let section = textOf(between(learning, '<section aria-labelledby="earn-next-heading"', "</section>"));
    expect(section).toContain("What you can earn next (2)");
    // Both build on one held badge: by name. Oral History is offered on A, Theory of Change here.
    expect(section).toMatch(
      new RegExp(
        `Oral History Offered by Riverside School, on ${hostA} · See it on ${hostA} .*Builds on what you hold: Social Innovation 101 ` +
          "Theory of Change Offered by Changemakers Network, on this instance .*Builds on what you hold: Social Innovation 101",
      ),
    );
    expect(learning).toContain(`href="/badges/${copyOnB(onA.oral.uri).id}">Oral History</a>`);
    expect(learning).toContain(`href="${onA.oral.uri}" rel="noopener">See it on ${hostA}</a>`);

    // Planning Theory of Change: it leaves the list, and Oral History is on the way to it.
    expect((await lee.post(`/badges/${tocId}`, { intent: "plan" })).status).toBe(302);
    learning = await read(await lee.get("/learning"));
    section = textOf(between(learning, '<section aria-labelledby="earn-next-heading"', "</section>"));
    expect(section).toContain("What you can earn next (1)");
    expect(section).toContain("On the way to your plan: Theory of Change Builds on what you hold: Social Innovation 101");
    expect(section).not.toContain("Offered by Changemakers Network");
    const page = await read(await lee.get(`/badges/${tocId}`));
    expect(between(page, "<svg", "</svg>")).toContain(">➜ Planned, can earn now</tspan>");
  });
});
