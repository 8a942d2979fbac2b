// Pathway drafts: starting one, who may do what, saving revisions (who, when, what changed)
// and their history. Co-authors live in pathway-coauthors.server.ts; approvals, versions,
// deprecation and withdrawal in pathway-publishing.server.ts; what pages and federation
// read in pathway-queries.server.ts.
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseLike } from "../../db/client";
import {
  organisations,
  PATHWAY_APPROVAL_POLICIES,
  pathwayCoauthors,
  pathwayRevisions,
  pathways,
  users,
  type Organisation,
  type Pathway,
  type PathwayRevision,
} from "../../db/schema";
import { authorRights, type AuthorOrganisation } from "./author-access.server";
import type { ServiceContext } from "./context.server";
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from "./errors";
import { knownBadges } from "./pathway-badges.server";
import {
  changedPathwayFields,
  emptyPathwayContent,
  PATHWAY_LIMITS,
  PathwayContentSchema,
  type PathwayContent,
  type PathwayField,
} from "./pathway-content";
import { requireRole } from "./roles.server";

export const CreatePathwaySchema = z.object({
  stewardOrganisationId: z.string().min(1, "Choose the steward organisation"),
  name: z.string().trim().min(1, "Give the pathway a name").max(PATHWAY_LIMITS.name, `At most ${PATHWAY_LIMITS.name} characters`),
  approvalPolicy: z.enum(PATHWAY_APPROVAL_POLICIES, { message: "Choose who approves versions" }).default("all"),
});
export type CreatePathwayInput = z.input<typeof CreatePathwaySchema>;

export const pathwayUri = (publicUrl: string, id: string) => `${publicUrl}/pathways/${id}`;

const fieldErrorsOf = (error: z.ZodError): FieldErrors => {
  const out: FieldErrors = {};
  for (const issue of error.issues) (out[issue.path.join(".") || "form"] ??= []).push(issue.message);
  return out;
};

export function getPathway(db: DatabaseLike, pathwayId: string): Pathway {
  const pathway = db.select().from(pathways).where(eq(pathways.id, pathwayId)).get();
  if (!pathway) throw new NotFoundError("That pathway");
  return pathway;
}

/** An editor of a local organisation starts a pathway stewarded by it, with a first revision. */
export function createPathway(ctx: ServiceContext, userId: string, input: { [K in keyof CreatePathwayInput]?: unknown }): Pathway {
  const parsed = CreatePathwaySchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("Check the pathway's name and steward.", fieldErrorsOf(parsed.error));
  const { stewardOrganisationId, name, approvalPolicy } = parsed.data;
  return ctx.db.transaction((tx) => {
    const steward = tx.select().from(organisations).where(eq(organisations.id, stewardOrganisationId)).get();
    if (!steward || steward.host !== null) throw new NotFoundError("That organisation");
    requireRole(tx, steward.id, userId, "editor");
    const id = randomUUID();
    const revisionId = randomUUID();
    const content = emptyPathwayContent(name);
    tx.insert(pathways).values({ id, uri: pathwayUri(ctx.publicUrl, id), stewardOrganisationId: steward.id, approvalPolicy }).run();
    tx.insert(pathwayRevisions)
      .values({
        id: revisionId,
        pathwayId: id,
        number: 1,
        content,
        changedFields: changedPathwayFields(null, content),
        authorUserId: userId,
        authorOrganisationId: steward.id,
      })
      .run();
    tx.update(pathways).set({ currentRevisionId: revisionId }).where(eq(pathways.id, id)).run();
    return getPathway(tx, id);
  });
}

export interface PathwayAccess {
  pathway: Pathway;
  steward: Organisation;
  // Steward first, then accepted co-authors.
  authors: AuthorOrganisation[];
  isMember: boolean;
  canView: boolean;
  canEdit: boolean;
  approverFor: Organisation[];
  isStewardAdmin: boolean;
  editingAs: Organisation | null;
}

/** The steward and accepted co-authors of a pathway, steward first. */
export function pathwayAuthors(db: DatabaseLike, pathway: Pathway): { organisation: Organisation; isSteward: boolean }[] {
  const steward = db.select().from(organisations).where(eq(organisations.id, pathway.stewardOrganisationId)).get();
  if (!steward) throw new NotFoundError("That pathway's steward");
  const coauthors = db
    .select({ organisation: organisations })
    .from(pathwayCoauthors)
    .innerJoin(organisations, eq(organisations.id, pathwayCoauthors.organisationId))
    .where(and(eq(pathwayCoauthors.pathwayId, pathway.id), eq(pathwayCoauthors.status, "accepted")))
    .orderBy(asc(organisations.name))
    .all();
  return [{ organisation: steward, isSteward: true }, ...coauthors.map((c) => ({ organisation: c.organisation, isSteward: false }))];
}

