// A published badge version as an ActivityStreams object, and back.
//
// The object is a `Note`: Mastodon renders only Note and Question as posts; Article, Page
// and the like are "converted" to a title and a link (their content dropped), and an
// object of an unknown type is dropped altogether (app/lib/activitypub/activity.rb,
// SUPPORTED_TYPES / CONVERTED_TYPES). So `content` carries what a person should read:
// name, summary, criteria, a link to the page and the hashtags, marked up as Mastodon
// marks them. The badge's summary is NOT put in AS `summary`: on a Note, Mastodon and
// most microblogging servers show `summary` as a content warning that hides the post.
// Everything Badge Commons needs to recreate the version exactly travels in extension
// terms (vocabulary.ts, FEDERATION.md), so two instances exchange versions losslessly and
// the receiver recomputes the content hash.
import { z } from "zod";
import { APPROVAL_POLICIES, type ApprovalPolicy } from "../db/schema";
import { BadgeContentSchema, type BadgeContent } from "../app/services/badge-content";
import { prerequisiteConditions, type PrerequisiteCondition, type Prerequisites } from "../app/services/prerequisites";
import { imageUrl } from "../app/services/open-badges.server";
import { computeVersionHash } from "../app/services/versions.server";
import { renderMarkdown } from "../app/utils/markdown.server";
import { escapeHtml } from "./html";
import { authorship, publicationDates } from "./published-object";
import type { PublicBadgeVersion } from "../app/services/public-versions.server";
import { achievementUrl, tagHref } from "./uris";
import { BADGE_CONTEXT } from "./vocabulary";

export const BADGE_OBJECT_TYPE = "Note";

/** What a badge version object is made from: what public-versions.server.ts gives. */
export type BadgeObjectSource = Omit<PublicBadgeVersion, "id" | "latestNumber">;

export interface AsLink {
  type: "Link";
  mediaType: string;
  href: string;
  rel?: string;
  name?: string;
}

export interface AsHashtag {
  type: "Hashtag";
  name: string;
  href: string;
}

export interface BadgeAlignmentTerm {
  targetName: string;
  targetUrl: string;
  targetFramework: string;
}

export interface BadgeObject {
  "@context"?: typeof BADGE_CONTEXT;
  id: string;
  type: typeof BADGE_OBJECT_TYPE;
  attributedTo: string[];
  to: string[];
  cc: string[];
  name: string;
  content: string;
  contentMap: Record<string, string>;
  mediaType: "text/html";
  source: { content: string; mediaType: "text/markdown" };
  url: AsLink[];
  tag: AsHashtag[];
  image?: { type: "Image"; url: string; mediaType?: string; name: string };
  attachment?: { type: "Document"; mediaType: string; url: string; name: string }[];
  published: string;
  updated?: string;
  // Extension terms (https://badgecommons.org/ns#).
  badge: string;
  steward: string;
  versionId: string;
  versionNumber: number;
  contentHash: string;
  badgeSummary: string;
  badgeTags: string[];
  imageId?: string;
  achievementType: string;
  language: string;
  estimatedHours?: number;
  // The flat all-of list, as content stores it when that is all the prerequisites say;
  // otherwise `prerequisiteConditions` carries them and this is left out, so that a peer
  // which only knows the flat list never reads conditions as "all of these".
  prerequisites?: string[];
  prerequisiteConditions?: PrerequisiteCondition[];
  alignments: BadgeAlignmentTerm[];
  approvalPolicy: ApprovalPolicy;
  status: "published" | "deprecated";
  deprecatedAt?: string;
  successor?: string;
}

export interface BadgeTombstone {
  "@context"?: string;
  id: string;
  type: "Tombstone";
  formerType: typeof BADGE_OBJECT_TYPE;
  deleted: string;
}


/**
 * A tag as a Mastodon hashtag name (without `#`), or null when it cannot be one. Hashtags
 * are letters, digits and `_`, with at least one letter; a tag of several words reads
 * better in CamelCase ("social innovation" → SocialInnovation), also to screen readers.
 */
