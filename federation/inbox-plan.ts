// What the inbox's parts share: what it needs from the instance (InboxDeps), the envelope
// of a received activity, the plan an activity's handler makes before the transaction
// that applies it, and the refusal a handler throws (its HTTP status and reason).
import { z } from "zod";
import type { Db, DatabaseLike } from "../db/client";
import type { Follow } from "../db/schema";
import type { RemoteBadgeVersion } from "../app/services/remote-badges.server";
import type { RemotePathwayVersion } from "../app/services/remote-pathways.server";
import type { ProofResult } from "./proof";
import type { ActorDirectory } from "./remote-actors";
import type { KeyResolver } from "./signature-verify";

/** Larger bodies are refused before parsing; a badge version with long criteria fits easily. */
export const INBOX_BODY_LIMIT = 512 * 1024;

export interface InboxReplies {
  /** Inside the transaction that records the follow: queue our Accept to the follower. */
  acceptFollow(tx: DatabaseLike, follow: Follow, followActivity: Record<string, unknown>): void;
  /** Inside the transaction: a steward of ours accepted an endorsement automatically; send its Accept. */
  endorsementDecided(tx: DatabaseLike, endorsementId: string): void;
  /** Inside the transaction: forward a received activity to the audience of a badge of ours. */
  forwardToBadgeAudience(tx: DatabaseLike, badgeId: string, activity: Record<string, unknown>): void;
}

export interface InboxDeps {
  db: Db;
  publicUrl: string;
  keys: KeyResolver;
  actors: ActorDirectory;
  /** GET a document from its own origin, signed, refusing one whose id is not the URL. */
  fetchObject(url: string): Promise<unknown>;
  /** A badge version object as our domain reads it; null when the object is something else. */
  readBadgeVersion(object: unknown): (RemoteBadgeVersion & { imageUrl?: string | null }) | null;
  /** A pathway version object as our domain reads it; null when the object is something else. */
  readPathwayVersion(object: unknown): RemotePathwayVersion | null;
  /** Our copy of a remote image; null when it cannot be had. */
  mirrorImage(url: string): Promise<string | null>;
  verifyProof(document: unknown): Promise<ProofResult>;
  replies: InboxReplies;
  /** After commit: a follow of ours was accepted (start back-filling its outbox). */
  onFollowAccepted?(follow: Follow): void;
  /** After commit: a remote badge changed here. */
  onRemoteBadgeChanged?(badgeId: string): void;
  /** After commit: a badge's endorsements changed here. */
  onEndorsementsChanged?(badgeId: string): void;
}

export interface InboxAnswer {
  status: number;
  reason: string;
}

const httpUrl = z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "only http(s)");
const reference = z.union([httpUrl, z.object({ id: httpUrl }).passthrough()]);
export const Envelope = z
  .object({
    id: httpUrl,
    type: z.union([z.string(), z.array(z.string()).nonempty()]),
    actor: reference,
    object: z.unknown().optional(),
  })
  .passthrough();
export type Activity = z.infer<typeof Envelope>;

export const idOf = (value: unknown): string | null => {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string") return (value as { id: string }).id;
  return null;
};
export const typeOf = (value: unknown): string[] => {
  const t = value && typeof value === "object" ? (value as { type?: unknown }).type : undefined;
  return typeof t === "string" ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
};
export const origin = (uri: string) => new URL(uri).origin;

/** What applying an activity takes, prepared outside the transaction (fetches are async). */
export interface Plan {
  reason: string;
  /** The badge a badge activity concerns, once read. */
  badgeUri?: string;
  apply?: (tx: DatabaseLike) => void;
  after?: () => void;
  ignored?: boolean;
}

export class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
