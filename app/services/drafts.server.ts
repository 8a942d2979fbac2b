// Reads the draft editor needs around a badge: where a user may start one, which
// published badges can be named as prerequisites, and names for badge URIs. Writing a
// draft goes through badges.server.ts (saveDraft, restoreRevision).
import { and, asc, eq, inArray, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, memberships, organisations, versions, type Organisation } from "../../db/schema";
import type { BadgeContent } from "./badge-content";

const EDITOR_ROLES = ["owner", "admin", "editor"] as const;

/** Local organisations in which the user may start a badge (editor or above). */
export function stewardCandidates(db: DatabaseLike, userId: string): Organisation[] {
  return db
    .select({ organisation: organisations })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(
      and(eq(memberships.userId, userId), inArray(memberships.role, [...EDITOR_ROLES]), isNull(organisations.host)),
    )
    .orderBy(asc(organisations.name))
    .all()
    .map((r) => r.organisation);
}

export interface BadgeOption {
  uri: string;
  name: string;
  stewardName: string;
}

// A select with thousands of options helps nobody; beyond this, people paste the URL.
export const PREREQUISITE_OPTION_LIMIT = 300;

/**
 * Published badges that a draft can name as prerequisites, by name; the badge itself is
 * left out, and badges already chosen are always included.
 */
export function prerequisiteOptions(
  db: DatabaseLike,
  options: { excludeBadgeId?: string; include?: string[] } = {},
): BadgeOption[] {
  const name = sql<string>`json_extract(${versions.content}, '$.name')`;
  const query = (where: SQL | undefined, limit?: number) => {
    const q = db
      .select({ uri: badges.uri, name, stewardName: organisations.name })
      .from(badges)
      .innerJoin(versions, eq(versions.id, badges.latestVersionId))
      .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
      .where(
        and(
          eq(badges.status, "published"),
          options.excludeBadgeId ? ne(badges.id, options.excludeBadgeId) : undefined,
          where,
        ),
      )
      .orderBy(asc(name), asc(organisations.name));
    return limit ? q.limit(limit).all() : q.all();
  };
  const shown = query(undefined, PREREQUISITE_OPTION_LIMIT);
  const missing = (options.include ?? []).filter((uri) => !shown.some((o) => o.uri === uri));
  const extra = missing.length ? query(inArray(badges.uri, missing)) : [];
  return [...shown, ...extra];
}

/** Names of badges known here (by their latest version, else their draft), by URI. */
export function badgeNamesByUri(db: DatabaseLike, uris: string[]): Map<string, string> {
  const names = new Map<string, string>();
  if (!uris.length) return names;
  for (const r of db
    .select({ uri: badges.uri, content: versions.content })
    .from(badges)
    .innerJoin(versions, eq(versions.id, badges.latestVersionId))
    .where(inArray(badges.uri, uris))
    .all())
    names.set(r.uri, (r.content as BadgeContent).name);
  return names;
}
