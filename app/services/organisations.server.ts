// Organisations of this instance: creating one (its creator becomes owner), editing its
// profile, finding it, and what its profile page shows. Members and invitation links live
// in members.server.ts and invitations.server.ts.
import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared, type DatabaseLike } from "../../db/client";
import {
  badges,
  memberships,
  organisations,
  ORGANISATION_KINDS,
  revisions,
  versions,
  type BadgeStatus,
  type Organisation,
  type Role,
} from "../../db/schema";
import type { BadgeContent } from "./badge-content";
import type { ServiceContext } from "./context.server";
import { isValidationError, NotFoundError, ValidationError, type FieldErrors } from "./errors";
import { HANDLE_HINT } from "./organisation-fields";
import { generateDefaultLogo, inspectImage, storeUploadedImage, type UploadedFile } from "./images.server";
import { followCounts } from "./follows.server";
import { requireRole, roleIn } from "./roles.server";
import { sharedBadges } from "./shares.server";

export { HANDLE_HINT };

// Words that name pages, protocols or the instance itself, so never an organisation.
const RESERVED_HANDLES = new Set(
  `new edit settings members invitations invite admin administrator api app assets build static public
  images image badges badge orgs org organisations organisation users user dashboard signin signup signout
  login logout register account accounts auth session sessions inbox outbox followers following actor
  actors nodeinfo webfinger well-known search catalogue pathways pathway endorsements about help support
  terms privacy contact root system instance me null undefined www mail official staff moderator`.split(/\s+/),
);

const KIND_MESSAGE = "Choose what kind of organisation this is";

export const OrganisationProfileSchema = z.object({
  name: z.string().trim().min(1, "Give the organisation a name").max(100, "At most 100 characters"),
  kind: z.enum(ORGANISATION_KINDS, { errorMap: () => ({ message: KIND_MESSAGE }) }),
  description: z.string().trim().max(2000, "At most 2,000 characters").default(""),
  website: z.preprocess(
    (v) => {
      if (typeof v !== "string" || v.trim() === "") return null;
      const t = v.trim();
      // "example.org" means https://example.org; anything with a scheme is checked as is.
      return /^[a-z][a-z0-9+.-]*:/i.test(t) ? t : `https://${t}`;
    },
    z
      .string()
      .max(500, "At most 500 characters")
      .url("Enter a web address such as https://example.org")
      .refine((u) => /^https?:\/\/[^/]/i.test(u), "Only http:// and https:// addresses are allowed")
      .nullable(),
  ),
});
export type OrganisationProfile = z.infer<typeof OrganisationProfileSchema>;

export const HandleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "At least 2 characters")
  .max(30, "At most 30 characters")
  .regex(/^[a-z0-9][a-z0-9_-]*$/, `Use ${HANDLE_HINT.split(": ")[1]}`)
  .refine((h) => !RESERVED_HANDLES.has(h), "That handle is reserved; choose another");

export const CreateOrganisationSchema = OrganisationProfileSchema.extend({ handle: HandleSchema });

export function organisationUri(publicUrl: string, handle: string) {
  return `${publicUrl}/orgs/${handle}`;
}

export interface LogoInput {
  logo?: UploadedFile | null;
  // Problems met while reading the upload (a file over the size cap), reported with the rest.
  uploadErrors?: FieldErrors;
}

/** Parses input, checking an optional logo alongside so that every problem is reported at once. */
function parseWithLogo<S extends z.ZodTypeAny>(schema: S, input: unknown, { logo, uploadErrors = {} }: LogoInput): z.infer<S> {
  const parsed = schema.safeParse(input);
  const fieldErrors: FieldErrors = { ...uploadErrors, ...(parsed.success ? {} : (parsed.error.flatten().fieldErrors as FieldErrors)) };
  if (logo) {
    try {
      inspectImage(logo, "logo");
    } catch (error) {
      if (!isValidationError(error)) throw error;
      Object.assign(fieldErrors, error.fieldErrors);
    }
  }
  if (!parsed.success || Object.keys(fieldErrors).length) {
    throw new ValidationError("Please correct the fields below.", fieldErrors);
  }
  return parsed.data;
}

