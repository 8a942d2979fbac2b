// The workflow panel a publishing page shows (co-authors, approvals of the current
// revision, whether it can be published), as loader data. Badges and pathways share the
// workflow, so their pages share this; each page adds what is its own (successor,
// deprecation, live notices).
import { describeCount, type ApprovalTally, type AuthorApproval } from "./approval-policy";
import type { CoauthorEntry } from "./coauthoring.server";

export interface WorkflowViewInput {
  coauthors: CoauthorEntry[];
  /** Invitations the viewer may answer (for organisations they administer). */
  invitations: readonly { organisationId: string }[];
  /** Author organisations on whose behalf the viewer may approve or leave. */
  approverFor: readonly { id: string }[];
  /** Whether the workflow still takes changes (not deprecated, withdrawn or someone else's). */
  open: boolean;
  isStewardAdmin: boolean;
  stewardName: string;
  readiness: {
    ready: boolean;
    reasons: string[];
    publishedAs: number | null;
    approvals: ApprovalTally & { policyDescription: string; revisionId: string; revisionNumber: number; authors: AuthorApproval[] };
  };
  /** Published versions, newest first. */
  versions: readonly { number: number }[];
}

export function workflowView({ coauthors, invitations, approverFor, open, isStewardAdmin, stewardName, readiness, versions }: WorkflowViewInput) {
  const answerable = new Set(invitations.map((i) => i.organisationId));
  const approverOf = new Set(approverFor.map((o) => o.id));
  const state = readiness.approvals;
  return {
    coauthors: coauthors.map((c) => ({
      ...c,
      invitedAt: c.invitedAt.toISOString(),
      respondedAt: c.respondedAt?.toISOString() ?? null,
      canRemove: open && isStewardAdmin,
      canLeave: open && c.status === "accepted" && approverOf.has(c.organisationId),
      canAnswer: open && c.status === "invited" && answerable.has(c.organisationId),
    })),
    canInvite: open && isStewardAdmin,
    approvals: {
      policyDescription: state.policyDescription,
      revisionId: state.revisionId,
      revisionNumber: state.revisionNumber,
      met: state.met,
      summary: describeCount(state),
      rows: state.authors.map((a) => ({
        organisationId: a.organisation.id,
        name: a.organisation.name,
        isSteward: a.isSteward,
        approved: a.approved,
        approvedByName: a.approvedByName,
        approvedAt: a.approvedAt?.toISOString() ?? null,
        canApprove: approverOf.has(a.organisation.id),
      })),
    },
    publishedAs: readiness.publishedAs,
    publish: {
      canPublish: isStewardAdmin && readiness.ready,
      reasons: [...(isStewardAdmin ? [] : [`Only admins of the steward, ${stewardName}, can publish.`]), ...readiness.reasons],
      nextNumber: (versions[0]?.number ?? 0) + 1,
    },
  };
}
