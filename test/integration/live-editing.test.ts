// Live co-editing against a real server: socket.io with session cookies, a server-held
// Yjs document per draft, presence, commits as revisions, form saves folded in, restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { draftDocuments } from "../../db/schema";
import { listRevisions } from "../../app/services/badges.server";
import { addMember, makeOrganisation } from "../support/factories";
import { acceptCoauthor, currentContent } from "../support/editor-factories";
import { LiveClient, signedUp, waitFor } from "../support/live-client";
import { startTestServer, type HttpSession, type TestServer } from "../support/server";

describe("live co-editing over socket.io", () => {
  let server: TestServer;
  let ada: { session: HttpSession; user: { id: string } };
  let grace: { session: HttpSession; user: { id: string } };
  let viewer: { session: HttpSession; user: { id: string } };
  let badgeId: string;
  const clients: LiveClient[] = [];

  const connect = async (who: { session: HttpSession }) => {
    const c = await LiveClient.connect(server.url, who.session.cookieHeader);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    ada = await signedUp(server.url, server.db, "ada@example.org", "Ada");
    grace = await signedUp(server.url, server.db, "grace@example.org", "Grace");
    viewer = await signedUp(server.url, server.db, "vera@example.org", "Vera");
    const steward = makeOrganisation(server.db, { name: "Changemakers" });
    const partner = makeOrganisation(server.db, { name: "Acme", kind: "business" });
    addMember(server.db, steward.id, ada.user.id, "editor");
    addMember(server.db, partner.id, grace.user.id, "editor");
    addMember(server.db, steward.id, viewer.user.id, "viewer");
    const res = await ada.session.post("/badges/new", {
      stewardOrganisationId: steward.id,
      name: "Social Innovation 101",
      approvalPolicy: "majority",
    });
    expect(res.status).toBe(302);
    badgeId = res.headers.get("location")!.match(/\/badges\/([^/]+)\/edit/)![1];
    acceptCoauthor(server.db, badgeId, partner.id);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it("refuses a connection without a session, and a join by someone who may not edit", async () => {
    await expect(LiveClient.connect(server.url, null)).rejects.toThrow(/unauthenticated/);
    await expect(LiveClient.connect(server.url, "bc_session=forged")).rejects.toThrow(/unauthenticated/);
    const v = await connect(viewer);
    expect(await v.join(badgeId)).toMatchObject({ ok: false, status: 403 });
    expect(await v.join("no-such-badge")).toMatchObject({ ok: false, status: 404 });
    // Not in the room: nothing of the draft reaches it.
    const a = await connect(ada);
    await a.join(badgeId);
    a.insert("summary", 0, "secret");
    await new Promise((r) => setTimeout(r, 150));
    expect(v.updatesAt).toHaveLength(0);
    a.close();
    v.close();
  });

  it("shows each editor the other's presence and field, and the typing within a second; concurrent typing loses nothing", async () => {
    const a = await connect(ada);
    const g = await connect(grace);
    const ja = await a.join(badgeId);
    const jg = await g.join(badgeId);
    expect(ja.ok && jg.ok).toBe(true);
    if (!ja.ok || !jg.ok) return;
    expect(jg.me).toMatchObject({ name: "Grace", organisation: "Acme" });
    await waitFor(() => a.peers.length === 2, 1000, "Ada to see Grace");
    expect(a.peers.map((p) => p.name).sort()).toEqual(["Ada", "Grace"]);
    expect(a.peers.find((p) => p.name === "Grace")!.colour).toMatch(/^#[0-9a-f]{6}$/);
    g.typing("criteria");
    await waitFor(() => a.peers.some((p) => p.name === "Grace" && p.field === "criteria"), 1000, "Grace's field");

    // Both start from the same server-made text (nothing duplicated).
    expect(a.text("name")).toBe("Social Innovation 101");
    expect(g.text("name")).toBe("Social Innovation 101");

    const sent = Date.now();
    a.insert("criteria", 0, "Plan a project.");
    const took = await waitFor(() => g.text("criteria") === "Plan a project.", 1000, "Ada's typing at Grace");
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(took).toBeLessThan(1000);

    // Both type into the same spot at once.
    const before = a.text("criteria");
    for (let i = 0; i < 20; i++) {
      a.insert("criteria", before.length, `a${i} `);
      g.insert("criteria", 0, `g${i} `);
    }
    await waitFor(() => a.text("criteria") === g.text("criteria") && a.text("criteria").length === before.length + 20 * 2 * 3 + 20, 2000, "convergence");
    const merged = a.text("criteria");
    for (let i = 0; i < 20; i++) {
      expect(merged).toContain(`a${i} `);
      expect(merged).toContain(`g${i} `);
    }
    expect(merged).toContain("Plan a project.");
    a.close();
    g.close();
    await waitFor(() => server.db.select().from(draftDocuments).all().length === 1, 1000, "document stored");
  });

  it("commits the document as a revision credited to the editor who asked", async () => {
    const a = await connect(ada);
    const g = await connect(grace);
    await a.join(badgeId);
    await g.join(badgeId);
    g.insert("summary", 0, "Learn to change things together. ");
    await waitFor(() => a.text("summary").startsWith("Learn"), 1000, "sync");
    const reply = await g.commit();
    expect(reply).toMatchObject({ ok: true, status: "saved" });
    const [latest] = listRevisions(server.db, ada.user.id, badgeId);
    expect(latest).toMatchObject({ authorName: "Grace", organisationName: "Acme" });
    expect(latest.changedFields).toContain("summary");
    expect(currentContent(server.db, badgeId).summary).toContain("Learn to change things together.");
    await waitFor(() => a.revisions.some((r) => r.source === "live" && r.authorName === "Grace"), 1000, "revision:saved");
    // Nothing new: no revision.
    expect(await a.commit()).toMatchObject({ ok: true, status: "unchanged" });
    a.close();
    g.close();
  });

  it("folds a form save (no JavaScript) into the open document, keeping live typing", async () => {
    const a = await connect(ada);
    const join = await a.join(badgeId);
    if (!join.ok) throw new Error("join failed");
    // Ada types a line she has not committed yet...
    const end = a.text("criteria").length;
    a.insert("criteria", end, "\nReflect on it.");
    await new Promise((r) => setTimeout(r, 100));
    // ...while Grace saves the form from the last revision with new tags and a new name.
    const page = await (await grace.session.get(`/badges/${badgeId}/edit`)).text();
    const base = page.match(/name="baseRevisionId" value="([^"]+)"/)![1];
    const content = currentContent(server.db, badgeId);
    const res = await grace.session.post(`/badges/${badgeId}/edit`, {
      baseRevisionId: base,
      name: "Social Innovation 101: Foundations",
      summary: content.summary,
      criteria: content.criteria,
      tags: "social innovation, change",
      achievementType: content.achievementType,
      language: content.language,
      estimatedHours: "",
    });
    expect(res.status).toBe(302);
    await waitFor(() => a.text("name") === "Social Innovation 101: Foundations", 1000, "form save in the live document");
    expect(a.text("tags")).toBe("social innovation, change");
    expect(a.text("criteria").endsWith("\nReflect on it.")).toBe(true);
    expect(a.revisions.at(-1)).toMatchObject({ source: "form", authorName: "Grace" });
    expect((await a.commit()).ok).toBe(true);
    expect(currentContent(server.db, badgeId)).toMatchObject({
      name: "Social Innovation 101: Foundations",
      tags: ["social innovation", "change"],
    });
    expect(currentContent(server.db, badgeId).criteria.endsWith("Reflect on it.")).toBe(true);
    a.close();
  });

  it("commits pending typing as its author's when they disconnect", async () => {
    const g = await connect(grace);
    await g.join(badgeId);
    g.insert("criteria", 0, "Read the guide. ");
    await new Promise((r) => setTimeout(r, 100));
    g.close();
    await waitFor(() => currentContent(server.db, badgeId).criteria.startsWith("Read the guide."), 1000, "commit on leave");
    expect(listRevisions(server.db, ada.user.id, badgeId)[0].authorName).toBe("Grace");
  });

  it("keeps uncommitted typing across a server restart, without duplicating text", async () => {
    const a = await connect(ada);
    await a.join(badgeId);
    a.insert("summary", 0, "Unsaved words. ");
    await new Promise((r) => setTimeout(r, 100));
    const summary = a.text("summary");
    const revisionsBefore = listRevisions(server.db, ada.user.id, badgeId).length;
    server = await server.restart();
    await waitFor(() => !a.socket.connected, 1000, "disconnect");
    // A fresh client sees the typing; Ada's old client rejoins with its document.
    const g = await connect(grace);
    await g.join(badgeId);
    expect(g.text("summary")).toBe(summary);
    const again = await LiveClient.connect(server.url, ada.session.cookieHeader);
    clients.push(again);
    again.doc = a.doc;
    again.epoch = a.epoch;
    const reply = await again.join(badgeId, true);
    expect(reply).toMatchObject({ ok: true, reset: false });
    again.insert("summary", 0, "More. ");
    await waitFor(() => g.text("summary") === `More. ${summary}`, 1000, "typing after restart");
    expect(again.text("summary")).toBe(`More. ${summary}`);
    // The restart itself made no revision.
    expect(listRevisions(server.db, ada.user.id, badgeId)).toHaveLength(revisionsBefore);
    g.close();
    again.close();
  });

  it("delivers comments live to everyone in the draft", async () => {
    const a = await connect(ada);
    await a.join(badgeId);
    const res = await grace.session.post(`/badges/${badgeId}/comments`, {
      body: "Shall we add <b>social finance</b>?\nI can draft it.",
      redirectTo: `/badges/${badgeId}/edit`,
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(new RegExp(`^/badges/${badgeId}/edit\\?commented=1`));
    await waitFor(() => a.comments.length === 1, 1000, "comment:added");
    expect(a.comments[0]).toMatchObject({ authorName: "Grace", organisationName: "Acme", body: "Shall we add <b>social finance</b>?\nI can draft it." });
    const html = await (await ada.session.get(`/badges/${badgeId}/edit`)).text();
    expect(html).toContain("Shall we add &lt;b&gt;social finance&lt;/b&gt;?");
    expect(html).not.toContain("<b>social finance</b>");
    a.close();
  });
});
