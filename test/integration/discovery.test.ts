// Looking up another instance or organisation from the /explore page, between two real
// instances on loopback: an organisation's published badges read from its outbox (its
// latest versions, not what it withdrew), an instance's organisations from the directory
// its NodeInfo names; bad addresses answered in words; nothing stored on the way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badges, follows } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import { createBadge } from "../../app/services/badges.server";
import { withdrawBadge } from "../../app/services/publishing.server";
import { approveAndPublish, makeLocalTeam } from "../support/federation";
import { editDraft, type Team } from "../support/publishing";
import { HttpSession, startTestServer, type TestServer, serviceContextOf } from "../support/server";

describe("looking up other instances and organisations", () => {
  let a: TestServer;
  let b: TestServer;
  let ctxA: ServiceContext;
  let riverside: Team;
  let session: HttpSession;
  let hostA: string;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
    hostA = `localhost:${a.port}`;
    ctxA = serviceContextOf(a);
    riverside = makeLocalTeam(ctxA, { handle: "riverside", name: "Riverside School", kind: "school", description: "A school that gardens." });
    makeLocalTeam(ctxA, { handle: "harbour", name: "Harbour College", kind: "school" });
    makeLocalTeam(serviceContextOf(b), { handle: "greenjobs", name: "Green Jobs Co", kind: "business" });
    const publish = (name: string) => {
      const badge = createBadge(ctxA, riverside.editor.id, { stewardOrganisationId: riverside.org.id, name, approvalPolicy: "steward" });
      editDraft(ctxA, riverside.editor.id, badge.id, { summary: `${name}, together.`, criteria: "Do it with neighbours.", tags: ["gardening"] });
      approveAndPublish(ctxA, badge.id, [riverside]);
      return badge;
    };
    const seeds = publish("Seed Saving");
    editDraft(ctxA, riverside.editor.id, seeds.id, { summary: "Save and swap seeds, together." });
    approveAndPublish(ctxA, seeds.id, [riverside]);
    publish("Rain Gardens");
    const gone = publish("Hedge Laying");
    withdrawBadge(ctxA, riverside.admin.id, gone.id);
    session = new HttpSession(b.url);
    await session.signUp("lee@learner.example", "Lee");
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const explore = async (address: string) => session.get(`/explore?address=${encodeURIComponent(address)}`);
  // The page as text: without the markers React puts between adjacent text parts.
  const pageOf = async (address: string) => (await (await explore(address)).text()).replace(/<!-- -->/g, "");

  it("shows an organisation of another instance and the badges it publishes, latest versions, without what it withdrew", async () => {
    const res = await explore(`@riverside@${hostA}`);
    expect(res.status).toBe(200);
    const html = (await res.text()).replace(/<!-- -->/g, "");
    expect(html).toContain("Riverside School");
    expect(html).toContain(`@riverside@${hostA}`);
    expect(html).toContain("A school that gardens.");
    expect(html).toContain("Badges it publishes (2)");
    expect(html).toMatch(/Seed Saving<\/a> <span class="muted small">version 2/);
    expect(html).toContain("Save and swap seeds, together.");
    expect(html).toContain("Rain Gardens");
    expect(html).not.toContain("Hedge Laying");
    // Looked at, not followed, not stored.
    expect(b.db.select().from(follows).all()).toEqual([]);
    expect(b.db.select().from(badges).all()).toEqual([]);
    // The same by the organisation's URL.
    expect(await (await explore(riverside.org.uri)).text()).toContain("Badges it publishes (2)");
  });

  it("shows another instance: its software and its organisations, each one a look-up away", async () => {
    const html = await pageOf(hostA);
    expect(html).toContain(`Runs badge-commons`);
    expect(html).toContain(`Organisations on ${hostA} (2)`);
    expect(html).toContain("Harbour College");
    expect(html).toContain(`href="/explore?address=${encodeURIComponent(`@riverside@${hostA}`)}"`);
    // An instance's address as a URL reads the same.
    expect(await (await explore(`http://${hostA}/`)).text()).toContain(`Organisations on ${hostA} (2)`);
  });

  it("sends an address of this instance to its own page", async () => {
    const res = await explore(`@greenjobs@localhost:${b.port}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/orgs/greenjobs");
  });

  it("answers bad or unknown addresses in words, keeping what was typed", async () => {
    const bad = await (await explore("not an address")).text();
    expect(bad).toContain('role="alert"');
    expect(bad).toContain("Enter an organisation as @handle@host");
    expect(bad).toContain('value="not an address"');
    const unknown = await (await explore(`@nobody@${hostA}`)).text();
    expect(unknown).toContain(`Could not find @nobody@${hostA}`);
    const nowhere = await (await explore("localhost:9")).text();
    expect(nowhere).toContain("localhost:9 did not say what it is");
  });

  it("is for signed-in people: each look-up makes this instance fetch from elsewhere", async () => {
    const res = await fetch(`${b.url}/explore?address=${encodeURIComponent(hostA)}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/signin/);
  });
});
