// Builders for pathway tests: a pathway drafted, composed and published through the real
// services (so revisions, approvals and hashes are the real ones).
import type { ServiceContext } from "../../app/services/context.server";
import type { PathwayApprovalPolicy } from "../../db/schema";
import { orderedRoute, type PathwayContent } from "../../app/services/pathway-content";
import { approvePathwayRevision, publishPathwayVersion } from "../../app/services/pathway-publishing.server";
import {
  createPathway,
  currentPathwayRevision,
  getPathway,
  pathwayRevisionContent,
  savePathwayDraft,
} from "../../app/services/pathways.server";

interface Author {
  org: { id: string };
  admin: { id: string };
  editor: { id: string };
}

/** Saves `change` on top of the current revision; throws unless a revision was written. */
export function editPathway(ctx: ServiceContext, userId: string, pathwayId: string, change: Partial<PathwayContent>) {
  const current = currentPathwayRevision(ctx.db, getPathway(ctx.db, pathwayId));
  const result = savePathwayDraft(ctx, userId, pathwayId, {
    content: { ...pathwayRevisionContent(current), ...change },
    baseRevisionId: current.id,
  });
  if (result.status !== "saved") throw new Error(`expected a saved revision, got ${result.status}`);
  return result.revision;
}

/** A pathway drafted by `steward`'s editor: goal and steps (one ordered route unless `routes`). */
export function draftPathway(
  ctx: ServiceContext,
  steward: Author,
  input: { name?: string; goal: string; steps: string[]; routes?: PathwayContent["routes"]; policy?: PathwayApprovalPolicy; summary?: string },
) {
  const pathway = createPathway(ctx, steward.editor.id, {
    stewardOrganisationId: steward.org.id,
    name: input.name ?? "Changemaker Foundations",
    approvalPolicy: input.policy ?? "steward",
  });
  const steps = input.steps.map((badge, i) => ({ badge, guidance: `Step ${i + 1}: start here.` }));
  editPathway(ctx, steward.editor.id, pathway.id, {
    summary: input.summary ?? "From first steps to leading change in your community.",
    goal: input.goal,
    steps,
    routes: input.routes ?? [orderedRoute(steps, "The straight road")],
  });
  return getPathway(ctx.db, pathway.id);
}

/** Every author approves the current revision; the steward (first) publishes it. */
export function approveAndPublishPathway(ctx: ServiceContext, pathwayId: string, [steward, ...coauthors]: Author[]) {
  const revisionId = getPathway(ctx.db, pathwayId).currentRevisionId!;
  for (const team of [steward, ...coauthors]) approvePathwayRevision(ctx, team.admin.id, pathwayId, { organisationId: team.org.id, revisionId });
  return publishPathwayVersion(ctx, steward.admin.id, pathwayId, { revisionId });
}
