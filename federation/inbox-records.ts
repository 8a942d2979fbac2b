// The inbox's record of what it received (inbox_activities): the de-duplication check, and
// the record written with the change an activity makes, committed in groups.
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db, DatabaseLike } from "../db/client";
import { inboxActivities } from "../db/schema";
import { groupCommit } from "./group-commit";
import { typeOf, type Activity } from "./inbox-plan";

// The two statements every received activity runs, prepared once per database: building
// and preparing a query through drizzle costs several times what running it does.
function prepareStatements(db: Db) {
  return {
    // Applied or ignored: received, not to be applied again. A refusal does not count: the
    // sender may deliver the same activity again once what failed (often fetching from a
    // peer that was down) works, and that delivery is looked at afresh.
    seen: db
      .select({ uri: inboxActivities.uri })
      .from(inboxActivities)
      .where(and(eq(inboxActivities.uri, sql.placeholder("uri")), ne(inboxActivities.status, "rejected")))
      .prepare(),
    record: db
      .insert(inboxActivities)
      .values({
        uri: sql.placeholder("uri"),
        actorUri: sql.placeholder("actorUri"),
        type: sql.placeholder("type"),
        status: sql.placeholder("status"),
        reason: sql.placeholder("reason"),
        receivedAt: sql.placeholder("receivedAt"),
      })
      // Takes the place of an earlier refusal of the same activity; never of a received one.
      .onConflictDoUpdate({
        target: inboxActivities.uri,
        set: {
          actorUri: sql`excluded.actor_uri`,
          type: sql`excluded.type`,
          status: sql`excluded.status`,
          reason: sql`excluded.reason`,
          receivedAt: sql`excluded.received_at`,
        },
        setWhere: eq(inboxActivities.status, "rejected"),
      })
      .prepare(),
  };
}
const prepared = new WeakMap<Db, ReturnType<typeof withGroupCommit>>();
type Received = Parameters<ReturnType<typeof prepareStatements>["record"]["run"]>[0];
// The record of an activity, and the change it makes if any, commit together and with the
// others of the same turn of the event loop (group-commit.ts), before its sender is answered:
// one COMMIT per turn rather than one per activity. A change that fails takes its group
// down, which is then redone one by one, so only the failing activity fails.
const withGroupCommit = (db: Db) => {
  const s = prepareStatements(db);
  return {
    ...s,
    commitInGroup: groupCommit(db.$client, ({ received, apply }: { received: Received; apply?: (tx: DatabaseLike) => void }) => {
      if (!s.record.run(received).changes) return false; // the same activity, delivered twice at once
      // Inside the group's transaction: a transaction the change opens nests as a savepoint.
      apply?.(db);
      return true;
    }),
  };
};
export function inboxRecords(db: Db) {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = withGroupCommit(db)));
  return s;
}

/** Keeps the latest refusal for the operator to read; never overwrites an applied activity. */
export function recordRefusal(db: Db, activity: Activity, actorUri: string, status: "rejected", reason: string) {
  inboxRecords(db).record.run({ uri: activity.id, actorUri, type: typeOf(activity).join(","), status, reason, receivedAt: new Date() });
}
