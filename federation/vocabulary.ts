// JSON-LD contexts, media types and well-known IRIs shared by every document we serve or
// send. Contexts are referenced by the URLs that Mastodon, Fedify and Mitra also use
// (and preload), so no processor has to fetch anything to read our documents; terms of
// our own are defined inline in the project's namespace.
import { BADGE_COMMONS_NS } from "../app/services/open-badges.server";

export { BADGE_COMMONS_NS };

export const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
export const SECURITY_V1_CONTEXT = "https://w3id.org/security/v1";
export const DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v1";

/** The special collection that addresses everyone (AS2 §5.6). */
export const PUBLIC_COLLECTION = "https://www.w3.org/ns/activitystreams#Public";

export const ACTIVITY_JSON = "application/activity+json";
export const AS_PROFILE = "https://www.w3.org/ns/activitystreams";
export const LD_JSON_AS = `application/ld+json; profile="${AS_PROFILE}"`;
export const JRD_JSON = "application/jrd+json";
export const NODEINFO_21_PROFILE = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/** Terms actors use beyond AS2 and security/v1: FEP-521a keys, Mastodon's flags, profile fields. */
export const ACTOR_TERMS = {
  sec: "https://w3id.org/security#",
  toot: "http://joinmastodon.org/ns#",
  schema: "http://schema.org#",
  manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
  discoverable: "toot:discoverable",
  indexable: "toot:indexable",
  PropertyValue: "schema:PropertyValue",
  value: "schema:value",
  Multikey: "sec:Multikey",
  publicKeyMultibase: "sec:publicKeyMultibase",
  controller: { "@id": "sec:controller", "@type": "@id" },
  assertionMethod: { "@id": "sec:assertionMethod", "@type": "@id", "@container": "@set" },
  // What kind of organisation this is (nonprofit, business, school, community).
  organisationKind: `${BADGE_COMMONS_NS}organisationKind`,
} as const;

/**
 * Terms of a badge version object that ActivityStreams lacks, in the Badge Commons
 * namespace (see FEDERATION.md, "Extension terms"). Ordered lists are `@list`: their order
 * is part of the content hash. IRIs shared with the Open Badges export
 * (docs/OPEN-BADGES.md) are the same IRIs.
 */
export const BADGE_TERMS = {
  bc: BADGE_COMMONS_NS,
  Hashtag: "as:Hashtag",
  badge: { "@id": "bc:badge", "@type": "@id" },
  steward: { "@id": "bc:steward", "@type": "@id" },
  versionId: { "@id": "bc:versionId", "@type": "@id" },
  versionNumber: "bc:versionNumber",
  contentHash: "bc:contentHash",
  badgeSummary: "bc:badgeSummary",
  badgeTags: { "@id": "bc:badgeTags", "@container": "@list" },
  imageId: "bc:imageId",
  achievementType: "bc:achievementType",
  language: "bc:language",
  estimatedHours: "bc:estimatedHours",
  prerequisites: { "@id": "bc:prerequisites", "@type": "@id", "@container": "@list" },
  // Conditions that must all be met, each "requiredNumber of these badges" (after CTDL's
  // ComponentCondition); sent instead of `prerequisites` when they say more than "all of".
  prerequisiteConditions: { "@id": "bc:prerequisiteConditions", "@container": "@list" },
  requiredNumber: { "@id": "bc:requiredNumber", "@type": "http://www.w3.org/2001/XMLSchema#integer" },
  badges: { "@id": "bc:badges", "@type": "@id", "@container": "@list" },
  alignments: { "@id": "bc:alignments", "@container": "@list" },
  targetName: "bc:targetName",
  targetUrl: { "@id": "bc:targetUrl", "@type": "@id" },
  targetFramework: "bc:targetFramework",
  approvalPolicy: "bc:approvalPolicy",
  status: "bc:status",
  deprecatedAt: { "@id": "bc:deprecatedAt", "@type": "http://www.w3.org/2001/XMLSchema#dateTime" },
  successor: { "@id": "bc:successor", "@type": "@id" },
} as const;

/** @context of a badge version object, and of activities that carry one (proofs included). */
export const BADGE_CONTEXT = [AS_CONTEXT, DATA_INTEGRITY_CONTEXT, BADGE_TERMS] as const;

/**
 * @context of an activity that carries a Data Integrity proof but no badge terms (Delete).
 * Without the data-integrity context a JSON-LD processor (Fedify's, say) drops `proof` as
 * an undefined term and the activity reads as unsigned.
 */
export const SIGNED_ACTIVITY_CONTEXT = [AS_CONTEXT, DATA_INTEGRITY_CONTEXT] as const;

/** @context of an actor document. */
export const ACTOR_CONTEXT = [AS_CONTEXT, SECURITY_V1_CONTEXT, DATA_INTEGRITY_CONTEXT, ACTOR_TERMS] as const;

/**
 * Terms of a pathway version object (see FEDERATION.md, "Pathway versions"). Terms shared
 * with badge objects are the same IRIs; a stage's `required` is CTDL's own
 * `ceterms:requiredNumber` (a stage is a CTDL ComponentCondition, ADR 011). Ordered lists
 * are `@list`: their order is part of the content hash.
 */
export const PATHWAY_TERMS = {
  bc: BADGE_COMMONS_NS,
  ceterms: "https://purl.org/ctdl/terms/",
  pathway: { "@id": "bc:pathway", "@type": "@id" },
  steward: { "@id": "bc:steward", "@type": "@id" },
  versionId: { "@id": "bc:versionId", "@type": "@id" },
  versionNumber: "bc:versionNumber",
  contentHash: "bc:contentHash",
  pathwaySummary: "bc:pathwaySummary",
  language: "bc:language",
  goal: { "@id": "bc:goal", "@type": "@id" },
  steps: { "@id": "bc:steps", "@container": "@list" },
  badge: { "@id": "bc:badge", "@type": "@id" },
  guidance: "bc:guidance",
  routes: { "@id": "bc:routes", "@container": "@list" },
  stages: { "@id": "bc:stages", "@container": "@list" },
  badges: { "@id": "bc:stageBadges", "@type": "@id", "@container": "@list" },
  required: "ceterms:requiredNumber",
  approvalPolicy: "bc:approvalPolicy",
  status: "bc:status",
  deprecatedAt: { "@id": "bc:deprecatedAt", "@type": "http://www.w3.org/2001/XMLSchema#dateTime" },
} as const;

/** @context of a pathway version object, and of activities that carry one. */
export const PATHWAY_CONTEXT = [AS_CONTEXT, DATA_INTEGRITY_CONTEXT, PATHWAY_TERMS] as const;
