// Endorsements that arrive from other instances, after federation has checked the HTTP
// signature, that the endorsement's credential carries a valid proof by its issuer, and
// that the issuer is the actor that sent it. These functions still hold to the rules that
// keep one organisation from speaking for another: only the endorser changes or withdraws
// its endorsement, only the badge's steward accepts or declines it, an endorsement names a
// version held here with the same content hash, and a withdrawn or declined endorsement
// stays so. What the endorsement service decides for local endorsers (consent, one live
// endorsement per organisation and badge) it decides here the same way.
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { badges, coauthors, endorsements, organisations, versions, type Badge, type Endorsement, type Organisation, type Version } from "../../db/schema";
import { indexEndorsements } from "./catalogue-index.server";
import { decisionFor, liveEndorsement, notifyEndorser, notifySteward, type Decision } from "./endorsements.server";
import { StatementSchema } from "./endorsement-statement";
import { ConflictError, ForbiddenError, ValidationError } from "./errors";

/** An endorsement as its credential states it. */
export interface ReceivedEndorsement {
  /** The credential's id, on the endorser's instance. */
  uri: string;
  endorserUri: string;
  badgeUri: string;
  versionUri: string;
  contentHash: string;
  statement: string;
  /** The signed EndorsementCredential as received. */
  credential: Record<string, unknown>;
  /** The credential's validFrom. */
  issuedAt: Date;
  /** The endorser's Create or Update that carried it, when it came that way. */
  activityUri?: string | null;
}

export interface ReceivedOutcome {
  endorsement: Endorsement;
  /** Anything that shows changed (content or state). */
  changed: boolean;
  /** The badge's steward is an organisation of this instance: its decisions are made here. */
  stewardIsLocal: boolean;
  /** The endorsement was shown (accepted) before this change. */
  wasShown: boolean;
}

const FINAL = ["declined", "withdrawn"] as const;
const isFinal = (e: Endorsement) => (FINAL as readonly string[]).includes(e.status);

interface Parties {
  endorser: Organisation;
  badge: Badge;
  version: Version;
  steward: Organisation;
  statement: string;
}

/** Who and what an endorsement names, all held here, or why it cannot be taken. */
function partiesOf(tx: DatabaseLike, e: ReceivedEndorsement): Parties {
  const endorser = tx.select().from(organisations).where(eq(organisations.uri, e.endorserUri)).get();
  if (!endorser) throw new ValidationError(`Only organisations endorse badges; ${e.endorserUri} is not one known here.`);
  if (endorser.host === null) throw new ForbiddenError("Endorsements by organisations of this instance are made here, not received.");
  const badge = tx.select().from(badges).where(eq(badges.uri, e.badgeUri)).get();
  if (!badge || badge.status === "draft") throw new ValidationError(`There is no published badge ${e.badgeUri} here.`);
  const version = tx.select().from(versions).where(and(eq(versions.uri, e.versionUri), eq(versions.badgeId, badge.id))).get();
  if (!version) throw new ValidationError(`The endorsed version ${e.versionUri} is not a version of that badge held here.`);
  if (version.contentHash !== e.contentHash) throw new ValidationError("The endorsement names content that differs from that version's (content hash).");
  const steward = tx.select().from(organisations).where(eq(organisations.id, badge.stewardOrganisationId)).get()!;
  const author =
    steward.id === endorser.id ||
    !!tx
      .select({ id: coauthors.organisationId })
      .from(coauthors)
      .where(and(eq(coauthors.badgeId, badge.id), eq(coauthors.organisationId, endorser.id), eq(coauthors.status, "accepted")))
      .get();
  if (author) throw new ForbiddenError(`${endorser.name} is an author of this badge; an organisation cannot endorse its own badge.`);
  const statement = StatementSchema.safeParse(e.statement);
  if (!statement.success) throw new ValidationError(`The endorsement's statement is not acceptable: ${statement.error.issues[0]?.message}`);
  return { endorser, badge, version, steward, statement: statement.data };
}

function proofValueOf(credential: Record<string, unknown>): string | null {
  const proof = ([] as unknown[]).concat(credential.proof ?? [])[0] as { proofValue?: unknown } | undefined;
  return typeof proof?.proofValue === "string" ? proof.proofValue : null;
}

