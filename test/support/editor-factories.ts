// Builders for draft-editor tests: a badge with its steward team, and published badges to
// name as prerequisites. They write through the same tables the services use.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { badges, coauthors, versions } from "../../db/schema";
import { emptyContent, type BadgeContent } from "../../app/services/badge-content";
import { createBadge, currentRevision, getBadge, revisionContent } from "../../app/services/badges.server";
import type { ServiceContext } from "../../app/services/context.server";
import { makeOrganisationWithTeam } from "./factories";

export function makeDraft(ctx: ServiceContext, name = "Social Innovation 101") {
  const steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers", kind: "nonprofit" });
  const badge = createBadge(ctx, steward.editor.id, { stewardOrganisationId: steward.org.id, name, approvalPolicy: "all" });
  return { steward, badge };
}

export function acceptCoauthor(db: Db, badgeId: string, organisationId: string) {
  db.insert(coauthors).values({ badgeId, organisationId, status: "accepted" }).run();
}

export function currentContent(db: Db, badgeId: string): BadgeContent {
  return revisionContent(currentRevision(db, getBadge(db, badgeId)));
}

/** Marks a badge published with a version 1 holding `content` (or its draft). */
export function publishAsIs(db: Db, badgeId: string, content?: Partial<BadgeContent>) {
  const badge = getBadge(db, badgeId);
  const id = randomUUID();
  db.insert(versions)
    .values({
      id,
      badgeId,
      number: 1,
      uri: `${badge.uri}/versions/1`,
      revisionId: badge.currentRevisionId,
      content: { ...emptyContent(), ...currentContent(db, badgeId), ...content },
      contentHash: "test",
      publishedAt: new Date(),
    })
    .run();
  db.update(badges).set({ status: "published", latestVersionId: id }).where(eq(badges.id, badgeId)).run();
  return getBadge(db, badgeId);
}