export function hashtagName(tag: string): string | null {
  const words = tag.split(/[\s-]+/u).filter(Boolean);
  const name =
    words.length > 1 ? words.map((w) => w[0].toLocaleUpperCase() + w.slice(1)).join("") : (words[0] ?? "");
  return /^[\p{L}\p{M}\p{N}_]+$/u.test(name) && /\p{L}/u.test(name) ? name : null;
}

function hashtags(publicUrl: string, tags: string[]): AsHashtag[] {
  return tags.flatMap((tag) => {
    const name = hashtagName(tag);
    return name ? [{ type: "Hashtag" as const, name: `#${name}`, href: tagHref(publicUrl, tag) }] : [];
  });
}

/** What a person reads: in Mastodon's markup for links and hashtags, sanitised throughout. */
function readableContent(source: BadgeObjectSource, pageUrl: string, tags: AsHashtag[]): string {
  const { content } = source.version;
  const parts = [`<p><strong>${escapeHtml(content.name)}</strong></p>`];
  if (content.summary) parts.push(`<p>${escapeHtml(content.summary).replace(/\n/g, "<br>")}</p>`);
  if (content.criteria.trim()) parts.push(renderMarkdown(content.criteria));
  if (source.status === "deprecated") {
    const successor = source.successorUri
      ? ` It is succeeded by <a href="${escapeHtml(source.successorUri)}">${escapeHtml(source.successorUri)}</a>.`
      : "";
    parts.push(`<p>This badge is deprecated: it should no longer be awarded.${successor}</p>`);
  }
  parts.push(`<p><a href="${escapeHtml(pageUrl)}">${escapeHtml(pageUrl)}</a></p>`);
  if (tags.length) {
    const links = tags.map(
      (t) => `<a href="${escapeHtml(t.href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(t.name.slice(1))}</span></a>`,
    );
    parts.push(`<p>${links.join(" ")}</p>`);
  }
  return parts.join("");
}

export interface BadgeObjectOptions {
  publicUrl: string;
  /**
   * "badge" (default): the object whose id is the badge's URI, describing its latest
   * version; Create, Update and Delete all name this id, so a Mastodon post is edited in
   * place rather than duplicated. "version": the immutable version, id = its URI.
   */
  as?: "badge" | "version";
  // Leave out @context when the object is embedded in an activity that has it.
  embedded?: boolean;
}

/** The ActivityStreams object of a published badge version. */
export function toBadgeObject(source: BadgeObjectSource, options: BadgeObjectOptions): BadgeObject {
  const { version } = source;
  const { content } = version;
  const asBadge = (options.as ?? "badge") === "badge";
  const id = asBadge ? source.uri : version.uri;
  const tags = hashtags(options.publicUrl, content.tags);
  const html = readableContent(source, id, tags);
  const image = content.imageId ? imageUrl(options.publicUrl, content.imageId) : null;
  return {
    ...(options.embedded ? {} : { "@context": BADGE_CONTEXT }),
    id,
    type: BADGE_OBJECT_TYPE,
    ...authorship(version),
    name: content.name,
    content: html,
    contentMap: { [content.language]: html },
    mediaType: "text/html",
    source: { content: content.criteria, mediaType: "text/markdown" },
    url: [
      { type: "Link", mediaType: "text/html", href: id },
      { type: "Link", mediaType: "application/ld+json", rel: "alternate", name: "Open Badges 3.0 Achievement", href: achievementUrl(source.uri) },
    ],
    tag: tags,
    ...(image
      ? {
          image: {
            type: "Image" as const,
            url: image,
            ...(source.imageContentType ? { mediaType: source.imageContentType } : {}),
            name: content.name,
          },
        }
      : {}),
    // Mastodon shows attachments, not `image`; it cannot show SVG, so only a PNG is attached.
    ...(image && source.imageContentType === "image/png"
      ? { attachment: [{ type: "Document" as const, mediaType: "image/png", url: image, name: content.name }] }
      : {}),
    ...publicationDates(source, asBadge),
    badge: source.uri,
    steward: version.stewardUri,
    versionId: version.uri,
    versionNumber: version.number,
    contentHash: version.contentHash,
    badgeSummary: content.summary,
    badgeTags: [...content.tags],
    ...(content.imageId ? { imageId: content.imageId } : {}),
    achievementType: content.achievementType,
    language: content.language,
    ...(content.estimatedHours !== null ? { estimatedHours: content.estimatedHours } : {}),
    ...prerequisiteTerms(content.prerequisites),
    alignments: content.alignments.map((a) => ({
      targetName: a.targetName,
      targetUrl: a.targetUrl,
      targetFramework: a.targetFramework,
    })),
    approvalPolicy: source.approvalPolicy,
    status: source.status,
    ...(source.status === "deprecated" && source.deprecatedAt ? { deprecatedAt: source.deprecatedAt.toISOString() } : {}),
    ...(source.status === "deprecated" && source.successorUri ? { successor: source.successorUri } : {}),
  };
}

