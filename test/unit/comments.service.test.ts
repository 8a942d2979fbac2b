import { beforeEach, describe, expect, it } from "vitest";
import { badges, coauthors } from "../../db/schema";
import { createBadge } from "../../app/services/badges.server";
import { addComment, listComments } from "../../app/services/comments.server";
import { createTestContext, makeOrganisationWithTeam, makeUser } from "../support/factories";

describe("draft comments", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: ReturnType<typeof makeOrganisationWithTeam>;
  let partner: ReturnType<typeof makeOrganisationWithTeam>;
  let badgeId: string;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
    badgeId = createBadge(ctx, steward.editor.id, {
      stewardOrganisationId: steward.org.id,
      name: "Social Innovation 101",
      approvalPolicy: "all",
    }).id;
  });

  it("lets any member of the steward add and read comments, oldest first, and announces them", () => {
    addComment(ctx, steward.viewer.id, badgeId, { body: "  Should we mention\nsocial finance?  " });
    const second = addComment(ctx, steward.admin.id, badgeId, { body: "Yes." });
    expect(second).toMatchObject({ body: "Yes.", authorName: "Changemakers admin", organisationName: "Changemakers" });
    const list = listComments(ctx.db, steward.editor.id, badgeId);
    expect(list.map((c) => c.body)).toEqual(["Should we mention\nsocial finance?", "Yes."]);
    expect(list[0].authorName).toBe("Changemakers viewer");
    const events = ctx.recorded.filter((e) => e.type === "commentAdded");
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ badgeId, payload: { id: second.id, body: "Yes.", organisationName: "Changemakers" } });
    expect(typeof (events[1].payload as { createdAt: unknown }).createdAt).toBe("string");
  });

  it("lets members of accepted co-authors take part, credited to their organisation, not invited ones", () => {
    ctx.db.insert(coauthors).values({ badgeId, organisationId: partner.org.id, status: "invited" }).run();
    expect(() => addComment(ctx, partner.editor.id, badgeId, { body: "hi" })).toThrow(/not found/);
    ctx.db.update(coauthors).set({ status: "accepted" }).run();
    const c = addComment(ctx, partner.viewer.id, badgeId, { body: "hi" });
    expect(c.organisationName).toBe("Acme");
  });

  it("hides a draft's discussion from outsiders (404) and refuses them on a published badge (403)", () => {
    const outsider = makeUser(ctx.db);
    expect(() => listComments(ctx.db, outsider.id, badgeId)).toThrow(/not found/);
    expect(() => addComment(ctx, outsider.id, badgeId, { body: "spam" })).toThrow(/not found/);
    ctx.db.update(badges).set({ status: "published" }).run();
    expect(() => listComments(ctx.db, outsider.id, badgeId)).toThrow(/Only members/);
    expect(() => addComment(ctx, outsider.id, badgeId, { body: "spam" })).toThrow(/Only members/);
    expect(ctx.recorded.filter((e) => e.type === "commentAdded")).toHaveLength(0);
  });

  it("refuses empty and over-long bodies with a field message, and keeps HTML as text", () => {
    expect(() => addComment(ctx, steward.editor.id, badgeId, { body: "   " })).toThrow(
      expect.objectContaining({ fieldErrors: { body: ["Write a comment first"] } }),
    );
    expect(() => addComment(ctx, steward.editor.id, badgeId, { body: "x".repeat(5001) })).toThrow(
      expect.objectContaining({ fieldErrors: { body: ["A comment has at most 5,000 characters"] } }),
    );
    expect(() => addComment(ctx, steward.editor.id, badgeId, { body: 42 })).toThrow(/needs a look/);
    expect(addComment(ctx, steward.editor.id, badgeId, { body: "x".repeat(5000) }).body).toHaveLength(5000);
    const html = addComment(ctx, steward.editor.id, badgeId, { body: "<b>bold</b>" });
    expect(html.body).toBe("<b>bold</b>");
  });

  it("404s an unknown badge", () => {
    expect(() => listComments(ctx.db, steward.editor.id, "nope")).toThrow(/not found/);
  });
});
