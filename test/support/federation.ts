// Builders for federation tests: organisations made through the organisation service (so
// their actor URIs come from the server's own PUBLIC_URL), and versions published through
// the real approval and publication flow, so hashes and recorded authors are the real ones.
import type { ServiceContext } from "../../app/services/context.server";
import { createOrganisation } from "../../app/services/organisations.server";
import { approveRevision, publishVersion } from "../../app/services/publishing.server";
import type { OrganisationKind } from "../../db/schema";
import { makeUser } from "./factories";
import { currentRevisionId, type Team } from "./publishing";

/** An organisation whose one member (its owner) plays every role. */
export function makeLocalTeam(
  ctx: ServiceContext,
  input: { handle: string; name: string; kind?: OrganisationKind; description?: string; website?: string },
): Team {
  const user = makeUser(ctx.db, { displayName: `${input.name} owner` });
  const org = createOrganisation(ctx, user.id, { kind: "nonprofit", description: "", ...input });
  return { org, owner: user, admin: user, editor: user, viewer: user };
}

/** Every author organisation approves the current revision; the steward (first) publishes it. */
export function approveAndPublish(ctx: ServiceContext, badgeId: string, [steward, ...coauthors]: Team[]) {
  const revisionId = currentRevisionId(ctx, badgeId);
  for (const team of [steward, ...coauthors]) {
    approveRevision(ctx, team.admin.id, badgeId, { organisationId: team.org.id, revisionId });
  }
  return publishVersion(ctx, steward.admin.id, badgeId, { revisionId });
}
