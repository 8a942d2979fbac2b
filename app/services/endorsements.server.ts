// Endorsements: an organisation vouches for one exact published version of a peer's badge,
// with a statement, as a signed Open Badges 3.0 EndorsementCredential. What people can do:
//   endorse   an admin of a local organisation that is not an author of the badge; again
//             while live: the same endorsement is updated (new statement) or renewed (new
//             version), keeping its id
//   withdraw  an admin of the endorsing organisation
//   accept / decline   an admin of the badge's steward; automatic acceptance is the badge's
//             default, switched by the same admins (setAutoAcceptEndorsements)
// Consent holds both ways: a statement the steward has not seen is never shown when it
// reviews endorsements by hand, and once the steward has declined an organisation's
// endorsement of the badge, that organisation's next one waits for a decision even when
// acceptance is automatic. Reads are in endorsement-queries.server.ts.
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  badges,
  endorsements,
  LIVE_ENDORSEMENT_STATUSES,
  versions,
  type Endorsement,
  organisations,
  type Badge,
  type EndorsementStatus,
  type NotificationKind,
  type Organisation,
} from "../../db/schema";
import { BadgeContentSchema } from "./badge-content";
import { badgeAccess, requireView, type BadgeAccess } from "./badges.server";
import { indexEndorsements } from "./catalogue-index.server";
import type { ServiceContext } from "./context.server";
import { toEndorsementCredential } from "./endorsement-credential.server";
import { StatementSchema } from "./endorsement-statement";
import { notify } from "./notifications.server";
import { getLocalOrganisationById } from "./organisations.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { roleAtLeast, roleIn } from "./roles.server";

export const EndorseSchema = z.object({
  organisationId: z.string({ invalid_type_error: "Choose the organisation that endorses." }).min(1, "Choose the organisation that endorses."),
  statement: StatementSchema,
  // The version the admin read: if a newer one came out since, nothing is endorsed.
  versionNumber: z.coerce
    .number({ invalid_type_error: "Which version do you endorse?" })
    .int("Which version do you endorse?")
    .positive("Which version do you endorse?"),
});

export const DecisionSchema = z.enum(["accept", "decline"], { errorMap: () => ({ message: "Accept or decline?" }) });

export const AutoAcceptSchema = z.preprocess(
  (v) => (v === "on" || v === "true" ? true : v === "off" || v === "false" ? false : v),
  z.boolean({ invalid_type_error: "Choose whether endorsements are accepted automatically." }),
);

export function endorsementUri(publicUrl: string, id: string): string {
  return `${publicUrl}/endorsements/${id}`;
}

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
  return out;
}

/** A local organisation in which the user is an admin (or owner). */
function requireEndorserAdmin(tx: DatabaseLike, userId: string, organisationId: string, doing: string): Organisation {
  // Organisations of other instances act from their own instance, never from here.
  const org = getLocalOrganisationById(tx, organisationId);
  if (!roleAtLeast(roleIn(tx, org.id, userId), "admin")) {
    throw new ForbiddenError(`Only admins of ${org.name} can ${doing} on its behalf.`);
  }
  return org;
}

/** Why this badge takes no endorsement now, or null when it does. */
export function endorsableProblem(access: BadgeAccess): string | null {
  const { badge, steward } = access;
  if (badge.status === "draft") return "This badge is not published yet: only published versions can be endorsed.";
  if (badge.status === "deprecated") return "This badge is deprecated: it takes no new endorsements. Endorse the badge that replaces it instead.";
  if (badge.status === "withdrawn") return "This badge was withdrawn by its steward: it takes no endorsements.";
  return null;
}

/** The last decision on this organisation's endorsements of the badge, if any. */
export function lastDecision(tx: DatabaseLike, organisationId: string, badgeId: string): EndorsementStatus | null {
  return (
    tx
      .select({ status: endorsements.status })
      .from(endorsements)
      .where(and(eq(endorsements.endorserOrganisationId, organisationId), eq(endorsements.badgeId, badgeId), isNotNull(endorsements.decidedAt)))
      .orderBy(desc(endorsements.decidedAt))
      .limit(1)
      .get()?.status ?? null
  );
}

