// The rule that keeps the prerequisite graph a graph one can follow to an end: a badge may
// not need itself, however far round (A needs B needs A, across instances too). Checked
// when a co-author saves a change to the prerequisites (so the editor says so at once) and
// again when the steward publishes (others may have published meanwhile). Cycles that
// other instances send are stored as sent; walks are guarded against them.
import { eq, inArray } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, versions } from "../../db/schema";
import type { BadgeContent } from "./badge-content";
import { prerequisiteCycle } from "./prerequisite-graph.server";
import { prerequisiteUris } from "./prerequisites";

export interface PrerequisiteCycle {
  // Badge URIs from the badge back to itself.
  uris: string[];
  // The same badges by name (the URI where no name is known here).
  names: string[];
  message: string;
}

/** Names of badges by URI from their latest versions (whatever their status). */
function namesOf(db: DatabaseLike, uris: string[]): Map<string, string> {
  if (!uris.length) return new Map();
  return new Map(
    db
      .select({ uri: badges.uri, content: versions.content })
      .from(badges)
      .innerJoin(versions, eq(versions.id, badges.latestVersionId))
      .where(inArray(badges.uri, uris))
      .all()
      .map((r) => [r.uri, (r.content as { name?: string }).name ?? r.uri]),
  );
}

/** The cycle that `content`'s prerequisites would close for the badge `badgeUri`, or null. */
export function findPrerequisiteCycle(db: DatabaseLike, badgeUri: string, content: Pick<BadgeContent, "name" | "prerequisites">): PrerequisiteCycle | null {
  const uris = prerequisiteCycle(db, badgeUri, prerequisiteUris(content.prerequisites));
  if (!uris) return null;
  const known = namesOf(db, uris.slice(1, -1));
  const names = uris.map((uri, i) => (i === 0 || i === uris.length - 1 ? content.name : (known.get(uri) ?? uri)));
  const steps = names.slice(0, -1).map((name, i) => `${name} needs ${names[i + 1]}`);
  return {
    uris,
    names,
    message: `These prerequisites make a cycle: ${names.join(" → ")} (${steps.join(", ")}). A badge cannot lead back to itself; remove one of these.`,
  };
}
