// What an instance operator sees of outgoing federation: how deep the delivery queue is,
// how each remote host is doing, and the dead letters, which they may send again.
import { and, desc, eq, sql } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { deliveries, outboxActivities } from "../../db/schema";
import { deliveriesQueued } from "../../federation/delivery-signal";
import { ForbiddenError, NotFoundError } from "./errors";
import type { SessionUser } from "./auth.server";

/** Operators are named by ADMIN_EMAILS; nobody else may see or touch the queue. */
export function requireInstanceAdmin(adminEmails: readonly string[], user: Pick<SessionUser, "email">): void {
  if (!adminEmails.includes(user.email.toLowerCase())) {
    throw new ForbiddenError("Only the operators of this instance can see this page.");
  }
}

export interface HostDeliveries {
  host: string;
  pending: number;
  delivered: number;
  dead: number;
  lastAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface DeadDelivery {
  id: number;
  host: string;
  inboxUrl: string;
  activityUri: string;
  activityType: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
}

export interface DeliveryQueueSummary {
  pending: number;
  dueNow: number;
  /** Held by a worker right now. */
  inFlight: number;
  dead: number;
  delivered: number;
  hosts: HostDeliveries[];
  deadDeliveries: DeadDelivery[];
}

const HOSTS_SHOWN = 200;
const DEAD_SHOWN = 50;

export function deliveryQueueSummary(db: DatabaseLike, now = new Date()): DeliveryQueueSummary {
  const t = now.getTime();
  const totals = db
    .select({
      pending: sql<number>`coalesce(sum(${deliveries.status} = 'pending'), 0)`,
      dueNow: sql<number>`coalesce(sum(${deliveries.status} = 'pending' and ${deliveries.nextAttemptAt} <= ${t}
        and (${deliveries.leaseUntil} is null or ${deliveries.leaseUntil} <= ${t})), 0)`,
      inFlight: sql<number>`coalesce(sum(${deliveries.status} = 'pending' and ${deliveries.leaseUntil} > ${t}), 0)`,
      dead: sql<number>`coalesce(sum(${deliveries.status} = 'dead'), 0)`,
      delivered: sql<number>`coalesce(sum(${deliveries.status} = 'delivered'), 0)`,
    })
    .from(deliveries)
    .get()!;

  // The latest attempt of a host tells its state; its latest error says why it failed.
  const hosts = db.all<HostDeliveries>(sql`
    SELECT d.host AS host,
      sum(d.status = 'pending') AS pending,
      sum(d.status = 'delivered') AS delivered,
      sum(d.status = 'dead') AS dead,
      max(d.last_attempt_at) AS lastAttemptAt,
      (SELECT x.last_status_code FROM deliveries x WHERE x.host = d.host AND x.last_attempt_at IS NOT NULL
        ORDER BY x.last_attempt_at DESC, x.id DESC LIMIT 1) AS lastStatusCode,
      (SELECT x.last_error FROM deliveries x WHERE x.host = d.host AND x.last_error IS NOT NULL
        ORDER BY x.last_attempt_at DESC, x.id DESC LIMIT 1) AS lastError
    FROM deliveries d
    GROUP BY d.host
    ORDER BY dead DESC, pending DESC, d.host
    LIMIT ${HOSTS_SHOWN}`);

  const dead = db
    .select({
      id: deliveries.id,
      host: deliveries.host,
      inboxUrl: deliveries.inboxUrl,
      activityUri: outboxActivities.uri,
      activityType: outboxActivities.type,
      attempts: deliveries.attempts,
      lastStatusCode: deliveries.lastStatusCode,
      lastError: deliveries.lastError,
      lastAttemptAt: deliveries.lastAttemptAt,
    })
    .from(deliveries)
    .innerJoin(outboxActivities, eq(outboxActivities.id, deliveries.activityId))
    .where(eq(deliveries.status, "dead"))
    .orderBy(desc(deliveries.lastAttemptAt), desc(deliveries.id))
    .limit(DEAD_SHOWN)
    .all();

  return {
    ...totals,
    hosts,
    deadDeliveries: dead.map((d) => ({ ...d, lastAttemptAt: d.lastAttemptAt?.getTime() ?? null })),
  };
}

export type RetryTarget = { host: string } | { deliveryId: number };

/**
 * Makes dead deliveries pending again, due now, with a fresh retry schedule; the delivery
 * worker is woken. Returns how many were revived.
 */
export function retryDeadDeliveries(db: DatabaseLike, target: RetryTarget, now = new Date()): number {
  const where =
    "host" in target
      ? and(eq(deliveries.status, "dead"), eq(deliveries.host, target.host))
      : and(eq(deliveries.status, "dead"), eq(deliveries.id, target.deliveryId));
  const revived = db
    .update(deliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, leaseUntil: null, leaseOwner: null })
    .where(where)
    .run().changes;
  if (revived === 0) throw new NotFoundError("host" in target ? `A dead delivery to ${target.host}` : "That dead delivery");
  deliveriesQueued();
  return revived;
}
