// The transactional outbox: an activity and one delivery per recipient inbox are written
// in the caller's transaction, beside the change they announce. If the transaction rolls
// back nothing is sent; once it commits, the delivery worker sends it however long that
// takes. Nothing here talks to the network.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared, type DatabaseLike } from "../db/client";
import { deliveries, follows, outboxActivities, remoteActors } from "../db/schema";
import { deliveriesQueued } from "./delivery-signal";

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:$/.test(new URL(u).protocol), "must be an http(s) URL");

const ActivitySchema = z
  .object({
    id: httpUrl,
    type: z.string().min(1),
    object: z.union([z.string(), z.object({ id: z.string().optional() }).passthrough()]).optional(),
  })
  .passthrough();

const OutgoingSchema = z.object({
  actorUri: httpUrl,
  document: ActivitySchema,
  public: z.boolean(),
  inboxes: z.array(httpUrl).optional(),
});

export type ActivityDocument = z.infer<typeof ActivitySchema>;

export interface OutgoingActivity {
  /** The local actor that sends it (an organisation or the instance actor). */
  actorUri: string;
  /** The whole activity as it will be sent: @context, id, type, actor, object, proof. */
  document: ActivityDocument;
  /** Listed in the actor's public outbox collection (Follow, Accept and the like are not). */
  public: boolean;
  /** Targeted send (an Accept to one follower, a Follow to one actor); default: the followers. */
  inboxes?: string[];
}

export interface QueuedActivity {
  activityId: number;
  inboxes: string[];
}

/**
 * Where a post by `actorUri` goes: each accepted remote follower's shared inbox when it
 * has one, else its own inbox, each URL once. Followers on one server share one shared
 * inbox, so the server gets one request per activity however many of them follow.
 */
export function followerInboxes(db: DatabaseLike, actorUri: string): string[] {
  const rows = db
    .select({ inbox: remoteActors.inboxUrl, shared: remoteActors.sharedInboxUrl })
    .from(follows)
    .innerJoin(remoteActors, eq(remoteActors.uri, follows.followerUri))
    .where(and(eq(follows.followingUri, actorUri), eq(follows.status, "accepted")))
    .all();
  const inboxes = new Set<string>();
  for (const row of rows) {
    const target = row.shared ?? row.inbox;
    if (httpUrl.safeParse(target).success) inboxes.add(target);
  }
  return [...inboxes];
}

// Prepared once per database: every Accept an inbox sends back goes through here, and
// a publish writes one delivery per follower inbox.
const statements = (db: DatabaseLike) =>
  prepared(db, "enqueueActivity", (d) => ({
    activity: d
      .insert(outboxActivities)
      .values({
        uri: sql.placeholder("uri"),
        actorUri: sql.placeholder("actorUri"),
        type: sql.placeholder("type"),
        objectUri: sql.placeholder("objectUri"),
        document: sql.placeholder("document"),
        public: sql.placeholder("public"),
        createdAt: sql.placeholder("createdAt"),
      })
      .onConflictDoNothing()
      .returning({ id: outboxActivities.id })
      .prepare(),
    delivery: d
      .insert(deliveries)
      .values({
        activityId: sql.placeholder("activityId"),
        inboxUrl: sql.placeholder("inboxUrl"),
        host: sql.placeholder("host"),
        nextAttemptAt: sql.placeholder("nextAttemptAt"),
        createdAt: sql.placeholder("createdAt"),
      })
      .prepare(),
  }));

/** Writes `activity` to the outbox and queues its deliveries, inside `tx`. */
export function enqueueActivity(tx: DatabaseLike, activity: OutgoingActivity, now = new Date()): QueuedActivity {
  const input = OutgoingSchema.parse(activity);
  const object = input.document.object;
  const objectUri = typeof object === "string" ? object : typeof object?.id === "string" ? object.id : null;
  const s = statements(tx);
  const inserted = s.activity.get({
    uri: input.document.id,
    actorUri: input.actorUri,
    type: input.document.type,
    objectUri,
    document: activity.document,
    public: input.public,
    createdAt: now,
  });
  if (!inserted) throw new Error(`The activity ${input.document.id} is already in the outbox`);

  const inboxes = [...new Set(input.inboxes ?? followerInboxes(tx, input.actorUri))];
  for (const inboxUrl of inboxes) {
    s.delivery.run({ activityId: inserted.id, inboxUrl, host: new URL(inboxUrl).host, nextAttemptAt: now, createdAt: now });
  }
  if (inboxes.length) deliveriesQueued();
  return { activityId: inserted.id, inboxes };
}
