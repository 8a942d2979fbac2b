// WebFinger (RFC 7033): `acct:handle@host` (or an actor's URL) to the actor document, as
// Mastodon and every other server look up `@handle@host`. Pure: the router looks the
// target up and answers 400 / 404 from what parseWebfingerResource says.
import { instanceHost } from "./uris";
import { ACTIVITY_JSON } from "./vocabulary";

export type WebfingerTarget = { kind: "organisation"; handle: string } | { kind: "instance" };

export type WebfingerResource =
  | { ok: true; target: WebfingerTarget | null } // null: well-formed, but nothing of ours
  | { ok: false; error: string };

const HANDLE = /^[a-z0-9][a-z0-9_-]*$/;

/** What a `resource` parameter names on this instance, if anything; malformed input is an error. */
export function parseWebfingerResource(resource: unknown, publicUrl: string): WebfingerResource {
  if (typeof resource !== "string" || !resource.trim()) return { ok: false, error: "The resource parameter is required." };
  const value = resource.trim();
  if (value.length > 512) return { ok: false, error: "The resource parameter is too long." };
  const ownHost = instanceHost(publicUrl).toLowerCase();
  if (/^acct:/i.test(value)) {
    let account: string;
    try {
      account = decodeURIComponent(value.slice(5));
    } catch {
      return { ok: false, error: "The acct: resource is not well encoded." };
    }
    const at = account.lastIndexOf("@");
    const user = account.slice(0, at).replace(/^@/, "").toLowerCase();
    const host = account.slice(at + 1).toLowerCase();
    if (at < 0 || !user || !host) return { ok: false, error: "An acct: resource reads acct:handle@host." };
    if (host !== ownHost) return { ok: true, target: null };
    if (user === ownHost) return { ok: true, target: { kind: "instance" } };
    return { ok: true, target: HANDLE.test(user) ? { kind: "organisation", handle: user } : null };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, error: "The resource must be an acct: URI or a URL." };
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== new URL(publicUrl).origin) return { ok: true, target: null };
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/actor") return { ok: true, target: { kind: "instance" } };
  const match = /^\/orgs\/([^/]+)$/.exec(path);
  const handle = match ? decodeURIComponent(match[1]).toLowerCase() : null;
  return { ok: true, target: handle && HANDLE.test(handle) ? { kind: "organisation", handle } : null };
}

export interface WebfingerLink {
  rel: string;
  type?: string;
  href: string;
}

/** The JRD for an actor; `rels`, when given, keeps only those links (RFC 7033 §4.3). */
export function webfingerDocument(options: { username: string; publicUrl: string; actorUri: string; rels?: string[] }) {
  const links: WebfingerLink[] = [
    { rel: "self", type: ACTIVITY_JSON, href: options.actorUri },
    { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: options.actorUri },
  ];
  return {
    subject: `acct:${options.username}@${instanceHost(options.publicUrl)}`,
    aliases: [options.actorUri],
    links: options.rels?.length ? links.filter((l) => options.rels!.includes(l.rel)) : links,
  };
}
