// A badge draft as people type it: strings where the form has text boxes (tags as one
// comma-separated line, hours as typed), alignment rows that may still be blank. The
// form (no JavaScript), the live co-editing document and the services all convert
// through here, so "what was typed" and "what is saved" differ in one place only.
// Pure functions: shared by the browser and the server.
import {
  BadgeContentSchema,
  emptyContent,
  type BadgeContent,
} from "./badge-content";

export interface AlignmentRow {
  // Identifies a row while people edit it (React keys, live co-editing); never saved.
  id: string;
  targetName: string;
  targetUrl: string;
  targetFramework: string;
}

export interface DraftValues {
  name: string;
  summary: string;
  criteria: string;
  tags: string;
  alignments: AlignmentRow[];
  achievementType: string;
  language: string;
  estimatedHours: string;
  // Ids (URIs) of prerequisite badges, picked from the catalogue or pasted.
  prerequisites: string[];
  imageId: string | null;
}

export type DraftFieldErrors = Record<string, string[]>;

export const MAX_ALIGNMENT_ROWS = 20;

export function newRowId(): string {
  return `row-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36).slice(-4)}`;
}

export function blankAlignment(): AlignmentRow {
  return { id: newRowId(), targetName: "", targetUrl: "", targetFramework: "" };
}

export function isBlankAlignment(row: Omit<AlignmentRow, "id">): boolean {
  return !row.targetName.trim() && !row.targetUrl.trim() && !row.targetFramework.trim();
}

export function valuesFromContent(content: BadgeContent): DraftValues {
  return {
    name: content.name,
    summary: content.summary,
    criteria: content.criteria,
    tags: content.tags.join(", "),
    alignments: content.alignments.map((a) => ({ id: newRowId(), ...a })),
    achievementType: content.achievementType,
    language: content.language,
    estimatedHours: content.estimatedHours === null ? "" : String(content.estimatedHours),
    prerequisites: [...content.prerequisites],
    imageId: content.imageId,
  };
}

export function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Splits pasted badge URLs: one a line (commas and spaces also separate). */
export function splitUrls(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * Validates typed values into BadgeContent. Errors are keyed by form field; an alignment
 * row's errors by `alignments.<row>.<field>`, counting the rows as shown (blank ones too).
 */
export function parseDraftValues(
  values: DraftValues,
  options: { selfUri?: string } = {},
): { ok: true; content: BadgeContent } | { ok: false; fieldErrors: DraftFieldErrors } {
  const fieldErrors: DraftFieldErrors = {};
  const add = (key: string, message: string) => {
    const list = (fieldErrors[key] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  const rows = values.alignments
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => !isBlankAlignment(row));
  let hours: number | null = null;
  const hoursText = values.estimatedHours.trim().replace(",", ".");
  if (hoursText) {
    hours = Number(hoursText);
    if (!Number.isFinite(hours)) {
      add("estimatedHours", "Enter a number of hours, such as 4 or 2.5");
      hours = null;
    }
  }
  if (options.selfUri && values.prerequisites.includes(options.selfUri)) {
    add("prerequisites", "A badge cannot be its own prerequisite");
  }
  const input = {
    name: values.name,
    summary: values.summary,
    criteria: values.criteria,
    imageId: values.imageId,
    tags: splitTags(values.tags),
    alignments: rows.map(({ row }) => ({
      targetName: row.targetName,
      targetUrl: row.targetUrl,
      targetFramework: row.targetFramework,
    })),
    achievementType: values.achievementType,
    language: values.language,
    estimatedHours: hours,
    prerequisites: values.prerequisites,
  };
  const parsed = BadgeContentSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index, sub] = issue.path;
      if (field === "alignments" && typeof index === "number" && typeof sub === "string") {
        add(`alignments.${rows[index]?.index ?? index}.${sub}`, issue.message);
      } else if (field === "prerequisites" && typeof index === "number") {
        add("prerequisites", `Not a badge URL: ${values.prerequisites[index]}`);
      } else if (field === "tags" && typeof index === "number") {
        add("tags", `“${input.tags[index]}”: ${issue.message}`);
      } else if (field === "achievementType") {
        add("achievementType", "Choose an achievement type from the list");
      } else {
        add(String(field ?? "form"), issue.message);
      }
    }
  }
  if (Object.keys(fieldErrors).length || !parsed.success) return { ok: false, fieldErrors };
  return { ok: true, content: parsed.data };
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/** Reads the draft form (see app/components/draft-form.tsx for the field names). */
export function valuesFromForm(form: FormData): DraftValues {
  const alignments: AlignmentRow[] = [];
  for (let i = 0; i < MAX_ALIGNMENT_ROWS + 5; i++) {
    if (!form.has(`alignments.${i}.targetName`)) continue;
    alignments.push({
      id: `row-${i}`,
      targetName: text(form, `alignments.${i}.targetName`),
      targetUrl: text(form, `alignments.${i}.targetUrl`),
      targetFramework: text(form, `alignments.${i}.targetFramework`),
    });
  }
  const picked = form.getAll("prerequisites").filter((v): v is string => typeof v === "string" && v !== "");
  const pasted = splitUrls(text(form, "prerequisiteUrls"));
  return {
    name: text(form, "name"),
    summary: text(form, "summary"),
    criteria: text(form, "criteria"),
    tags: text(form, "tags"),
    alignments,
    achievementType: text(form, "achievementType"),
    language: text(form, "language"),
    estimatedHours: text(form, "estimatedHours"),
    prerequisites: [...new Set([...picked, ...pasted])],
    // The image is never typed: the action takes it from the base revision or an upload.
    imageId: null,
  };
}

export function emptyValues(): DraftValues {
  return valuesFromContent(emptyContent());
}
