// The organisations behind pathways (steward and accepted co-authors), for a whole page of
// pathways in one query, as catalogue-authors.server.ts does for badges.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import type { BadgeAuthors, OrganisationSummary } from "./catalogue-authors.server";

const inList = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

export function organisationsOfPathways(db: DatabaseLike, pathwayIds: string[]): Map<string, BadgeAuthors> {
  const out = new Map<string, BadgeAuthors>();
  if (!pathwayIds.length) return out;
  const columns = sql`o.id AS id, o.uri AS uri, o.handle AS handle, o.host AS host, o.name AS name, o.kind AS kind, o.logo_image_id AS logoImageId`;
  const rows = db.all<OrganisationSummary & { pathwayId: string; isSteward: number }>(sql`
    SELECT p.id AS pathwayId, 1 AS isSteward, ${columns}
    FROM pathways p JOIN organisations o ON o.id = p.steward_organisation_id
    WHERE p.id IN (${inList(pathwayIds)})
    UNION ALL
    SELECT c.pathway_id AS pathwayId, 0 AS isSteward, ${columns}
    FROM pathway_coauthors c JOIN organisations o ON o.id = c.organisation_id
    WHERE c.pathway_id IN (${inList(pathwayIds)}) AND c.status = 'accepted'
    ORDER BY isSteward DESC, name COLLATE NOCASE`);
  for (const { pathwayId, isSteward, ...org } of rows) {
    if (isSteward) out.set(pathwayId, { steward: org, coAuthors: [] });
    else out.get(pathwayId)?.coAuthors.push(org);
  }
  return out;
}
