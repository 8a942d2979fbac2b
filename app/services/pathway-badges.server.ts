// The badges a pathway names, as this instance knows them: its own and those of other
// instances held here (received through federation). A pathway may only name badges that
// are published here or held here, so that every step links to a page people can read.
import { sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import type { BadgeStatus } from "../../db/schema";

export interface KnownBadge {
  id: string;
  uri: string;
  status: BadgeStatus;
  // From its latest published version; null for a badge never published.
  name: string | null;
  // The picture to show here (for a remote badge, our checked copy of it).
  imageId: string | null;
  stewardName: string;
  // The steward's instance (`peer.example`) for a badge of another instance; null for ours.
  home: string | null;
  // The badge's page on its home instance (remote badges only).
  remoteUrl: string | null;
}

const inList = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/**
 * The badges known here by any of `addresses`: their id (URI), or, with `pageAddresses`,
 * for a remote badge also the page address its home instance gave (what people paste).
 * Keyed by the address asked for. Ids are looked up by their unique index; page addresses
 * only for what is left, so pages that name badges by id never scan.
 */
export function knownBadges(db: DatabaseLike, addresses: readonly string[], options: { pageAddresses?: boolean } = {}): Map<string, KnownBadge> {
  const found = new Map<string, KnownBadge>();
  const asked = [...new Set(addresses)];
  if (!asked.length) return found;
  const select = (where: ReturnType<typeof sql>) =>
    db.all<KnownBadge>(sql`
      SELECT b.id AS id, b.uri AS uri, b.status AS status, b.remote_url AS remoteUrl,
        json_extract(v.content, '$.name') AS name,
        CASE WHEN o.host IS NULL THEN json_extract(v.content, '$.imageId') ELSE v.mirrored_image_id END AS imageId,
        o.name AS stewardName, o.host AS home
      FROM badges b
        JOIN organisations o ON o.id = b.steward_organisation_id
        LEFT JOIN versions v ON v.id = b.latest_version_id
      WHERE ${where}`);
  for (const row of select(sql`b.uri IN (${inList(asked)})`)) found.set(row.uri, row);
  const rest = asked.filter((a) => !found.has(a));
  if (options.pageAddresses && rest.length) {
    for (const row of select(sql`b.remote_url IN (${inList(rest)})`)) found.set(row.remoteUrl!, row);
  }
  return found;
}

/** A badge a pathway names, for pages: a link when it is readable here, its home marked. */
export interface PathwayBadgeRef {
  uri: string;
  // Set when the badge has a public page here (published or deprecated).
  localId: string | null;
  name: string | null;
  // null: not known here (a remote pathway may name badges this instance never received).
  status: Exclude<BadgeStatus, "draft"> | null;
  home: string | null;
  imageId: string | null;
}

/** Drafts are never revealed: a draft named by URI reads as unknown. */
export function badgeRefs(db: DatabaseLike, uris: readonly string[]): Map<string, PathwayBadgeRef> {
  const known = knownBadges(db, uris);
  return new Map(
    uris.map((uri) => {
      const b = known.get(uri);
      const visible = b && b.status !== "draft" ? b : null;
      return [
        uri,
        {
          uri,
          localId: visible && visible.status !== "withdrawn" ? visible.id : null,
          name: visible?.name ?? null,
          status: visible ? (visible.status as Exclude<BadgeStatus, "draft">) : null,
          home: visible?.home ?? null,
          imageId: visible && visible.status !== "withdrawn" ? visible.imageId : null,
        },
      ];
    }),
  );
}
