// Publishing with consent: admins of author organisations approve the exact current
// revision; when the badge's approval policy is met, the steward publishes it as an
// immutable, hashed version; a published badge can later be deprecated, naming a successor.
// An approval names a revision id, so any edit (which moves the current revision) voids it.
import { randomUUID } from "node:crypto";
import { and, eq, max } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  approvals,
  badges,
  users,
  versions,
  type ApprovalPolicy,
  type Badge,
  type Organisation,
  type Version,
} from "../../db/schema";
import { authorApprovals, describeCount, POLICY_DESCRIPTIONS, tallyApprovals, type AuthorApproval } from "./approval-policy";
import { FIELD_LABELS, type BadgeContent, type BadgeField } from "./badge-content";
import { badgeAccess, currentRevision, getBadge, requireView, revisionContent, type BadgeAccess } from "./badges.server";
import { indexPublishedVersion } from "./catalogue-index.server";
import { indexPrerequisites } from "./prerequisite-index.server";
import { findPrerequisiteCycle, type PrerequisiteCycle } from "./prerequisite-rules.server";
import { fetchPrerequisites, LOOKUP_WAIT_MS } from "./prerequisite-lookups.server";
import { prerequisiteUris } from "./prerequisites";
import type { ServiceContext } from "./context.server";
import { ConflictError, ForbiddenError, ValidationError } from "./errors";
import { computeVersionHash } from "./versions.server";

export { computeVersionHash, getVersion, listVersions, verifyVersionHash, versionAuthors, versionHashText } from "./versions.server";

export { describeCount, POLICY_DESCRIPTIONS };

export const STALE_REVISION_MESSAGE = "The draft changed since you looked; review the new revision.";

export type { AuthorApproval } from "./approval-policy";

export interface ApprovalState {
  policy: ApprovalPolicy;
  policyDescription: string;
  revisionId: string;
  revisionNumber: number;
  // Steward first, then accepted co-authors; approvals of the current revision only.
  authors: AuthorApproval[];
  approvedCount: number;
  authorCount: number;
  needed: number;
  met: boolean;
}

/** Who approved the badge's current revision, and whether its policy is met. */
export function approvalState(db: DatabaseLike, badgeId: string): ApprovalState {
  const access = badgeAccess(db, badgeId, null);
  const revision = currentRevision(db, access.badge);
  const given = new Map(
    db
      .select({ organisationId: approvals.organisationId, at: approvals.createdAt, name: users.displayName })
      .from(approvals)
      .leftJoin(users, eq(users.id, approvals.userId))
      .where(and(eq(approvals.badgeId, badgeId), eq(approvals.revisionId, revision.id)))
      .all()
      .map((a) => [a.organisationId, a]),
  );
  const authors = authorApprovals(access.authors, given);
  const policy = access.badge.approvalPolicy;
  return {
    ...tallyApprovals(policy, authors),
    policyDescription: POLICY_DESCRIPTIONS[policy],
    revisionId: revision.id,
    revisionNumber: revision.number,
    authors,
  };
}

function requireApprover(db: DatabaseLike, badgeId: string, userId: string, organisationId: string): BadgeAccess {
  const access = requireView(db, badgeId, userId);
  const author = access.authors.find((a) => a.organisation.id === organisationId);
  if (!author) throw new ForbiddenError("That organisation is not an author of this badge.");
  if (!access.approverFor.some((o) => o.id === organisationId)) {
    throw new ForbiddenError(`Only admins of ${author.organisation.name} can approve on its behalf.`);
  }
  if (access.badge.status === "deprecated") throw new ConflictError("This badge is deprecated; it takes no more approvals.");
  return access;
}

function latestVersion(db: DatabaseLike, badge: Badge): Version | null {
  if (!badge.latestVersionId) return null;
  return db.select().from(versions).where(eq(versions.id, badge.latestVersionId)).get() ?? null;
}

/**
 * An admin approves the current revision on behalf of one author organisation.
 * `revisionId` is the revision the admin reviewed: if the draft moved since, nothing is
 * recorded and a ConflictError asks them to review the new one.
 */
export function approveRevision(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: { organisationId: string; revisionId: string },
): void {
  ctx.db.transaction((tx) => {
    const access = requireApprover(tx, badgeId, userId, input.organisationId);
    if (input.revisionId !== access.badge.currentRevisionId) throw new ConflictError(STALE_REVISION_MESSAGE);
    const published = latestVersion(tx, access.badge);
    if (published?.revisionId === input.revisionId) {
      throw new ConflictError(`This revision is already published as version ${published.number}; there is nothing new to approve.`);
    }
    tx.insert(approvals)
      .values({ badgeId, revisionId: input.revisionId, organisationId: input.organisationId, userId })
      .onConflictDoNothing()
      .run();
  });
  ctx.events.badgeChanged(badgeId, "approvals");
}

