// Figures about this instance as a whole, for NodeInfo and operators: how many accounts,
// organisations and published badge versions it hosts. Only local things count; remote
// organisations and badges cached here belong to other instances' figures.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";

export interface InstanceUsage {
  users: number;
  // Organisations of this instance (remote ones cached here are not counted).
  organisations: number;
  // Badges of this instance with at least one published version (deprecated included).
  publishedBadges: number;
  // Published versions of this instance's badges: what NodeInfo calls local posts.
  publishedVersions: number;
}

export function instanceUsage(db: DatabaseLike): InstanceUsage {
  const row = db.get<InstanceUsage>(sql`
    SELECT
      (SELECT count(*) FROM users) AS users,
      (SELECT count(*) FROM organisations WHERE host IS NULL) AS organisations,
      (SELECT count(*) FROM badges b JOIN organisations o ON o.id = b.steward_organisation_id
        WHERE o.host IS NULL AND b.status IN ('published', 'deprecated')) AS publishedBadges,
      (SELECT count(*) FROM versions v JOIN badges b ON b.id = v.badge_id
        JOIN organisations o ON o.id = b.steward_organisation_id
        WHERE o.host IS NULL AND b.status IN ('published', 'deprecated')) AS publishedVersions`);
  return row ?? { users: 0, organisations: 0, publishedBadges: 0, publishedVersions: 0 };
}
