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
import {
  BadgeUriSchema,
  conditionRule,
  MAX_PREREQUISITE_CONDITIONS,
  prerequisiteConditions,
  type ConditionRule,
  type PrerequisiteCondition,
} from "./prerequisites";

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
  // Prerequisite conditions, all of which a learner must meet; rows may still be blank.
  prerequisites: ConditionRow[];
  imageId: string | null;
}

/** One prerequisite condition as typed: a rule and the badges it names. */
export interface ConditionRow {
  // Identifies a row while people edit it (React keys, live co-editing); never saved.
  id: string;
  // "all", "any" or "count" (then `count` says how many); anything else is refused.
  rule: string;
  count: string;
  // Ids (URIs) of badges, picked from the catalogue or pasted.
  badges: string[];
}

export type DraftFieldErrors = Record<string, string[]>;

export const MAX_ALIGNMENT_ROWS = 20;

export function newRowId(): string {
  return `row-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36).slice(-4)}`;
}

export function blankAlignment(): AlignmentRow {
  return { id: newRowId(), targetName: "", targetUrl: "", targetFramework: "" };
}

export function blankCondition(): ConditionRow {
  return { id: newRowId(), rule: "all", count: "", badges: [] };
}

export function conditionRow(c: PrerequisiteCondition): ConditionRow {
  const rule = conditionRule(c);
  return { id: newRowId(), rule, count: rule === "count" ? String(c.requiredNumber) : "", badges: [...c.badges] };
}

export const CONDITION_RULES: readonly ConditionRule[] = ["all", "any", "count"];

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
    prerequisites: prerequisiteConditions(content.prerequisites).map(conditionRow),
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
  const conditions = readConditions(values.prerequisites, options.selfUri, add);
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
    // Conditions with mistakes are left to their own messages above.
    prerequisites: conditions ?? [],
  };
  const parsed = BadgeContentSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index, sub] = issue.path;
      if (field === "alignments" && typeof index === "number" && typeof sub === "string") {
        add(`alignments.${rows[index]?.index ?? index}.${sub}`, issue.message);
      } else if (field === "prerequisites") {
        add("prerequisites", issue.message);
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

/**
 * The conditions typed, or null when one of them is wrong (each error said through `add`,
 * keyed `prerequisites.<row>` or `prerequisites.<row>.count` by the row as shown). A row
 * naming no badge is blank and skipped, whatever its rule says.
 */
function readConditions(
  rows: ConditionRow[],
  selfUri: string | undefined,
  add: (key: string, message: string) => void,
): PrerequisiteCondition[] | null {
  const conditions: PrerequisiteCondition[] = [];
  let ok = true;
  rows.forEach((row, index) => {
    const badges = [...new Set(row.badges.map((b) => b.trim()).filter(Boolean))];
    if (!badges.length) return;
    const key = `prerequisites.${index}`;
    for (const uri of badges) {
      if (!BadgeUriSchema.safeParse(uri).success) {
        add(key, `Not a badge URL: ${uri}`);
        ok = false;
      }
    }
    if (selfUri && badges.includes(selfUri)) {
      add(key, "A badge cannot be its own prerequisite");
      ok = false;
    }
    let requiredNumber = badges.length;
    if (row.rule === "any") requiredNumber = 1;
    else if (row.rule === "count") {
      const n = /^\s*\d{1,4}\s*$/.test(row.count) ? Number(row.count) : NaN;
      if (!(n >= 1 && n <= badges.length)) {
        add(`${key}.count`, badges.length === 1 ? "With one badge, 1 is the only number that fits" : `Enter how many of the ${badges.length} badges are needed, from 1 to ${badges.length}`);
        ok = false;
      } else requiredNumber = n;
    } else if (row.rule !== "all") {
      add(`${key}.rule`, "Choose all, any one, or how many of these badges");
      ok = false;
    }
    conditions.push({ requiredNumber, badges });
  });
  if (conditions.length > MAX_PREREQUISITE_CONDITIONS) {
    add("prerequisites", `At most ${MAX_PREREQUISITE_CONDITIONS} conditions`);
    ok = false;
  }
  return ok ? conditions : null;
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
  const prerequisites: ConditionRow[] = [];
  for (let i = 0; i < MAX_PREREQUISITE_CONDITIONS + 5; i++) {
    if (!form.has(`prerequisites.${i}.rule`)) continue;
    const picked = form.getAll(`prerequisites.${i}.badges`).filter((v): v is string => typeof v === "string" && v !== "");
    const pasted = splitUrls(text(form, `prerequisites.${i}.urls`));
    prerequisites.push({
      id: `condition-${i}`,
      rule: text(form, `prerequisites.${i}.rule`),
      count: text(form, `prerequisites.${i}.count`),
      badges: [...new Set([...picked, ...pasted])],
    });
  }
  return {
    name: text(form, "name"),
    summary: text(form, "summary"),
    criteria: text(form, "criteria"),
    tags: text(form, "tags"),
    alignments,
    achievementType: text(form, "achievementType"),
    language: text(form, "language"),
    estimatedHours: text(form, "estimatedHours"),
    prerequisites,
    // The image is never typed: the action takes it from the base revision or an upload.
    imageId: null,
  };
}

export function emptyValues(): DraftValues {
  return valuesFromContent(emptyContent());
}
