// Keeps the catalogue's search index and tag table in step with each badge's latest
// published version. Called inside the transaction that publishes (or deprecates).
import { eq, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, badgeTags, versions } from "../../db/schema";
import { BadgeContentSchema } from "./badge-content";

export function indexPublishedVersion(tx: DatabaseLike, badgeId: string): void {
  const badge = tx.select().from(badges).where(eq(badges.id, badgeId)).get();
  tx.run(sql`DELETE FROM badge_search WHERE badge_id = ${badgeId}`);
  tx.delete(badgeTags).where(eq(badgeTags.badgeId, badgeId)).run();
  if (!badge?.latestVersionId) return;
  const version = tx.select().from(versions).where(eq(versions.id, badge.latestVersionId)).get();
  if (!version) return;
  const content = BadgeContentSchema.parse(version.content);
  tx.run(
    sql`INSERT INTO badge_search (badge_id, name, summary, criteria, tags)
        VALUES (${badgeId}, ${content.name}, ${content.summary}, ${content.criteria}, ${content.tags.join(" ")})`,
  );
  if (content.tags.length)
    tx.insert(badgeTags)
      .values(content.tags.map((tag) => ({ badgeId, tag })))
      .run();
}