/** Withdraws an organisation's approval of the current revision (no-op if there is none). */
export function withdrawApproval(ctx: ServiceContext, userId: string, badgeId: string, input: { organisationId: string }): boolean {
  const removed = ctx.db.transaction((tx) => {
    const access = requireApprover(tx, badgeId, userId, input.organisationId);
    const result = tx
      .delete(approvals)
      .where(
        and(eq(approvals.revisionId, access.badge.currentRevisionId!), eq(approvals.organisationId, input.organisationId)),
      )
      .run();
    return result.changes > 0;
  });
  if (removed) ctx.events.badgeChanged(badgeId, "approvals");
  return removed;
}

// Open Badges 3.0 requires an Achievement's description and criteria; we also need a name.
const REQUIRED_TO_PUBLISH = ["name", "summary", "criteria"] as const satisfies readonly BadgeField[];

export function missingForPublication(content: BadgeContent): BadgeField[] {
  return REQUIRED_TO_PUBLISH.filter((f) => content[f].trim() === "");
}

export interface PublishReadiness {
  ready: boolean;
  // Why not, in words, for everyone who can see the page.
  reasons: string[];
  missing: BadgeField[];
  approvals: ApprovalState;
  publishedAs: number | null; // the version that already holds the current revision
  // The prerequisite cycle publishing would close, if any.
  cycle: PrerequisiteCycle | null;
}

/** Whether the current revision can be published (the user's own rights aside). */
export function publishReadiness(db: DatabaseLike, badgeId: string): PublishReadiness {
  const badge = getBadge(db, badgeId);
  const state = approvalState(db, badgeId);
  const content = revisionContent(currentRevision(db, badge));
  const missing = missingForPublication(content);
  const cycle = findPrerequisiteCycle(db, badge.uri, content);
  const latest = latestVersion(db, badge);
  const publishedAs = latest?.revisionId === state.revisionId ? latest.number : null;
  const reasons: string[] = [];
  if (badge.status === "deprecated") reasons.push("This badge is deprecated.");
  if (publishedAs !== null) reasons.push(`Nothing changed since version ${publishedAs}.`);
  if (missing.length) reasons.push(`Fill in before publishing: ${missing.map((f) => FIELD_LABELS[f]).join(", ")}.`);
  if (cycle) reasons.push(cycle.message);
  if (!state.met) reasons.push(`The approval policy is not met yet (${describeCount(state)}).`);
  return { ready: reasons.length === 0, reasons, missing, approvals: state, publishedAs, cycle };
}

/**
 * Before publishing: badges of other instances that the current revision names are fetched
 * again (a newer version of theirs may close a cycle, or they may be gone) and those not held
 * yet are fetched, so publishVersion judges the pathway as it stands. For those who may
 * publish only; outside any transaction (it awaits other instances).
 */
export async function refreshPrerequisitesForPublication(ctx: ServiceContext, userId: string, badgeId: string): Promise<void> {
  const access = requireView(ctx.db, badgeId, userId);
  if (!access.isStewardAdmin) throw new ForbiddenError("Only admins of the steward organisation can publish.");
  const content = revisionContent(currentRevision(ctx.db, access.badge));
  await fetchPrerequisites(ctx, prerequisiteUris(content.prerequisites), { refresh: true, waitMs: LOOKUP_WAIT_MS.publication });
}

/**
 * The steward's admin publishes the current revision as version N+1: content snapshot,
 * authors and hash in one transaction with the badge's status and the catalogue index.
 */
export function publishVersion(
  ctx: ServiceContext,
  userId: string,
  badgeId: string,
  input: { revisionId?: string } = {},
): Version {
  const version = ctx.db.transaction((tx) => {
    const access = requireView(tx, badgeId, userId);
    if (!access.isStewardAdmin) throw new ForbiddenError("Only admins of the steward organisation can publish.");
    const badge = access.badge;
    if (badge.status === "deprecated" || badge.status === "withdrawn") {
      throw new ConflictError(`This badge is ${badge.status}; it cannot be published again.`);
    }
    if (input.revisionId && input.revisionId !== badge.currentRevisionId) throw new ConflictError(STALE_REVISION_MESSAGE);
    const readiness = publishReadiness(tx, badgeId);
    if (readiness.publishedAs !== null) {
      throw new ConflictError(`Nothing changed since version ${readiness.publishedAs}; edit the draft first.`);
    }
    if (readiness.missing.length) {
      throw new ValidationError(
        `Fill in before publishing: ${readiness.missing.map((f) => FIELD_LABELS[f]).join(", ")}.`,
        Object.fromEntries(readiness.missing.map((f) => [f, [`${FIELD_LABELS[f]} is required to publish.`]])),
      );
    }
    if (readiness.cycle) throw new ConflictError(readiness.cycle.message);
    if (!readiness.approvals.met) {
      throw new ConflictError(`The approval policy is not met yet (${describeCount(readiness.approvals)}).`);
    }
    const revision = currentRevision(tx, badge);
    const content = revisionContent(revision);
    const number = (tx.select({ n: max(versions.number) }).from(versions).where(eq(versions.badgeId, badgeId)).get()?.n ?? 0) + 1;
    const stewardUri = access.steward.uri;
    const coauthorUris = access.authors.filter((a) => !a.isSteward).map((a) => a.organisation.uri).sort();
    const id = randomUUID();
    const now = new Date();
    tx.insert(versions)
      .values({
        id,
        badgeId,
        number,
        uri: `${badge.uri}/versions/${number}`,
        revisionId: revision.id,
        content,
        stewardUri,
        coauthorUris,
        contentHash: computeVersionHash({ content, stewardUri, coauthorUris, number }),
        publishedByUserId: userId,
        publishedAt: now,
      })
      .run();
    tx.update(badges).set({ status: "published", latestVersionId: id, updatedAt: now }).where(eq(badges.id, badgeId)).run();
    indexPublishedVersion(tx, badgeId);
    indexPrerequisites(tx, badgeId);
    ctx.federation.badgeChanged(tx, badgeId, "published");
    return tx.select().from(versions).where(eq(versions.id, id)).get()!;
  });
  ctx.events.badgeChanged(badgeId, "published");
  return version;
}