/**
 * Which is newer, the copy of an endorsement held here or one received: by the
 * credential's validFrom (to the second, as issued), and within one second a copy with a
 * different proof is a newer issue (deliveries are not ordered; re-issues that close
 * together are rare, and both are the endorser's own words).
 */
export function compareCopies(held: Endorsement, received: { issuedAt: Date; credential?: Record<string, unknown> }): "older" | "same" | "newer" {
  const heldFrom = Date.parse(String(held.credential.validFrom));
  const at = received.issuedAt.getTime();
  if (at < heldFrom) return "older";
  if (at > heldFrom) return "newer";
  if (!received.credential) return "same";
  return proofValueOf(received.credential) === proofValueOf(held.credential) ? "same" : "newer";
}

function byUri(tx: DatabaseLike, uri: string): Endorsement | undefined {
  return tx.select().from(endorsements).where(eq(endorsements.uri, uri)).get();
}

/** Writes the endorsement as received, in state `decision`, replacing an older live one of the same endorser. */
function store(tx: DatabaseLike, p: Parties, e: ReceivedEndorsement, existing: Endorsement | undefined, decision: Decision): Endorsement {
  const now = new Date();
  // The endorser's instance keeps one live endorsement per badge; a new id means the old
  // one ended there even if its withdrawal never reached us.
  const live = liveEndorsement(tx, p.endorser.id, p.badge.id);
  if (live && live.uri !== e.uri) tx.update(endorsements).set({ status: "withdrawn", updatedAt: now }).where(eq(endorsements.id, live.id)).run();
  const content = {
    versionId: p.version.id,
    statement: p.statement,
    credential: e.credential,
    issuedAt: e.issuedAt,
    updatedAt: now,
    ...(e.activityUri ? { activityUri: e.activityUri } : {}),
    ...decision,
  };
  const id = existing?.id ?? randomUUID();
  if (existing) tx.update(endorsements).set(content).where(eq(endorsements.id, id)).run();
  else tx.insert(endorsements).values({ id, uri: e.uri, endorserOrganisationId: p.endorser.id, badgeId: p.badge.id, createdAt: now, ...content }).run();
  indexEndorsements(tx, p.badge.id);
  return tx.select().from(endorsements).where(eq(endorsements.id, id)).get()!;
}

const unchanged = (endorsement: Endorsement, stewardIsLocal: boolean): ReceivedOutcome => ({
  endorsement,
  changed: false,
  stewardIsLocal,
  wasShown: endorsement.status === "accepted",
});

/**
 * The endorser (a remote organisation) created or updated its endorsement. At the
 * badge's steward the consent rules decide its state; elsewhere it waits, unseen, for the
 * steward's decision. A stale copy (older than the one held) or one already withdrawn or
 * declined changes nothing.
 */
export function receiveEndorsement(db: DatabaseLike, e: ReceivedEndorsement): ReceivedOutcome {
  return db.transaction((tx) => {
    const p = partiesOf(tx, e);
    const stewardIsLocal = p.steward.host === null;
    if (stewardIsLocal && p.badge.status !== "published") {
      throw new ConflictError(p.badge.status === "deprecated" ? "That badge is deprecated: it takes no new endorsements." : "That badge was withdrawn: it takes no endorsements.");
    }
    const existing = byUri(tx, e.uri);
    if (existing && existing.endorserOrganisationId !== p.endorser.id) throw new ForbiddenError("That endorsement is another organisation's.");
    if (existing && (isFinal(existing) || compareCopies(existing, e) !== "newer")) return unchanged(existing, stewardIsLocal);
    const sameStatement = existing?.statement === p.statement;
    const decision = decisionFor(tx, { existing: existing ?? null, sameStatement, badge: p.badge, endorserId: p.endorser.id, stewardIsLocal, now: new Date() });
    const endorsement = store(tx, p, e, existing, decision);
    if (!sameStatement) notifySteward(tx, endorsement, "endorsement_received");
    return { endorsement, changed: true, stewardIsLocal, wasShown: existing?.status === "accepted" };
  });
}

/**
 * The badge's steward (a remote organisation, `stewardUri`) accepted or declined an
 * endorsement. The decision names the endorsement by its id and, when accepting, carries
 * it whole, so an instance that never received the endorser's own activity can show it.
 * An acceptance of an older copy than the one held is stale and changes nothing.
 */
