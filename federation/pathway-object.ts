// A published pathway version as an ActivityStreams object, and back.
//
// Like a badge version (badge-object.ts, whose reasons hold here too) it is a `Note`, so
// Mastodon shows it as a post: `content` carries what a person reads (the name, summary,
// goal and each route with its steps as links, and a link to the pathway's page), and the
// pathway's summary is not AS `summary` (a content warning on a Note). Everything needed
// to recreate the version exactly travels in extension terms (vocabulary.ts PATHWAY_TERMS,
// FEDERATION.md): the receiver recomputes the content hash from them.
import { z } from "zod";
import { PATHWAY_APPROVAL_POLICIES, type PathwayApprovalPolicy } from "../db/schema";
import { missingForPublication, PathwayContentSchema, stageRule, type PathwayContent } from "../app/services/pathway-content";
import type { PublicPathwayVersion } from "../app/services/pathway-queries.server";
import { computeVersionHash } from "../app/services/versions.server";
import type { AsLink } from "./badge-object";
import { escapeHtml } from "./html";
import { authorship, publicationDates } from "./published-object";
import { PATHWAY_CONTEXT } from "./vocabulary";

export const PATHWAY_OBJECT_TYPE = "Note";

export type PathwayObjectSource = Omit<PublicPathwayVersion, "id">;

export interface PathwayObject {
  "@context"?: typeof PATHWAY_CONTEXT;
  id: string;
  type: typeof PATHWAY_OBJECT_TYPE;
  attributedTo: string[];
  to: string[];
  cc: string[];
  name: string;
  content: string;
  contentMap: Record<string, string>;
  mediaType: "text/html";
  url: AsLink[];
  published: string;
  updated?: string;
  // Extension terms (https://badgecommons.org/ns#, and ceterms: for `required`).
  pathway: string;
  steward: string;
  versionId: string;
  versionNumber: number;
  contentHash: string;
  pathwaySummary: string;
  language: string;
  goal: string;
  steps: { badge: string; guidance: string }[];
  routes: { name: string; stages: { badges: string[]; required: number }[] }[];
  approvalPolicy: PathwayApprovalPolicy;
  status: "published" | "deprecated";
  deprecatedAt?: string;
}

const link = (uri: string, names: Map<string, string>) => `<a href="${escapeHtml(uri)}">${escapeHtml(names.get(uri) ?? uri)}</a>`;
const paragraphs = (text: string) => escapeHtml(text).replace(/\n/g, "<br>");

/** What a person reads, every text escaped: routes as ordered lists of their stages. */
function readableContent(source: PathwayObjectSource, pageUrl: string): string {
  const { content } = source.version;
  const names = source.badgeNames;
  const guidance = new Map(content.steps.map((s) => [s.badge, s.guidance]));
  const parts = [`<p><strong>${escapeHtml(content.name)}</strong></p>`];
  if (content.summary) parts.push(`<p>${paragraphs(content.summary)}</p>`);
  if (content.goal) parts.push(`<p>A pathway to ${link(content.goal, names)}.${content.routes.length > 1 ? " Any one of these routes leads there." : ""}</p>`);
  content.routes.forEach((route, i) => {
    const title = route.name || (content.routes.length > 1 ? `Route ${i + 1}` : "");
    if (title) parts.push(`<p>${escapeHtml(title)}:</p>`);
    const stages = route.stages.map((stage) => {
      const rule = stageRule(stage);
      if (!rule) {
        const note = guidance.get(stage.badges[0]!);
        return `<li>${link(stage.badges[0]!, names)}${note ? `: ${paragraphs(note)}` : ""}</li>`;
      }
      return `<li>${escapeHtml(rule)}: ${stage.badges.map((b) => link(b, names)).join(", ")}</li>`;
    });
    parts.push(`<ol>${stages.join("")}</ol>`);
  });
  if (source.status === "deprecated") parts.push("<p>This pathway is deprecated: it is kept for reference and no longer maintained.</p>");
  parts.push(`<p><a href="${escapeHtml(pageUrl)}">${escapeHtml(pageUrl)}</a></p>`);
  return parts.join("");
}

export interface PathwayObjectOptions {
  // "pathway" (default): id is the pathway's URI and the object its latest version, so
  // Create, Update and Delete name one id; "version": the immutable version, id its URI.
  as?: "pathway" | "version";
  embedded?: boolean;
}

