import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { badges, images, memberships, organisations, versions } from "../../db/schema";
import { createBadge } from "../../app/services/badges.server";
import { getImage } from "../../app/services/images.server";
import {
  createOrganisation,
  getLocalOrganisation,
  listOrganisationsForUser,
  organisationProfile,
  updateOrganisationProfile,
} from "../../app/services/organisations.server";
import { createTestContext, makeOrganisation, makeOrganisationWithTeam, makeUser } from "../support/factories";
import { makePng } from "../support/images";

type Ctx = ReturnType<typeof createTestContext>;

const valid = { handle: "changemakers", name: "Changemakers", kind: "nonprofit", description: "We make change.", website: "https://changemakers.example" };

function fieldErrorsOf(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (error) {
    return (error as { fieldErrors: Record<string, string[]> }).fieldErrors;
  }
  throw new Error("expected a validation error");
}

describe("creating an organisation", () => {
  let ctx: Ctx;
  let user: ReturnType<typeof makeUser>;
  beforeEach(() => {
    ctx = createTestContext();
    user = makeUser(ctx.db);
  });

  it("makes the creator its owner, with a uri from the handle and a generated logo", () => {
    const org = createOrganisation(ctx, user.id, valid);
    expect(org).toMatchObject({ handle: "changemakers", host: null, kind: "nonprofit", uri: "http://badges.test/orgs/changemakers" });
    const rows = ctx.db.select().from(memberships).where(eq(memberships.organisationId, org.id)).all();
    expect(rows).toEqual([expect.objectContaining({ userId: user.id, role: "owner" })]);
    const logo = getImage(ctx.db, org.logoImageId!);
    expect(logo.contentType).toBe("image/svg+xml");
    expect(logo.data.toString()).toContain(">C</text>");
  });

  it("stores an uploaded logo", () => {
    const png = makePng(8, 8);
    const org = createOrganisation(ctx, user.id, valid, { logo: { bytes: png, filename: "logo.png" } });
    expect(Buffer.compare(getImage(ctx.db, org.logoImageId!).data, png)).toBe(0);
  });

  it("checks the handle: length, characters, reserved words and uniqueness; lowercases it", () => {
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, handle: "a" })).handle[0]).toMatch(/At least 2/);
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, handle: "x".repeat(31) })).handle[0]).toMatch(/At most 30/);
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, handle: "two words" })).handle[0]).toMatch(/lowercase letters/);
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, handle: "-dash" })).handle[0]).toMatch(/starting with/);
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, handle: "new" })).handle[0]).toMatch(/reserved/);
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, handle: "Settings" })).handle[0]).toMatch(/reserved/);
    expect(createOrganisation(ctx, user.id, { ...valid, handle: "Change_Makers-2" }).handle).toBe("change_makers-2");
    createOrganisation(ctx, user.id, valid);
    expect(fieldErrorsOf(() => createOrganisation(ctx, makeUser(ctx.db).id, { ...valid, name: "Other" })).handle[0]).toMatch(/already taken/);
  });

  it("reports a logo refused while reading the upload together with the other fields", () => {
    const errors = fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, name: "" }, { uploadErrors: { logo: ["The file is larger than 1 MiB."] } }));
    expect(errors).toEqual({ logo: ["The file is larger than 1 MiB."], name: ["Give the organisation a name"] });
    expect(ctx.db.select().from(organisations).all()).toHaveLength(0);
  });

  it("allows a local handle that a remote organisation also uses", () => {
    makeOrganisation(ctx.db, { handle: "changemakers", host: "elsewhere.example" });
    expect(createOrganisation(ctx, user.id, valid).handle).toBe("changemakers");
  });

  it("accepts only http(s) websites, and completes a bare domain", () => {
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, website: "javascript:alert(1)" })).website[0]).toMatch(/http/);
    expect(fieldErrorsOf(() => createOrganisation(ctx, user.id, { ...valid, website: "ftp://files.example" })).website[0]).toMatch(/http/);
    expect(createOrganisation(ctx, user.id, { ...valid, website: "changemakers.example/about" }).website).toBe("https://changemakers.example/about");
    expect(createOrganisation(ctx, user.id, { ...valid, handle: "nosite", website: "" }).website).toBeNull();
  });

  it("reports every bad field at once, the logo included, and writes nothing", () => {
    const errors = fieldErrorsOf(() =>
      createOrganisation(ctx, user.id, { handle: "ok-handle", name: "", kind: "club", description: "", website: "" }, {
        logo: { bytes: Buffer.from("<html><script>alert(1)</script></html>"), filename: "logo.png" },
      }),
    );
    expect(Object.keys(errors).sort()).toEqual(["kind", "logo", "name"]);
    expect(errors.logo[0]).toMatch(/HTML/);
    expect(ctx.db.select().from(organisations).all()).toHaveLength(0);
    expect(ctx.db.select().from(images).all()).toHaveLength(0);
  });
});

