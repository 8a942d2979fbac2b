// What services tell federation, inside their own transactions, so the activity that
// announces a change commits with the change (the transactional outbox). Implemented in
// federation/publisher.ts and handed to services through ServiceContext; services never
// import federation/.
import type { DatabaseLike } from "../../db/client";

export type BadgeChange = "published" | "deprecated" | "withdrawn";
// A pathway changes the same ways: Create for version 1, Update for later versions and
// deprecation, Delete for withdrawal.
export type PathwayChange = BadgeChange;

/** A Data Integrity proof (eddsa-jcs-2022) as federation/proof.ts makes it. */
export interface ActorProof {
  type: "DataIntegrityProof";
  cryptosuite: string;
  verificationMethod: string;
  proofPurpose: "assertionMethod";
  created: string;
  proofValue: string;
}

export interface FederationOutbox {
  /** Called inside the transaction that published, deprecated or withdrew a local badge. */
  badgeChanged(tx: DatabaseLike, badgeId: string, change: BadgeChange): void;
  /** Called inside the transaction that published, deprecated or withdrew a local pathway. */
  pathwayChanged(tx: DatabaseLike, pathwayId: string, change: PathwayChange): void;
  /**
   * Called inside the transaction that records a local organisation sharing a badge
   * (stewarded elsewhere) with its followers; returns the id of the Announce it queued.
   */
  badgeShared(tx: DatabaseLike, organisationId: string, badgeId: string): string;
  /** Called inside the transaction that removes that share; `announceUri` is the Announce taken back. */
  shareWithdrawn(tx: DatabaseLike, organisationId: string, badgeId: string, announceUri: string): void;
  /**
   * `document` with a Data Integrity proof made with the Ed25519 key of the local actor
   * `actorUri` (its `#ed25519-key`), so anyone can verify it from the actor's public key.
   * The keys live with federation; services sign through here.
   */
  signAsActor<T extends Record<string, unknown>>(tx: DatabaseLike, actorUri: string, document: T): T & { proof: ActorProof };
}

/** What pages ask of federation that takes the network: following other instances. */
export interface FederationActions {
  /** An admin of `organisationId` follows the organisation `input` names (@handle@host or a URL). */
  follow(userId: string, organisationId: string, input: string): Promise<{ followingUri: string; status: string }>;
  unfollow(userId: string, organisationId: string, followingUri: string): void;
}
