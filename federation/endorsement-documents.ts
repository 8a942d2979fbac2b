// The endorsement object of an endorsement held here, from its row: what the endorser's
// activities carry, what the steward's Accept embeds, and what the endorsement's URL
// answers to an ActivityStreams request.
import { eq } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { badges, endorsements, organisations, versions, type Endorsement } from "../db/schema";
import { BadgeContentSchema } from "../app/services/badge-content";
import { toEndorsementObject, toEndorsementTombstone, type EndorsementObject } from "./endorsement-object";
import { SIGNED_ACTIVITY_CONTEXT } from "./vocabulary";
import { instanceHost } from "./uris";

export function endorsementRow(db: DatabaseLike, endorsementId: string): Endorsement {
  const row = db.select().from(endorsements).where(eq(endorsements.id, endorsementId)).get();
  if (!row) throw new Error(`no endorsement ${endorsementId}`);
  return row;
}

export interface EndorsementParties {
  endorser: typeof organisations.$inferSelect;
  steward: typeof organisations.$inferSelect;
  badge: typeof badges.$inferSelect;
}

export function endorsementParties(db: DatabaseLike, e: Endorsement): EndorsementParties {
  const endorser = db.select().from(organisations).where(eq(organisations.id, e.endorserOrganisationId)).get()!;
  const badge = db.select().from(badges).where(eq(badges.id, e.badgeId)).get()!;
  const steward = db.select().from(organisations).where(eq(organisations.id, badge.stewardOrganisationId)).get()!;
  return { endorser, steward, badge };
}

export function endorsementObjectFor(db: DatabaseLike, publicUrl: string, e: Endorsement, options: { embedded?: boolean } = {}): EndorsementObject {
  const { endorser, steward, badge } = endorsementParties(db, e);
  const version = db.select({ number: versions.number, content: versions.content }).from(versions).where(eq(versions.id, e.versionId)).get()!;
  const name = BadgeContentSchema.safeParse(version.content).data?.name ?? "a badge";
  return toEndorsementObject(
    {
      uri: e.uri,
      endorser: { uri: endorser.uri, name: endorser.name },
      // A remote badge's page is on its home instance; ours is its id.
      badge: { uri: badge.uri, name, pageUrl: badge.remoteUrl ?? badge.uri },
      steward: { uri: steward.uri, handle: steward.handle, host: steward.host ?? instanceHost(publicUrl) },
      versionNumber: version.number,
      statement: e.statement,
      credential: e.credential,
      createdAt: e.createdAt,
      issuedAt: e.issuedAt,
    },
    options,
  );
}

/**
 * What an endorsement's URL answers to an ActivityStreams request: only our
 * organisations' endorsements are ours to serve, a declined one is not shown, a withdrawn
 * one is a Tombstone (410).
 */
export function servedEndorsement(db: DatabaseLike, publicUrl: string, endorsementId: string) {
  const row = db.select().from(endorsements).where(eq(endorsements.id, endorsementId)).get();
  if (!row || row.status === "declined") return null;
  const endorser = db.select({ host: organisations.host }).from(organisations).where(eq(organisations.id, row.endorserOrganisationId)).get();
  if (endorser?.host !== null) return null;
  if (row.status === "withdrawn") {
    return { state: "withdrawn" as const, tombstone: { "@context": SIGNED_ACTIVITY_CONTEXT, ...toEndorsementTombstone(row.uri, row.updatedAt) } };
  }
  return { state: "live" as const, object: endorsementObjectFor(db, publicUrl, row) };
}
