// What pages show of prerequisites: each condition in words, and each badge it names as
// this instance knows it. A badge that is not here (never fetched, or could not be), or
// that its steward withdrew, is shown as unavailable, never left out: the version names it.
// Drafts are not revealed: a draft named by URI reads as unknown.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { edgesTo } from "./prerequisite-graph.server";
import { describeCondition, prerequisiteConditions, prerequisiteUris, type Prerequisites } from "./prerequisites";

export type PrerequisiteAvailability = "available" | "deprecated" | "withdrawn" | "unknown";

export interface PrerequisiteTarget {
  uri: string;
  // Our page of it (a badge of ours, or our copy of one stewarded elsewhere), if it has one.
  localId: string | null;
  name: string | null;
  // The steward's instance (`peer.example`) when it is stewarded elsewhere and held here.
  host: string | null;
  availability: PrerequisiteAvailability;
}

export interface ConditionView {
  requiredNumber: number;
  size: number;
  // The rule in words: "All 3 of these", "Any 1 of these 3", "2 of these 3".
  label: string;
  badges: PrerequisiteTarget[];
}

/** The badges named by `uris` as known here, by URI (one query). */
export function prerequisiteTargets(db: DatabaseLike, uris: readonly string[]): Map<string, PrerequisiteTarget> {
  const out = new Map<string, PrerequisiteTarget>();
  if (!uris.length) return out;
  const rows = db.all<{ id: string; uri: string; status: string; host: string | null; name: string | null }>(sql`
    SELECT b.id AS id, b.uri AS uri, b.status AS status, o.host AS host, json_extract(v.content, '$.name') AS name
    FROM badges b
      JOIN organisations o ON o.id = b.steward_organisation_id
      LEFT JOIN versions v ON v.id = b.latest_version_id
    WHERE b.uri IN (SELECT value FROM json_each(${JSON.stringify(uris)}))`);
  const byUri = new Map(rows.map((r) => [r.uri, r]));
  for (const uri of uris) {
    const r = byUri.get(uri);
    const shown = r && r.name !== null && (r.status === "published" || r.status === "deprecated");
    if (r && shown) {
      out.set(uri, { uri, localId: r.id, name: r.name, host: r.host, availability: r.status === "deprecated" ? "deprecated" : "available" });
    } else if (r && r.status === "withdrawn") {
      out.set(uri, { uri, localId: null, name: r.name, host: r.host, availability: "withdrawn" });
    } else {
      out.set(uri, { uri, localId: null, name: null, host: null, availability: "unknown" });
    }
  }
  return out;
}

function hostOf(uri: string): string | null {
  try {
    return new URL(uri).host;
  } catch {
    return null;
  }
}

/** Prerequisites as pages show them: each condition with its rule in words and its badges. */
export function resolvePrerequisites(db: DatabaseLike, prerequisites: Prerequisites): ConditionView[] {
  const conditions = prerequisiteConditions(prerequisites);
  const targets = prerequisiteTargets(db, conditions.flatMap((c) => c.badges));
  return conditions.map((c) => ({
    requiredNumber: c.requiredNumber,
    size: c.badges.length,
    label: describeCondition({ requiredNumber: c.requiredNumber, size: c.badges.length }),
    badges: c.badges.map((uri) => targets.get(uri)!),
  }));
}

/** Why a badge named as a prerequisite cannot be shown, in words; null when it can. */
export function unavailableReason(target: PrerequisiteTarget, publicUrl: string): string | null {
  switch (target.availability) {
    case "available":
    case "deprecated":
      return null;
    case "withdrawn":
      return "its steward withdrew it";
    case "unknown":
      return hostOf(publicUrl) === hostOf(target.uri)
        ? "no published badge here has this address"
        : "it could not be fetched from its instance, or is not a badge";
  }
}

/** The badges `prerequisites` name that cannot be shown here, with why, by URI (the editor marks them). */
export function unavailablePrerequisites(db: DatabaseLike, publicUrl: string, prerequisites: Prerequisites): Record<string, string> {
  const out: Record<string, string> = {};
  for (const target of prerequisiteTargets(db, prerequisiteUris(prerequisites)).values()) {
    const reason = unavailableReason(target, publicUrl);
    if (reason) out[target.uri] = reason;
  }
  return out;
}

export interface UnlockedBadge {
  id: string;
  uri: string;
  name: string;
  host: string | null;
}

/** Badges (published or deprecated) whose latest version names `badgeUri` as a prerequisite. */
export function unlockedBy(db: DatabaseLike, badgeUri: string, limit = 50): { badges: UnlockedBadge[]; total: number } {
  const ids = [...new Set(edgesTo(db, [badgeUri]).map((e) => e.badgeId))];
  if (!ids.length) return { badges: [], total: 0 };
  const rows = db.all<UnlockedBadge>(sql`
    SELECT b.id AS id, b.uri AS uri, json_extract(v.content, '$.name') AS name, o.host AS host
    FROM badges b
      JOIN versions v ON v.id = b.latest_version_id
      JOIN organisations o ON o.id = b.steward_organisation_id
    WHERE b.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))
    ORDER BY name COLLATE NOCASE
    LIMIT ${limit}`);
  return { badges: rows, total: ids.length };
}
