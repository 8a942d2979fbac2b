// Whether an approval policy is met, given which author organisations approved the exact
// revision in question. Shared by badges and pathways; pure.
import type { ApprovalPolicy, Organisation } from "../../db/schema";

export const POLICY_DESCRIPTIONS: Record<ApprovalPolicy, string> = {
  all: "Every author organisation (the steward and each co-author) must approve.",
  majority: "More than half of the author organisations must approve.",
  steward: "The steward organisation's approval is enough.",
};

export interface ApprovalTally {
  policy: ApprovalPolicy;
  approvedCount: number;
  authorCount: number;
  needed: number;
  met: boolean;
}

/** `authors` lists the steward first, then the accepted co-authors. */
export function tallyApprovals(policy: ApprovalPolicy, authors: readonly { isSteward: boolean; approved: boolean }[]): ApprovalTally {
  const approvedCount = authors.filter((a) => a.approved).length;
  const needed = policy === "all" ? authors.length : policy === "majority" ? Math.floor(authors.length / 2) + 1 : 1;
  const met = policy === "steward" ? authors.some((a) => a.isSteward && a.approved) : approvedCount >= needed;
  return { policy, approvedCount, authorCount: authors.length, needed, met };
}

export function describeCount(state: ApprovalTally): string {
  if (state.policy === "steward") return state.met ? "the steward approved" : "the steward has not approved";
  return `${state.approvedCount} of ${state.authorCount} author organisations approved, ${state.needed} needed`;
}

/** An author organisation of a badge or pathway, and whether it approved the revision in question. */
export interface AuthorApproval {
  organisation: Organisation;
  isSteward: boolean;
  approved: boolean;
  approvedByName: string | null;
  approvedAt: Date | null;
}

/** Each author with its approval of the revision, if `given` (by organisation id) holds one. */
export function authorApprovals(
  authors: readonly { organisation: Organisation; isSteward: boolean }[],
  given: ReadonlyMap<string, { at: Date; name: string | null }>,
): AuthorApproval[] {
  return authors.map((a) => {
    const approval = given.get(a.organisation.id);
    return { organisation: a.organisation, isSteward: a.isSteward, approved: !!approval, approvedByName: approval?.name ?? null, approvedAt: approval?.at ?? null };
  });
}
