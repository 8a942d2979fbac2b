// Builders for co-authoring and publishing tests: a badge with a steward team, co-author
// teams that accepted, and content complete enough to publish.
import { expect } from "vitest";
import type { ApprovalPolicy } from "../../db/schema";
import { createBadge, currentRevision, getBadge, revisionContent, saveDraft } from "../../app/services/badges.server";
import { acceptCoauthorInvitation, inviteCoauthor } from "../../app/services/coauthoring.server";
import type { BadgeContent } from "../../app/services/badge-content";
import type { ServiceContext } from "../../app/services/context.server";
import { isDomainError, type DomainError } from "../../app/services/errors";
import { makeOrganisationWithTeam } from "./factories";

export type Team = ReturnType<typeof makeOrganisationWithTeam>;

/** A badge stewarded by `steward`, with each of `coauthorTeams` invited and accepted. */
export function makeCoauthoredBadge(
  ctx: ServiceContext,
  steward: Team,
  coauthorTeams: Team[],
  options: { policy?: ApprovalPolicy; complete?: boolean; name?: string } = {},
) {
  const badge = createBadge(ctx, steward.editor.id, {
    stewardOrganisationId: steward.org.id,
    name: options.name ?? "Social Innovation 101",
    approvalPolicy: options.policy ?? "all",
  });
  for (const team of coauthorTeams) {
    inviteCoauthor(ctx, steward.admin.id, badge.id, { handle: team.org.handle });
    acceptCoauthorInvitation(ctx, team.admin.id, badge.id, team.org.id);
  }
  if (options.complete !== false) {
    editDraft(ctx, steward.editor.id, badge.id, {
      summary: "Frame a social problem and test a first intervention.",
      criteria: "1. Describe a local **social problem**.\n2. Run one small experiment.",
      tags: ["social innovation", "changemaking"],
    });
  }
  return getBadge(ctx.db, badge.id);
}

/** Saves a change of some fields on top of the current revision; returns the new revision id. */
export function editDraft(ctx: ServiceContext, userId: string, badgeId: string, change: Partial<BadgeContent>): string {
  const current = currentRevision(ctx.db, getBadge(ctx.db, badgeId));
  const result = saveDraft(ctx, userId, badgeId, {
    content: { ...revisionContent(current), ...change },
    baseRevisionId: current.id,
  });
  if (result.status !== "saved") throw new Error(`expected a saved revision, got ${result.status}`);
  return result.revision.id;
}

export function currentRevisionId(ctx: ServiceContext, badgeId: string): string {
  return getBadge(ctx.db, badgeId).currentRevisionId!;
}

/** Runs `fn` and asserts it throws a DomainError of `kind` (and message matching `message`). */
export function expectDomainError(fn: () => unknown, kind: DomainError["kind"], message?: RegExp): DomainError {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isDomainError(caught), `expected a ${kind} error, got ${String(caught)}`).toBe(true);
  const error = caught as DomainError;
  expect(error.kind, error.message).toBe(kind);
  if (message) expect(error.message).toMatch(message);
  return error;
}
