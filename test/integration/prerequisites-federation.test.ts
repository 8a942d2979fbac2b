// Prerequisites across two Badge Commons instances on loopback, neither following the
// other: a badge URL of one pasted in the other's editor is fetched and stored; a cycle
// through both is refused with its names; the conditions travel losslessly; a prerequisite
// its home withdraws shows as unavailable once the other side looks again.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, versions } from "../../db/schema";
import type { BadgeContent } from "../../app/services/badge-content";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge, getBadge } from "../../app/services/badges.server";
import { searchCatalogue } from "../../app/services/catalogue.server";
import { edgesFrom } from "../../app/services/prerequisite-graph.server";
import { withdrawBadge } from "../../app/services/publishing.server";
import { verifyVersionHash } from "../../app/services/versions.server";
import { addMember } from "../support/factories";
import { currentContent } from "../support/editor-factories";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { signedUp } from "../support/live-client";
import { editDraft, type Team } from "../support/publishing";
import { serviceContextOf, startTestServer, type HttpSession, type TestServer } from "../support/server";

const read = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");
const baseOf = (html: string) => html.match(/name="baseRevisionId" value="([^"]+)"/)![1];

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

type Person = { session: HttpSession; user: { id: string } };

describe("prerequisites across two instances", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let riverside: Team; // on A
  let changemakers: Team; // on B
  let bo: Person; // Riverside's admin, on A
  let ada: Person; // Changemakers' admin, on B
  let hostA: string;
  const onA: Record<string, { id: string; uri: string }> = {};
  let storytelling: { id: string; uri: string }; // on B
  let tocId = ""; // Theory of Change, on B
  let missing = ""; // an address on A where no badge is

  const publish = (ctx: ServiceContext, team: Team, name: string) => {
    const badge = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name, approvalPolicy: "steward" });
    editDraft(ctx, team.editor.id, badge.id, { summary: `${name}, in short.`, criteria: `Show ${name}.` });
    approveAndPublish(ctx, badge.id, [team]);
    return getBadge(ctx.db, badge.id);
  };

  async function publishOverHttp(who: Person, server: TestServer, team: Team, badgeId: string) {
    const revisionId = getBadge(server.db, badgeId).currentRevisionId!;
    const page = `/badges/${badgeId}/publishing`;
    expect((await who.session.post(page, { intent: "approve", organisationId: team.org.id, revisionId })).status).toBe(302);
    return who.session.post(page, { intent: "publish", revisionId });
  }

  const heldOn = (server: TestServer, uri: string) => server.db.select().from(badges).where(eq(badges.uri, uri)).get();

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
    hostA = `localhost:${a.port}`;
    ctxA = serviceContextOf(a);
    ctxB = serviceContextOf(b);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school" });
    changemakers = makeLocalTeam(ctxB, { handle: "changemakers", name: "Changemakers Network" });
    bo = await signedUp(a.url, a.db, "bo@riverside.example", "Bo");
    addMember(a.db, riverside.org.id, bo.user.id, "admin");
    ada = await signedUp(b.url, b.db, "ada@changemakers.example", "Ada");
    addMember(b.db, changemakers.org.id, ada.user.id, "admin");
    for (const name of ["Social Innovation 101", "Community Archiving"]) onA[name] = publish(ctxA, riverside, name);
    storytelling = publish(ctxB, changemakers, "Storytelling");
    missing = `http://${hostA}/badges/no-such-badge`;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("fetches and stores badges of the other instance pasted in the editor, and publishes conditions over both", async () => {
    const { "Social Innovation 101": si, "Community Archiving": archive } = onA;
    const res = await ada.session.post("/badges/new", { stewardOrganisationId: changemakers.org.id, name: "Theory of Change", approvalPolicy: "steward" });
    tocId = res.headers.get("location")!.split("/")[2];
    const editor = await read(await ada.session.get(`/badges/${tocId}/edit`));
    expect(heldOn(b, si.uri)).toBeUndefined();
    const saved = await ada.session.post(
      `/badges/${tocId}/edit`,
      draftForm({ ...currentContent(b.db, tocId), summary: "Plan change.", criteria: "Write a theory of change." }, baseOf(editor), {
        "prerequisites.0.rule": "any",
        "prerequisites.0.count": "",
        "prerequisites.0.badges": [storytelling.uri],
        "prerequisites.0.urls": `${si.uri}\n${missing}`,
        "prerequisites.1.rule": "all",
        "prerequisites.1.count": "",
        "prerequisites.1.urls": archive.uri,
      }),
    );
    expect(saved.status).toBe(302);
    // B now holds both of A's badges, as remote badges of Riverside School on A.
    for (const uri of [si.uri, archive.uri]) expect(heldOn(b, uri)).toMatchObject({ status: "published" });
    expect(searchCatalogue(b.db, { q: "archiving" }).entries[0].steward).toMatchObject({ name: "Riverside School", host: hostA });
    // The address where A has nothing is kept, and shown as unavailable.
    expect(currentContent(b.db, tocId).prerequisites).toEqual([
      { requiredNumber: 1, badges: [storytelling.uri, si.uri, missing] },
      { requiredNumber: 1, badges: [archive.uri] },
    ]);
    const again = await read(await ada.session.get(`/badges/${tocId}/edit`));
    expect(again).toContain(`<option value="${si.uri}" selected="">Social Innovation 101 — Riverside School</option>`);
    expect(again).toContain(`<code>${missing}</code> — it could not be fetched from its instance, or is not a badge`);

    expect((await publishOverHttp(ada, b, changemakers, tocId)).status).toBe(302);
    const page = await read(await ada.session.get(`/badges/${tocId}`));
    expect(page).toContain("Any 1 of these 3:");
    expect(page).toContain(`Social Innovation 101</a><span class="muted small"> on ${hostA}</span>`);
    expect(page).toContain(`${missing}</a> <span class="pill withdrawn">unavailable</span>`);
  });

  it("refuses, on the other instance, a save that closes a cycle through both, naming it", async () => {
    const si = onA["Social Innovation 101"];
    const toc = getBadge(b.db, tocId);
    const editor = await read(await bo.session.get(`/badges/${si.id}/edit`));
    // A has not seen Theory of Change yet: it is fetched with the save, and its conditions
    // (which name A's own badge) close the cycle.
    expect(heldOn(a, toc.uri)).toBeUndefined();
    const res = await bo.session.post(
      `/badges/${si.id}/edit`,
      draftForm(currentContent(a.db, si.id), baseOf(editor), {
        "prerequisites.0.rule": "all",
        "prerequisites.0.count": "",
        "prerequisites.0.urls": toc.uri,
      }),
    );
    expect(res.status).toBe(400);
    const html = await read(res);
    expect(html).toContain("These prerequisites make a cycle: Social Innovation 101 → Theory of Change → Social Innovation 101");
    expect(heldOn(a, toc.uri)).toMatchObject({ status: "published" });
    expect(currentContent(a.db, si.id).prerequisites).toEqual([]);
  });

  it("carries the conditions losslessly: the copy on A is B's version, byte for byte, with the same edges", async () => {
    const toc = getBadge(b.db, tocId);
    const onB = b.db.select().from(versions).where(eq(versions.id, toc.latestVersionId!)).get()!;
    const copy = heldOn(a, toc.uri)!;
    const onACopy = a.db.select().from(versions).where(eq(versions.id, copy.latestVersionId!)).get()!;
    expect(onACopy.uri).toBe(onB.uri);
    expect(onACopy.content).toEqual(onB.content);
    expect(onACopy.contentHash).toBe(onB.contentHash);
    expect(verifyVersionHash(onACopy)).toBe(true);
    const shape = (e: ReturnType<typeof edgesFrom>[number]) => [e.badgeUri, e.conditionIndex, e.requiredNumber, e.conditionSize, e.position, e.prerequisiteUri];
    expect(edgesFrom(a.db, [copy.id]).map(shape)).toEqual(edgesFrom(b.db, [toc.id]).map(shape));
    // What B serves: the conditions, and no flat list an older peer would read as all-of.
    const object = (await (await fetch(toc.uri, { headers: { accept: "application/activity+json" } })).json()) as Record<string, unknown>;
    expect(object).not.toHaveProperty("prerequisites");
    expect(object.prerequisiteConditions).toEqual((onB.content as BadgeContent).prerequisites);
    // A's page of its copy says the same rules, A's own badge linked to its page there.
    const page = await read(await fetch(`${a.url}/badges/${copy.id}`));
    expect(page).toContain("Any 1 of these 3:");
    expect(page).toContain(`href="/badges/${onA["Social Innovation 101"].id}">Social Innovation 101</a>`);
    expect(page).toContain(`${missing}</a> <span class="pill withdrawn">unavailable</span>`);
  });

  it("shows a prerequisite its home withdrew as unavailable, still named, once the other side looks again", async () => {
    const archive = onA["Community Archiving"];
    withdrawBadge(ctxA, riverside.admin.id, archive.id);
    // B does not follow Riverside, so no Delete reaches it: its copy stands until it asks.
    expect(heldOn(b, archive.uri)?.status).toBe("published");
    // Publishing the next version of Theory of Change looks at every remote prerequisite again.
    editDraft(ctxB, changemakers.editor.id, tocId, { summary: "Plan change, step by step." });
    expect((await publishOverHttp(ada, b, changemakers, tocId)).status).toBe(302);
    expect(heldOn(b, archive.uri)?.status).toBe("withdrawn");
    expect(searchCatalogue(b.db, { q: "archiving" }).total).toBe(0);
    const page = await read(await ada.session.get(`/badges/${tocId}`));
    expect(page).toContain(
      `Community Archiving</a><span class="muted small"> on ${hostA}</span> <span class="pill withdrawn">unavailable</span> <span class="muted small">withdrawn by its steward</span>`,
    );
    // Never dropped: version 2 names it as version 1 did, and the graph keeps the edge.
    expect(currentContent(b.db, tocId).prerequisites).toContainEqual({ requiredNumber: 1, badges: [archive.uri] });
    expect(edgesFrom(b.db, [tocId]).map((e) => e.prerequisiteUri)).toContain(archive.uri);
    const editor = await read(await ada.session.get(`/badges/${tocId}/edit`));
    expect(editor).toContain(`<code>${archive.uri}</code> — its steward withdrew it`);
  });
});
