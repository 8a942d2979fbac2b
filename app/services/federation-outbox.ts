// What services ask of federation. Mostly told inside their own transactions, so the
// activity that announces a change commits with the change (the transactional outbox);
// and one look-up that takes the network (a badge of another instance, by URL), which
// services await before their transaction. Implemented in federation/ (publisher.ts,
// badge-lookup.ts, assembled by runtime.ts) and handed to services through
// ServiceContext; services never import federation/.
import type { DatabaseLike } from "../../db/client";
import type { CredentialNetwork } from "./credential-network";
import type { Discovery } from "./discovery";

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

/** What looking up a badge of another instance by its URL came to. */
export type RemoteBadgeLookup =
  // Fetched and stored here (or refreshed): our copy is `badgeId`. `restored`: the copy had
  // been withdrawn because its instance once answered that it was gone, and is back.
  | { status: "found"; badgeUri: string; badgeId: string; name: string; prerequisiteUris: string[]; restored?: boolean }
  // Its instance says it is no more (404, 410 or a Tombstone): a copy held here is withdrawn.
  | { status: "gone"; reason: string }
  // Not to be had now (the instance did not answer, refused, or this is not a badge).
  | { status: "unavailable"; reason: string };

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
   * Called inside the transaction that created, updated, renewed or withdrew a local
   * organisation's endorsement: the endorser's Create, Update or Delete of it, to its
   * followers and to the badge's steward.
   */
  endorsementChanged(tx: DatabaseLike, endorsementId: string): void;
  /**
   * Called inside the transaction in which a local steward accepted or declined an
   * endorsement (by hand or automatically): its Accept or Reject, to the endorser and to
   * the steward's followers, so every instance holding the badge shows the same set.
   */
  endorsementDecided(tx: DatabaseLike, endorsementId: string): void;
  /**
   * Called inside the transaction that records following the relay at `inboxUrl`: the
   * instance actor's Follow of the Public collection, sent there; returns its id.
   */
  followRelay(tx: DatabaseLike, inboxUrl: string): string;
  /** Called inside the transaction that forgets the relay: the Undo of that Follow. */
  unfollowRelay(tx: DatabaseLike, inboxUrl: string, followActivityUri: string): void;
  /**
   * `document` with a Data Integrity proof made with the Ed25519 key of the local actor
   * `actorUri` (its `#ed25519-key`), so anyone can verify it from the actor's public key.
   * The keys live with federation; services sign through here.
   */
  signAsActor<T extends Record<string, unknown>>(tx: DatabaseLike, actorUri: string, document: T): T & { proof: ActorProof };
  /**
   * Fetches the badge `uri` names from its own instance (the guarded fetcher, signed as this
   * instance) and stores it as the inbox stores a remote version, in its own transaction.
   * Never throws for what the other side answers; outside any transaction (it awaits the
   * network). Failures are remembered for a while, so retyping a dead URL does not refetch it.
   * Every answer about a copy held here is recorded for the periodic refresh (ADR 010).
   */
  lookUpRemoteBadge(uri: string, options?: { refresh?: boolean }): Promise<RemoteBadgeLookup>;
}

/** What pages ask of federation that takes the network: following other instances. */
export interface FederationActions {
  /** An admin of `organisationId` follows the organisation `input` names (@handle@host or a URL). */
  follow(userId: string, organisationId: string, input: string): Promise<{ followingUri: string; status: string }>;
  unfollow(userId: string, organisationId: string, followingUri: string): void;
  /** Fetching and key resolution for verifying credentials learners import. */
  credentials: CredentialNetwork;
  /** What another instance or organisation offers, looked up by what a person typed; nothing is stored. */
  lookUp(input: string): Promise<Discovery>;
}
