// Builders for catalogue tests. `makePublishedBadge` writes what publication writes (a
// badge, a revision, versions 1..N, badges.status/latestVersionId and the search index)
// directly, in one transaction; it stands in for the publish flow in tests only.
import { createHash, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { DatabaseLike, Db } from "../../db/client";
import { badges, coauthors, revisions, versions, type Organisation } from "../../db/schema";
import { canonicalJson, changedFields, emptyContent, type BadgeContent } from "../../app/services/badge-content";
import { badgeUri } from "../../app/services/badges.server";
import { indexPublishedVersion } from "../../app/services/catalogue-index.server";
import { indexPrerequisites } from "../../app/services/prerequisite-index.server";
import { PUBLIC_URL } from "./factories";

export interface PublishedBadgeOptions {
  steward: Organisation;
  coAuthors?: Organisation[];
  // Co-authors invited but not (yet) accepted: they must not count anywhere public.
  invited?: Organisation[];
  content: Partial<BadgeContent> & { name: string };
  // How many versions to publish; the latest carries `content`, earlier ones a "v1"... name.
  versionCount?: number;
  status?: "published" | "deprecated";
  successorUri?: string | null;
  publishedAt?: Date;
  publicUrl?: string;
}

function insertDraft(tx: DatabaseLike, steward: Organisation, content: BadgeContent, publicUrl: string) {
  const id = randomUUID();
  const revisionId = randomUUID();
  tx.insert(badges).values({ id, uri: badgeUri(publicUrl, id), stewardOrganisationId: steward.id }).run();
  tx.insert(revisions)
    .values({
      id: revisionId,
      badgeId: id,
      number: 1,
      content,
      changedFields: changedFields(null, content),
      authorOrganisationId: steward.id,
    })
    .run();
  tx.update(badges).set({ currentRevisionId: revisionId }).where(eq(badges.id, id)).run();
  return { id, revisionId };
}

/** A badge that was never published: only its authors may see it. */
export function makeDraftBadge(db: Db, steward: Organisation, content: Partial<BadgeContent> & { name: string }) {
  return db.transaction((tx) => {
    const { id } = insertDraft(tx, steward, { ...emptyContent(content.name), ...content }, PUBLIC_URL);
    return tx.select().from(badges).where(eq(badges.id, id)).get()!;
  });
}

export function makePublishedBadge(db: Db, options: PublishedBadgeOptions) {
  const publicUrl = options.publicUrl ?? PUBLIC_URL;
  const content: BadgeContent = { ...emptyContent(options.content.name), ...options.content };
  const count = options.versionCount ?? 1;
  const publishedAt = options.publishedAt ?? new Date();
  return db.transaction((tx) => {
    const { id, revisionId } = insertDraft(tx, options.steward, content, publicUrl);
    const uri = badgeUri(publicUrl, id);
    for (const org of options.coAuthors ?? [])
      tx.insert(coauthors).values({ badgeId: id, organisationId: org.id, status: "accepted" }).run();
    for (const org of options.invited ?? [])
      tx.insert(coauthors).values({ badgeId: id, organisationId: org.id, status: "invited" }).run();
    let latestVersionId = "";
    for (let n = 1; n <= count; n++) {
      const versionContent = n === count ? content : { ...content, name: `${content.name} (v${n})` };
      latestVersionId = randomUUID();
      const hash = createHash("sha256")
        .update(
          canonicalJson({
            content: versionContent,
            steward: options.steward.uri,
            coAuthors: (options.coAuthors ?? []).map((o) => o.uri).sort(),
          }),
        )
        .digest("hex");
      tx.insert(versions)
        .values({
          id: latestVersionId,
          badgeId: id,
          number: n,
          uri: `${uri}/versions/${n}`,
          revisionId,
          content: versionContent,
          contentHash: `sha256:${hash}`,
          publishedAt: new Date(publishedAt.getTime() - (count - n) * 86_400_000),
        })
        .run();
    }
    const deprecated = options.status === "deprecated";
    tx.update(badges)
      .set({
        status: options.status ?? "published",
        latestVersionId,
        successorUri: options.successorUri ?? null,
        deprecatedAt: deprecated ? publishedAt : null,
      })
      .where(eq(badges.id, id))
      .run();
    indexPublishedVersion(tx, id);
    indexPrerequisites(tx, id);
    return tx.select().from(badges).where(eq(badges.id, id)).get()!;
  });
}
