// Looking up another instance or organisation by what a person types (`@handle@host`, an
// organisation's or badge's URL, or an instance's address) and showing what it offers,
// without following it: an organisation's published badges are read from its outbox (from
// its own origin, through the guarded fetcher, signed as the instance), an instance's
// organisations from the directory its NodeInfo names. Nothing read here is stored: a
// badge enters the catalogue when someone follows its steward, or opens it from here.
import { eq, inArray } from "drizzle-orm";
import { badges, organisations } from "../db/schema";
import { ValidationError } from "../app/services/errors";
import { resolveOrganisation, type FollowingDeps } from "./following";
import type { DiscoveredBadge, DiscoveredOrganisation, Discovery } from "../app/services/discovery";
import { NODEINFO_21_PROFILE } from "./vocabulary";

const MAX_PAGES = 3;
const MAX_ITEMS = 120;
const MAX_ORGANISATIONS = 200;

const idOf = (v: unknown) => (typeof v === "string" ? v : v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string" ? (v as { id: string }).id : null);
const text = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
const typesOf = (v: unknown): string[] => {
  const t = v && typeof v === "object" ? (v as { type?: unknown }).type : undefined;
  return typeof t === "string" ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
};

/** An instance's address: a bare host, or a URL with nothing after the host. */
function instanceAddress(input: string): URL | null {
  const t = input.trim();
  if (/^[a-z0-9.-]+(:\d{1,5})?$/i.test(t) && t.includes(".") || /^localhost(:\d{1,5})?$/i.test(t)) return new URL(`https://${t}`);
  if (!/^https?:\/\//i.test(t) || !URL.canParse(t)) return null;
  const url = new URL(t);
  return url.pathname === "/" && !url.search ? url : null;
}

export async function lookUp(deps: FollowingDeps, input: string): Promise<Discovery> {
  const typed = input.trim();
  if (!typed) throw new ValidationError("Type an address to look up.", { address: ["Type @handle@host, an organisation's or badge's URL, or an instance's address."] });
  if (typed.length > 2000) throw new ValidationError("That address is too long.", { address: ["That address is too long."] });
  const instance = instanceAddress(typed);
  if (instance) {
    if (instance.host === new URL(deps.publicUrl).host) return { kind: "local", path: "/badges" };
    return lookUpInstance(deps, instance);
  }
  let actor;
  try {
    actor = await resolveOrganisation(deps, typed);
  } catch (e) {
    // One of ours: its own page says it all.
    if (e instanceof ValidationError && /on this instance/.test(e.message)) {
      const handle = /^@?([^@\s]+)@/.exec(typed)?.[1] ?? new URL(typed).pathname.split("/")[2];
      return { kind: "local", path: handle ? `/orgs/${encodeURIComponent(handle)}` : "/badges" };
    }
    throw withField(e);
  }
  // Its kind and description as recorded from its actor document (an organisations row).
  const profile = actor.organisationId ? deps.db.select().from(organisations).where(eq(organisations.id, actor.organisationId)).get() : undefined;
  const organisation: DiscoveredOrganisation = {
    uri: actor.uri,
    handle: actor.handle,
    host: actor.host,
    name: profile?.name ?? actor.name ?? actor.handle,
    kind: profile?.kind ?? null,
    summary: profile?.description ?? "",
  };
  const { badges, truncated } = actor.outboxUrl ? await publishedBadges(deps, actor.uri, actor.outboxUrl) : { badges: [], truncated: false };
  return { kind: "organisation", organisation, badges, badgesTruncated: truncated };
}

function withField(e: unknown): unknown {
  if (e instanceof ValidationError) {
    const messages = Object.values(e.fieldErrors ?? {}).flat();
    return new ValidationError(e.message, { address: messages.length ? messages : [e.message] });
  }
  if (e instanceof Error) return new ValidationError(`Could not look that up: ${e.message}`, { address: [`Could not look that up: ${e.message}`] });
  return e;
}

/** The badges an organisation has published and not withdrawn, newest version of each, from its outbox. */
async function publishedBadges(deps: FollowingDeps, actorUri: string, outboxUrl: string): Promise<{ badges: DiscoveredBadge[]; truncated: boolean }> {
  const items: unknown[] = [];
  try {
    const { document: outbox } = await deps.fetcher.getDocument(outboxUrl, { signAs: deps.instanceKey });
    let next: string | null = idOf(outbox.first);
    if (Array.isArray(outbox.orderedItems)) items.push(...outbox.orderedItems);
    if (outbox.first && typeof outbox.first === "object" && Array.isArray((outbox.first as { orderedItems?: unknown }).orderedItems)) {
      items.push(...((outbox.first as { orderedItems: unknown[] }).orderedItems));
      next = idOf((outbox.first as { next?: unknown }).next);
    }
    for (let pages = 0; next && pages < MAX_PAGES && items.length < MAX_ITEMS; pages++) {
      // Pages from elsewhere would be someone else's word about this organisation.
      if (new URL(next).origin !== new URL(actorUri).origin) break;
      const { document: page } = await deps.fetcher.getDocument(next, { signAs: deps.instanceKey });
      items.push(...(Array.isArray(page.orderedItems) ? page.orderedItems : []));
      next = idOf(page.next);
    }
  } catch (e) {
    throw withField(e);
  }
  // Newest first in an outbox: the first word on a badge is its latest.
  const seen = new Map<string, DiscoveredBadge | null>();
  for (const item of items) {
    if (!item || typeof item !== "object") continue;
    const types = typesOf(item);
    const object = (item as { object?: unknown }).object;
    if (types.includes("Delete")) {
      const gone = idOf(object);
      if (gone && !seen.has(gone)) seen.set(gone, null);
      continue;
    }
    if (!types.includes("Create") && !types.includes("Update")) continue;
    if ((item as { actor?: unknown }).actor !== actorUri) continue;
    let version;
    try {
      version = deps.readBadgeVersion(object);
    } catch {
      continue; // not a badge we can read: leave it out
    }
    if (!version || seen.has(version.badgeUri) || version.stewardUri !== actorUri) continue;
    seen.set(version.badgeUri, {
      uri: version.badgeUri,
      name: version.content.name,
      summary: version.content.summary ?? "",
      versionNumber: version.number,
      tags: version.content.tags ?? [],
      status: version.status ?? "published",
      url: version.url ?? version.badgeUri,
      heldHereId: null,
    });
  }
  const found = [...seen.values()].filter((b): b is DiscoveredBadge => b !== null);
  if (found.length) {
    const held = deps.db
      .select({ id: badges.id, uri: badges.uri })
      .from(badges)
      .where(inArray(badges.uri, found.map((b) => b.uri)))
      .all();
    const byUri = new Map(held.map((h) => [h.uri, h.id]));
    for (const b of found) b.heldHereId = byUri.get(b.uri) ?? null;
  }
  return { badges: found, truncated: items.length >= MAX_ITEMS };
}

async function lookUpInstance(deps: FollowingDeps, address: URL): Promise<Discovery> {
  const schemes = address.protocol === "http:" || deps.allowPlainHttp ? [address.protocol.replace(":", ""), "http"] : ["https"];
  let lastError: unknown;
  for (const scheme of [...new Set(schemes)]) {
    const base = `${scheme}://${address.host}`;
    try {
      const { document: discovery } = await deps.fetcher.getJson(`${base}/.well-known/nodeinfo`, { accept: "application/json" });
      const links = Array.isArray(discovery.links) ? (discovery.links as { rel?: unknown; href?: unknown }[]) : [];
      const link = links.find((l) => typeof l.href === "string" && typeof l.rel === "string" && l.rel.startsWith("http://nodeinfo.diaspora.software/ns/schema/2."));
      const href = typeof link?.href === "string" ? link.href : null;
      if (!href || new URL(href).host !== address.host) throw new Error("it names no NodeInfo document of its own");
      const { document: info } = await deps.fetcher.getJson(href, { accept: `application/json; profile="${NODEINFO_21_PROFILE}#", application/json` });
      const software = (info.software ?? {}) as { name?: unknown; version?: unknown };
      const usage = (info.usage ?? {}) as { users?: { total?: unknown } };
      const metadata = (info.metadata ?? {}) as { publishedBadges?: unknown; organisationDirectory?: unknown };
      const directory = typeof metadata.organisationDirectory === "string" && new URL(metadata.organisationDirectory).host === address.host ? metadata.organisationDirectory : null;
      return {
        kind: "instance",
        host: address.host,
        software: { name: text(software.name, 100) || "unknown", version: text(software.version, 100) || null },
        users: typeof usage.users?.total === "number" ? usage.users.total : null,
        publishedBadges: typeof metadata.publishedBadges === "number" ? metadata.publishedBadges : null,
        organisations: directory ? await directoryOf(deps, directory, address.host) : [],
      };
    } catch (e) {
      lastError = e;
    }
  }
  throw withField(new Error(`${address.host} did not say what it is (${lastError instanceof Error ? lastError.message : "no answer"})`));
}

async function directoryOf(deps: FollowingDeps, url: string, host: string): Promise<DiscoveredOrganisation[]> {
  const { document } = await deps.fetcher.getDocument(url, { signAs: deps.instanceKey });
  const items = Array.isArray(document.orderedItems) ? document.orderedItems.slice(0, MAX_ORGANISATIONS) : [];
  const out: DiscoveredOrganisation[] = [];
  for (const item of items) {
    const o = item as Record<string, unknown>;
    const id = idOf(o);
    if (!id || !URL.canParse(id) || new URL(id).host !== host || !typesOf(o).includes("Organization")) continue;
    out.push({
      uri: id,
      handle: text(o.preferredUsername, 100),
      host,
      name: text(o.name, 200) || text(o.preferredUsername, 100),
      kind: text(o.organisationKind, 20) || null,
      summary: text(o.summary, 500).replace(/<[^>]*>/g, ""),
    });
  }
  return out;
}