describe("organisation profile", () => {
  let ctx: Ctx;
  let team: ReturnType<typeof makeOrganisationWithTeam>;
  beforeEach(() => {
    ctx = createTestContext();
    team = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
  });

  it("is edited by admins; the logo can be uploaded or regenerated, the handle stays", () => {
    const updated = updateOrganisationProfile(ctx, team.admin.id, team.org.id, { ...valid, name: "Acme Learning", kind: "school" }, {
      logo: { bytes: makePng() },
    });
    expect(updated).toMatchObject({ name: "Acme Learning", kind: "school", handle: team.org.handle, website: valid.website });
    expect(getImage(ctx.db, updated.logoImageId!).contentType).toBe("image/png");
    const regenerated = updateOrganisationProfile(ctx, team.owner.id, team.org.id, { ...valid, name: "Acme Learning" }, { generatedLogo: true });
    expect(getImage(ctx.db, regenerated.logoImageId!).data.toString()).toContain(">AL</text>");
  });

  it("keeps the profile when the input is bad", () => {
    expect(fieldErrorsOf(() => updateOrganisationProfile(ctx, team.owner.id, team.org.id, { ...valid, name: " " })).name).toBeTruthy();
    expect(getLocalOrganisation(ctx.db, team.org.handle).name).toBe("Acme");
  });

  it("lists a user's organisations with their role and member count", () => {
    const other = makeOrganisationWithTeam(ctx.db, { name: "Beta School", kind: "school" });
    ctx.db.insert(memberships).values({ organisationId: other.org.id, userId: team.editor.id, role: "viewer" }).run();
    const mine = listOrganisationsForUser(ctx.db, team.editor.id);
    expect(mine.map((m) => [m.organisation.name, m.role, m.memberCount])).toEqual([
      ["Acme", "editor", 4],
      ["Beta School", "viewer", 5],
    ]);
    expect(listOrganisationsForUser(ctx.db, makeUser(ctx.db).id)).toEqual([]);
  });

  it("finds local organisations only", () => {
    const remote = makeOrganisation(ctx.db, { handle: "faraway", host: "elsewhere.example" });
    expect(() => getLocalOrganisation(ctx.db, remote.handle)).toThrow(/not found/);
    expect(() => getLocalOrganisation(ctx.db, "nobody")).toThrow(/not found/);
  });

  it("shows published badges to everyone and drafts to members only", () => {
    const draft = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name: "Draft badge", approvalPolicy: "all" });
    const published = createBadge(ctx, team.editor.id, { stewardOrganisationId: team.org.id, name: "Working name", approvalPolicy: "all" });
    const versionId = randomUUID();
    ctx.db.insert(versions).values({
      id: versionId,
      badgeId: published.id,
      number: 1,
      uri: `${published.uri}/versions/1`,
      content: { name: "Published badge", summary: "Out there" },
      contentHash: "x",
      publishedAt: new Date(),
    }).run();
    ctx.db.update(badges).set({ status: "published", latestVersionId: versionId }).where(eq(badges.id, published.id)).run();

    const outsider = organisationProfile(ctx.db, team.org.handle, makeUser(ctx.db).id);
    expect(outsider.viewerRole).toBeNull();
    expect(outsider.memberCount).toBe(4);
    expect(outsider.badges.map((b) => [b.name, b.status, b.versionNumber])).toEqual([["Published badge", "published", 1]]);
    expect(organisationProfile(ctx.db, team.org.handle, null).badges).toHaveLength(1);

    const member = organisationProfile(ctx.db, team.org.handle, team.viewer.id);
    expect(member.viewerRole).toBe("viewer");
    expect(member.badges.map((b) => b.name).sort()).toEqual(["Draft badge", "Published badge"]);
    expect(member.badges.find((b) => b.id === draft.id)?.status).toBe("draft");
  });
});