export function liveEndorsement(tx: DatabaseLike, organisationId: string, badgeId: string): Endorsement | null {
  return (
    tx
      .select()
      .from(endorsements)
      .where(
        and(
          eq(endorsements.endorserOrganisationId, organisationId),
          eq(endorsements.badgeId, badgeId),
          inArray(endorsements.status, [...LIVE_ENDORSEMENT_STATUSES]),
        ),
      )
      .get() ?? null
  );
}

export type Decision = Pick<Endorsement, "status" | "decidedAt" | "decidedByUserId">;

/**
 * The state of a new or changed endorsement. Renewing with the same words keeps the
 * steward's decision; anything new is decided again: at a steward of this instance
 * automatically, unless it reviews by hand or declined this endorser before; for a steward
 * elsewhere, by that instance, whose Accept or Reject arrives later.
 */
export function decisionFor(
  tx: DatabaseLike,
  o: { existing: Endorsement | null; sameStatement: boolean; badge: Badge; endorserId: string; stewardIsLocal: boolean; now: Date },
): Decision {
  if (o.existing && o.sameStatement) return { status: o.existing.status, decidedAt: o.existing.decidedAt, decidedByUserId: o.existing.decidedByUserId };
  const pending = { status: "pending" as const, decidedAt: null, decidedByUserId: null };
  if (!o.stewardIsLocal) return pending;
  const reviewed = !o.badge.autoAcceptEndorsements || lastDecision(tx, o.endorserId, o.badge.id) === "declined";
  return reviewed ? pending : { status: "accepted", decidedAt: o.now, decidedByUserId: null };
}

function organisationById(tx: DatabaseLike, id: string): Organisation {
  return tx.select().from(organisations).where(eq(organisations.id, id)).get()!;
}

function stewardOfBadge(tx: DatabaseLike, badgeId: string): Organisation {
  const badge = tx.select({ stewardId: badges.stewardOrganisationId }).from(badges).where(eq(badges.id, badgeId)).get()!;
  return organisationById(tx, badge.stewardId);
}

/** The steward's admins hear of endorsements of its badges, when the steward is ours. */
export function notifySteward(tx: DatabaseLike, endorsement: Endorsement, kind: NotificationKind) {
  const steward = stewardOfBadge(tx, endorsement.badgeId);
  if (steward.host === null) notify(tx, { organisationId: steward.id, kind, endorsementId: endorsement.id, badgeId: endorsement.badgeId });
}

/** The endorser's admins hear of the steward's decision, when the endorser is ours. */
export function notifyEndorser(tx: DatabaseLike, endorsement: Endorsement, kind: NotificationKind) {
  const endorser = organisationById(tx, endorsement.endorserOrganisationId);
  if (endorser.host === null) notify(tx, { organisationId: endorser.id, kind, endorsementId: endorsement.id, badgeId: endorsement.badgeId });
}

export type EndorseOutcome = "created" | "updated" | "renewed" | "unchanged";

export interface EndorseResult {
  endorsement: Endorsement;
  outcome: EndorseOutcome;
}

/**
 * An admin endorses the badge's latest version on behalf of `organisationId`. Endorsing
 * again while the endorsement is live updates it: a new statement is "updated", a newer
 * version "renewed" (the steward's acceptance carries over unless the statement changed
 * and endorsements are reviewed by hand). The credential is signed anew each time.
 */