/** Prerequisites in the object exactly as content stores them, so the hash recomputes. */
function prerequisiteTerms(p: Prerequisites): Pick<BadgeObject, "prerequisites" | "prerequisiteConditions"> {
  if (p.length && typeof p[0] === "object") {
    return { prerequisiteConditions: prerequisiteConditions(p).map((c) => ({ requiredNumber: c.requiredNumber, badges: [...c.badges] })) };
  }
  return { prerequisites: [...(p as string[])] };
}

/** What a withdrawn badge (or one of its versions) leaves behind: Delete carries it, GET answers 410 with it. */
export function toBadgeTombstone(uri: string, deletedAt: Date, options: { embedded?: boolean } = {}): BadgeTombstone {
  return {
    ...(options.embedded ? {} : { "@context": "https://www.w3.org/ns/activitystreams" }),
    id: uri,
    type: "Tombstone",
    formerType: BADGE_OBJECT_TYPE,
    deleted: deletedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------
// Reading a badge version object another instance sent or served.

const HttpUri = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "only http(s) URIs");
const DateTime = z.string().datetime({ offset: true });
const oneOrMany = <T extends z.ZodTypeAny>(item: T) => z.union([item, z.array(item)]).transform((v): z.infer<T>[] => (Array.isArray(v) ? v : [v]));

const LinkLike = z.union([
  z.string(),
  z.object({ href: z.string(), mediaType: z.string().optional(), type: z.string().optional() }).passthrough(),
]);

const BadgeObjectSchema = z
  .object({
    id: HttpUri,
    type: oneOrMany(z.string()).refine((ts) => ts.includes(BADGE_OBJECT_TYPE), `type must be ${BADGE_OBJECT_TYPE}`),
    attributedTo: oneOrMany(HttpUri),
    name: z.string(),
    source: z.object({ content: z.string(), mediaType: z.literal("text/markdown") }),
    url: oneOrMany(LinkLike).optional(),
    image: z.object({ url: HttpUri, mediaType: z.string().optional() }).passthrough().optional(),
    published: DateTime,
    updated: DateTime.optional(),
    badge: HttpUri,
    steward: HttpUri,
    versionId: HttpUri,
    versionNumber: z.number().int().positive(),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest"),
    badgeSummary: z.string(),
    badgeTags: oneOrMany(z.string()).default([]),
    imageId: z.string().nullable().optional(),
    achievementType: z.string(),
    language: z.string(),
    estimatedHours: z.number().nullable().optional(),
    prerequisites: oneOrMany(z.string()).default([]),
    prerequisiteConditions: oneOrMany(z.object({ requiredNumber: z.number(), badges: oneOrMany(z.string()) })).default([]),
    alignments: oneOrMany(z.object({ targetName: z.string(), targetUrl: z.string(), targetFramework: z.string().default("") })).default([]),
    approvalPolicy: z.enum(APPROVAL_POLICIES),
    status: z.enum(["published", "deprecated"]).default("published"),
    deprecatedAt: DateTime.optional(),
    successor: HttpUri.optional(),
  })
  .passthrough();

export interface ParsedBadgeObject {
  // The object's id: the badge URI, or a version URI when a version was fetched.
  id: string;
  badgeUri: string;
  versionUri: string;
  versionNumber: number;
  contentHash: string;
  stewardUri: string;
  // Sorted, as the hash takes them.
  coauthorUris: string[];
  content: BadgeContent;
  approvalPolicy: ApprovalPolicy;
  status: "published" | "deprecated";
  deprecatedAt: Date | null;
  successorUri: string | null;
  // The HTML page on the badge's home instance, and its Open Badges 3.0 Achievement.
  url: string | null;
  achievementUrl: string | null;
  image: { url: string; mediaType: string | null } | null;
  published: Date;
  updated: Date | null;
}

export type BadgeObjectParseResult = { ok: true; badge: ParsedBadgeObject } | { ok: false; error: string };

function pickHref(links: z.infer<typeof LinkLike>[] | undefined, mediaType: string): string | null {
  for (const link of links ?? []) {
    if (typeof link === "string") {
      if (mediaType === "text/html") return link;
    } else if ((link.mediaType ?? "text/html") === mediaType) return link.href;
  }
  return null;
}

const originOf = (uri: string) => new URL(uri).origin;

/**
 * Reads a badge version object (as toBadgeObject makes it) from untrusted JSON. Checks
 * its shape, the content against the same rules as a local draft, that the steward is
 * among the authors and shares the badge's origin, and that the content hash recomputes:
 * a version whose hash does not match what it says is refused, never stored.
 */
export function parseBadgeObject(json: unknown): BadgeObjectParseResult {
  const parsed = BadgeObjectSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `Not a badge version object: ${issue.path.join(".") || "object"}: ${issue.message}` };
  }
  const o = parsed.data;
  const content = BadgeContentSchema.safeParse({
    name: o.name,
    summary: o.badgeSummary,
    criteria: o.source.content,
    imageId: o.imageId ?? null,
    tags: o.badgeTags,
    alignments: o.alignments,
    achievementType: o.achievementType,
    language: o.language,
    estimatedHours: o.estimatedHours ?? null,
    // Conditions when the object carries them; a peer that knows only the flat list (all
    // of them) sends that.
    prerequisites: o.prerequisiteConditions.length ? o.prerequisiteConditions : o.prerequisites,
  });
  if (!content.success) {
    const issue = content.error.issues[0];
    return { ok: false, error: `Badge content is not valid: ${issue.path.join(".")}: ${issue.message}` };
  }
  if (!o.attributedTo.includes(o.steward)) return { ok: false, error: "The steward is not among attributedTo." };
  const origin = originOf(o.badge);
  if (originOf(o.id) !== origin || originOf(o.steward) !== origin || originOf(o.versionId) !== origin) {
    return { ok: false, error: "A badge, its versions and its steward live on one instance; these origins differ." };
  }
  if (o.id !== o.badge && o.id !== o.versionId) return { ok: false, error: "The id is neither the badge nor its version." };
  const coauthorUris = [...new Set(o.attributedTo.filter((a) => a !== o.steward))].sort();
  const hash = computeVersionHash({ content: content.data, stewardUri: o.steward, coauthorUris, number: o.versionNumber });
  if (hash !== o.contentHash) return { ok: false, error: "The content hash does not match the content, authors and version number." };
  return {
    ok: true,
    badge: {
      id: o.id,
      badgeUri: o.badge,
      versionUri: o.versionId,
      versionNumber: o.versionNumber,
      contentHash: o.contentHash,
      stewardUri: o.steward,
      coauthorUris,
      content: content.data,
      approvalPolicy: o.approvalPolicy,
      status: o.status,
      deprecatedAt: o.status === "deprecated" && o.deprecatedAt ? new Date(o.deprecatedAt) : null,
      successorUri: o.status === "deprecated" ? (o.successor ?? null) : null,
      url: pickHref(o.url, "text/html"),
      achievementUrl: pickHref(o.url, "application/ld+json"),
      image: o.image ? { url: o.image.url, mediaType: o.image.mediaType ?? null } : null,
      published: new Date(o.published),
      updated: o.updated ? new Date(o.updated) : null,
    },
  };
}
