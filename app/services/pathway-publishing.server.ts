// Publishing pathways with consent, as badges are published: admins of the author
// organisations approve the exact current revision (an edit voids approvals); when the
// pathway's policy is met (the steward alone, or every author) the steward's admin
// publishes it as an immutable, hashed version. A published pathway may be deprecated
// (kept, marked) or withdrawn (taken back). Each change writes its activity to the outbox
// in the same transaction.
import { randomUUID } from "node:crypto";
import { and, desc, eq, max } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { pathwayApprovals, pathways, pathwayVersions, users, type Organisation, type Pathway, type PathwayApprovalPolicy, type PathwayVersion } from "../../db/schema";
import { authorApprovals, describeCount, POLICY_DESCRIPTIONS, tallyApprovals, type ApprovalTally, type AuthorApproval } from "./approval-policy";
import type { ServiceContext } from "./context.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { knownBadges } from "./pathway-badges.server";
import { missingForPublication, pathwayBadgeUris, PathwayContentSchema, type PathwayContent } from "./pathway-content";
import { indexPathway } from "./pathway-index.server";
import {
  currentPathwayRevision,
  getPathway,
  pathwayAccess,
  pathwayRevisionContent,
  requirePathwayView,
  type PathwayAccess,
} from "./pathways.server";
import { computeVersionHash, verifyVersionHash } from "./versions.server";

export const PATHWAY_POLICY_DESCRIPTIONS: Record<PathwayApprovalPolicy, string> = {
  all: POLICY_DESCRIPTIONS.all,
  steward: POLICY_DESCRIPTIONS.steward,
};

export const STALE_PATHWAY_REVISION = "The draft changed since you looked; review the new revision.";

export interface PathwayApprovalState extends ApprovalTally {
  policyDescription: string;
  revisionId: string;
  revisionNumber: number;
  authors: AuthorApproval[];
}

/** Who approved the pathway's current revision, and whether its policy is met. */
export function pathwayApprovalState(db: DatabaseLike, pathwayId: string): PathwayApprovalState {
  const access = pathwayAccess(db, pathwayId, null);
  const revision = currentPathwayRevision(db, access.pathway);
  const given = new Map(
    db
      .select({ organisationId: pathwayApprovals.organisationId, at: pathwayApprovals.createdAt, name: users.displayName })
      .from(pathwayApprovals)
      .leftJoin(users, eq(users.id, pathwayApprovals.userId))
      .where(and(eq(pathwayApprovals.pathwayId, pathwayId), eq(pathwayApprovals.revisionId, revision.id)))
      .all()
      .map((a) => [a.organisationId, a]),
  );
  const authors = authorApprovals(access.authors, given);
  const policy = access.pathway.approvalPolicy;
  return {
    ...tallyApprovals(policy, authors),
    policyDescription: PATHWAY_POLICY_DESCRIPTIONS[policy],
    revisionId: revision.id,
    revisionNumber: revision.number,
    authors,
  };
}

function latestVersion(db: DatabaseLike, pathway: Pathway): PathwayVersion | null {
  if (!pathway.latestVersionId) return null;
  return db.select().from(pathwayVersions).where(eq(pathwayVersions.id, pathway.latestVersionId)).get() ?? null;
}

function requireApprover(db: DatabaseLike, pathwayId: string, userId: string, organisationId: string): PathwayAccess {
  const access = requirePathwayView(db, pathwayId, userId);
  const author = access.authors.find((a) => a.organisation.id === organisationId);
  if (!author) throw new ForbiddenError("That organisation is not an author of this pathway.");
  if (!access.approverFor.some((o) => o.id === organisationId)) {
    throw new ForbiddenError(`Only admins of ${author.organisation.name} can approve on its behalf.`);
  }
  if (access.steward.host) throw new ForbiddenError("This pathway is stewarded on another instance; it is approved there.");
  if (access.pathway.status === "deprecated" || access.pathway.status === "withdrawn") {
    throw new ConflictError(`This pathway is ${access.pathway.status}; it takes no more approvals.`);
  }
  return access;
}

/**
 * An admin approves the current revision on behalf of one author organisation.
 * `revisionId` is what they reviewed: if the draft moved since, nothing is recorded.
 */
export function approvePathwayRevision(ctx: ServiceContext, userId: string, pathwayId: string, input: { organisationId: string; revisionId: string }): void {
  ctx.db.transaction((tx) => {
    const access = requireApprover(tx, pathwayId, userId, input.organisationId);
    if (input.revisionId !== access.pathway.currentRevisionId) throw new ConflictError(STALE_PATHWAY_REVISION);
    const published = latestVersion(tx, access.pathway);
    if (published?.revisionId === input.revisionId) {
      throw new ConflictError(`This revision is already published as version ${published.number}; there is nothing new to approve.`);
    }
    tx.insert(pathwayApprovals).values({ pathwayId, revisionId: input.revisionId, organisationId: input.organisationId, userId }).onConflictDoNothing().run();
  });
}

