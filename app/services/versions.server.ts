// Published versions: immutable snapshots of a badge's content and authors, each with a
// content hash anyone can recompute. There is deliberately no function that updates a
// version; the next publication supersedes it instead.
import { createHash } from "node:crypto";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { organisations, users, versions, type Version } from "../../db/schema";
import { BadgeContentSchema, canonicalJson, type BadgeContent } from "./badge-content";
import { NotFoundError } from "./errors";

export interface VersionHashInput {
  content: unknown;
  stewardUri: string;
  coauthorUris: readonly string[];
  number: number;
}

/**
 * The exact text that is hashed: canonical JSON (keys sorted at every depth) of the
 * content, the steward's uri, the co-authors' uris sorted, and the version number.
 */
export function versionHashText(input: VersionHashInput): string {
  return canonicalJson({
    content: input.content,
    steward: input.stewardUri,
    coauthors: [...input.coauthorUris].sort(),
    version: input.number,
  });
}

/** sha256 (hex) of `versionHashText`. */
export function computeVersionHash(input: VersionHashInput): string {
  return createHash("sha256").update(versionHashText(input), "utf8").digest("hex");
}

/** Recomputes a stored version's hash from what it holds; false if anything was altered. */
export function verifyVersionHash(version: Pick<Version, "content" | "stewardUri" | "coauthorUris" | "number" | "contentHash">): boolean {
  return computeVersionHash(version) === version.contentHash;
}

export interface VersionSummary {
  id: string;
  number: number;
  uri: string;
  revisionId: string | null;
  contentHash: string;
  publishedAt: Date;
  publishedByName: string | null;
}

/** A badge's published versions, newest first. */
export function listVersions(db: DatabaseLike, badgeId: string): VersionSummary[] {
  return db
    .select({
      id: versions.id,
      number: versions.number,
      uri: versions.uri,
      revisionId: versions.revisionId,
      contentHash: versions.contentHash,
      publishedAt: versions.publishedAt,
      publishedByName: users.displayName,
    })
    .from(versions)
    .leftJoin(users, eq(users.id, versions.publishedByUserId))
    .where(eq(versions.badgeId, badgeId))
    .orderBy(desc(versions.number))
    .all();
}

export type VersionDetail = Version & { content: BadgeContent; publishedByName: string | null; verified: boolean };

/** One published version by its number; its hash is checked on the way out. */
export function getVersion(db: DatabaseLike, badgeId: string, number: number): VersionDetail {
  const row = Number.isInteger(number)
    ? db
        .select({ version: versions, publishedByName: users.displayName })
        .from(versions)
        .leftJoin(users, eq(users.id, versions.publishedByUserId))
        .where(and(eq(versions.badgeId, badgeId), eq(versions.number, number)))
        .get()
    : undefined;
  if (!row) throw new NotFoundError("That version");
  return {
    ...row.version,
    content: BadgeContentSchema.parse(row.version.content),
    publishedByName: row.publishedByName,
    verified: verifyVersionHash(row.version),
  };
}

/** The authors a version records, by uri, with the names this instance knows them by. */
export function versionAuthors(db: DatabaseLike, version: Pick<Version, "stewardUri" | "coauthorUris">) {
  const uris = [version.stewardUri, ...version.coauthorUris];
  const names = new Map(
    db
      .select({ uri: organisations.uri, name: organisations.name })
      .from(organisations)
      .where(inArray(organisations.uri, uris))
      .all()
      .map((o) => [o.uri, o.name]),
  );
  const named = (uri: string) => ({ uri, name: names.get(uri) ?? null });
  return { steward: named(version.stewardUri), coauthors: version.coauthorUris.map(named) };
}
