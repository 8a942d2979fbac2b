// What looking up another instance or organisation shows (federation/discovery.ts reads
// it from the network; pages show it). Nothing here is stored. Client-safe types.
export interface DiscoveredBadge {
  uri: string;
  name: string;
  summary: string;
  versionNumber: number;
  tags: string[];
  status: "published" | "deprecated";
  /** The badge's page on its home instance. */
  url: string;
  /** Our copy's id, when the catalogue here holds it. */
  heldHereId: string | null;
}

export interface DiscoveredOrganisation {
  uri: string;
  handle: string;
  host: string;
  name: string;
  kind: string | null;
  summary: string;
}

export type Discovery =
  | { kind: "local"; path: string }
  | { kind: "organisation"; organisation: DiscoveredOrganisation; badges: DiscoveredBadge[]; badgesTruncated: boolean }
  | {
      kind: "instance";
      host: string;
      software: { name: string; version: string | null };
      users: number | null;
      publishedBadges: number | null;
      organisations: DiscoveredOrganisation[];
    };