/** Withdraws an organisation's approval of the current revision; false when there was none. */
export function withdrawPathwayApproval(ctx: ServiceContext, userId: string, pathwayId: string, input: { organisationId: string }): boolean {
  return ctx.db.transaction((tx) => {
    const access = requireApprover(tx, pathwayId, userId, input.organisationId);
    const result = tx
      .delete(pathwayApprovals)
      .where(and(eq(pathwayApprovals.revisionId, access.pathway.currentRevisionId!), eq(pathwayApprovals.organisationId, input.organisationId)))
      .run();
    return result.changes > 0;
  });
}

/**
 * Badges named by the content that can no longer be named: unknown here now, or withdrawn
 * by their stewards since the draft named them. In words, for the publishing page.
 */
function unavailableBadges(db: DatabaseLike, content: PathwayContent): string[] {
  const known = knownBadges(db, pathwayBadgeUris(content));
  return pathwayBadgeUris(content).flatMap((uri) => {
    const badge = known.get(uri);
    if (!badge || badge.status === "draft") return [`${uri} is no longer known here.`];
    if (badge.status === "withdrawn") return [`${badge.name ?? uri} was withdrawn by its steward; take it out first.`];
    return [];
  });
}

export interface PathwayPublishReadiness {
  ready: boolean;
  reasons: string[];
  approvals: PathwayApprovalState;
  // The version that already holds the current revision, if any.
  publishedAs: number | null;
}

/** Whether the current revision can be published (the user's own rights aside). */
export function pathwayPublishReadiness(db: DatabaseLike, pathwayId: string): PathwayPublishReadiness {
  const pathway = getPathway(db, pathwayId);
  const approvals = pathwayApprovalState(db, pathwayId);
  const content = pathwayRevisionContent(currentPathwayRevision(db, pathway));
  const latest = latestVersion(db, pathway);
  const publishedAs = latest?.revisionId === approvals.revisionId ? latest.number : null;
  const reasons: string[] = [];
  if (pathway.status === "deprecated" || pathway.status === "withdrawn") reasons.push(`This pathway is ${pathway.status}.`);
  if (publishedAs !== null) reasons.push(`Nothing changed since version ${publishedAs}.`);
  reasons.push(...missingForPublication(content), ...unavailableBadges(db, content));
  if (!approvals.met) reasons.push(`The approval policy is not met yet (${describeCount(approvals)}).`);
  return { ready: reasons.length === 0, reasons, approvals, publishedAs };
}

function requireStewardAdmin(db: DatabaseLike, pathwayId: string, userId: string, what: string): PathwayAccess {
  const access = requirePathwayView(db, pathwayId, userId);
  if (!access.isStewardAdmin) throw new ForbiddenError(`Only admins of the steward organisation can ${what}.`);
  return access;
}

/**
 * The steward's admin publishes the current revision as version N+1: the content, the
 * authors and their hash, the pathway's status, the read model and the activity that
 * announces it, in one transaction.
 */
export function publishPathwayVersion(ctx: ServiceContext, userId: string, pathwayId: string, input: { revisionId?: string } = {}): PathwayVersion {
  return ctx.db.transaction((tx) => {
    const access = requireStewardAdmin(tx, pathwayId, userId, "publish");
    const pathway = access.pathway;
    if (pathway.status === "deprecated" || pathway.status === "withdrawn") {
      throw new ConflictError(`This pathway is ${pathway.status}; it cannot be published again.`);
    }
    if (input.revisionId && input.revisionId !== pathway.currentRevisionId) throw new ConflictError(STALE_PATHWAY_REVISION);
    const readiness = pathwayPublishReadiness(tx, pathwayId);
    if (readiness.publishedAs !== null) throw new ConflictError(`Nothing changed since version ${readiness.publishedAs}; edit the draft first.`);
    const revision = currentPathwayRevision(tx, pathway);
    const content = pathwayRevisionContent(revision);
    const incomplete = [...missingForPublication(content), ...unavailableBadges(tx, content)];
    if (incomplete.length) throw new ValidationError(`Before publishing: ${incomplete.join(" ")}`, { form: incomplete });
    if (!readiness.approvals.met) throw new ConflictError(`The approval policy is not met yet (${describeCount(readiness.approvals)}).`);
    const number = (tx.select({ n: max(pathwayVersions.number) }).from(pathwayVersions).where(eq(pathwayVersions.pathwayId, pathwayId)).get()?.n ?? 0) + 1;
    const stewardUri = access.steward.uri;
    const coauthorUris = access.authors.filter((a) => !a.isSteward).map((a) => a.organisation.uri).sort();
    const id = randomUUID();
    const now = new Date();
    tx.insert(pathwayVersions)
      .values({
        id,
        pathwayId,
        number,
        uri: `${pathway.uri}/versions/${number}`,
        revisionId: revision.id,
        content,
        stewardUri,
        coauthorUris,
        contentHash: computeVersionHash({ content, stewardUri, coauthorUris, number }),
        publishedByUserId: userId,
        publishedAt: now,
      })
      .run();
    tx.update(pathways).set({ status: "published", latestVersionId: id, updatedAt: now }).where(eq(pathways.id, pathwayId)).run();
    indexPathway(tx, pathwayId);
    ctx.federation.pathwayChanged(tx, pathwayId, "published");
    return tx.select().from(pathwayVersions).where(eq(pathwayVersions.id, id)).get()!;
  });
}

