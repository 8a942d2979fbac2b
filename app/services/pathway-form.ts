// A pathway draft as its plain form holds it (no JavaScript needed): the goal and each step
// picked from the catalogue or pasted, guidance per step, and routes whose stages tick the
// steps they hold. The form (browser) and the edit route (server) convert through here;
// the service then validates the content. Pure functions.
import { orderedRoute, PATHWAY_LIMITS, type PathwayContent } from "./pathway-content";

export interface StepRow {
  // A badge picked from the catalogue list ("" for none) and an address pasted instead.
  badge: string;
  badgeUrl: string;
  guidance: string;
}

export interface StageRow {
  // The steps ticked, by badge address.
  badges: string[];
  // "all", or how many of the ticked steps complete the stage.
  required: string;
}

export interface RouteRow {
  name: string;
  stages: StageRow[];
}

export interface PathwayFormValues {
  name: string;
  summary: string;
  language: string;
  goal: string;
  goalUrl: string;
  steps: StepRow[];
  routes: RouteRow[];
}

// Blank rows the form offers beyond what is saved: without JavaScript, a form cannot grow.
export const BLANK_STEP_ROWS = 3;
export const BLANK_STAGE_ROWS = 2;
export const BLANK_ROUTE_ROWS = 1;

export function formValuesFromContent(content: PathwayContent): PathwayFormValues {
  return {
    name: content.name,
    summary: content.summary,
    language: content.language,
    goal: content.goal ?? "",
    goalUrl: "",
    steps: content.steps.map((s) => ({ badge: s.badge, badgeUrl: "", guidance: s.guidance })),
    routes: content.routes.map((r) => ({
      name: r.name,
      stages: r.stages.map((s) => ({ badges: [...s.badges], required: s.required === s.badges.length ? "all" : String(s.required) })),
    })),
  };
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/** Reads the pathway form (see app/components/pathway-form.tsx for the field names). */
export function formValuesFromForm(form: FormData): PathwayFormValues {
  const steps: StepRow[] = [];
  for (let i = 0; i < PATHWAY_LIMITS.steps + BLANK_STEP_ROWS; i++) {
    if (!form.has(`steps.${i}.guidance`)) continue;
    steps.push({ badge: text(form, `steps.${i}.badge`), badgeUrl: text(form, `steps.${i}.badgeUrl`), guidance: text(form, `steps.${i}.guidance`) });
  }
  const routes: RouteRow[] = [];
  for (let r = 0; r < PATHWAY_LIMITS.routes + BLANK_ROUTE_ROWS; r++) {
    if (!form.has(`routes.${r}.name`)) continue;
    const stages: StageRow[] = [];
    for (let s = 0; s < PATHWAY_LIMITS.stages + BLANK_STAGE_ROWS; s++) {
      if (!form.has(`routes.${r}.stages.${s}.required`)) continue;
      stages.push({
        badges: form.getAll(`routes.${r}.stages.${s}.badges`).filter((v): v is string => typeof v === "string" && v !== ""),
        required: text(form, `routes.${r}.stages.${s}.required`),
      });
    }
    routes.push({ name: text(form, `routes.${r}.name`), stages });
  }
  return {
    name: text(form, "name"),
    summary: text(form, "summary"),
    language: text(form, "language"),
    goal: text(form, "goal"),
    goalUrl: text(form, "goalUrl"),
    steps,
    routes,
  };
}

/** A step row's badge: the pasted address wins over the list. */
export const stepBadge = (row: Pick<StepRow, "badge" | "badgeUrl">) => row.badgeUrl.trim() || row.badge.trim();
const isBlankStep = (row: StepRow) => !stepBadge(row) && !row.guidance.trim();

export interface FormContent {
  // What the service validates (its own rules decide; this only assembles).
  content: {
    name: string;
    summary: string;
    language: string;
    goal: string | null;
    steps: { badge: string; guidance: string }[];
    routes: { name: string; stages: { badges: string[]; required: number }[] }[];
  };
  // Content path (`steps.2`, `routes.0.stages.1`) → the form row it came from.
  rows: Record<string, string>;
  // What the form can say before the service looks (a guidance typed with no badge).
  fieldErrors: Record<string, string[]>;
}

/**
 * Assembles content from the form: blank step rows, empty stages and empty routes are
 * skipped; a step taken out of the list leaves the routes too (a stage keeps the rest,
 * requiring at most what is left); with steps and no route at all, the steps form one
 * ordered route in the order listed.
 */
export function contentFromFormValues(values: PathwayFormValues): FormContent {
  const rows: Record<string, string> = {};
  const fieldErrors: Record<string, string[]> = {};
  const steps: FormContent["content"]["steps"] = [];
  values.steps.forEach((row, i) => {
    if (isBlankStep(row)) return;
    if (!stepBadge(row)) {
      fieldErrors[`steps.${i}.badge`] = ["Choose a badge for this step, or empty its guidance to remove it"];
      return;
    }
    rows[`steps.${steps.length}`] = `steps.${i}`;
    steps.push({ badge: stepBadge(row), guidance: row.guidance });
  });
  const onList = new Set(steps.map((s) => s.badge));
  const routes: FormContent["content"]["routes"] = [];
  values.routes.forEach((route, r) => {
    const stages: FormContent["content"]["routes"][number]["stages"] = [];
    route.stages.forEach((stage, s) => {
      const badges = stage.badges.filter((b) => onList.has(b));
      if (!badges.length) return;
      const wanted = stage.required === "all" || stage.required === "" ? badges.length : Number(stage.required);
      rows[`routes.${routes.length}.stages.${stages.length}`] = `routes.${r}.stages.${s}`;
      stages.push({ badges, required: Number.isInteger(wanted) && wanted > 0 ? Math.min(wanted, badges.length) : wanted });
    });
    if (!stages.length && !route.name.trim()) return;
    rows[`routes.${routes.length}`] = `routes.${r}`;
    routes.push({ name: route.name, stages });
  });
  return {
    content: {
      name: values.name,
      summary: values.summary,
      language: values.language,
      goal: values.goalUrl.trim() || values.goal.trim() || null,
      steps,
      routes: routes.length || !steps.length ? routes : [orderedRoute(steps)],
    },
    rows,
    fieldErrors,
  };
}

/** Service errors keyed by content path, re-keyed by the form rows they came from. */
export function formErrorKeys(errors: Record<string, string[]>, rows: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const parts = key.split(".");
    // The longest content path that names a row: `routes.0.stages.1` before `routes.0`.
    let mapped = key;
    for (let n = parts.length; n > 0; n--) {
      const prefix = parts.slice(0, n).join(".");
      if (rows[prefix]) {
        mapped = [rows[prefix], ...parts.slice(n)].join(".");
        break;
      }
    }
    out[mapped] = [...(out[mapped] ?? []), ...messages];
  }
  return out;
}
