import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { fieldsOf, readValues, textOf } from "../../app/realtime/draft-doc";
import { LiveDrafts, SERVER_ORIGIN } from "../../app/realtime/live-drafts.server";
import { loadStoredDraft } from "../../app/realtime/persistence.server";
import { getBadge, listRevisions, restoreRevision, saveDraft } from "../../app/services/badges.server";
import { createTestContext, makeUser } from "../support/factories";
import { currentContent, makeDraft } from "../support/editor-factories";

describe("live draft documents", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let draftSetup: ReturnType<typeof makeDraft>;
  let drafts: LiveDrafts;
  let broadcasts: { update: Uint8Array; origin: unknown }[];

  beforeEach(() => {
    ctx = createTestContext();
    draftSetup = makeDraft(ctx);
    broadcasts = [];
    drafts = new LiveDrafts(ctx, { persistDelayMs: -1, onUpdate: (_d, update, origin) => broadcasts.push({ update, origin }) });
  });
  afterEach(() => drafts.closeAll());

  const editor = () => ({ id: draftSetup.steward.editor.id, email: "e@x", displayName: draftSetup.steward.editor.displayName });
  const admin = () => ({ id: draftSetup.steward.admin.id, email: "a@x", displayName: draftSetup.steward.admin.displayName });

  it("makes the document on the server from the current revision and stores it at once", () => {
    const draft = drafts.open(draftSetup.badge.id);
    expect(readValues(draft.doc).name).toBe("Social Innovation 101");
    expect(draft.baseRevision.number).toBe(1);
    expect(drafts.open(draftSetup.badge.id)).toBe(draft);
    const stored = loadStoredDraft(ctx.db, draftSetup.badge.id)!;
    expect(stored.baseRevisionId).toBe(draft.baseRevision.id);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, stored.update);
    expect(textOf(copy, "name").toString()).toBe("Social Innovation 101");
  });

  it("commits the document as a revision credited to the committing editor", () => {
    const draft = drafts.open(draftSetup.badge.id);
    textOf(draft.doc, "summary").insert(0, "Learn to change things together");
    fieldsOf(draft.doc).set("estimatedHours", "4,5");
    const reply = drafts.commit(draft, admin());
    expect(reply).toMatchObject({ ok: true, status: "saved", revision: { number: 2 } });
    expect(currentContent(ctx.db, draftSetup.badge.id)).toMatchObject({ summary: "Learn to change things together", estimatedHours: 4.5 });
    const [latest] = listRevisions(ctx.db, admin().id, draftSetup.badge.id);
    expect(latest).toMatchObject({ authorName: "Changemakers admin", changedFields: ["summary", "estimatedHours"] });
    expect(ctx.recorded.at(-1)).toMatchObject({ type: "revisionSaved", payload: { source: "live", number: 2 } });
    expect(drafts.commit(draft, admin())).toMatchObject({ ok: true, status: "unchanged" });
  });

  it("credits fields only another person changed to them, in a revision of their own", () => {
    const draft = drafts.open(draftSetup.badge.id);
    const as = (user: ReturnType<typeof editor>, id: string) =>
      ({ id, user, organisation: null, colour: "#000", field: null, checkedAt: Date.now() }) as const;
    const ed = as(editor(), "c1");
    const ad = as(admin(), "c2");
    draft.doc.transact(() => textOf(draft.doc, "criteria").insert(0, "Plan a project."), ed);
    draft.doc.transact(() => textOf(draft.doc, "tags").insert(0, "change"), ad);
    // Both typed in the summary: that goes to whoever commits.
    draft.doc.transact(() => textOf(draft.doc, "summary").insert(0, "Both "), ed);
    draft.doc.transact(() => textOf(draft.doc, "summary").insert(5, "wrote this"), ad);
    expect(drafts.hasPending(draft, ad.user.id)).toBe(true);
    const reply = drafts.commit(draft, editor());
    expect(reply).toMatchObject({ ok: true, status: "saved", revision: { number: 3 } });
    const [mine, theirs] = listRevisions(ctx.db, editor().id, draftSetup.badge.id);
    expect(theirs).toMatchObject({ number: 2, authorName: "Changemakers admin", changedFields: ["tags"] });
    expect(mine).toMatchObject({ number: 3, authorName: "Changemakers editor", changedFields: ["summary", "criteria"] });
    expect(drafts.hasPending(draft, ad.user.id)).toBe(false);
    expect(drafts.commit(draft, admin())).toMatchObject({ ok: true, status: "unchanged" });
  });

  it("refuses to commit invalid content, naming the fields, and writes nothing", () => {
    const draft = drafts.open(draftSetup.badge.id);
    textOf(draft.doc, "name").delete(0, textOf(draft.doc, "name").length);
    fieldsOf(draft.doc).set("prerequisites", [getBadge(ctx.db, draftSetup.badge.id).uri]);
    const reply = drafts.commit(draft, editor());
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.status).toBe(400);
      // A plain list (as documents stored before conditions hold them) is the first condition.
      expect(Object.keys(reply.fieldErrors!)).toEqual(expect.arrayContaining(["name", "prerequisites.0"]));
    }
    expect(listRevisions(ctx.db, editor().id, draftSetup.badge.id)).toHaveLength(1);
  });

  it("refuses a commit from someone who may not edit", () => {
    const draft = drafts.open(draftSetup.badge.id);
    textOf(draft.doc, "summary").insert(0, "x");
    const outsider = makeUser(ctx.db);
    expect(drafts.commit(draft, { id: outsider.id, email: "", displayName: "" })).toMatchObject({ ok: false, status: 404 });
    expect(drafts.commit(draft, { id: draftSetup.steward.viewer.id, email: "", displayName: "" })).toMatchObject({ ok: false, status: 403 });
  });

  it("folds a form save into the document while someone types elsewhere in the same text", () => {
    const draft = drafts.open(draftSetup.badge.id);
    const base = draft.baseRevision.id;
    textOf(draft.doc, "criteria").insert(0, "Plan a project.\nRun it.");
    drafts.commit(draft, editor());
    // Live typing not yet committed...
    textOf(draft.doc, "criteria").insert(textOf(draft.doc, "criteria").length, "\nReflect on it.");
    // ...while someone without JavaScript saves a change to the first line and the tags.
    const formContent = { ...currentContent(ctx.db, draftSetup.badge.id), criteria: "Plan a small project.\nRun it.", tags: ["change"] };
    const saved = saveDraft(ctx, admin().id, draftSetup.badge.id, { content: formContent, baseRevisionId: draft.baseRevision.id });
    expect(saved.status).toBe("saved");
    if (saved.status !== "saved") return;
    drafts.integrate(draft, formContent, saved.revision);
    expect(readValues(draft.doc)).toMatchObject({ criteria: "Plan a small project.\nRun it.\nReflect on it.", tags: "change" });
    expect(draft.baseRevision.id).toBe(saved.revision.id);
    expect(broadcasts.at(-1)!.origin).toBe(SERVER_ORIGIN);
    // Then a restore of revision 1 undoes the saved text but keeps the uncommitted line.
    const restored = restoreRevision(ctx, editor().id, draftSetup.badge.id, base);
    if (restored.status !== "saved") throw new Error("restore failed");
    drafts.integrate(draft, currentContent(ctx.db, draftSetup.badge.id), restored.revision);
    expect(readValues(draft.doc)).toMatchObject({ criteria: "\nReflect on it.", tags: "" });
  });

  it("keeps unsaved typing across an unload and takes in revisions saved meanwhile", () => {
    let draft = drafts.open(draftSetup.badge.id);
    const epoch = draft.epoch;
    textOf(draft.doc, "summary").insert(0, "Typed but not committed");
    drafts.releaseIfIdle(draft);
    expect(drafts.get(draftSetup.badge.id)).toBeUndefined();
    // A form save while nobody has the draft open.
    const content = { ...currentContent(ctx.db, draftSetup.badge.id), name: "Social Innovation 102", language: "fr" };
    saveDraft(ctx, admin().id, draftSetup.badge.id, { content, baseRevisionId: draft.baseRevision.id });
    const again = new LiveDrafts(ctx, { persistDelayMs: -1, onUpdate: () => {} });
    draft = again.open(draftSetup.badge.id);
    expect(draft.epoch).toBe(epoch);
    expect(readValues(draft.doc)).toMatchObject({ summary: "Typed but not committed", name: "Social Innovation 102", language: "fr" });
    expect(draft.baseRevision.number).toBe(2);
    again.closeAll();
  });

  it("credits typing that arrives over a connection into a document loaded from storage", () => {
    const first = drafts.open(draftSetup.badge.id);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(first.doc));
    drafts.releaseIfIdle(first);
    const again = new LiveDrafts(ctx, { persistDelayMs: -1, onUpdate: () => {} });
    const draft = again.open(draftSetup.badge.id);
    const sv = Y.encodeStateVector(client);
    textOf(client, "criteria").insert(0, "Plan.");
    const conn = { id: "c", user: editor(), organisation: null, colour: "#000", field: null, checkedAt: 0 };
    Y.applyUpdate(draft.doc, Y.encodeStateAsUpdate(client, sv), conn);
    expect(again.hasPending(draft, editor().id)).toBe(true);
    expect(again.commit(draft, editor())).toMatchObject({ ok: true, status: "saved" });
    again.closeAll();
  });
});