/** The steward's admin deprecates a published pathway: still listed and readable, marked, closed to changes. */
export function deprecatePathway(ctx: ServiceContext, userId: string, pathwayId: string): Pathway {
  return ctx.db.transaction((tx) => {
    const access = requireStewardAdmin(tx, pathwayId, userId, "deprecate a pathway");
    if (access.pathway.status !== "published") {
      throw new ConflictError(access.pathway.status === "draft" ? "Only a published pathway can be deprecated." : `This pathway is already ${access.pathway.status}.`);
    }
    const now = new Date();
    tx.update(pathways).set({ status: "deprecated", deprecatedAt: now, updatedAt: now }).where(eq(pathways.id, pathwayId)).run();
    indexPathway(tx, pathwayId);
    ctx.federation.pathwayChanged(tx, pathwayId, "deprecated");
    return getPathway(tx, pathwayId);
  });
}

/**
 * The steward's admin takes a published or deprecated pathway back: it leaves the list and
 * its pages say it was withdrawn; its versions stay in the database but are not shown.
 */
export function withdrawPathway(ctx: ServiceContext, userId: string, pathwayId: string): Pathway {
  return ctx.db.transaction((tx) => {
    const access = requireStewardAdmin(tx, pathwayId, userId, "withdraw a pathway");
    if (access.pathway.status === "draft") throw new ConflictError("A draft has not been published; there is nothing to withdraw.");
    if (access.pathway.status === "withdrawn") throw new ConflictError("This pathway is already withdrawn.");
    tx.update(pathways).set({ status: "withdrawn", updatedAt: new Date() }).where(eq(pathways.id, pathwayId)).run();
    indexPathway(tx, pathwayId);
    ctx.federation.pathwayChanged(tx, pathwayId, "withdrawn");
    return getPathway(tx, pathwayId);
  });
}

/** Whether the draft has changed since the latest published version (or was never published). */
export function hasUnpublishedChanges(db: DatabaseLike, pathway: Pathway): boolean {
  return latestVersion(db, pathway)?.revisionId !== pathway.currentRevisionId;
}

export interface PathwayVersionSummary {
  id: string;
  number: number;
  uri: string;
  revisionId: string | null;
  contentHash: string;
  publishedAt: Date;
  publishedByName: string | null;
}

/** A pathway's published versions, newest first. */
export function listPathwayVersions(db: DatabaseLike, pathwayId: string): PathwayVersionSummary[] {
  return db
    .select({
      id: pathwayVersions.id,
      number: pathwayVersions.number,
      uri: pathwayVersions.uri,
      revisionId: pathwayVersions.revisionId,
      contentHash: pathwayVersions.contentHash,
      publishedAt: pathwayVersions.publishedAt,
      publishedByName: users.displayName,
    })
    .from(pathwayVersions)
    .leftJoin(users, eq(users.id, pathwayVersions.publishedByUserId))
    .where(eq(pathwayVersions.pathwayId, pathwayId))
    .orderBy(desc(pathwayVersions.number))
    .all();
}

/** One stored version, its hash recomputed on the way out. */
export function getPathwayVersion(db: DatabaseLike, pathwayId: string, number: number): PathwayVersion & { content: PathwayContent; verified: boolean } {
  const row = Number.isSafeInteger(number)
    ? db.select().from(pathwayVersions).where(and(eq(pathwayVersions.pathwayId, pathwayId), eq(pathwayVersions.number, number))).get()
    : undefined;
  if (!row) throw new NotFoundError("That version");
  return { ...row, content: PathwayContentSchema.parse(row.content), verified: verifyVersionHash(row) };
}