function isUniqueViolation(error: unknown) {
  return (error as { code?: string } | null)?.code === "SQLITE_CONSTRAINT_UNIQUE";
}

const HANDLE_TAKEN = "That handle is already taken; choose another";

/** Creates a local organisation; the creator becomes its owner. */
export function createOrganisation(
  ctx: ServiceContext,
  userId: string,
  input: unknown,
  { logo, uploadErrors }: LogoInput = {},
): Organisation {
  const data = parseWithLogo(CreateOrganisationSchema, input, { logo, uploadErrors });
  try {
    return ctx.db.transaction((tx) => {
      const taken = tx
        .select({ id: organisations.id })
        .from(organisations)
        .where(and(eq(organisations.handle, data.handle), isNull(organisations.host)))
        .get();
      if (taken) throw new ValidationError("Please correct the fields below.", { handle: [HANDLE_TAKEN] });
      const logoImageId = logo ? storeUploadedImage(tx, logo, { field: "logo" }).id : generateDefaultLogo(tx, data.name).id;
      const id = randomUUID();
      tx.insert(organisations)
        .values({
          id,
          uri: organisationUri(ctx.publicUrl, data.handle),
          handle: data.handle,
          host: null,
          name: data.name,
          kind: data.kind,
          description: data.description,
          website: data.website,
          logoImageId,
        })
        .run();
      tx.insert(memberships).values({ organisationId: id, userId, role: "owner" }).run();
      return tx.select().from(organisations).where(eq(organisations.id, id)).get()!;
    });
  } catch (error) {
    // Two people claiming the same handle at once: the unique index decides.
    if (isUniqueViolation(error)) throw new ValidationError("Please correct the fields below.", { handle: [HANDLE_TAKEN] });
    throw error;
  }
}

export interface ProfileUpdateOptions extends LogoInput {
  // Replace the logo with one drawn from the name.
  generatedLogo?: boolean;
}

/** Edits an organisation's profile (admins and owners). The handle never changes: it is part of its id. */
export function updateOrganisationProfile(
  ctx: ServiceContext,
  userId: string,
  organisationId: string,
  input: unknown,
  options: ProfileUpdateOptions = {},
): Organisation {
  return ctx.db.transaction((tx) => {
    const org = getLocalOrganisationById(tx, organisationId);
    requireRole(tx, org.id, userId, "admin");
    const data = parseWithLogo(OrganisationProfileSchema, input, options);
    let logoImageId = org.logoImageId;
    if (options.logo) logoImageId = storeUploadedImage(tx, options.logo, { field: "logo" }).id;
    else if (options.generatedLogo || !logoImageId) logoImageId = generateDefaultLogo(tx, data.name).id;
    tx.update(organisations)
      .set({ name: data.name, kind: data.kind, description: data.description, website: data.website, logoImageId })
      .where(eq(organisations.id, org.id))
      .run();
    return getLocalOrganisationById(tx, org.id);
  });
}

export function getLocalOrganisationById(db: DatabaseLike, id: string): Organisation {
  const org = db
    .select()
    .from(organisations)
    .where(and(eq(organisations.id, id), isNull(organisations.host)))
    .get();
  if (!org) throw new NotFoundError("That organisation");
  return org;
}

/** The organisation of this instance with that actor URI, if there is one. */
// Prepared: every Follow an inbox receives looks its target up, twice.
export function findLocalOrganisationByUri(db: DatabaseLike, uri: string): Organisation | undefined {
  return prepared(db, "findLocalOrganisationByUri", (d) =>
    d
      .select()
      .from(organisations)
      .where(and(eq(organisations.uri, sql.placeholder("uri")), isNull(organisations.host)))
      .prepare(),
  ).get({ uri });
}

export function getLocalOrganisation(db: DatabaseLike, handle: string): Organisation {
  const org = db
    .select()
    .from(organisations)
    .where(and(eq(organisations.handle, handle), isNull(organisations.host)))
    .get();
  if (!org) throw new NotFoundError("That organisation");
  return org;
}

