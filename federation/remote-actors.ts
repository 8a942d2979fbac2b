// Remote actors: fetched from their own origin, checked, and kept in `remote_actors` with
// the addresses we deliver to. Organisations among them also get an `organisations` row so
// their badges fit the same tables as ours.
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared, type DatabaseLike } from "../db/client";
import { ORGANISATION_KINDS, remoteActors, type RemoteActor } from "../db/schema";
import { recordRemoteOrganisation } from "../app/services/remote-badges.server";
import { BC_NS } from "./namespace";

const httpUrl = z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "only http(s)");

// An AS2 link value: a URL, a Link/Image object with href/url, or a list of them.
const linkValue = z.union([z.string(), z.object({ href: z.string().optional(), url: z.unknown().optional() }).passthrough(), z.array(z.unknown())]);

function firstUrl(value: unknown): string | null {
  if (typeof value === "string") return httpUrl.safeParse(value).success ? value : null;
  if (Array.isArray(value)) {
    for (const v of value) {
      const u = firstUrl(v);
      if (u) return u;
    }
    return null;
  }
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return firstUrl(o.href) ?? firstUrl(o.url);
  }
  return null;
}

const ActorDocument = z
  .object({
    id: httpUrl,
    type: z.union([z.string(), z.array(z.string())]),
    preferredUsername: z.string().min(1).max(100).optional(),
    name: z.string().max(500).nullish(),
    summary: z.string().max(10_000).nullish(),
    inbox: httpUrl,
    outbox: httpUrl.optional(),
    followers: httpUrl.optional(),
    endpoints: z.object({ sharedInbox: httpUrl.optional() }).passthrough().optional(),
    url: linkValue.optional(),
    icon: linkValue.optional(),
  })
  .passthrough();

const ACTOR_TYPES = ["Organization", "Person", "Application", "Service", "Group"];

export class ActorDocumentError extends Error {}

/** What an organisation says of its kind, in our extension term (any spelling JSON-LD allows). */
function organisationKind(doc: Record<string, unknown>) {
  const value = doc.organisationKind ?? doc["bc:organisationKind"] ?? doc[`${BC_NS}organisationKind`];
  return ORGANISATION_KINDS.find((k) => k === value) ?? "community";
}

/** Text of a remote summary, without markup: we render it ourselves, escaped. */
const plainText = (html: string) =>
  html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>\s*<p>/gi, "\n\n").replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").trim();

/**
 * Stores the actor a document (already fetched from `fetchedFrom`, its own origin)
 * describes. Refuses documents whose id is not where they were fetched from.
 */
export function recordActorDocument(db: DatabaseLike, document: unknown, fetchedFrom: string): RemoteActor {
  const parsed = ActorDocument.safeParse(document);
  if (!parsed.success) throw new ActorDocumentError(`not an actor: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
  const doc = parsed.data;
  if (new URL(doc.id).origin !== new URL(fetchedFrom).origin) throw new ActorDocumentError("the actor's id is not on the origin it was fetched from");
  const types = Array.isArray(doc.type) ? doc.type : [doc.type];
  const type = types.find((t) => ACTOR_TYPES.includes(t));
  if (!type) throw new ActorDocumentError(`not an actor type: ${types.join(", ")}`);
  for (const address of [doc.inbox, doc.outbox, doc.followers].filter(Boolean) as string[]) {
    if (new URL(address).origin !== new URL(doc.id).origin) throw new ActorDocumentError("an actor's inbox and collections live on its own origin");
  }
  const host = new URL(doc.id).host;
  const handle = doc.preferredUsername ?? decodeURIComponent(new URL(doc.id).pathname.split("/").filter(Boolean).pop() ?? host);
  return db.transaction((tx) => {
    const organisationId =
      type === "Organization"
        ? recordRemoteOrganisation(tx, {
            uri: doc.id,
            handle,
            host,
            name: doc.name?.trim() || handle,
            kind: organisationKind(doc),
            description: plainText(doc.summary ?? "").slice(0, 5000),
            website: firstUrl(doc.url),
          }).id
        : null;
    const row = {
      uri: doc.id,
      type,
      handle,
      host,
      name: doc.name ?? null,
      url: firstUrl(doc.url),
      iconUrl: firstUrl(doc.icon),
      inboxUrl: doc.inbox,
      sharedInboxUrl: doc.endpoints?.sharedInbox ?? null,
      outboxUrl: doc.outbox ?? null,
      followersUrl: doc.followers ?? null,
      organisationId,
      fetchedAt: new Date(),
    };
    tx.insert(remoteActors).values(row).onConflictDoUpdate({ target: remoteActors.uri, set: row }).run();
    return tx.select().from(remoteActors).where(eq(remoteActors.uri, doc.id)).get()!;
  });
}

export interface ActorDirectory {
  /** The actor, from the cache when fresh, else fetched from its origin and stored. */
  get(uri: string, options?: { refresh?: boolean }): Promise<RemoteActor>;
}

const FRESH_FOR_MS = 24 * 60 * 60 * 1000;

/** The stored actor, if any (prepared: the inbox reads one for every Follow). */
export function storedActor(db: DatabaseLike, uri: string): RemoteActor | undefined {
  return prepared(db, "storedActor", (d) => d.select().from(remoteActors).where(eq(remoteActors.uri, sql.placeholder("uri"))).prepare()).get({ uri });
}

export function actorDirectory(db: DatabaseLike, fetchDocument: (url: string) => Promise<unknown>): ActorDirectory {
  const inFlight = new Map<string, Promise<RemoteActor>>();
  return {
    async get(uri, options = {}) {
      const cached = storedActor(db, uri);
      if (cached && !options.refresh && Date.now() - cached.fetchedAt.getTime() < FRESH_FOR_MS) return cached;
      const pending = inFlight.get(uri);
      if (pending) return pending;
      const fetching = fetchDocument(uri)
        .then((doc) => recordActorDocument(db, doc, uri))
        .finally(() => inFlight.delete(uri));
      inFlight.set(uri, fetching);
      return fetching;
    },
  };
}
