// Badge definitions as Open Badges 3.0 documents (1EdTech). Pure functions from domain
// data to JSON, shared by the public `achievement.json` route and, later, federation.
// What the OB 3.0 vocabulary has no term for travels as extension properties named by
// full IRIs in the Badge Commons namespace (see docs/OPEN-BADGES.md).
import type { BadgeContent } from "./badge-content";
import { prerequisiteConditions, type Prerequisites } from "./prerequisites";
import type { OrganisationProfile } from "./catalogue-authors.server";

export const OB3_CONTEXT = [
  "https://www.w3.org/ns/credentials/v2",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
] as const;

/** The namespace of Badge Commons' extension terms. */
export const BADGE_COMMONS_NS = "https://badgecommons.org/ns#";

export const EXTENSION = {
  // Co-author organisations other than the steward (OB 3.0 Profiles).
  coAuthors: `${BADGE_COMMONS_NS}coAuthors`,
  // Estimated hours of learning to earn the badge (a number).
  estimatedHours: `${BADGE_COMMONS_NS}estimatedHours`,
  // Ids of badges a learner should hold first, all of them.
  prerequisites: `${BADGE_COMMONS_NS}prerequisites`,
  // Or, when the prerequisites say more than "all of these": conditions that must all be
  // met, each requiring a number of the badges it names.
  prerequisiteConditions: `${BADGE_COMMONS_NS}prerequisiteConditions`,
  requiredNumber: `${BADGE_COMMONS_NS}requiredNumber`,
  badges: `${BADGE_COMMONS_NS}badges`,
  // The immutable published version this document describes, and its content hash.
  versionId: `${BADGE_COMMONS_NS}versionId`,
  contentHash: `${BADGE_COMMONS_NS}contentHash`,
  // "deprecated" when the badge should no longer be awarded; its successor's id if named.
  status: `${BADGE_COMMONS_NS}status`,
  successor: `${BADGE_COMMONS_NS}successor`,
} as const;

export interface Ob3Image {
  id: string;
  type: "Image";
}

export interface Ob3Profile {
  id: string;
  type: ["Profile"];
  name: string;
  url?: string;
  description?: string;
  image?: Ob3Image;
}

export interface Ob3Alignment {
  type: ["Alignment"];
  targetName: string;
  targetUrl: string;
  targetFramework?: string;
}

export interface Ob3Achievement {
  "@context": typeof OB3_CONTEXT;
  id: string;
  type: ["Achievement"];
  name: string;
  description: string;
  criteria: { id?: string; narrative?: string };
  image?: Ob3Image;
  achievementType: string;
  tag?: string[];
  alignment?: Ob3Alignment[];
  inLanguage?: string;
  version: string;
  creator: Ob3Profile;
  endorsement?: Record<string, unknown>[];
  [extension: string]: unknown;
}

/** What the mapping needs: a badge's latest published version and who stands behind it. */
export interface AchievementSource {
  uri: string;
  status: "published" | "deprecated";
  successor: { uri: string } | null;
  latest: { number: number; uri: string; contentHash: string; content: BadgeContent };
  steward: OrganisationProfile;
  coAuthors: OrganisationProfile[];
  // Signed EndorsementCredentials of the badge's accepted endorsements.
  endorsements?: Record<string, unknown>[];
}

const isHttpUrl = (u: string | null | undefined): u is string => !!u && /^https?:\/\//i.test(u);

export function imageUrl(publicUrl: string, imageId: string): string {
  return `${publicUrl}/images/${encodeURIComponent(imageId)}`;
}

/**
 * A BCP 47 tag in the casing OB 3.0's schema demands (`en`, `fr-CA`, `zh-Hant-TW`), or
 * just its language subtag when the rest does not fit that pattern.
 */
export function ob3Language(code: string): string | null {
  const [lang, ...rest] = code.trim().split("-");
  if (!/^[a-z]{2,4}$/i.test(lang ?? "")) return null;
  const parts = [lang.toLowerCase()];
  let i = 0;
  if (rest[i] && /^[a-z]{4}$/i.test(rest[i])) parts.push(rest[i][0].toUpperCase() + rest[i++].slice(1).toLowerCase());
  if (rest[i] && /^([a-z]{2}|[0-9]{3})$/i.test(rest[i])) parts.push(rest[i++].toUpperCase());
  return i === rest.length ? parts.join("-") : parts[0];
}

/** An organisation as an OB 3.0 Profile (the creator of an Achievement). */
export function toProfile(org: OrganisationProfile, publicUrl: string): Ob3Profile {
  return {
    id: org.uri,
    type: ["Profile"],
    name: org.name,
    ...(isHttpUrl(org.website) ? { url: org.website } : {}),
    ...(org.description ? { description: org.description } : {}),
    ...(org.logoImageId ? { image: { id: imageUrl(publicUrl, org.logoImageId), type: "Image" as const } } : {}),
  };
}

/** A published badge definition as an OB 3.0 `Achievement` whose id is the badge's URI. */
export function toAchievement(badge: AchievementSource, options: { publicUrl: string }): Ob3Achievement {
  const { content } = badge.latest;
  const language = ob3Language(content.language);
  return {
    "@context": OB3_CONTEXT,
    id: badge.uri,
    type: ["Achievement"],
    name: content.name,
    // OB 3.0 requires a description; a badge without a summary is described by its name.
    description: content.summary || content.name,
    criteria: {
      id: `${badge.uri}#criteria`,
      ...(content.criteria.trim() ? { narrative: content.criteria } : {}),
    },
    ...(content.imageId ? { image: { id: imageUrl(options.publicUrl, content.imageId), type: "Image" as const } } : {}),
    achievementType: content.achievementType,
    ...(content.tags.length ? { tag: [...content.tags] } : {}),
    ...(content.alignments.length
      ? {
          alignment: content.alignments.map((a) => ({
            type: ["Alignment"] as ["Alignment"],
            targetName: a.targetName,
            targetUrl: a.targetUrl,
            ...(a.targetFramework ? { targetFramework: a.targetFramework } : {}),
          })),
        }
      : {}),
    ...(language ? { inLanguage: language } : {}),
    version: String(badge.latest.number),
    creator: toProfile(badge.steward, options.publicUrl),
    ...(badge.endorsements?.length ? { endorsement: badge.endorsements } : {}),
    ...(badge.coAuthors.length
      ? { [EXTENSION.coAuthors]: badge.coAuthors.map((o) => toProfile(o, options.publicUrl)) }
      : {}),
    ...(content.estimatedHours !== null ? { [EXTENSION.estimatedHours]: content.estimatedHours } : {}),
    ...prerequisiteExtension(content.prerequisites),
    [EXTENSION.versionId]: badge.latest.uri,
    [EXTENSION.contentHash]: badge.latest.contentHash,
    ...(badge.status === "deprecated"
      ? {
          [EXTENSION.status]: "deprecated",
          ...(badge.successor ? { [EXTENSION.successor]: badge.successor.uri } : {}),
        }
      : {}),
  };
}

/** Prerequisites as extension properties: the flat list when that is all they say. */
function prerequisiteExtension(p: Prerequisites): Record<string, unknown> {
  const conditions = prerequisiteConditions(p);
  if (!conditions.length) return {};
  if (conditions.length === 1 && conditions[0].requiredNumber === conditions[0].badges.length) {
    return { [EXTENSION.prerequisites]: [...conditions[0].badges] };
  }
  return {
    [EXTENSION.prerequisiteConditions]: conditions.map((c) => ({
      [EXTENSION.requiredNumber]: c.requiredNumber,
      [EXTENSION.badges]: [...c.badges],
    })),
  };
}
