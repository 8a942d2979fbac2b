// Content negotiation for "one URL per thing": the same id answers ActivityStreams JSON
// to a federating server and HTML to a browser. Parses the Accept header (RFC 9110
// §12.5.1) instead of substring checks, so `application/ld+json` with a foreign profile,
// or a browser's `*/*`, never gets the wrong representation.
import { ACTIVITY_JSON, AS_PROFILE, LD_JSON_AS } from "./vocabulary";

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  // Split on commas outside quoted strings (a profile parameter may be quoted).
  for (const part of header.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [rawType, ...rawParams] = part.match(/(?:[^;"]|"[^"]*")+/g) ?? [];
    const type = rawType?.trim().toLowerCase();
    if (!type) continue;
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const i = p.indexOf("=");
      if (i < 0) continue;
      params.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim().replace(/^"(.*)"$/, "$1"));
    }
    const q = params.has("q") ? Number(params.get("q")) : 1;
    ranges.push({ type, params, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 });
  }
  return ranges;
}

export type Representation = "activity+json" | "ld+json" | "html";

/**
 * Which representation a request prefers. ActivityStreams only when it names
 * `application/activity+json`, or `application/ld+json` with the ActivityStreams
 * profile, at least as strongly as it names HTML; otherwise HTML.
 */
export function preferredRepresentation(accept: string | undefined): Representation {
  if (!accept) return "html";
  let activity = 0;
  let ld = 0;
  let html = 0;
  for (const r of parseAccept(accept)) {
    if (r.type === ACTIVITY_JSON) activity = Math.max(activity, r.q);
    else if (r.type === "application/ld+json") {
      // Only with the ActivityStreams profile (as ActivityPub §3.2 has clients send it):
      // plain JSON-LD at a badge's URI may be an Open Badges reader after the Achievement.
      const profiles = r.params.get("profile")?.split(/\s+/) ?? [];
      if (profiles.includes(AS_PROFILE)) ld = Math.max(ld, r.q);
    } else if (r.type === "text/html" || r.type === "application/xhtml+xml") html = Math.max(html, r.q);
  }
  const as = Math.max(activity, ld);
  if (as === 0 || as < html) return "html";
  return activity >= ld ? "activity+json" : "ld+json";
}

export const wantsActivityStreams = (accept: string | undefined) => preferredRepresentation(accept) !== "html";

/** The Content-Type to answer an ActivityStreams request with: the form it asked for. */
export function activityContentType(accept: string | undefined): string {
  return preferredRepresentation(accept) === "ld+json" ? LD_JSON_AS : `${ACTIVITY_JSON}; charset=utf-8`;
}
