// What a pathway says: a goal badge, the steps toward it (each a badge, local or of another
// instance, with short guidance) and the routes that combine the steps. Pure code shared by
// the form (browser) and the services: no database, no I/O.
//
// The shape mirrors Credential Engine's CTDL (ADR 011): the goal is the pathway's
// destination component, each step a credential component standing in for its badge
// (`proxyFor`) with the guidance as its description, and each route a component condition
// on the goal whose stages are nested conditions: "`required` of these steps". Any one
// route reaches the goal; a route's stages are taken in order. An ordered route is one
// whose stages each hold one step; "any 2 of these 4" is one stage.
import { z } from "zod";

export const PATHWAY_LIMITS = {
  name: 120,
  summary: 500,
  guidance: 1000,
  steps: 50,
  routes: 10,
  stages: 20,
  routeName: 120,
} as const;

const httpUri = z
  .string()
  .trim()
  .url("Enter a badge's full address (https://…)")
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), "Only http(s) addresses");

/**
 * Plain text as people type it: line breaks kept (as \n), other control characters and
 * trailing space dropped. Pages render it as text, never as HTML.
 */
export function plainText(max: number, label: string) {
  return z
    .string()
    .transform((s) => s.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").replace(/[ \t]+$/gm, "").trim())
    .pipe(z.string().max(max, `${label} has at most ${max.toLocaleString("en-GB")} characters`));
}

export const PathwayStepSchema = z.object({
  // The badge's id (URI), here or on another instance.
  badge: httpUri,
  // What a learner should know about this step: why it is here, how to approach it.
  guidance: plainText(PATHWAY_LIMITS.guidance, "Guidance").default(""),
});
export type PathwayStep = z.infer<typeof PathwayStepSchema>;

export const PathwayStageSchema = z
  .object({
    // Badge URIs of steps of this pathway, in the order shown.
    badges: z.array(httpUri).min(1, "Tick at least one step").max(PATHWAY_LIMITS.steps),
    // How many of them a learner earns to complete the stage (all of them by default).
    required: z.number().int().min(1),
  })
  .superRefine((stage, ctx) => {
    if (new Set(stage.badges).size !== stage.badges.length) ctx.addIssue({ code: "custom", path: ["badges"], message: "A step appears once in a stage" });
    if (stage.required > stage.badges.length)
      ctx.addIssue({ code: "custom", path: ["required"], message: `At most ${stage.badges.length} of ${stage.badges.length} can be required` });
  });
export type PathwayStage = z.infer<typeof PathwayStageSchema>;

export const PathwayRouteSchema = z.object({
  name: plainText(PATHWAY_LIMITS.routeName, "A route's name").default(""),
  stages: z.array(PathwayStageSchema).min(1, "A route has at least one stage").max(PATHWAY_LIMITS.stages, `At most ${PATHWAY_LIMITS.stages} stages`),
});
export type PathwayRoute = z.infer<typeof PathwayRouteSchema>;

const PathwayContentShape = z.object({
  name: z.string().trim().min(1, "Give the pathway a name").max(PATHWAY_LIMITS.name, `At most ${PATHWAY_LIMITS.name} characters`),
  summary: plainText(PATHWAY_LIMITS.summary, "The summary").default(""),
  language: z
    .string()
    .trim()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "Use a language code such as en or fr-CA")
    .default("en"),
  // The badge the pathway leads to; a draft may not have chosen it yet.
  goal: httpUri.nullable().default(null),
  steps: z.array(PathwayStepSchema).max(PATHWAY_LIMITS.steps, `At most ${PATHWAY_LIMITS.steps} steps`).default([]),
  routes: z.array(PathwayRouteSchema).max(PATHWAY_LIMITS.routes, `At most ${PATHWAY_LIMITS.routes} routes`).default([]),
});

/** A pathway's content: its structure must hang together (rules that hold for drafts too). */
export const PathwayContentSchema = PathwayContentShape.superRefine((c, ctx) => {
  const steps = new Set<string>();
  c.steps.forEach((s, i) => {
    if (steps.has(s.badge)) ctx.addIssue({ code: "custom", path: ["steps", i, "badge"], message: "This badge is already a step" });
    if (c.goal && s.badge === c.goal) ctx.addIssue({ code: "custom", path: ["steps", i, "badge"], message: "The goal badge cannot also be a step" });
    steps.add(s.badge);
  });
  c.routes.forEach((route, r) => {
    const seen = new Set<string>();
    route.stages.forEach((stage, s) => {
      for (const badge of stage.badges) {
        if (!steps.has(badge)) ctx.addIssue({ code: "custom", path: ["routes", r, "stages", s, "badges"], message: "Only steps of this pathway can be on a route" });
        else if (seen.has(badge)) ctx.addIssue({ code: "custom", path: ["routes", r, "stages", s, "badges"], message: "A step appears once on a route" });
        seen.add(badge);
      }
    });
  });
});
export type PathwayContent = z.infer<typeof PathwayContentShape>;
export type PathwayField = keyof PathwayContent;
export const PATHWAY_FIELDS = Object.keys(PathwayContentShape.shape) as PathwayField[];

export const PATHWAY_FIELD_LABELS: Record<PathwayField, string> = {
  name: "Name",
  summary: "Summary",
  language: "Language",
  goal: "Goal",
  steps: "Steps",
  routes: "Routes",
};

export function emptyPathwayContent(name = ""): PathwayContent {
  return { name, summary: "", language: "en", goal: null, steps: [], routes: [] };
}

/** One ordered route through every step, in the order the steps are listed. */
export function orderedRoute(steps: readonly PathwayStep[], name = ""): PathwayRoute {
  return { name, stages: steps.map((s) => ({ badges: [s.badge], required: 1 })) };
}

/**
 * What keeps a draft from being published, in words: a goal, at least one step and one
 * route, and every step on some route (a step no route uses would guide nobody).
 */
export function missingForPublication(content: PathwayContent): string[] {
  const missing: string[] = [];
  if (!content.goal) missing.push("Choose the goal badge.");
  if (!content.steps.length) missing.push("Add at least one step.");
  if (!content.routes.length) missing.push("Compose at least one route.");
  const onRoutes = new Set(content.routes.flatMap((r) => r.stages.flatMap((s) => s.badges)));
  const stray = content.steps.filter((s) => !onRoutes.has(s.badge)).length;
  if (content.routes.length && stray) missing.push(`${stray === 1 ? "One step is" : `${stray} steps are`} on no route yet.`);
  return missing;
}

/** Top-level fields whose values differ, in display order (for the revision record). */
export function changedPathwayFields(before: PathwayContent | null, after: PathwayContent): PathwayField[] {
  const base = before ?? emptyPathwayContent();
  return PATHWAY_FIELDS.filter((f) => JSON.stringify(base[f]) !== JSON.stringify(after[f]));
}

/** "All of", "Any 2 of" or "" (a stage of one step): how a stage reads. */
export function stageRule(stage: Pick<PathwayStage, "badges" | "required">): string {
  if (stage.badges.length === 1) return "";
  if (stage.required === stage.badges.length) return `All ${stage.badges.length} of`;
  return `Any ${stage.required} of`;
}

/** The badges a pathway names (goal first, then steps in order), each once. */
export function pathwayBadgeUris(content: Pick<PathwayContent, "goal" | "steps">): string[] {
  return [...new Set([...(content.goal ? [content.goal] : []), ...content.steps.map((s) => s.badge)])];
}