/**
 * What a user may do with a pathway. A draft exists for members of its author
 * organisations only; a published pathway is public. Deprecated, withdrawn and remote
 * pathways (stewarded on another instance, edited there) are closed to edits.
 */
export function pathwayAccess(db: DatabaseLike, pathwayId: string, userId: string | null): PathwayAccess {
  const pathway = getPathway(db, pathwayId);
  const rights = authorRights(db, pathwayAuthors(db, pathway), userId);
  const closed = pathway.status === "deprecated" || pathway.status === "withdrawn" || !!rights.steward.host;
  return {
    pathway,
    steward: rights.steward,
    authors: rights.authors,
    isMember: rights.isMember,
    canView: pathway.status !== "draft" || rights.isMember,
    canEdit: !closed && rights.isEditor,
    approverFor: rights.approverFor,
    isStewardAdmin: rights.isStewardAdmin && !rights.steward.host,
    editingAs: rights.editingAs,
  };
}

export function requirePathwayView(db: DatabaseLike, pathwayId: string, userId: string | null): PathwayAccess {
  const access = pathwayAccess(db, pathwayId, userId);
  // A draft others cannot see does not exist for them.
  if (!access.canView) throw new NotFoundError("That pathway");
  return access;
}

export function requirePathwayEdit(db: DatabaseLike, pathwayId: string, userId: string): PathwayAccess {
  const access = requirePathwayView(db, pathwayId, userId);
  if (access.pathway.status === "deprecated" || access.pathway.status === "withdrawn") {
    throw new ForbiddenError(`This pathway is ${access.pathway.status}; its draft can no longer change.`);
  }
  if (access.steward.host) throw new ForbiddenError("This pathway is stewarded on another instance; it is edited there.");
  if (!access.canEdit) throw new ForbiddenError("Only editors of the steward or of a co-author organisation can edit this pathway.");
  return access;
}

export function currentPathwayRevision(db: DatabaseLike, pathway: Pathway): PathwayRevision {
  const revision = pathway.currentRevisionId
    ? db.select().from(pathwayRevisions).where(eq(pathwayRevisions.id, pathway.currentRevisionId)).get()
    : undefined;
  if (!revision) throw new NotFoundError("That pathway's draft");
  return revision;
}

export function pathwayRevisionContent(revision: Pick<PathwayRevision, "content">): PathwayContent {
  return PathwayContentSchema.parse(revision.content);
}

export type SavePathwayResult =
  | { status: "saved"; revision: PathwayRevision; changed: PathwayField[] }
  | { status: "unchanged"; revision: PathwayRevision }
  // Someone saved since the form was opened: nothing was written; `current` is their revision.
  | { status: "stale"; current: PathwayRevision & { authorName: string | null } };

const STATUS_WORDS = { withdrawn: "was withdrawn by its steward", deprecated: "is deprecated" } as const;

/**
 * Checks the badges a pathway names and writes each as the badge's id: a badge must be
 * known here (published here, or received from its home instance) and published. One
 * named already by the draft may stay when it has since been deprecated; a withdrawn one
 * may not. Pasted addresses of a remote badge's page resolve to its id.
 */
function resolveNamedBadges(db: DatabaseLike, content: PathwayContent, previous: PathwayContent): { content: PathwayContent; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const addresses = [
    ...(content.goal ? [content.goal] : []),
    ...content.steps.map((s) => s.badge),
    ...content.routes.flatMap((r) => r.stages.flatMap((s) => s.badges)),
  ];
  const known = knownBadges(db, addresses, { pageAddresses: true });
  const before = new Set([...(previous.goal ? [previous.goal] : []), ...previous.steps.map((s) => s.badge)]);
  const check = (address: string, path: string): string => {
    const badge = known.get(address);
    if (!badge || badge.status === "draft" || !badge.name) {
      (errors[path] ??= []).push(
        "No published badge with this address is known here. Pick one from the catalogue, or follow its organisation so that its badges arrive here.",
      );
      return address;
    }
    if (badge.status === "withdrawn" || (badge.status === "deprecated" && !before.has(badge.uri))) {
      (errors[path] ??= []).push(`${badge.name} ${STATUS_WORDS[badge.status]}; choose a published badge.`);
    }
    return badge.uri;
  };
  // Route entries name steps; only their address is normalised here (the schema checks them).
  const normal = (address: string) => known.get(address)?.uri ?? address;
  return {
    errors,
    content: {
      ...content,
      goal: content.goal ? check(content.goal, "goal") : null,
      steps: content.steps.map((s, i) => ({ ...s, badge: check(s.badge, `steps.${i}.badge`) })),
      routes: content.routes.map((r) => ({ ...r, stages: r.stages.map((st) => ({ ...st, badges: st.badges.map(normal) })) })),
    },
  };
}