export function applyStewardDecision(
  db: DatabaseLike,
  stewardUri: string,
  decision: "accepted" | "declined",
  e: ReceivedEndorsement | { uri: string },
): ReceivedOutcome | null {
  return db.transaction((tx) => {
    const steward = tx.select().from(organisations).where(eq(organisations.uri, stewardUri)).get();
    if (!steward) throw new ForbiddenError("Only a badge's steward accepts or declines its endorsements.");
    if (steward.host === null) throw new ForbiddenError("Endorsements of this instance's badges are decided here.");
    const full = "credential" in e ? e : null;
    const existing = byUri(tx, e.uri);
    const badgeId = existing?.badgeId ?? (full ? tx.select({ id: badges.id }).from(badges).where(eq(badges.uri, full.badgeUri)).get()?.id : undefined);
    if (!badgeId) return null; // a badge not held here: nothing to show
    const badge = tx.select().from(badges).where(eq(badges.id, badgeId)).get()!;
    if (badge.stewardOrganisationId !== steward.id) throw new ForbiddenError("Only a badge's steward accepts or declines its endorsements.");
    if (existing && isFinal(existing)) return unchanged(existing, false);

    const now = new Date();
    const decided: Decision = { status: decision, decidedAt: now, decidedByUserId: null };
    if (!existing) {
      if (decision === "declined" || !full) return null;
      const endorsement = store(tx, partiesOf(tx, full), full, undefined, decided);
      return { endorsement, changed: true, stewardIsLocal: false, wasShown: false };
    }
    const copy = full ? compareCopies(existing, full) : "same";
    // A decision on words since replaced (a renewal crossed it) is stale.
    if (copy === "older") return unchanged(existing, false);
    const endorser = tx.select().from(organisations).where(eq(organisations.id, existing.endorserOrganisationId)).get()!;
    if (full && endorser.host !== null && copy === "newer") {
      // Accepted as renewed since: take the newer words with the decision.
      const p = partiesOf(tx, full);
      if (p.endorser.id !== endorser.id) throw new ForbiddenError("That endorsement is another organisation's.");
      const endorsement = store(tx, p, full, existing, decided);
      return { endorsement, changed: true, stewardIsLocal: false, wasShown: existing.status === "accepted" };
    }
    if (existing.status === decision) return unchanged(existing, false);
    tx.update(endorsements).set({ ...decided, updatedAt: now }).where(eq(endorsements.id, existing.id)).run();
    indexEndorsements(tx, existing.badgeId);
    const endorsement = tx.select().from(endorsements).where(eq(endorsements.id, existing.id)).get()!;
    notifyEndorser(tx, endorsement, decision === "accepted" ? "endorsement_accepted" : "endorsement_declined");
    return { endorsement, changed: true, stewardIsLocal: false, wasShown: existing.status === "accepted" };
  });
}

/** The endorser (`endorserUri`) withdrew its endorsement `uri`; null when it is not held here. */
export function withdrawReceivedEndorsement(db: DatabaseLike, endorserUri: string, uri: string): ReceivedOutcome | null {
  return db.transaction((tx) => {
    const existing = byUri(tx, uri);
    if (!existing) return null;
    const endorser = tx.select().from(organisations).where(eq(organisations.id, existing.endorserOrganisationId)).get()!;
    if (endorser.uri !== endorserUri || endorser.host === null) throw new ForbiddenError("Only the endorser withdraws its endorsement.");
    const steward = tx
      .select({ host: organisations.host })
      .from(badges)
      .innerJoin(organisations, eq(organisations.id, badges.stewardOrganisationId))
      .where(eq(badges.id, existing.badgeId))
      .get()!;
    const stewardIsLocal = steward.host === null;
    if (isFinal(existing)) return unchanged(existing, stewardIsLocal);
    tx.update(endorsements).set({ status: "withdrawn", updatedAt: new Date() }).where(eq(endorsements.id, existing.id)).run();
    indexEndorsements(tx, existing.badgeId);
    const endorsement = tx.select().from(endorsements).where(eq(endorsements.id, existing.id)).get()!;
    notifySteward(tx, endorsement, "endorsement_withdrawn");
    return { endorsement, changed: true, stewardIsLocal, wasShown: existing.status === "accepted" };
  });
}

/** The endorsement with this id (a credential id), if held here. */
export function findEndorsementByUri(db: DatabaseLike, uri: string): Endorsement | undefined {
  return byUri(db, uri);
}