/** The ActivityStreams object of a published pathway version. */
export function toPathwayObject(source: PathwayObjectSource, options: PathwayObjectOptions = {}): PathwayObject {
  const { version } = source;
  const { content } = version;
  if (!content.goal) throw new Error("a published pathway version names its goal");
  const asPathway = (options.as ?? "pathway") === "pathway";
  const id = asPathway ? source.uri : version.uri;
  const html = readableContent(source, id);
  return {
    ...(options.embedded ? {} : { "@context": PATHWAY_CONTEXT }),
    id,
    type: PATHWAY_OBJECT_TYPE,
    ...authorship(version),
    name: content.name,
    content: html,
    contentMap: { [content.language]: html },
    mediaType: "text/html",
    url: [{ type: "Link", mediaType: "text/html", href: id }],
    ...publicationDates(source, asPathway),
    pathway: source.uri,
    steward: version.stewardUri,
    versionId: version.uri,
    versionNumber: version.number,
    contentHash: version.contentHash,
    pathwaySummary: content.summary,
    language: content.language,
    goal: content.goal,
    steps: content.steps.map((s) => ({ badge: s.badge, guidance: s.guidance })),
    routes: content.routes.map((r) => ({ name: r.name, stages: r.stages.map((s) => ({ badges: [...s.badges], required: s.required })) })),
    approvalPolicy: source.approvalPolicy,
    status: source.status,
    ...(source.status === "deprecated" && source.deprecatedAt ? { deprecatedAt: source.deprecatedAt.toISOString() } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Reading a pathway version object another instance sent or served.

const HttpUri = z.string().max(2000).url().refine((u) => /^https?:\/\//i.test(u), "only http(s) URIs");
const DateTime = z.string().datetime({ offset: true });
const oneOrMany = <T extends z.ZodTypeAny>(item: T) => z.union([item, z.array(item)]).transform((v): z.infer<T>[] => (Array.isArray(v) ? v : [v]));

const PathwayObjectSchema = z
  .object({
    id: HttpUri,
    type: oneOrMany(z.string()).refine((ts) => ts.includes(PATHWAY_OBJECT_TYPE), `type must be ${PATHWAY_OBJECT_TYPE}`),
    attributedTo: oneOrMany(HttpUri),
    name: z.string(),
    url: oneOrMany(z.union([z.string(), z.object({ href: z.string(), mediaType: z.string().optional() }).passthrough()])).optional(),
    published: DateTime,
    updated: DateTime.optional(),
    pathway: HttpUri,
    steward: HttpUri,
    versionId: HttpUri,
    versionNumber: z.number().int().positive(),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest"),
    pathwaySummary: z.string(),
    language: z.string(),
    goal: HttpUri,
    steps: oneOrMany(z.object({ badge: z.string(), guidance: z.string().default("") })),
    routes: oneOrMany(z.object({ name: z.string().default(""), stages: oneOrMany(z.object({ badges: oneOrMany(z.string()), required: z.number() })) })),
    approvalPolicy: z.enum(PATHWAY_APPROVAL_POLICIES),
    status: z.enum(["published", "deprecated"]).default("published"),
    deprecatedAt: DateTime.optional(),
  })
  .passthrough();

export interface ParsedPathwayObject {
  id: string;
  pathwayUri: string;
  versionUri: string;
  versionNumber: number;
  contentHash: string;
  stewardUri: string;
  // Sorted, as the hash takes them.
  coauthorUris: string[];
  content: PathwayContent;
  approvalPolicy: PathwayApprovalPolicy;
  status: "published" | "deprecated";
  deprecatedAt: Date | null;
  // The pathway's page on its home instance.
  url: string | null;
  published: Date;
  updated: Date | null;
}

export type PathwayObjectParseResult = { ok: true; pathway: ParsedPathwayObject } | { ok: false; error: string };

const originOf = (uri: string) => new URL(uri).origin;

/** Whether a document is meant as a pathway version object (it may still be refused). */
export function isPathwayObject(json: unknown): boolean {
  return !!json && typeof json === "object" && "pathway" in json && "versionId" in json;
}

/**
 * Reads a pathway version object from untrusted JSON: its shape, the content against the
 * rules of a publishable local pathway, the steward among the authors and on the
 * pathway's origin, and the content hash, recomputed: a version whose hash does not match
 * is refused, never stored.
 */
export function parsePathwayObject(json: unknown): PathwayObjectParseResult {
  const parsed = PathwayObjectSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `Not a pathway version object: ${issue.path.join(".") || "object"}: ${issue.message}` };
  }
  const o = parsed.data;
  const content = PathwayContentSchema.safeParse({
    name: o.name,
    summary: o.pathwaySummary,
    language: o.language,
    goal: o.goal,
    steps: o.steps,
    routes: o.routes,
  });
  if (!content.success) {
    const issue = content.error.issues[0];
    return { ok: false, error: `Pathway content is not valid: ${issue.path.join(".")}: ${issue.message}` };
  }
  const missing = missingForPublication(content.data);
  if (missing.length) return { ok: false, error: `Not a complete pathway: ${missing.join(" ")}` };
  if (!o.attributedTo.includes(o.steward)) return { ok: false, error: "The steward is not among attributedTo." };
  const origin = originOf(o.pathway);
  if (originOf(o.id) !== origin || originOf(o.steward) !== origin || originOf(o.versionId) !== origin) {
    return { ok: false, error: "A pathway, its versions and its steward live on one instance; these origins differ." };
  }
  if (o.id !== o.pathway && o.id !== o.versionId) return { ok: false, error: "The id is neither the pathway nor its version." };
  const coauthorUris = [...new Set(o.attributedTo.filter((a) => a !== o.steward))].sort();
  const hash = computeVersionHash({ content: content.data, stewardUri: o.steward, coauthorUris, number: o.versionNumber });
  if (hash !== o.contentHash) return { ok: false, error: "The content hash does not match the content, authors and version number." };
  const html = (o.url ?? []).map((l) => (typeof l === "string" ? l : (l.mediaType ?? "text/html") === "text/html" ? l.href : null)).find(Boolean) ?? null;
  return {
    ok: true,
    pathway: {
      id: o.id,
      pathwayUri: o.pathway,
      versionUri: o.versionId,
      versionNumber: o.versionNumber,
      contentHash: o.contentHash,
      stewardUri: o.steward,
      coauthorUris,
      content: content.data,
      approvalPolicy: o.approvalPolicy,
      status: o.status,
      deprecatedAt: o.status === "deprecated" && o.deprecatedAt ? new Date(o.deprecatedAt) : null,
      url: html && /^https?:\/\//i.test(html) ? html : null,
      published: new Date(o.published),
      updated: o.updated ? new Date(o.updated) : null,
    },
  };
}
