// Keeps the pathway list's read model in step with each pathway's latest published
// version: the narrow `pathway_entries` row, its `pathway_search` FTS5 row (same rowid) and
// the `pathway_badges` it names. Called inside the transaction that publishes, deprecates,
// withdraws or receives a pathway; a draft or withdrawn pathway is taken out.
import { eq, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { pathwayBadges, pathwayEntries, pathways, pathwayVersions } from "../../db/schema";
import { knownBadges } from "./pathway-badges.server";
import { PathwayContentSchema } from "./pathway-content";

export function indexPathway(tx: DatabaseLike, pathwayId: string): void {
  const pathway = tx.select().from(pathways).where(eq(pathways.id, pathwayId)).get();
  const old = tx.select({ id: pathwayEntries.id }).from(pathwayEntries).where(eq(pathwayEntries.pathwayId, pathwayId)).get();
  if (old) tx.run(sql`DELETE FROM pathway_search WHERE rowid = ${old.id}`);
  tx.delete(pathwayEntries).where(eq(pathwayEntries.pathwayId, pathwayId)).run();
  tx.delete(pathwayBadges).where(eq(pathwayBadges.pathwayId, pathwayId)).run();
  if (!pathway?.latestVersionId || pathway.status === "draft" || pathway.status === "withdrawn") return;
  const version = tx.select().from(pathwayVersions).where(eq(pathwayVersions.id, pathway.latestVersionId)).get();
  if (!version) return;
  const content = PathwayContentSchema.parse(version.content);
  if (!content.goal) return;
  const entry = tx
    .insert(pathwayEntries)
    .values({
      pathwayId,
      versionNumber: version.number,
      publishedAt: version.publishedAt,
      name: content.name,
      summary: content.summary,
      goalUri: content.goal,
      stepCount: content.steps.length,
      routeCount: content.routes.length,
    })
    .returning({ id: pathwayEntries.id })
    .get();
  // Searching for a badge's name finds the pathways that lead to it or pass through it.
  const names = knownBadges(tx, [content.goal, ...content.steps.map((s) => s.badge)]);
  const stepsText = [content.goal, ...content.steps.map((s) => s.badge)]
    .map((uri) => names.get(uri)?.name ?? "")
    .concat(content.steps.map((s) => s.guidance))
    .filter(Boolean)
    .join("\n");
  tx.run(sql`INSERT INTO pathway_search (rowid, pathway_id, name, summary, steps)
    VALUES (${entry.id}, ${pathwayId}, ${content.name}, ${content.summary}, ${stepsText})`);
  tx.insert(pathwayBadges)
    .values([{ pathwayId, badgeUri: content.goal, role: "goal" as const }, ...content.steps.map((s) => ({ pathwayId, badgeUri: s.badge, role: "step" as const }))])
    .run();
}
