// Keeps `prerequisite_edges` (the prerequisite graph's read model) in step with each
// badge's latest published version. Called inside the transactions that publish a local
// version, store a remote one, or withdraw a badge, next to the catalogue index: a badge
// that is a draft, withdrawn, or without a version has no edges.
import { eq } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, prerequisiteEdges, versions } from "../../db/schema";
import { prerequisiteConditions, PrerequisitesSchema } from "./prerequisites";

const LISTED = new Set(["published", "deprecated"]);

export function indexPrerequisites(tx: DatabaseLike, badgeId: string): void {
  tx.delete(prerequisiteEdges).where(eq(prerequisiteEdges.badgeId, badgeId)).run();
  const row = tx
    .select({ status: badges.status, content: versions.content })
    .from(badges)
    .innerJoin(versions, eq(versions.id, badges.latestVersionId))
    .where(eq(badges.id, badgeId))
    .get();
  if (!row || !LISTED.has(row.status)) return;
  const stored = (row.content as { prerequisites?: unknown }).prerequisites ?? [];
  const conditions = prerequisiteConditions(PrerequisitesSchema.parse(stored));
  const edges = conditions.flatMap((c, conditionIndex) =>
    c.badges.map((prerequisiteUri, position) => ({
      badgeId,
      conditionIndex,
      requiredNumber: c.requiredNumber,
      conditionSize: c.badges.length,
      position,
      prerequisiteUri,
    })),
  );
  if (edges.length) tx.insert(prerequisiteEdges).values(edges).run();
}
