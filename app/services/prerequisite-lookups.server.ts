// Badges named as prerequisites that this instance does not hold are fetched from their
// home instances and stored (as remote badges), so that their names show, learners can
// follow them, and a cycle through other instances can be seen. Their own prerequisites are
// fetched too, a few steps deep, within a budget: enough to see the pathway an author is
// joining without crawling the network on every save. What cannot be had stays named in
// the content and shows as unavailable; nothing is dropped.
import { and, eq, inArray, isNotNull, ne, or } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, organisations, remoteBadgeFetches } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import type { RemoteBadgeLookup } from "./federation-outbox";
import { BadgeUriSchema } from "./prerequisites";

export interface LookupBudget {
  // Documents fetched at most, all levels together.
  maxLookups: number;
  // Steps from the badges named: 1 fetches only those.
  maxDepth: number;
}

export const LOOKUP_BUDGET: LookupBudget = { maxLookups: 20, maxDepth: 3 };
// How long a save waits for look-ups: a form post, a live commit (people are typing),
// and publication (which judges the pathway as it stands, so waits longest).
export const LOOKUP_WAIT_MS = { form: 8_000, live: 3_000, publication: 20_000 } as const;
// Fetched at the same time, at most.
const CONCURRENCY = 4;

const originOf = (uri: string) => new URL(uri).origin;

/** Of `uris`, the web addresses on other instances that no badge held here has. */
function notHeld(db: DatabaseLike, publicUrl: string, uris: string[]): string[] {
  const own = originOf(publicUrl);
  const candidates = [...new Set(uris)].filter((u) => BadgeUriSchema.safeParse(u).success && originOf(u) !== own);
  if (!candidates.length) return [];
  const held = new Set(
    db.select({ uri: badges.uri }).from(badges).where(inArray(badges.uri, candidates)).all().map((b) => b.uri),
  );
  return candidates.filter((u) => !held.has(u));
}

/**
 * Of `uris`, the remote badges held here that may be out of date: those not withdrawn, and
 * those withdrawn only because their home once answered that they were gone.
 */
function heldRemote(db: DatabaseLike, uris: string[]): string[] {
  if (!uris.length) return [];
  return db
    .select({ uri: badges.uri })
    .from(badges)
    .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .leftJoin(remoteBadgeFetches, eq(remoteBadgeFetches.badgeId, badges.id))
    .where(
      and(
        inArray(badges.uri, [...new Set(uris)]),
        isNotNull(organisations.host),
        or(ne(badges.status, "withdrawn"), isNotNull(remoteBadgeFetches.goneSince)),
      ),
    )
    .all()
    .map((b) => b.uri);
}

async function inBatches(uris: string[], lookUp: (uri: string) => Promise<RemoteBadgeLookup>) {
  const out = new Map<string, RemoteBadgeLookup>();
  for (let i = 0; i < uris.length; i += CONCURRENCY) {
    const batch = uris.slice(i, i + CONCURRENCY);
    const answers = await Promise.all(batch.map((u) => lookUp(u)));
    batch.forEach((u, j) => out.set(u, answers[j]));
  }
  return out;
}

export interface FetchOptions {
  // Fetch again the copies held of the badges named directly (a newer version, or gone).
  refresh?: boolean;
  budget?: LookupBudget;
  // Return after this long with what has come (the rest goes on and is stored when it
  // comes): a slow instance must not hold a person's save for the fetcher's whole timeout.
  waitMs?: number;
}

/**
 * Fetches the badges `uris` name that are not held here, then those their conditions name,
 * level by level within the budget. Returns the answers that came, by URI.
 */
export async function fetchPrerequisites(ctx: ServiceContext, uris: string[], options: FetchOptions = {}): Promise<Map<string, RemoteBadgeLookup>> {
  const answers = new Map<string, RemoteBadgeLookup>();
  const work = crawl(ctx, uris, options, answers);
  if (options.waitMs === undefined) {
    await work;
    return answers;
  }
  // Look-ups answer every remote failure themselves; what is left is a fault of ours,
  // reported even when nobody waits any more.
  const reported = work.catch((e: unknown) => console.warn(`fetching prerequisites failed: ${e instanceof Error ? e.stack : String(e)}`));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([reported, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.waitMs)))]);
  clearTimeout(timer);
  return answers;
}

async function crawl(ctx: ServiceContext, uris: string[], options: FetchOptions, answers: Map<string, RemoteBadgeLookup>): Promise<void> {
  const budget = options.budget ?? LOOKUP_BUDGET;
  const asked = new Set<string>();
  let level = [...notHeld(ctx.db, ctx.publicUrl, uris), ...(options.refresh ? heldRemote(ctx.db, uris) : [])];
  for (let depth = 0; depth < budget.maxDepth && level.length; depth++) {
    const todo = level.filter((u) => !asked.has(u)).slice(0, budget.maxLookups - asked.size);
    if (!todo.length) break;
    for (const u of todo) asked.add(u);
    const found = await inBatches(todo, (u) => ctx.federation.lookUpRemoteBadge(u, { refresh: options.refresh && depth === 0 }));
    for (const [u, answer] of found) answers.set(u, answer);
    const next = [...found.values()].flatMap((a) => (a.status === "found" ? a.prerequisiteUris : []));
    level = notHeld(ctx.db, ctx.publicUrl, next);
  }
}