export function endorseBadge(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: { organisationId?: unknown; statement?: unknown; versionNumber?: unknown },
): EndorseResult {
  const parsed = EndorseSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The endorsement needs a look.", fieldErrorsOf(parsed.error));
  const { organisationId, statement, versionNumber } = parsed.data;
  const result = ctx.db.transaction((tx): EndorseResult => {
    // A draft does not exist for people outside its authors.
    const access = requireView(tx, badgeId, userId);
    const endorser = requireEndorserAdmin(tx, userId, organisationId, "endorse");
    if (access.authors.some((a) => a.organisation.id === endorser.id)) {
      throw new ForbiddenError(`${endorser.name} is an author of this badge; an organisation cannot endorse its own badge.`);
    }
    const problem = endorsableProblem(access);
    if (problem) throw new ConflictError(problem);
    const version = tx.select().from(versions).where(eq(versions.id, access.badge.latestVersionId!)).get()!;
    if (version.number !== versionNumber) {
      throw new ConflictError(
        versionNumber < version.number
          ? `Version ${version.number} was published since you looked: read it, then endorse it.`
          : `There is no version ${versionNumber} of this badge.`,
      );
    }

    const existing = liveEndorsement(tx, endorser.id, badgeId);
    const sameStatement = existing?.statement === statement;
    const sameVersion = existing?.versionId === version.id;
    if (existing && sameStatement && sameVersion) return { endorsement: existing, outcome: "unchanged" };

    const now = new Date();
    const id = existing?.id ?? randomUUID();
    const uri = existing?.uri ?? endorsementUri(ctx.publicUrl, id);
    const unsigned = toEndorsementCredential(
      {
        uri,
        endorser,
        badge: { uri: access.badge.uri, name: BadgeContentSchema.parse(version.content).name },
        version: { uri: version.uri, number: version.number, contentHash: version.contentHash },
        statement,
        issuedAt: now,
        firstIssuedAt: existing?.createdAt ?? now,
      },
      { publicUrl: ctx.publicUrl },
    );
    const signed = ctx.federation.signAsActor(tx, endorser.uri, unsigned);
    // OB 3.0's schema wants `proof` as an array; verifiers accept one proof either way.
    const credential = { ...signed, proof: [signed.proof] };

    const stewardIsLocal = access.steward.host === null;
    const decision = decisionFor(tx, { existing, sameStatement, badge: access.badge, endorserId: endorser.id, stewardIsLocal, now });

    if (existing) {
      tx.update(endorsements)
        .set({ versionId: version.id, statement, credential, issuedAt: now, endorsedByUserId: userId, updatedAt: now, ...decision })
        .where(eq(endorsements.id, existing.id))
        .run();
    } else {
      tx.insert(endorsements)
        .values({
          id,
          uri,
          endorserOrganisationId: endorser.id,
          badgeId,
          versionId: version.id,
          statement,
          credential,
          issuedAt: now,
          endorsedByUserId: userId,
          createdAt: now,
          updatedAt: now,
          ...decision,
        })
        .run();
    }
    indexEndorsements(tx, badgeId);
    // The endorser's Create or Update goes to its followers and the steward's instance; a
    // steward of this instance answers at once when it accepts automatically.
    ctx.federation.endorsementChanged(tx, id);
    if (stewardIsLocal && decision.status === "accepted") ctx.federation.endorsementDecided(tx, id);
    if (stewardIsLocal && !sameStatement) notify(tx, { organisationId: access.steward.id, kind: "endorsement_received", endorsementId: id, badgeId });
    return {
      endorsement: tx.select().from(endorsements).where(eq(endorsements.id, id)).get()!,
      outcome: !existing ? "created" : sameVersion ? "updated" : "renewed",
    };
  });
  if (result.outcome !== "unchanged") ctx.events.badgeChanged(badgeId, "endorsements");
  return result;
}

function getEndorsement(tx: DatabaseLike, endorsementId: string): Endorsement {
  const row = tx.select().from(endorsements).where(eq(endorsements.id, endorsementId)).get();
  if (!row) throw new NotFoundError("That endorsement");
  return row;
}

const ENDED: Record<"declined" | "withdrawn", string> = {
  declined: "This endorsement was declined by the badge's steward.",
  withdrawn: "This endorsement was already withdrawn.",
};

