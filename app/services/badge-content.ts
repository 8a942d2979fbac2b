// What a badge definition says: the fields co-authors edit, shared by the editor (client)
// and the services (server). Pure functions only: no database, no I/O.
import { z } from "zod";
import { PrerequisitesSchema } from "./prerequisites";

export const ACHIEVEMENT_TYPES = [
  "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
  "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
  "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma",
  "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate",
  "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
  "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
  "ResearchDoctorate", "SecondarySchoolDiploma",
] as const;
export type AchievementType = (typeof ACHIEVEMENT_TYPES)[number];

export const AlignmentSchema = z.object({
  targetName: z.string().trim().min(1, "Name the alignment target").max(200),
  targetUrl: z.string().trim().url("Enter a full URL (https://…)").max(2000)
    .refine((u) => /^https?:\/\//i.test(u), "Only http(s) URLs"),
  targetFramework: z.string().trim().max(200).default(""),
});
export type Alignment = z.infer<typeof AlignmentSchema>;

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50, "A tag has at most 50 characters")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, "Tags use letters, digits, spaces, - and _");

export const BadgeContentSchema = z.object({
  name: z.string().trim().min(1, "Give the badge a name").max(120, "At most 120 characters"),
  summary: z.string().trim().max(500, "At most 500 characters").default(""),
  criteria: z.string().max(20_000, "At most 20,000 characters").default(""),
  imageId: z.string().uuid().nullable().default(null),
  tags: z.array(tag).max(20, "At most 20 tags").default([])
    .transform((ts) => [...new Set(ts)]),
  alignments: z.array(AlignmentSchema).max(20, "At most 20 alignments").default([]),
  achievementType: z.enum(ACHIEVEMENT_TYPES).default("Badge"),
  language: z.string().trim().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "Use a language code such as en or fr-CA").default("en"),
  estimatedHours: z.number().min(0).max(10_000).nullable().default(null),
  // Badges (URIs, local or on other instances) a learner should hold first: the flat
  // all-of list, or conditions "N of these" that must all be met (see prerequisites.ts).
  prerequisites: PrerequisitesSchema.default([]),
});
export type BadgeContent = z.infer<typeof BadgeContentSchema>;
export type BadgeField = keyof BadgeContent;
export const BADGE_FIELDS = Object.keys(BadgeContentSchema.shape) as BadgeField[];
// Free-text fields: co-edited character by character and merged line by line.
export const TEXT_FIELDS = ["name", "summary", "criteria"] as const satisfies readonly BadgeField[];

export const FIELD_LABELS: Record<BadgeField, string> = {
  name: "Name",
  summary: "Summary",
  criteria: "Criteria",
  imageId: "Image",
  tags: "Tags",
  alignments: "Alignments",
  achievementType: "Achievement type",
  language: "Language",
  estimatedHours: "Estimated hours",
  prerequisites: "Prerequisites",
};

export function emptyContent(name = ""): BadgeContent {
  return {
    name,
    summary: "",
    criteria: "",
    imageId: null,
    tags: [],
    alignments: [],
    achievementType: "Badge",
    language: "en",
    estimatedHours: null,
    prerequisites: [],
  };
}

/** Canonical JSON: keys sorted at every depth, so equal content hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Fields whose values differ between two contents, in display order. */
export function changedFields(before: BadgeContent | null, after: BadgeContent): BadgeField[] {
  if (!before) return BADGE_FIELDS.filter((f) => !sameValue(emptyContent()[f], after[f]));
  return BADGE_FIELDS.filter((f) => !sameValue(before[f], after[f]));
}

