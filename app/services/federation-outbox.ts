// What services tell federation, inside their own transactions, so the activity that
// announces a change commits with the change (the transactional outbox). Implemented in
// federation/publisher.ts and handed to services through ServiceContext; services never
// import federation/.
import type { DatabaseLike } from "../../db/client";

export type BadgeChange = "published" | "deprecated" | "withdrawn";

export interface FederationOutbox {
  /** Called inside the transaction that published, deprecated or withdrew a local badge. */
  badgeChanged(tx: DatabaseLike, badgeId: string, change: BadgeChange): void;
  /**
   * Called inside the transaction that records a local organisation sharing a badge
   * (stewarded elsewhere) with its followers; returns the id of the Announce it queued.
   */
  badgeShared(tx: DatabaseLike, organisationId: string, badgeId: string): string;
  /** Called inside the transaction that removes that share; `announceUri` is the Announce taken back. */
  shareWithdrawn(tx: DatabaseLike, organisationId: string, badgeId: string, announceUri: string): void;
}

/** What pages ask of federation that takes the network: following other instances. */
export interface FederationActions {
  /** An admin of `organisationId` follows the organisation `input` names (@handle@host or a URL). */
  follow(userId: string, organisationId: string, input: string): Promise<{ followingUri: string; status: string }>;
  unfollow(userId: string, organisationId: string, followingUri: string): void;
}