/** An admin of the endorsing organisation takes its endorsement back. */
export function withdrawEndorsement(ctx: ServiceContext, userId: string, endorsementId: string): Endorsement {
  const row = ctx.db.transaction((tx) => {
    const endorsement = getEndorsement(tx, endorsementId);
    requireEndorserAdmin(tx, userId, endorsement.endorserOrganisationId, "withdraw an endorsement");
    if (endorsement.status === "declined" || endorsement.status === "withdrawn") throw new ConflictError(ENDED[endorsement.status]);
    const now = new Date();
    // The steward's decision stays recorded: it says whether the endorsement was ever shown.
    tx.update(endorsements).set({ status: "withdrawn", updatedAt: now }).where(eq(endorsements.id, endorsementId)).run();
    indexEndorsements(tx, endorsement.badgeId);
    ctx.federation.endorsementChanged(tx, endorsementId);
    notifySteward(tx, endorsement, "endorsement_withdrawn");
    return tx.select().from(endorsements).where(eq(endorsements.id, endorsementId)).get()!;
  });
  ctx.events.badgeChanged(row.badgeId, "endorsements");
  return row;
}

/** The steward's admin accepts a pending endorsement, or declines a pending or accepted one. */
export function decideEndorsement(ctx: ServiceContext, userId: string, endorsementId: string, decision: unknown): Endorsement {
  const parsed = DecisionSchema.safeParse(decision);
  if (!parsed.success) throw new ValidationError("Accept or decline?", { decision: ["Accept or decline?"] });
  const row = ctx.db.transaction((tx) => {
    const endorsement = getEndorsement(tx, endorsementId);
    const access = badgeAccess(tx, endorsement.badgeId, userId);
    if (!access.isStewardAdmin || access.steward.host !== null) {
      throw new ForbiddenError(`Only admins of the steward, ${access.steward.name}, can accept or decline endorsements of this badge.`);
    }
    if (endorsement.status === "declined" || endorsement.status === "withdrawn") throw new ConflictError(ENDED[endorsement.status]);
    if (parsed.data === "accept" && endorsement.status === "accepted") throw new ConflictError("This endorsement is already accepted.");
    const now = new Date();
    tx.update(endorsements)
      .set({ status: parsed.data === "accept" ? "accepted" : "declined", decidedAt: now, decidedByUserId: userId, updatedAt: now })
      .where(eq(endorsements.id, endorsementId))
      .run();
    indexEndorsements(tx, endorsement.badgeId);
    ctx.federation.endorsementDecided(tx, endorsementId);
    notifyEndorser(tx, endorsement, parsed.data === "accept" ? "endorsement_accepted" : "endorsement_declined");
    return tx.select().from(endorsements).where(eq(endorsements.id, endorsementId)).get()!;
  });
  ctx.events.badgeChanged(row.badgeId, "endorsements");
  return row;
}

/** The steward's admin chooses whether new endorsements are accepted without review. */
export function setAutoAcceptEndorsements(ctx: ServiceContext, userId: string, badgeId: string, input: { autoAccept?: unknown }): boolean {
  const parsed = AutoAcceptSchema.safeParse(input.autoAccept);
  if (!parsed.success) throw new ValidationError("Choose whether endorsements are accepted automatically.", { autoAccept: fieldErrorsOf(parsed.error).form ?? [] });
  const changed = ctx.db.transaction((tx) => {
    const access = requireView(tx, badgeId, userId);
    if (!access.isStewardAdmin || access.steward.host !== null) {
      throw new ForbiddenError(`Only admins of the steward, ${access.steward.name}, can change how endorsements are accepted.`);
    }
    if (access.badge.autoAcceptEndorsements === parsed.data) return false;
    tx.update(badges).set({ autoAcceptEndorsements: parsed.data }).where(eq(badges.id, badgeId)).run();
    return true;
  });
  if (changed) ctx.events.badgeChanged(badgeId, "endorsements");
  return parsed.data;
}
