// A local badge's published versions as other instances may see them: the version asked
// for (or the latest), with what the badge says about itself (policy, deprecation), and
// whether it was withdrawn. Drafts, unknown badges and badges of other instances are
// NotFound: only the steward's home instance speaks for a badge.
import { and, asc, desc, eq } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, organisations, versions, type ApprovalPolicy } from "../../db/schema";
import { BadgeContentSchema, type BadgeContent } from "./badge-content";
import { NotFoundError } from "./errors";
import { imageContentType, type ImageContentType } from "./images.server";

export interface PublishedVersionRecord {
  number: number;
  uri: string;
  content: BadgeContent;
  // The authors recorded at publication (the hash covers them), co-authors sorted.
  stewardUri: string;
  coauthorUris: string[];
  contentHash: string;
  publishedAt: Date;
}

export interface PublicBadgeVersion {
  id: string;
  uri: string;
  approvalPolicy: ApprovalPolicy;
  status: "published" | "deprecated";
  deprecatedAt: Date | null;
  successorUri: string | null;
  firstPublishedAt: Date;
  latestNumber: number;
  version: PublishedVersionRecord;
  imageContentType: ImageContentType | null;
}

export type PublicBadgeVersionResult =
  | { state: "public"; badge: PublicBadgeVersion }
  // The steward took the badge back: it is gone, and says so (410) rather than "never was".
  | { state: "withdrawn"; badgeUri: string; versionUri: string | null; withdrawnAt: Date };

/**
 * The published version `number` of a local badge, or its latest when `number` is
 * omitted. NotFoundError for drafts, badges stewarded elsewhere, and unknown versions.
 */
export function publicBadgeVersion(db: DatabaseLike, badgeId: string, number?: number): PublicBadgeVersionResult {
  const row = db
    .select({ badge: badges, stewardHost: organisations.host, stewardUri: organisations.uri })
    .from(badges)
    .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .where(eq(badges.id, badgeId))
    .get();
  const badge = row?.badge;
  const status = badge?.status;
  if (!row || !badge || row.stewardHost !== null || !status || status === "draft") throw new NotFoundError("That badge");
  const version =
    number === undefined
      ? badge.latestVersionId
        ? db.select().from(versions).where(eq(versions.id, badge.latestVersionId)).get()
        : undefined
      : Number.isSafeInteger(number)
        ? db.select().from(versions).where(and(eq(versions.badgeId, badgeId), eq(versions.number, number))).get()
        : undefined;
  if (status === "withdrawn" && (number === undefined || version)) {
    return { state: "withdrawn", badgeUri: badge.uri, versionUri: version && number !== undefined ? version.uri : null, withdrawnAt: badge.updatedAt };
  }
  if (!version || status === "withdrawn") throw new NotFoundError("That version");
  const first = db
    .select({ publishedAt: versions.publishedAt })
    .from(versions)
    .where(eq(versions.badgeId, badgeId))
    .orderBy(asc(versions.number))
    .limit(1)
    .get()!;
  const latest = db
    .select({ number: versions.number })
    .from(versions)
    .where(eq(versions.badgeId, badgeId))
    .orderBy(desc(versions.number))
    .limit(1)
    .get()!;
  const content = BadgeContentSchema.parse(version.content);
  return {
    state: "public",
    badge: {
      id: badge.id,
      uri: badge.uri,
      approvalPolicy: badge.approvalPolicy,
      status,
      deprecatedAt: badge.deprecatedAt,
      successorUri: badge.successorUri,
      firstPublishedAt: first.publishedAt,
      latestNumber: latest.number,
      version: {
        number: version.number,
        uri: version.uri,
        content,
        // Versions published before authors were recorded name no steward; it is the badge's.
        stewardUri: version.stewardUri || row.stewardUri,
        coauthorUris: [...version.coauthorUris],
        contentHash: version.contentHash,
        publishedAt: version.publishedAt,
      },
      imageContentType: content.imageId ? imageContentType(db, content.imageId) : null,
    },
  };
}
