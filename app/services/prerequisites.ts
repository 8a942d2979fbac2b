// What a badge asks a learner to hold first: conditions that must all be met, each "N of
// these badges", after Credential Engine CTDL's ComponentCondition (ceterms:requiredNumber
// over ceterms:targetComponent). All-of is N = the number of badges, any-of is N = 1.
//
// Stored content keeps one canonical form, because the content hash covers it: the flat
// list of badge URIs (what versions held before conditions existed, read as one all-of
// condition) whenever the prerequisites are just that, and the list of conditions only
// when they say more. So old versions keep their hashes, the same meaning always hashes
// the same, and a peer that only knows the flat list still reads every all-of badge.
// Pure: shared by the editor, the services and federation.
import { z } from "zod";

export const MAX_PREREQUISITE_BADGES = 50;
export const MAX_PREREQUISITE_CONDITIONS = 10;

export interface PrerequisiteCondition {
  // How many of `badges` a learner must hold (1 to badges.length).
  requiredNumber: number;
  badges: string[];
}

/** Prerequisites as content stores them: the flat all-of list, or conditions. */
export type Prerequisites = string[] | PrerequisiteCondition[];

// Only web addresses: an id is shown as a link, and `javascript:` or `data:` would run there.
export const BadgeUriSchema = z
  .string()
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), "Only http(s) URLs");

const ConditionSchema = z.object({
  requiredNumber: z.number().int("A whole number of badges").min(1, "At least one badge must be required"),
  badges: z.array(BadgeUriSchema).min(1, "A condition names at least one badge").max(MAX_PREREQUISITE_BADGES),
});

const isConditionList = (p: Prerequisites): p is PrerequisiteCondition[] => p.length > 0 && typeof p[0] === "object";

/** The conditions prerequisites stand for; a flat list is one all-of condition. */
export function prerequisiteConditions(p: Prerequisites): PrerequisiteCondition[] {
  if (isConditionList(p)) return p.map((c) => ({ requiredNumber: c.requiredNumber, badges: [...c.badges] }));
  const badges = [...new Set(p)];
  return badges.length ? [{ requiredNumber: badges.length, badges }] : [];
}

/** Every badge named, each once, in the order first named. */
export function prerequisiteUris(p: Prerequisites): string[] {
  return [...new Set(prerequisiteConditions(p).flatMap((c) => c.badges))];
}

/**
 * The canonical stored form: badges de-duplicated within each condition, and a single
 * all-of condition written as the flat list. Conditions are kept in the order given.
 */
export function canonicalPrerequisites(conditions: readonly PrerequisiteCondition[]): Prerequisites {
  const tidy = conditions.map((c) => ({ requiredNumber: c.requiredNumber, badges: [...new Set(c.badges)] }));
  if (tidy.length === 0) return [];
  if (tidy.length === 1 && tidy[0].requiredNumber === tidy[0].badges.length) return tidy[0].badges;
  return tidy;
}

/** Validates prerequisites in either form and gives the canonical one. */
export const PrerequisitesSchema = z
  .union([z.array(BadgeUriSchema), z.array(ConditionSchema).min(1)])
  .transform((p: Prerequisites) => canonicalPrerequisites(prerequisiteConditions(p)))
  .superRefine((p, ctx) => {
    const conditions = prerequisiteConditions(p);
    if (conditions.length > MAX_PREREQUISITE_CONDITIONS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `At most ${MAX_PREREQUISITE_CONDITIONS} conditions` });
    }
    if (prerequisiteUris(p).length > MAX_PREREQUISITE_BADGES) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `At most ${MAX_PREREQUISITE_BADGES} prerequisite badges` });
    }
    conditions.forEach((c, index) => {
      if (c.requiredNumber > c.badges.length) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, "requiredNumber"],
          message: `A condition cannot require ${c.requiredNumber} of ${c.badges.length} ${c.badges.length === 1 ? "badge" : "different badges"}`,
        });
      }
    });
  });

export type ConditionRule = "all" | "any" | "count";

/** How a condition reads as a rule: all of its badges, any one of them, or N of them. */
export function conditionRule(c: PrerequisiteCondition): ConditionRule {
  if (c.requiredNumber >= c.badges.length) return "all";
  return c.requiredNumber === 1 ? "any" : "count";
}

/** The rule in words, before the list of badges: "All of", "Any 1 of these 3", "2 of these 3". */
export function describeCondition(c: Pick<PrerequisiteCondition, "requiredNumber"> & { size: number }): string {
  if (c.size === 1) return "Required";
  if (c.requiredNumber >= c.size) return c.size === 2 ? "Both of these" : `All ${c.size} of these`;
  if (c.requiredNumber === 1) return `Any 1 of these ${c.size}`;
  return `${c.requiredNumber} of these ${c.size}`;
}

export interface ConditionProgress {
  requiredNumber: number;
  held: number;
  met: boolean;
}

/** How far a learner holding `holds` is with each condition. */
export function conditionProgress(p: Prerequisites, holds: (uri: string) => boolean): ConditionProgress[] {
  return prerequisiteConditions(p).map((c) => {
    const held = c.badges.filter(holds).length;
    return { requiredNumber: c.requiredNumber, held, met: held >= c.requiredNumber };
  });
}

/** Whether every condition is met (no prerequisites: always). */
export function prerequisitesMet(p: Prerequisites, holds: (uri: string) => boolean): boolean {
  return conditionProgress(p, holds).every((c) => c.met);
}
