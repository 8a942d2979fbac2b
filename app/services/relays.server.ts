// ActivityPub relays this instance follows. An operator adds a relay by its inbox URL (as
// Mastodon's admin page does); the instance actor's Follow of the Public collection goes
// there in the same transaction; the relay's Accept (or Reject) arrives through the inbox.
// While accepted, badges the relay passes on are stored even when no one here follows
// their steward, and our public badge activities go to the relay too.
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared, type DatabaseLike } from "../../db/client";
import { relays, type Relay } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import { NotFoundError, ValidationError } from "./errors";

export const RelayInboxSchema = z
  .string({ invalid_type_error: "Give the relay's inbox address." })
  .trim()
  .min(1, "Give the relay's inbox address, e.g. https://relay.example/inbox.")
  .max(2000, "That address is too long.")
  .url("That is not a web address; a relay's inbox looks like https://relay.example/inbox.")
  .refine((u) => /^https?:\/\//i.test(u), "Only http(s) addresses.")
  .refine((u) => {
    const url = URL.canParse(u) ? new URL(u) : null;
    return !url || (!url.username && !url.password && !url.hash);
  }, "An inbox address has no user name, password or #fragment.");

export function listRelays(db: DatabaseLike): Relay[] {
  return db.select().from(relays).orderBy(relays.createdAt).all();
}

/** The operator asks to follow a relay; returns its row (pending until the relay answers). */
export function addRelay(ctx: ServiceContext, input: { inboxUrl?: unknown }): Relay {
  const parsed = RelayInboxSchema.safeParse(input.inboxUrl);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Give the relay's inbox address.", { inboxUrl: parsed.error.issues.map((i) => i.message) });
  const inboxUrl = parsed.data;
  return ctx.db.transaction((tx) => {
    if (tx.select().from(relays).where(eq(relays.inboxUrl, inboxUrl)).get()) {
      throw new ValidationError("This instance already follows that relay.", { inboxUrl: ["This instance already follows that relay."] });
    }
    const followActivityUri = ctx.federation.followRelay(tx, inboxUrl);
    tx.insert(relays).values({ inboxUrl, followActivityUri, status: "pending", createdAt: new Date() }).run();
    return tx.select().from(relays).where(eq(relays.inboxUrl, inboxUrl)).get()!;
  });
}

/** The operator stops following a relay: an Undo goes to it, and nothing more comes through it. */
export function removeRelay(ctx: ServiceContext, input: { inboxUrl?: unknown }): void {
  const inboxUrl = typeof input.inboxUrl === "string" ? input.inboxUrl : "";
  ctx.db.transaction((tx) => {
    const relay = tx.select().from(relays).where(eq(relays.inboxUrl, inboxUrl)).get();
    if (!relay) throw new NotFoundError("That relay");
    ctx.federation.unfollowRelay(tx, relay.inboxUrl, relay.followActivityUri);
    tx.delete(relays).where(eq(relays.inboxUrl, inboxUrl)).run();
  });
}

/** The relay at `actorUri` answered our Follow `followActivityUri`; null when it is not one of ours. */
export function relayAnswered(db: DatabaseLike, actorUri: string, followActivityUri: string, answer: "accepted" | "rejected"): Relay | null {
  const relay = db.select().from(relays).where(eq(relays.followActivityUri, followActivityUri)).get();
  if (!relay) return null;
  db.update(relays)
    .set({ actorUri, status: answer, acceptedAt: answer === "accepted" ? new Date() : null })
    .where(eq(relays.inboxUrl, relay.inboxUrl))
    .run();
  return db.select().from(relays).where(eq(relays.inboxUrl, relay.inboxUrl)).get()!;
}

export function findRelayByFollow(db: DatabaseLike, followActivityUri: string): Relay | undefined {
  return db.select().from(relays).where(eq(relays.followActivityUri, followActivityUri)).get();
}

/** Is `actorUri` a relay this instance follows, accepted? */
export function isAcceptedRelay(db: DatabaseLike, actorUri: string): boolean {
  // Asked for every badge activity a busy inbox receives: prepared once (db/client.ts).
  const statement = prepared(db, "relays.isAccepted", (d) =>
    d
      .select({ inbox: relays.inboxUrl })
      .from(relays)
      .where(and(eq(relays.actorUri, sql.placeholder("actorUri")), eq(relays.status, "accepted")))
      .prepare(),
  );
  return !!statement.get({ actorUri });
}

/** Inboxes of accepted relays: where our public badge activities also go. */
export function acceptedRelayInboxes(db: DatabaseLike): string[] {
  return db
    .select({ inbox: relays.inboxUrl })
    .from(relays)
    .where(and(eq(relays.status, "accepted"), isNotNull(relays.actorUri)))
    .all()
    .map((r) => r.inbox);
}
