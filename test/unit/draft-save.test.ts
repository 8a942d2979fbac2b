import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { getImage, imageSource } from "../../app/services/images.server";
import { currentRevision, getBadge, saveDraft } from "../../app/services/badges.server";
import { saveDraftForm, saveDraftImage } from "../../app/services/draft-save.server";
import { valuesFromContent } from "../../app/services/draft-values";
import { createTestContext } from "../support/factories";
import { currentContent, makeDraft } from "../support/editor-factories";

describe("saving the draft form and its image", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let setup: ReturnType<typeof makeDraft>;
  const imageId = randomUUID();

  beforeEach(() => {
    ctx = createTestContext();
    setup = makeDraft(ctx);
    const base = currentRevision(ctx.db, setup.badge);
    saveDraft(ctx, setup.steward.editor.id, setup.badge.id, {
      content: { ...currentContent(ctx.db, setup.badge.id), imageId },
      baseRevisionId: base.id,
    });
  });

  const baseId = () => currentRevision(ctx.db, getBadge(ctx.db, setup.badge.id)).id;

  it("keeps the base revision's image unless told otherwise, whatever the form claims", async () => {
    const values = { ...valuesFromContent(currentContent(ctx.db, setup.badge.id)), summary: "New", imageId: randomUUID() };
    const result = await saveDraftForm(ctx, setup.steward.editor.id, setup.badge.id, {
      values,
      baseRevisionId: baseId(),
      removeImage: false,
      image: null,
    });
    expect(result).toMatchObject({ status: "saved", number: 3 });
    expect(currentContent(ctx.db, setup.badge.id)).toMatchObject({ summary: "New", imageId });
  });

  it("goes back to the generated image on request", async () => {
    const values = valuesFromContent(currentContent(ctx.db, setup.badge.id));
    const before = currentContent(ctx.db, setup.badge.id).imageId;
    await saveDraftForm(ctx, setup.steward.editor.id, setup.badge.id, { values, baseRevisionId: baseId(), removeImage: true, image: null });
    const after = currentContent(ctx.db, setup.badge.id).imageId;
    expect(after).not.toBe(before);
    expect(getImage(ctx.db, after!).contentType).toBe("image/svg+xml");
    expect(imageSource(ctx.db, after!)).toBe("generated");
  });

  it("refuses an oversized image with the other fields' errors, and an unknown base revision", async () => {
    const values = { ...valuesFromContent(currentContent(ctx.db, setup.badge.id)), name: "" };
    await expect(
      saveDraftForm(ctx, setup.steward.editor.id, setup.badge.id, { values, baseRevisionId: baseId(), removeImage: false, image: "too-large" }),
    ).rejects.toMatchObject({ fieldErrors: { name: ["Give the badge a name"], image: ["The image must be at most 1 MiB."] } });
    await expect(
      saveDraftForm(ctx, setup.steward.editor.id, setup.badge.id, { values, baseRevisionId: "gone", removeImage: false, image: null }),
    ).rejects.toThrow(/out of date/);
  });

  it("changes only the image from the live editor, as a revision of its own", async () => {
    await expect(saveDraftImage(ctx, setup.steward.editor.id, setup.badge.id, { image: null, removeImage: false })).rejects.toMatchObject({
      fieldErrors: { image: ["Choose a PNG or SVG file."] },
    });
    await expect(saveDraftImage(ctx, setup.steward.editor.id, setup.badge.id, { image: "too-large", removeImage: false })).rejects.toMatchObject({
      fieldErrors: { image: ["The image must be at most 1 MiB."] },
    });
    await expect(saveDraftImage(ctx, setup.steward.viewer.id, setup.badge.id, { image: null, removeImage: true })).rejects.toThrow(/Only editors/);
    const result = await saveDraftImage(ctx, setup.steward.editor.id, setup.badge.id, { image: null, removeImage: true });
    expect(result).toEqual({ status: "saved", number: 3 });
    const content = currentContent(ctx.db, setup.badge.id);
    expect(content.name).toBe("Social Innovation 101");
    expect(getImage(ctx.db, content.imageId!).contentType).toBe("image/svg+xml");
    expect(ctx.recorded.at(-1)).toMatchObject({ type: "revisionSaved", payload: { source: "form" } });
  });
});