/**
 * Saves the pathway draft as a new revision, made from the revision `baseRevisionId` the
 * form was opened on. Editors of the steward or of an accepted co-author may. The content
 * is checked whole (zod, then the badges it names); nothing is written unless all of it
 * holds. A save on a stale base writes nothing and says whose revision came in between.
 */
export function savePathwayDraft(
  ctx: ServiceContext,
  userId: string,
  pathwayId: string,
  input: { content: unknown; baseRevisionId: string },
): SavePathwayResult {
  return ctx.db.transaction((tx) => {
    const access = requirePathwayEdit(tx, pathwayId, userId);
    const current = currentPathwayRevision(tx, access.pathway);
    if (input.baseRevisionId !== current.id) {
      const authorName = current.authorUserId
        ? (tx.select({ name: users.displayName }).from(users).where(eq(users.id, current.authorUserId)).get()?.name ?? null)
        : null;
      return { status: "stale" as const, current: { ...current, authorName } };
    }
    // Every rule zod can judge first (shape and structure, all at once), then the badges named.
    const errors: FieldErrors = {};
    const add = (more: FieldErrors) => {
      for (const [k, v] of Object.entries(more)) errors[k] = [...new Set([...(errors[k] ?? []), ...v])];
    };
    const whole = PathwayContentSchema.safeParse(input.content);
    if (!whole.success) add(fieldErrorsOf(whole.error));
    const shaped = PathwayContentSchema.innerType().safeParse(input.content);
    if (!shaped.success) throw new ValidationError("Check the highlighted fields.", errors);
    const previous = pathwayRevisionContent(current);
    const resolved = resolveNamedBadges(tx, shaped.data, previous);
    add(resolved.errors);
    const checked = PathwayContentSchema.safeParse(resolved.content);
    if (!checked.success) add(fieldErrorsOf(checked.error));
    if (Object.keys(errors).length || !checked.success) throw new ValidationError("Check the highlighted fields.", errors);
    const content = checked.data;
    const changed = changedPathwayFields(previous, content);
    if (!changed.length) return { status: "unchanged" as const, revision: current };
    const id = randomUUID();
    tx.insert(pathwayRevisions)
      .values({
        id,
        pathwayId,
        number: current.number + 1,
        parentRevisionId: current.id,
        content,
        changedFields: changed,
        authorUserId: userId,
        authorOrganisationId: access.editingAs?.id ?? null,
      })
      .run();
    tx.update(pathways).set({ currentRevisionId: id, updatedAt: new Date() }).where(eq(pathways.id, pathwayId)).run();
    return { status: "saved" as const, revision: tx.select().from(pathwayRevisions).where(eq(pathwayRevisions.id, id)).get()!, changed };
  });
}

export interface PathwayRevisionSummary {
  id: string;
  number: number;
  changedFields: string[];
  authorName: string | null;
  organisationName: string | null;
  createdAt: Date;
}

/** The draft's revisions, newest first, with who saved each and what it changed. Authors only. */
export function listPathwayRevisions(db: DatabaseLike, pathwayId: string, userId: string): PathwayRevisionSummary[] {
  const access = pathwayAccess(db, pathwayId, userId);
  if (!access.isMember) throw new NotFoundError("That pathway's history");
  return db
    .select({
      id: pathwayRevisions.id,
      number: pathwayRevisions.number,
      changedFields: pathwayRevisions.changedFields,
      authorName: users.displayName,
      organisationName: organisations.name,
      createdAt: pathwayRevisions.createdAt,
    })
    .from(pathwayRevisions)
    .leftJoin(users, eq(users.id, pathwayRevisions.authorUserId))
    .leftJoin(organisations, eq(organisations.id, pathwayRevisions.authorOrganisationId))
    .where(eq(pathwayRevisions.pathwayId, pathwayId))
    .orderBy(desc(pathwayRevisions.number))
    .all();
}
