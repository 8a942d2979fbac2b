// The organisations behind badges (steward and accepted co-authors), fetched for a whole
// page of badges in one query, and links to badges named by URI (prerequisites, successors).
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import type { OrganisationKind } from "../../db/schema";

export interface OrganisationSummary {
  id: string;
  uri: string;
  handle: string;
  // null for organisations of this instance.
  host: string | null;
  name: string;
  kind: OrganisationKind;
  logoImageId: string | null;
}

export interface OrganisationProfile extends OrganisationSummary {
  description: string;
  website: string | null;
}

export interface BadgeAuthors<T extends OrganisationSummary = OrganisationSummary> {
  steward: T;
  // Accepted co-authors other than the steward, by name.
  coAuthors: T[];
}

interface AuthorRow extends OrganisationProfile {
  badgeId: string;
  isSteward: number;
}

const inList = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** Steward and accepted co-authors of each badge, in one query for all of them. */
export function organisationsOfBadges(db: DatabaseLike, badgeIds: string[]): Map<string, BadgeAuthors<OrganisationProfile>> {
  const out = new Map<string, BadgeAuthors<OrganisationProfile>>();
  if (!badgeIds.length) return out;
  const columns = sql`o.id AS id, o.uri AS uri, o.handle AS handle, o.host AS host, o.name AS name, o.kind AS kind,
    o.logo_image_id AS logoImageId, o.description AS description, o.website AS website`;
  const rows = db.all<AuthorRow>(sql`
    SELECT b.id AS badgeId, 1 AS isSteward, ${columns}
    FROM badges b JOIN organisations o ON o.id = b.steward_organisation_id
    WHERE b.id IN (${inList(badgeIds)})
    UNION ALL
    SELECT c.badge_id AS badgeId, 0 AS isSteward, ${columns}
    FROM coauthors c JOIN organisations o ON o.id = c.organisation_id
    WHERE c.badge_id IN (${inList(badgeIds)}) AND c.status = 'accepted'
    ORDER BY isSteward DESC, name COLLATE NOCASE`);
  for (const { badgeId, isSteward, ...org } of rows) {
    if (isSteward) out.set(badgeId, { steward: org, coAuthors: [] });
    else out.get(badgeId)?.coAuthors.push(org);
  }
  return out;
}

export interface BadgeLink {
  uri: string;
  // Set when the URI names a published badge of this instance.
  localId: string | null;
  name: string | null;
}

/**
 * Resolves badge URIs (or local ids) to this instance's published badges and their
 * names. Drafts are not revealed: they resolve like unknown URIs.
 */
export function resolveBadgeLinks(db: DatabaseLike, uris: string[]): BadgeLink[] {
  if (!uris.length) return [];
  const rows = db.all<{ id: string; uri: string; name: string }>(sql`
    SELECT b.id AS id, b.uri AS uri, json_extract(v.content, '$.name') AS name
    FROM badges b JOIN versions v ON v.id = b.latest_version_id
    WHERE (b.uri IN (${inList(uris)}) OR b.id IN (${inList(uris)}))
      AND b.status IN ('published', 'deprecated')`);
  return uris.map((u) => {
    const hit = rows.find((r) => r.uri === u || r.id === u);
    return hit ? { uri: hit.uri, localId: hit.id, name: hit.name } : { uri: u, localId: null, name: null };
  });
}
