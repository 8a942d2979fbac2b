// Saving the draft form (the path without JavaScript) and uploading a draft's image.
// Both end in saveDraft, which merges against the revision the form started from.
import type { BadgeField, FieldConflict } from "./badge-content";
import { currentRevision, getRevision, requireEdit, revisionContent, saveDraft } from "./badges.server";
import type { ServiceContext } from "./context.server";
import { isDomainError, ValidationError } from "./errors";
import { generateDefaultBadgeImage, storeBadgeImage, type UploadedImage } from "./images.server";
import { parseDraftValues, valuesFromContent, type DraftValues } from "./draft-values";
import { fetchPrerequisites, LOOKUP_WAIT_MS } from "./prerequisite-lookups.server";
import { canonicalPrerequisites, prerequisiteConditions, prerequisiteUris, type Prerequisites } from "./prerequisites";

export interface DraftFormInput {
  values: DraftValues;
  baseRevisionId: string;
  removeImage: boolean;
  image: UploadedImage | "too-large" | null;
}

export type DraftFormResult =
  | { status: "saved"; number: number; merged: BadgeField[] }
  | { status: "unchanged"; number: number }
  | {
      status: "conflict";
      conflicts: FieldConflict[];
      current: { id: string; number: number };
      // What the form should show next: the user's text in conflicting fields, the
      // merged content elsewhere (so a second save does not undo others' changes).
      values: DraftValues;
    };

const TOO_LARGE = "The image must be at most 1 MiB.";

export async function saveDraftForm(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: DraftFormInput,
): Promise<DraftFormResult> {
  const access = requireEdit(ctx.db, badgeId, userId);
  const base = findBase(ctx, badgeId, input.baseRevisionId);
  const baseContent = revisionContent(base);
  const imageId = input.removeImage
    ? generateDefaultBadgeImage(ctx.db, String(input.values.name ?? baseContent.name), badgeId).id
    : baseContent.imageId;
  const parsed = parseDraftValues({ ...input.values, imageId }, { selfUri: access.badge.uri });
  const fieldErrors = parsed.ok ? {} : { ...parsed.fieldErrors };
  if (input.image === "too-large") fieldErrors.image = [TOO_LARGE];
  if (!parsed.ok || Object.keys(fieldErrors).length) throw new ValidationError("Some fields need a look.", fieldErrors);
  // Badges of other instances named for the first time are fetched now, before the save,
  // so that the cycle check sees their own prerequisites and the page their names.
  const prerequisites = await canonicalPrerequisiteAddresses(ctx, parsed.content.prerequisites);
  // Stored only once everything else is valid, so a refused form leaves no stray image.
  const content = {
    ...parsed.content,
    prerequisites,
    imageId: input.image && input.image !== "too-large" ? await storeBadgeImage(ctx, input.image) : imageId,
  };
  const result = saveDraft(ctx, userId, badgeId, { content, baseRevisionId: base.id, source: "form" });
  switch (result.status) {
    case "saved":
      return { status: "saved", number: result.revision.number, merged: result.merged };
    case "unchanged":
      return { status: "unchanged", number: result.revision.number };
    case "conflict": {
      const next = valuesFromContent(result.partial);
      const values = { ...next } as DraftValues;
      for (const c of result.conflicts) {
        if (c.field === "imageId") continue;
        (values as unknown as Record<string, unknown>)[c.field] = input.values[c.field as keyof DraftValues];
      }
      return { status: "conflict", conflicts: result.conflicts, current: { id: result.current.id, number: result.current.number }, values };
    }
  }
}

/**
 * Fetches the prerequisites not held here; a pasted address that turned out to name a
 * version (or another address of the badge) is replaced by the badge's own URI.
 */
async function canonicalPrerequisiteAddresses(ctx: ServiceContext, prerequisites: Prerequisites): Promise<Prerequisites> {
  const answers = await fetchPrerequisites(ctx, prerequisiteUris(prerequisites), { waitMs: LOOKUP_WAIT_MS.form });
  const renamed = new Map([...answers].flatMap(([uri, a]) => (a.status === "found" && a.badgeUri !== uri ? [[uri, a.badgeUri] as const] : [])));
  if (!renamed.size) return prerequisites;
  return canonicalPrerequisites(
    prerequisiteConditions(prerequisites).map((c) => {
      const badges = [...new Set(c.badges.map((b) => renamed.get(b) ?? b))];
      // Two addresses of one badge count as one.
      return { requiredNumber: Math.min(c.requiredNumber, badges.length), badges };
    }),
  );
}

function findBase(ctx: ServiceContext, badgeId: string, baseRevisionId: string) {
  try {
    return getRevision(ctx.db, badgeId, baseRevisionId);
  } catch (error) {
    if (isDomainError(error) && error.kind === "not_found") {
      throw new ValidationError("This form is out of date. Reload the page to edit the current draft.");
    }
    throw error;
  }
}

/** Uploads a new image for the draft (or goes back to the generated one) as a revision. */
export async function saveDraftImage(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: { image: UploadedImage | "too-large" | null; removeImage: boolean },
): Promise<{ status: "saved" | "unchanged"; number: number }> {
  const access = requireEdit(ctx.db, badgeId, userId);
  const base = currentRevision(ctx.db, access.badge);
  // Going back to the generated picture draws it again from the badge's name.
  let imageId: string | null = input.removeImage
    ? generateDefaultBadgeImage(ctx.db, revisionContent(base).name, badgeId).id
    : null;
  if (!input.removeImage) {
    if (input.image === "too-large") throw new ValidationError(TOO_LARGE, { image: [TOO_LARGE] });
    if (!input.image) throw new ValidationError("Choose a PNG or SVG file.", { image: ["Choose a PNG or SVG file."] });
    imageId = await storeBadgeImage(ctx, input.image);
  }
  const content = { ...revisionContent(base), imageId };
  // Based on the revision read above: if someone saved meanwhile, their change merges in.
  const result = saveDraft(ctx, userId, badgeId, { content, baseRevisionId: base.id, source: "form" });
  if (result.status === "conflict") {
    throw new ValidationError("Someone changed the image at the same time; try again.", { image: ["Someone changed the image at the same time; try again."] });
  }
  return { status: result.status, number: result.revision.number };
}