/** Names of the organisations with these ids (of any instance), by id. */
export function organisationNames(db: DatabaseLike, ids: Iterable<string>): Map<string, string> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  return new Map(
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(inArray(organisations.id, wanted))
      .all()
      .map((o) => [o.id, o.name]),
  );
}

export function memberCount(db: DatabaseLike, organisationId: string): number {
  return db.select({ n: count() }).from(memberships).where(eq(memberships.organisationId, organisationId)).get()?.n ?? 0;
}

export interface MyOrganisation {
  organisation: Organisation;
  role: Role;
  memberCount: number;
}

/** The organisations a user belongs to, with their role in each, by name. */
export function listOrganisationsForUser(db: DatabaseLike, userId: string): MyOrganisation[] {
  const rows = db
    .select({ organisation: organisations, role: memberships.role })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organisations.name))
    .all();
  if (!rows.length) return [];
  const counts = new Map(
    db
      .select({ id: memberships.organisationId, n: count() })
      .from(memberships)
      .where(inArray(memberships.organisationId, rows.map((r) => r.organisation.id)))
      .groupBy(memberships.organisationId)
      .all()
      .map((r) => [r.id, r.n]),
  );
  return rows.map((r) => ({ ...r, memberCount: counts.get(r.organisation.id) ?? 0 }));
}

export interface StewardedBadge {
  id: string;
  name: string;
  summary: string;
  imageId: string | null;
  status: BadgeStatus;
  // The latest published version; null for a draft never published.
  versionNumber: number | null;
  updatedAt: Date;
}

function summaryOf(id: string, status: BadgeStatus, content: unknown, versionNumber: number | null, updatedAt: Date): StewardedBadge {
  const c = (content ?? {}) as Partial<BadgeContent>;
  return { id, status, versionNumber, updatedAt, name: c.name ?? "Untitled badge", summary: c.summary ?? "", imageId: c.imageId ?? null };
}

/**
 * Badges the organisation stewards: the published ones for everyone (as last published),
 * and for its members also the drafts not yet published.
 */
export function listStewardedBadges(db: DatabaseLike, organisationId: string, includeDrafts: boolean): StewardedBadge[] {
  const published = db
    .select({ id: badges.id, status: badges.status, updatedAt: badges.updatedAt, content: versions.content, number: versions.number })
    .from(badges)
    .innerJoin(versions, eq(versions.id, badges.latestVersionId))
    .where(and(eq(badges.stewardOrganisationId, organisationId), inArray(badges.status, ["published", "deprecated"])))
    .orderBy(desc(badges.updatedAt))
    .all()
    .map((r) => summaryOf(r.id, r.status, r.content, r.number, r.updatedAt));
  if (!includeDrafts) return published;
  const drafts = db
    .select({ id: badges.id, status: badges.status, updatedAt: badges.updatedAt, content: revisions.content })
    .from(badges)
    .innerJoin(revisions, eq(revisions.id, badges.currentRevisionId))
    .where(and(eq(badges.stewardOrganisationId, organisationId), eq(badges.status, "draft")))
    .orderBy(desc(badges.updatedAt))
    .all()
    .map((r) => summaryOf(r.id, r.status, r.content, null, r.updatedAt));
  return [...drafts, ...published];
}

/** Everything the public profile page shows; drafts only to members. */
export function organisationProfile(db: DatabaseLike, handle: string, viewerId: string | null) {
  const organisation = getLocalOrganisation(db, handle);
  const viewerRole = viewerId ? roleIn(db, organisation.id, viewerId) : null;
  return {
    organisation,
    viewerRole,
    memberCount: memberCount(db, organisation.id),
    badges: listStewardedBadges(db, organisation.id, viewerRole !== null),
    sharedBadges: sharedBadges(db, organisation.id),
    follows: followCounts(db, organisation.uri),
  };
}

/** Organisations of this instance, by name: the public directory other instances browse. */
export function listLocalOrganisations(db: DatabaseLike, limit = 500): Organisation[] {
  return db.select().from(organisations).where(isNull(organisations.host)).orderBy(organisations.name).limit(limit).all();
}
