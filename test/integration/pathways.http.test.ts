// Composing and publishing a pathway through its pages without JavaScript: starting one,
// the plain editor (picking, pasting, guidance, routes, errors kept, stale saves), who may
// see and do what, co-author consent, approval and publication, the public page, the list
// and the catalogue's tab, and the same URL answering ActivityStreams.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, type Badge } from "../../db/schema";
import { currentPathwayRevision, getPathway, pathwayRevisionContent } from "../../app/services/pathways.server";
import { makePublishedBadge } from "../support/catalogue-factories";
import { addMember, makeOrganisation } from "../support/factories";
import { signedUp } from "../support/live-client";
import { startTestServer, type TestServer } from "../support/server";

type Person = Awaited<ReturnType<typeof signedUp>>;

describe("pathways over HTTP", () => {
  let server: TestServer;
  let amara: Person; // admin of the steward
  let dana: Person; // editor of the steward
  let chen: Person; // admin of the partner school
  let otto: Person; // no organisation
  let stewardId: string;
  let goal: Badge;
  let si101: Badge;
  let toc: Badge;
  let design: Badge;
  let remote: Badge;
  let pathwayId: string;

  const read = async (res: Response) => (await res.text()).replaceAll("<!-- -->", "");
  const base = (html: string) => html.match(/name="baseRevisionId" value="([^"]+)"/)![1];
  const content = () => pathwayRevisionContent(currentPathwayRevision(server.db, getPathway(server.db, pathwayId)));

  beforeAll(async () => {
    server = await startTestServer();
    amara = await signedUp(server.url, server.db, "amara@example.org", "Amara");
    dana = await signedUp(server.url, server.db, "dana@example.org", "Dana");
    chen = await signedUp(server.url, server.db, "chen@example.org", "Chen");
    otto = await signedUp(server.url, server.db, "otto@example.org", "Otto");
    const steward = makeOrganisation(server.db, { name: "Changemakers", handle: "changemakers" });
    const school = makeOrganisation(server.db, { name: "Northside School", handle: "northside", kind: "school" });
    stewardId = steward.id;
    addMember(server.db, steward.id, amara.user.id, "admin");
    addMember(server.db, steward.id, dana.user.id, "editor");
    addMember(server.db, school.id, chen.user.id, "admin");
    const publish = (name: string) => makePublishedBadge(server.db, { steward, content: { name } });
    goal = publish("Changemaker Foundations");
    si101 = publish("Social Innovation 101");
    toc = publish("Theory of Change");
    design = publish("Design Thinking");
    const peer = makeOrganisation(server.db, { handle: "riverside", name: "Riverside Garden", host: "peer.example", kind: "community" });
    remote = makePublishedBadge(server.db, { steward: peer, content: { name: "Community Archiving" }, publicUrl: "https://peer.example" });
    server.db.update(badges).set({ remoteUrl: "https://peer.example/b/archiving" }).where(eq(badges.id, remote.id)).run();
  });
  afterAll(() => server?.close());

  it("starts a pathway only where the person is an editor, keeping what was typed on errors", async () => {
    expect((await otto.session.get("/pathways/new")).status).toBe(200);
    expect(await read(await otto.session.get("/pathways/new"))).toContain("you are not an editor of any organisation");
    const bad = await dana.session.post("/pathways/new", { stewardOrganisationId: stewardId, name: " ", approvalPolicy: "steward" });
    expect(bad.status).toBe(400);
    expect(await read(bad)).toContain("Give the pathway a name");
    const refused = await otto.session.post("/pathways/new", { stewardOrganisationId: stewardId, name: "Mine", approvalPolicy: "steward" });
    expect(refused.status).toBe(403);
    const res = await dana.session.post("/pathways/new", { stewardOrganisationId: stewardId, name: "Changemaker Foundations", approvalPolicy: "all" });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/pathways\/[0-9a-f-]{36}\/edit\?started=1$/);
    pathwayId = location.split("/")[2];
  });

  it("saves the plain form: goal and steps picked or pasted, guidance, one ordered route by default", async () => {
    const page = await read(await dana.session.get(`/pathways/${pathwayId}/edit?started=1`));
    expect(page).toContain("Pathway started");
    expect(page).toContain("Community Archiving — Riverside Garden (peer.example)");
    const fields = {
      baseRevisionId: base(page),
      name: "Changemaker Foundations",
      summary: "From first steps to leading change.",
      language: "en",
      goal: goal.uri,
      goalUrl: "",
      "steps.0.badge": si101.uri,
      "steps.0.badgeUrl": "",
      "steps.0.guidance": "Start here: <script>alert(1)</script> frame a problem.",
      "steps.1.badge": "",
      "steps.1.badgeUrl": "",
      "steps.1.guidance": "Guidance without a badge",
      "steps.2.badge": "",
      "steps.2.badgeUrl": "https://peer.example/b/archiving",
      "steps.2.guidance": "Across the river.",
    };
    const bad = await dana.session.post(`/pathways/${pathwayId}/edit`, fields);
    expect(bad.status).toBe(400);
    const badPage = await read(bad);
    expect(badPage).toContain("Choose a badge for this step, or empty its guidance to remove it");
    // What was typed stays, on the row it was typed in.
    expect(badPage).toContain("Guidance without a badge");
    expect(badPage).toContain('value="https://peer.example/b/archiving"');
    const saved = await dana.session.post(`/pathways/${pathwayId}/edit`, { ...fields, "steps.1.guidance": "" });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`/pathways/${pathwayId}/edit?saved=2&changed=summary,goal,steps,routes`);
    expect(content()).toEqual({
      name: "Changemaker Foundations",
      summary: "From first steps to leading change.",
      language: "en",
      goal: goal.uri,
      steps: [
        { badge: si101.uri, guidance: "Start here: <script>alert(1)</script> frame a problem." },
        { badge: remote.uri, guidance: "Across the river." },
      ],
      routes: [{ name: "", stages: [{ badges: [si101.uri], required: 1 }, { badges: [remote.uri], required: 1 }] }],
    });
  });

  it("composes routes from ticked steps, maps service errors back to the rows, and refuses a stale save", async () => {
    const page = await read(await dana.session.get(`/pathways/${pathwayId}/edit`));
    const revision = base(page);
    const fields = {
      baseRevisionId: revision,
      name: "Changemaker Foundations",
      summary: "From first steps to leading change.",
      language: "en",
      goal: goal.uri,
      "steps.0.badge": si101.uri,
      "steps.0.guidance": "Start here.",
      "steps.1.badge": remote.uri,
      "steps.1.guidance": "Across the river.",
      "steps.2.badge": toc.uri,
      "steps.2.guidance": "",
      "steps.3.badge": "",
      "steps.3.badgeUrl": "https://nowhere.example/badges/9",
      "steps.3.guidance": "",
      "routes.0.name": "Foundations",
      "routes.0.stages.0.badges": si101.uri,
      "routes.0.stages.0.required": "all",
      "routes.0.stages.1.required": "all",
      "routes.1.name": "",
      "routes.1.stages.0.required": "all",
    };
    const unknown = await dana.session.post(`/pathways/${pathwayId}/edit`, fields);
    expect(unknown.status).toBe(400);
    const unknownPage = await read(unknown);
    expect(unknownPage).toContain("No published badge with this address is known here");
    expect(unknownPage).toMatch(/id="steps-3-badge-error"/);
    // Stage 2 ticks two steps, any one of them completes it.
    const form = new URLSearchParams({ ...fields, "steps.3.badgeUrl": "", "routes.0.stages.1.required": "1" });
    form.append("routes.0.stages.1.badges", remote.uri);
    form.append("routes.0.stages.1.badges", toc.uri);
    form.append("routes.1.stages.0.badges", design.uri); // not a step: dropped by the form
    const saved = await dana.session.request(`/pathways/${pathwayId}/edit`, { method: "POST", body: form });
    expect(saved.status).toBe(302);
    expect(content().routes).toEqual([
      { name: "Foundations", stages: [{ badges: [si101.uri], required: 1 }, { badges: [remote.uri, toc.uri], required: 1 }] },
    ]);
    const stale = await dana.session.post(`/pathways/${pathwayId}/edit`, { ...fields, "steps.3.badgeUrl": "", summary: "Mine." });
    expect(stale.status).toBe(409);
    const stalePage = await read(stale);
    expect(stalePage).toContain("Dana saved revision 3 while you were editing");
    expect(stalePage).toContain("Mine.");
    expect(content().summary).toBe("From first steps to leading change.");
  });

  it("keeps the draft to its authors, and shows them a preview", async () => {
    expect((await otto.session.get(`/pathways/${pathwayId}`)).status).toBe(404);
    expect((await otto.session.get(`/pathways/${pathwayId}/edit`)).status).toBe(404);
    expect((await otto.session.get(`/pathways/${pathwayId}/publishing`)).status).toBe(404);
    const preview = await read(await dana.session.get(`/pathways/${pathwayId}`));
    expect(preview).toContain("A draft, seen only by its authors");
    expect(preview).toContain("Earn any one of these two:");
    const history = await read(await dana.session.get(`/pathways/${pathwayId}/history`));
    expect(history).toContain("#3");
    expect(history).toContain("Dana");
    expect(history).toContain("Routes");
  });

  it("asks a co-author's consent, needs every author's approval, then the steward's admin publishes", async () => {
    const invite = await amara.session.post(`/pathways/${pathwayId}/publishing`, { intent: "invite", handle: "@northside" });
    expect(invite.status).toBe(302);
    const invitations = await read(await chen.session.get("/coauthor-invitations"));
    expect(invitations).toContain("Changemakers invites <strong>Northside School</strong> to co-author this pathway");
    const accepted = await chen.session.post("/coauthor-invitations", { intent: "accept", pathwayId, organisationId: getSchoolId() });
    expect(accepted.headers.get("location")).toBe(`/pathways/${pathwayId}/publishing?notice=accepted`);
    const revisionId = getPathway(server.db, pathwayId).currentRevisionId!;
    // An editor cannot approve; the steward's approval alone does not meet "all".
    expect((await dana.session.post(`/pathways/${pathwayId}/publishing`, { intent: "approve", organisationId: stewardId, revisionId })).status).toBe(403);
    await amara.session.post(`/pathways/${pathwayId}/publishing`, { intent: "approve", organisationId: stewardId, revisionId });
    const early = await amara.session.post(`/pathways/${pathwayId}/publishing`, { intent: "publish", revisionId });
    expect(early.status).toBe(409);
    expect(await read(early)).toContain("1 of 2 author organisations approved, 2 needed");
    await chen.session.post(`/pathways/${pathwayId}/publishing`, { intent: "approve", organisationId: getSchoolId(), revisionId });
    expect((await chen.session.post(`/pathways/${pathwayId}/publishing`, { intent: "publish", revisionId })).status).toBe(403);
    const published = await amara.session.post(`/pathways/${pathwayId}/publishing`, { intent: "publish", revisionId });
    expect(published.headers.get("location")).toBe(`/pathways/${pathwayId}/publishing?notice=published`);
    expect(getPathway(server.db, pathwayId).status).toBe("published");
  });

  it("shows the published pathway to anyone: goal, routes, steps linking to badge pages, home instance marked, text escaped", async () => {
    const page = await read(await otto.session.get(`/pathways/${pathwayId}`));
    expect(page).toContain("<h1>Changemaker Foundations</h1>");
    expect(page).toContain(`href="/badges/${goal.id}"`);
    expect(page).toContain(`href="/badges/${si101.id}">Social Innovation 101</a>`);
    expect(page).toContain(`href="/badges/${remote.id}">Community Archiving</a>`);
    expect(page).toMatch(/<span class="visually-hidden">on <\/span>peer\.example/);
    expect(page).toContain("Start here.");
    expect(page).toContain("Foundations");
    expect(page).toContain("Version 1");
    expect(page).not.toContain("<script>alert(1)</script>");
    const version = await read(await otto.session.get(`/pathways/${pathwayId}/versions/1`));
    expect(version).toContain("recomputed from the stored content, and it matches");
    expect((await otto.session.get(`/pathways/${pathwayId}/versions/2`)).status).toBe(404);
    // The organisation's page lists it; the catalogue has a tab for it.
    expect(await read(await otto.session.get("/orgs/changemakers"))).toContain("Pathways stewarded by Changemakers");
    const catalogue = await read(await otto.session.get("/badges?q=archiving"));
    expect(catalogue).toMatch(/href="\/pathways\?q=archiving"[^>]*>Pathways<span class="count"> 1<\/span>/);
    const list = await read(await otto.session.get("/pathways?q=archiving"));
    expect(list).toContain("1 pathway match “archiving”.");
    expect(list).toContain(`href="/pathways/${pathwayId}"`);
    expect(await read(await otto.session.get("/pathways?q=archiving&instance=elsewhere"))).toContain("No pathways found.");
  });

  it("answers ActivityStreams at the same URL when asked", async () => {
    const res = await fetch(`${server.url}/pathways/${pathwayId}`, { headers: { accept: "application/activity+json" } });
    expect(res.headers.get("content-type")).toMatch(/^application\/activity\+json/);
    expect(res.headers.get("vary")).toContain("Accept");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "Note", name: "Changemaker Foundations", versionNumber: 1, goal: goal.uri });
    const html = await fetch(`${server.url}/pathways/${pathwayId}`, { headers: { accept: "text/html" } });
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("lets the steward's admin deprecate and then withdraw it, and says so", async () => {
    expect((await dana.session.post(`/pathways/${pathwayId}/publishing`, { intent: "deprecate" })).status).toBe(403);
    await amara.session.post(`/pathways/${pathwayId}/publishing`, { intent: "deprecate" });
    expect(await read(await otto.session.get(`/pathways/${pathwayId}`))).toContain("This pathway is deprecated");
    await amara.session.post(`/pathways/${pathwayId}/publishing`, { intent: "withdraw-pathway" });
    const gone = await otto.session.get(`/pathways/${pathwayId}`);
    expect(gone.status).toBe(410);
    expect(await read(gone)).toContain("This pathway was withdrawn by its steward.");
    const tombstone = await fetch(`${server.url}/pathways/${pathwayId}`, { headers: { accept: "application/activity+json" } });
    expect(tombstone.status).toBe(410);
    expect(await read(await otto.session.get("/pathways"))).toContain("No pathway has been published yet.");
  });

  function getSchoolId() {
    return server.db.query.organisations.findFirst({ where: (o, { eq: equals }) => equals(o.handle, "northside") }).sync()!.id;
  }
});