export const DeprecateSchema = z.object({
  successor: z.string().trim().max(2000, "At most 2,000 characters").default(""),
});

/**
 * The steward's admin deprecates a published badge, optionally naming its successor: the
 * id of a published badge here, or the http(s) URL of one anywhere. The badge stays in the
 * catalogue, marked deprecated.
 */
export function deprecateBadge(ctx: ServiceContext, userId: string, badgeId: string, input: { successor?: string }): Badge {
  const badge = ctx.db.transaction((tx) => {
    const access = requireView(tx, badgeId, userId);
    if (!access.isStewardAdmin) throw new ForbiddenError("Only admins of the steward organisation can deprecate a badge.");
    if (access.badge.status !== "published") {
      throw new ConflictError(
        access.badge.status === "draft" ? "Only a published badge can be deprecated." : "This badge is already deprecated.",
      );
    }
    const parsed = DeprecateSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError("Check the successor.", { successor: parsed.error.issues.map((i) => i.message) });
    const successorUri = resolveSuccessor(tx, access.badge, parsed.data.successor);
    tx.update(badges)
      .set({ status: "deprecated", deprecatedAt: new Date(), successorUri, updatedAt: new Date() })
      .where(eq(badges.id, badgeId))
      .run();
    ctx.federation.badgeChanged(tx, badgeId, "deprecated");
    return getBadge(tx, badgeId);
  });
  ctx.events.badgeChanged(badgeId, "deprecated");
  return badge;
}

/**
 * The steward's admin takes a published or deprecated badge back: it leaves the catalogue
 * and its pages answer "withdrawn". Its versions stay in the database (endorsements and
 * other instances named them), but are no longer shown.
 */
export function withdrawBadge(ctx: ServiceContext, userId: string, badgeId: string): Badge {
  const badge = ctx.db.transaction((tx) => {
    const access = requireView(tx, badgeId, userId);
    if (!access.isStewardAdmin) throw new ForbiddenError("Only admins of the steward organisation can withdraw a badge.");
    if (access.badge.status === "draft") throw new ConflictError("A draft has not been published; there is nothing to withdraw.");
    if (access.badge.status === "withdrawn") throw new ConflictError("This badge is already withdrawn.");
    tx.update(badges).set({ status: "withdrawn", updatedAt: new Date() }).where(eq(badges.id, badgeId)).run();
    indexPublishedVersion(tx, badgeId);
    indexPrerequisites(tx, badgeId);
    ctx.federation.badgeChanged(tx, badgeId, "withdrawn");
    return getBadge(tx, badgeId);
  });
  ctx.events.badgeChanged(badgeId, "withdrawn");
  return badge;
}

function resolveSuccessor(db: DatabaseLike, badge: Badge, text: string): string | null {
  if (!text) return null;
  const invalid = (message: string) => new ValidationError("Check the successor.", { successor: [message] });
  let local: Badge | undefined;
  if (/^https?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch {
      throw invalid("Enter a full http(s) URL or the id of a published badge here.");
    }
    local = db.select().from(badges).where(eq(badges.uri, text)).get();
    if (!local) return text;
  } else {
    local = db.select().from(badges).where(eq(badges.id, text)).get();
    if (!local || local.status === "draft") {
      throw invalid("No published badge with that id here; enter its id or a full http(s) URL.");
    }
  }
  if (local.id === badge.id) throw invalid("A badge cannot succeed itself.");
  if (local.status !== "published") throw invalid("The successor must be a published (not draft or deprecated) badge.");
  return local.uri;
}