export interface FieldConflict {
  field: BadgeField;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export type MergeResult =
  | { ok: true; content: BadgeContent; merged: BadgeField[] }
  | { ok: false; conflicts: FieldConflict[]; partial: BadgeContent };

/**
 * Three-way merge of a save made against a stale revision. A field only one side changed
 * takes that side's value. A text field both sides changed merges line by line when their
 * changes touch different lines; anything else both changed is a conflict, returned with
 * both texts so nothing is silently overwritten.
 */
export function mergeContent(base: BadgeContent, mine: BadgeContent, theirs: BadgeContent): MergeResult {
  const result = { ...theirs } as Record<BadgeField, unknown>;
  const conflicts: FieldConflict[] = [];
  const merged: BadgeField[] = [];
  for (const field of BADGE_FIELDS) {
    const b = base[field];
    const m = mine[field];
    const t = theirs[field];
    if (sameValue(m, t) || sameValue(m, b)) continue; // theirs already right
    if (sameValue(t, b)) {
      result[field] = m;
      continue;
    }
    if ((TEXT_FIELDS as readonly string[]).includes(field)) {
      const text = mergeLines(b as string, m as string, t as string);
      if (text !== null) {
        result[field] = text;
        merged.push(field);
        continue;
      }
    }
    conflicts.push({ field, base: b, mine: m, theirs: t });
  }
  const content = result as BadgeContent;
  return conflicts.length ? { ok: false, conflicts, partial: content } : { ok: true, content, merged };
}

/**
 * Line-based three-way merge (diff3 without conflict markers): succeeds when the two
 * edits change disjoint, non-adjacent regions of the base text; null otherwise.
 */
export function mergeLines(base: string, mine: string, theirs: string): string | null {
  const b = base.split("\n");
  const hunksMine = diffHunks(b, mine.split("\n"));
  const hunksTheirs = diffHunks(b, theirs.split("\n"));
  const all = [...hunksMine.map((h) => ({ ...h, side: 0 })), ...hunksTheirs.map((h) => ({ ...h, side: 1 }))]
    .sort((x, y) => x.start - y.start || x.end - y.end);
  for (let i = 1; i < all.length; i++) {
    const prev = all[i - 1];
    const cur = all[i];
    // Overlapping or touching regions from different sides cannot be merged safely.
    if (prev.side !== cur.side && cur.start <= prev.end) return null;
  }
  const out: string[] = [];
  let pos = 0;
  for (const h of all) {
    out.push(...b.slice(pos, h.start), ...h.lines);
    pos = h.end;
  }
  out.push(...b.slice(pos));
  return out.join("\n");
}

interface Hunk {
  start: number; // first base line replaced
  end: number; // one past the last base line replaced
  lines: string[]; // replacement
}

/** Hunks turning `a` into `b`, from a longest-common-subsequence table. */
function diffHunks(a: string[], b: string[]): Hunk[] {
  const n = a.length;
  const m = b.length;
  // Trim the common prefix and suffix first: typical edits are local, so the table stays small.
  let pre = 0;
  while (pre < n && pre < m && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < n - pre && suf < m - pre && a[n - 1 - suf] === b[m - 1 - suf]) suf++;
  const A = a.slice(pre, n - suf);
  const B = b.slice(pre, m - suf);
  if (A.length * B.length > 4_000_000) return [{ start: pre, end: n - suf, lines: B }];
  const lcs: number[][] = Array.from({ length: A.length + 1 }, () => new Array(B.length + 1).fill(0));
  for (let i = A.length - 1; i >= 0; i--)
    for (let j = B.length - 1; j >= 0; j--)
      lcs[i][j] = A[i] === B[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | null = null;
  while (i < A.length || j < B.length) {
    if (i < A.length && j < B.length && A[i] === B[j]) {
      if (open) hunks.push(open), (open = null);
      i++, j++;
    } else if (j < B.length && (i === A.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      open ??= { start: pre + i, end: pre + i, lines: [] };
      open.lines.push(B[j++]);
    } else {
      open ??= { start: pre + i, end: pre + i, lines: [] };
      i++;
      open.end = pre + i;
    }
  }
  if (open) hunks.push(open);
  return hunks;
}

export interface LineChange {
  kind: "same" | "added" | "removed";
  text: string;
}

/** A line diff for showing a text field's change in the history. */
export function diffLines(before: string, after: string): LineChange[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const out: LineChange[] = [];
  let pos = 0;
  for (const h of diffHunks(a, b)) {
    for (const t of a.slice(pos, h.start)) out.push({ kind: "same", text: t });
    for (const t of a.slice(h.start, h.end)) out.push({ kind: "removed", text: t });
    for (const t of h.lines) out.push({ kind: "added", text: t });
    pos = h.end;
  }
  for (const t of a.slice(pos)) out.push({ kind: "same", text: t });
  return out;
}
