// Pathways of other instances, as federation delivers them. Federation checks signatures
// and origins first; these functions still hold to the rules badges follow
// (remote-badges.server.ts): only the steward publishes, changes or withdraws a pathway,
// versions never change, and hashes must match.
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import { organisations, PATHWAY_APPROVAL_POLICIES, pathwayCoauthors, pathways, pathwayVersions } from "../../db/schema";
import { remoteSteward, requireStewardsVersion, unreadableVersion } from "./remote-versions.server";
import { ConflictError, ForbiddenError, ValidationError } from "./errors";
import { missingForPublication, PathwayContentSchema } from "./pathway-content";
import { indexPathway } from "./pathway-index.server";

const httpUrl = z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "Only http(s) URLs");

export const RemotePathwayVersionSchema = z.object({
  pathwayUri: httpUrl,
  versionUri: httpUrl,
  number: z.number().int().min(1).max(1_000_000),
  // The pathway's page on its home instance.
  url: httpUrl.nullable().default(null),
  content: PathwayContentSchema,
  stewardUri: httpUrl,
  coauthorUris: z.array(httpUrl).max(100).default([]),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  publishedAt: z.coerce.date(),
  approvalPolicy: z.enum(PATHWAY_APPROVAL_POLICIES).default("all"),
  status: z.enum(["published", "deprecated"]).default("published"),
  deprecatedAt: z.coerce.date().nullable().default(null),
});
export type RemotePathwayVersion = z.input<typeof RemotePathwayVersionSchema>;

export interface AppliedRemotePathway {
  pathwayId: string;
  versionId: string;
  pathwayCreated: boolean;
  versionCreated: boolean;
}


/**
 * Stores a version of a remote pathway that `actorUri`, its steward, published. A version
 * held already is accepted again only unchanged (same hash); a later one becomes the
 * latest, an older one arriving late does not.
 */
export function applyRemotePathwayVersion(db: DatabaseLike, actorUri: string, input: RemotePathwayVersion): AppliedRemotePathway {
  const parsed = RemotePathwayVersionSchema.safeParse(input);
  if (!parsed.success) throw unreadableVersion("pathway", parsed.error);
  const v = parsed.data;
  const missing = missingForPublication(v.content);
  if (missing.length) throw new ValidationError(`Not a complete pathway: ${missing.join(" ")}`);
  requireStewardsVersion("pathway", actorUri, v.pathwayUri, v);

  return db.transaction((tx) => {
    const steward = remoteSteward(tx, "pathway", v.stewardUri);
    let pathway = tx.select().from(pathways).where(eq(pathways.uri, v.pathwayUri)).get();
    const pathwayCreated = !pathway;
    if (pathway && pathway.stewardOrganisationId !== steward.id) throw new ForbiddenError("That pathway has another steward.");
    if (pathway?.status === "withdrawn") throw new ConflictError("That pathway was withdrawn by its steward.");
    if (!pathway) {
      const id = randomUUID();
      tx.insert(pathways)
        .values({ id, uri: v.pathwayUri, stewardOrganisationId: steward.id, approvalPolicy: v.approvalPolicy, status: v.status, remoteUrl: v.url })
        .run();
      pathway = tx.select().from(pathways).where(eq(pathways.id, id)).get()!;
    }
    const held = tx.select().from(pathwayVersions).where(eq(pathwayVersions.uri, v.versionUri)).get();
    if (held && (held.pathwayId !== pathway.id || held.contentHash !== v.contentHash)) {
      throw new ConflictError(`Version ${v.number} was already published with other content; versions never change.`);
    }
    const sameNumber = tx.select().from(pathwayVersions).where(and(eq(pathwayVersions.pathwayId, pathway.id), eq(pathwayVersions.number, v.number))).get();
    if (!held && sameNumber) throw new ConflictError(`Version ${v.number} of that pathway is already held under another id.`);
    const versionId = held?.id ?? randomUUID();
    if (!held) {
      tx.insert(pathwayVersions)
        .values({
          id: versionId,
          pathwayId: pathway.id,
          number: v.number,
          uri: v.versionUri,
          content: v.content,
          stewardUri: v.stewardUri,
          coauthorUris: v.coauthorUris,
          contentHash: v.contentHash,
          publishedAt: v.publishedAt,
        })
        .run();
    }
    const latest = pathway.latestVersionId ? tx.select().from(pathwayVersions).where(eq(pathwayVersions.id, pathway.latestVersionId)).get() : undefined;
    if (!latest || latest.number <= v.number) {
      tx.update(pathways)
        .set({
          latestVersionId: versionId,
          approvalPolicy: v.approvalPolicy,
          status: v.status,
          deprecatedAt: v.status === "deprecated" ? (v.deprecatedAt ?? new Date()) : null,
          remoteUrl: v.url ?? pathway.remoteUrl,
          updatedAt: new Date(),
        })
        .where(eq(pathways.id, pathway.id))
        .run();
      // Co-authors of the latest version that this instance knows; the others stay in its uris.
      tx.delete(pathwayCoauthors).where(eq(pathwayCoauthors.pathwayId, pathway.id)).run();
      const known = v.coauthorUris.length
        ? tx.select({ id: organisations.id }).from(organisations).where(inArray(organisations.uri, v.coauthorUris)).all()
        : [];
      if (known.length) tx.insert(pathwayCoauthors).values(known.map((o) => ({ pathwayId: pathway!.id, organisationId: o.id, status: "accepted" as const }))).run();
      indexPathway(tx, pathway.id);
    }
    return { pathwayId: pathway.id, versionId, pathwayCreated, versionCreated: !held };
  });
}

/** The steward (`actorUri`) took its pathway back: it leaves the list here too. Null when never held. */
export function withdrawRemotePathway(db: DatabaseLike, actorUri: string, pathwayUri: string): { pathwayId: string } | null {
  return db.transaction((tx) => {
    const pathway = tx.select().from(pathways).where(eq(pathways.uri, pathwayUri)).get();
    if (!pathway) return null;
    const steward = tx.select().from(organisations).where(eq(organisations.id, pathway.stewardOrganisationId)).get();
    if (!steward?.host || steward.uri !== actorUri) throw new ForbiddenError("Only a pathway's steward withdraws it.");
    tx.update(pathways).set({ status: "withdrawn", updatedAt: new Date() }).where(eq(pathways.id, pathway.id)).run();
    indexPathway(tx, pathway.id);
    return { pathwayId: pathway.id };
  });
}
