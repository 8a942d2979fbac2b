// Turns a local badge's publication, deprecation or withdrawal into the activity its
// steward sends (Create for version 1, Update for later versions and deprecation, Delete
// with a Tombstone for withdrawal), signed with an eddsa-jcs-2022 proof so it still
// verifies when forwarded, and queues it for the followers of the steward and of its
// co-authors of this instance, inside the transaction that made the change.
import { and, eq } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { badges, coauthors, organisations } from "../db/schema";
import type { BadgeChange, FederationOutbox } from "../app/services/federation-outbox";
import { publicBadgeVersion } from "../app/services/public-versions.server";
import { createActivity, deleteActivity, updateActivity } from "./activities";
import { toBadgeObject, toBadgeTombstone } from "./badge-object";
import { actorKeysFor, ed25519KeyId, ed25519PrivateKey } from "./keys";
import { enqueueActivity, followerInboxes } from "./outbox";
import { createProof, type JsonObject } from "./proof";

/** A document signed by a local actor's Ed25519 key (FEP-8b32). */
export function withActorProof<T extends JsonObject>(db: DatabaseLike, actorUri: string, document: T) {
  const keys = actorKeysFor(db, actorUri);
  return createProof(document, { verificationMethod: ed25519KeyId(actorUri), privateKey: ed25519PrivateKey(keys) });
}

/** Local co-authors' followers want their badges too; each inbox once. */
function audienceInboxes(tx: DatabaseLike, badgeId: string, stewardUri: string): string[] {
  const localCoauthors = tx
    .select({ uri: organisations.uri })
    .from(coauthors)
    .innerJoin(organisations, eq(organisations.id, coauthors.organisationId))
    .where(and(eq(coauthors.badgeId, badgeId), eq(coauthors.status, "accepted")))
    .all()
    .filter((o) => o.uri.startsWith("http"));
  return [...new Set([stewardUri, ...localCoauthors.map((o) => o.uri)].flatMap((uri) => followerInboxes(tx, uri)))];
}

export function federationOutbox(publicUrl: string): FederationOutbox {
  return {
    signAsActor(tx, actorUri, document) {
      return withActorProof(tx, actorUri, document);
    },
    badgeChanged(tx: DatabaseLike, badgeId: string, change: BadgeChange) {
      const result = publicBadgeVersion(tx, badgeId);
      if (result.state === "withdrawn") {
        const stewardUri = stewardOf(tx, badgeId);
        const activity = deleteActivity(stewardUri, toBadgeTombstone(result.badgeUri, result.withdrawnAt, { embedded: true }));
        enqueueActivity(tx, {
          actorUri: stewardUri,
          document: withActorProof(tx, stewardUri, activity as unknown as JsonObject) as never,
          public: true,
          inboxes: audienceInboxes(tx, badgeId, stewardUri),
        });
        return;
      }
      const stewardUri = result.badge.version.stewardUri;
      const object = toBadgeObject(result.badge, { publicUrl, as: "badge", embedded: true });
      const isFirst = change === "published" && result.badge.version.number === 1;
      const activity = isFirst ? createActivity(stewardUri, object) : updateActivity(stewardUri, object);
      enqueueActivity(tx, {
        actorUri: stewardUri,
        document: withActorProof(tx, stewardUri, activity as unknown as JsonObject) as never,
        public: true,
        inboxes: audienceInboxes(tx, badgeId, stewardUri),
      });
    },
  };
}

function stewardOf(tx: DatabaseLike, badgeId: string): string {
  const row = tx
    .select({ uri: organisations.uri })
    .from(badges)
    .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
    .where(eq(badges.id, badgeId))
    .get();
  if (!row) throw new Error(`badge ${badgeId} has no steward`);
  return row.uri;
}
