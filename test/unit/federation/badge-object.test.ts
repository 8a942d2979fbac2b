import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { versions } from "../../../db/schema";
import { computeVersionHash, deprecateBadge, getVersion } from "../../../app/services/publishing.server";
import { publicBadgeVersion, type PublicBadgeVersion } from "../../../app/services/public-versions.server";
import { storeUploadedImage } from "../../../app/services/images.server";
import {
  BADGE_OBJECT_TYPE,
  hashtagName,
  parseBadgeObject,
  toBadgeObject,
  toBadgeTombstone,
  type BadgeObject,
} from "../../../federation/badge-object";
import { BADGE_COMMONS_NS, PUBLIC_COLLECTION } from "../../../federation/vocabulary";
import { createTestContext, makeOrganisationWithTeam, PUBLIC_URL } from "../../support/factories";
import { approveAndPublish } from "../../support/federation";
import { makePng } from "../../support/images";
import { editDraft, makeCoauthoredBadge, type Team } from "../../support/publishing";

// What travels between servers is text: every object is read back from its JSON.
const wire = (o: unknown) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;


describe("badge version objects", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let partner: Team;
  let school: Team;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { name: "Changemakers" });
    partner = makeOrganisationWithTeam(ctx.db, { name: "Acme", kind: "business" });
    school = makeOrganisationWithTeam(ctx.db, { name: "Riverside School", kind: "school" });
  });

  function published(badgeId: string, number?: number): PublicBadgeVersion {
    const result = publicBadgeVersion(ctx.db, badgeId, number);
    if (result.state !== "public") throw new Error(`expected a public badge, got ${result.state}`);
    return result.badge;
  }

  /** A co-authored badge with every kind of content, published twice through the real flow. */
  function richBadge() {
    const badge = makeCoauthoredBadge(ctx, steward, [partner, school]);
    const first = approveAndPublish(ctx, badge.id, [steward, partner, school]);
    // Version 1 came out a day earlier (the time is not hashed), so the two are told apart.
    ctx.db.update(versions).set({ publishedAt: new Date(first.publishedAt.getTime() - 86_400_000) }).where(eq(versions.id, first.id)).run();
    editDraft(ctx, steward.editor.id, badge.id, {
      summary: "Frame a social problem\nand test a first intervention.",
      criteria: "## Do\n1. Describe a local **social problem**.\n2. <script>alert('x')</script>Run one experiment.",
      tags: ["social innovation", "co-design", "changemaking", "2030"],
      alignments: [
        { targetName: "Systems thinking", targetUrl: "https://framework.example/st", targetFramework: "Changemaker skills" },
        { targetName: "Empathy", targetUrl: "https://framework.example/em", targetFramework: "" },
      ],
      achievementType: "MicroCredential",
      language: "fr-CA",
      estimatedHours: 12.5,
      prerequisites: ["https://elsewhere.example/badges/intro", `${PUBLIC_URL}/badges/basics`],
    });
    approveAndPublish(ctx, badge.id, [steward, partner, school]);
    return badge;
  }

  it("round-trips everything two instances need to recreate a version, and its hash recomputes", () => {
    const badge = richBadge();
    const stored = getVersion(ctx.db, badge.id, 2);
    for (const as of ["badge", "version"] as const) {
      const object = wire(toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL, as }));
      const result = parseBadgeObject(object);
      if (!result.ok) throw new Error(result.error);
      const parsed = result.badge;
      expect(parsed.id).toBe(as === "badge" ? badge.uri : stored.uri);
      expect(parsed.badgeUri).toBe(badge.uri);
      expect(parsed.versionUri).toBe(stored.uri);
      expect(parsed.versionNumber).toBe(2);
      expect(parsed.content).toEqual(stored.content);
      expect(parsed.stewardUri).toBe(steward.org.uri);
      expect(parsed.coauthorUris).toEqual([partner.org.uri, school.org.uri].sort());
      expect(parsed.contentHash).toBe(stored.contentHash);
      expect(parsed.approvalPolicy).toBe("all");
      expect(parsed.status).toBe("published");
      expect(parsed.url).toBe(parsed.id);
      expect(parsed.achievementUrl).toBe(`${badge.uri}/achievement.json`);
      expect(parsed.image?.url).toBe(`${PUBLIC_URL}/images/${stored.content.imageId}`);
      // The receiver's own recomputation, from nothing but what it parsed.
      expect(
        computeVersionHash({
          content: parsed.content,
          stewardUri: parsed.stewardUri,
          coauthorUris: parsed.coauthorUris,
          number: parsed.versionNumber,
        }),
      ).toBe(stored.contentHash);
    }
  });

  it("is a Note a Mastodon user reads: name, summary, criteria, the link and the hashtags, nothing executable", () => {
    const badge = richBadge();
    const object = toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL });
    expect(object.type).toBe(BADGE_OBJECT_TYPE);
    expect(object.type).toBe("Note");
    // AS `summary` on a Note is a content warning in Mastodon: the badge summary is in the content.
    expect(object).not.toHaveProperty("summary");
    expect(object.content).toContain("<p><strong>Social Innovation 101</strong></p>");
    expect(object.content).toContain("<p>Frame a social problem<br>and test a first intervention.</p>");
    expect(object.content).toContain("<strong>social problem</strong>");
    expect(object.content).not.toContain("<script");
    expect(object.content).toContain(`<a href="${badge.uri}">${badge.uri}</a>`);
    expect(object.content).toContain(
      `<a href="${PUBLIC_URL}/badges?tag=social+innovation" class="mention hashtag" rel="tag">#<span>SocialInnovation</span></a>`,
    );
    expect(object.tag).toEqual([
      { type: "Hashtag", name: "#SocialInnovation", href: `${PUBLIC_URL}/badges?tag=social+innovation` },
      { type: "Hashtag", name: "#CoDesign", href: `${PUBLIC_URL}/badges?tag=co-design` },
      { type: "Hashtag", name: "#changemaking", href: `${PUBLIC_URL}/badges?tag=changemaking` },
    ]);
    // A tag of digits only is no hashtag, but it still travels with the content.
    expect(object.badgeTags).toEqual(["social innovation", "co-design", "changemaking", "2030"]);
    expect(object.contentMap).toEqual({ "fr-CA": object.content });
    // The steward first: Mastodon takes the first entry of attributedTo as the author.
    expect(object.attributedTo[0]).toBe(steward.org.uri);
    expect(object.attributedTo).toHaveLength(3);
    expect(object.to).toEqual([PUBLIC_COLLECTION, `${steward.org.uri}/followers`]);
    expect(object.url[0]).toEqual({ type: "Link", mediaType: "text/html", href: badge.uri });
    expect(object.url[1]).toMatchObject({ type: "Link", mediaType: "application/ld+json", href: `${badge.uri}/achievement.json` });
    // The extension namespace is declared inline, so no processor fetches a context of ours.
    expect(JSON.stringify(object["@context"])).toContain(BADGE_COMMONS_NS);
    // A default (SVG) picture is the image, but not a Mastodon attachment, which cannot show SVG.
    expect(object.image).toMatchObject({ type: "Image", mediaType: "image/svg+xml" });
    expect(object).not.toHaveProperty("attachment");
    // Published is when version 1 came out; updated, when the version it now describes did.
    expect(object.published).toBe(getVersion(ctx.db, badge.id, 1).publishedAt.toISOString());
    expect(object.updated).toBe(getVersion(ctx.db, badge.id, 2).publishedAt.toISOString());
  });

  it("attaches a PNG picture for Mastodon to show", () => {
    const badge = makeCoauthoredBadge(ctx, steward, []);
    const image = storeUploadedImage(ctx.db, { bytes: makePng(4, 4) });
    editDraft(ctx, steward.editor.id, badge.id, { imageId: image.id });
    approveAndPublish(ctx, badge.id, [steward]);
    const object = toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL });
    expect(object.attachment).toEqual([
      { type: "Document", mediaType: "image/png", url: `${PUBLIC_URL}/images/${image.id}`, name: "Social Innovation 101" },
    ]);
    expect(object).not.toHaveProperty("updated"); // one version, never changed
  });

  it("carries a deprecation and its successor, as an update of the same object", () => {
    const successor = makeCoauthoredBadge(ctx, steward, [], { name: "Social Innovation 102" });
    approveAndPublish(ctx, successor.id, [steward]);
    const badge = makeCoauthoredBadge(ctx, steward, []);
    approveAndPublish(ctx, badge.id, [steward]);
    const before = toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL });
    deprecateBadge(ctx, steward.admin.id, badge.id, { successor: successor.id });
    const after = toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL });
    expect(after.id).toBe(before.id);
    expect(after.status).toBe("deprecated");
    expect(after.successor).toBe(successor.uri);
    expect(after.updated).toBeDefined();
    expect(after.content).toContain("This badge is deprecated");
    expect(after.content).toContain(`<a href="${successor.uri}">`);
    const result = parseBadgeObject(wire(after));
    if (!result.ok) throw new Error(result.error);
    expect(result.badge.status).toBe("deprecated");
    expect(result.badge.successorUri).toBe(successor.uri);
    expect(result.badge.deprecatedAt).toBeInstanceOf(Date);
    // Deprecation is not content: the version and its hash are unchanged.
    expect(result.badge.contentHash).toBe(before.contentHash);
  });

  it("carries prerequisite conditions losslessly, and never as a flat list an older peer would read as all-of", () => {
    const badge = makeCoauthoredBadge(ctx, steward, []);
    const [x, y, p, q, r] = ["x", "y", "p", "q", "r"].map((k) => `https://elsewhere.example/badges/${k}`);
    editDraft(ctx, steward.editor.id, badge.id, {
      prerequisites: [
        { requiredNumber: 1, badges: [x, y] },
        { requiredNumber: 2, badges: [p, q, r] },
      ],
    });
    approveAndPublish(ctx, badge.id, [steward]);
    const stored = getVersion(ctx.db, badge.id, 1);
    const object = wire(toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL }));
    expect(object.prerequisiteConditions).toEqual([
      { requiredNumber: 1, badges: [x, y] },
      { requiredNumber: 2, badges: [p, q, r] },
    ]);
    expect(object).not.toHaveProperty("prerequisites");
    expect(JSON.stringify(object["@context"])).toContain(`"requiredNumber"`);
    const result = parseBadgeObject(object);
    if (!result.ok) throw new Error(result.error);
    expect(result.badge.content.prerequisites).toEqual(stored.content.prerequisites);
    expect(result.badge.contentHash).toBe(stored.contentHash);
    // Tampering with a rule is caught by the hash.
    const loosened = { ...object, prerequisiteConditions: [{ requiredNumber: 1, badges: [x, y] }, { requiredNumber: 1, badges: [p, q, r] }] };
    expect(parseBadgeObject(loosened)).toMatchObject({ ok: false, error: expect.stringMatching(/hash does not match/) });
  });

  it("reads an older peer's flat list (and a single URI) as one all-of condition", () => {
    const badge = makeCoauthoredBadge(ctx, steward, []);
    editDraft(ctx, steward.editor.id, badge.id, { prerequisites: ["https://elsewhere.example/badges/a", "https://elsewhere.example/badges/b"] });
    approveAndPublish(ctx, badge.id, [steward]);
    const object = wire(toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL }));
    // The flat list travels exactly as before conditions existed.
    expect(object.prerequisites).toEqual(["https://elsewhere.example/badges/a", "https://elsewhere.example/badges/b"]);
    expect(object).not.toHaveProperty("prerequisiteConditions");
    const result = parseBadgeObject(object);
    if (!result.ok) throw new Error(result.error);
    expect(result.badge.content.prerequisites).toEqual(["https://elsewhere.example/badges/a", "https://elsewhere.example/badges/b"]);
    const single = makeCoauthoredBadge(ctx, steward, [], { name: "Single" });
    editDraft(ctx, steward.editor.id, single.id, { prerequisites: ["https://elsewhere.example/badges/a"] });
    approveAndPublish(ctx, single.id, [steward]);
    const one = wire(toBadgeObject(published(single.id), { publicUrl: PUBLIC_URL }));
    const asString = parseBadgeObject({ ...one, prerequisites: "https://elsewhere.example/badges/a" });
    expect(asString.ok && asString.badge.content.prerequisites).toEqual(["https://elsewhere.example/badges/a"]);
  });

  describe("refuses", () => {
    let object: Record<string, unknown>;
    beforeEach(() => {
      const badge = makeCoauthoredBadge(ctx, steward, [partner]);
      approveAndPublish(ctx, badge.id, [steward, partner]);
      object = wire(toBadgeObject(published(badge.id), { publicUrl: PUBLIC_URL }));
      expect(parseBadgeObject(object).ok).toBe(true);
    });

    const refused = (change: Record<string, unknown>, message: RegExp) => {
      const result = parseBadgeObject({ ...object, ...change });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    };

    it("content that does not match its hash", () => {
      refused({ badgeSummary: "Something else entirely." }, /hash does not match/);
      refused({ name: "Social Innovation 999" }, /hash does not match/);
      refused({ versionNumber: 7 }, /hash does not match/);
    });

    it("authors other than those the hash covers", () => {
      refused({ attributedTo: [steward.org.uri] }, /hash does not match/);
      refused({ attributedTo: [partner.org.uri] }, /steward is not among attributedTo/);
    });

    it("a steward or id on another origin than the badge", () => {
      refused({ steward: "https://evil.example/orgs/changemakers", attributedTo: ["https://evil.example/orgs/changemakers"] }, /origins differ/);
      refused({ id: "https://evil.example/badges/x" }, /origins differ/);
    });

    it("objects that are not badge versions", () => {
      refused({ type: "Article" }, /type must be Note/);
      refused({ source: undefined }, /source/);
      refused({ contentHash: "abc" }, /contentHash/);
      refused({ steward: "javascript:alert(1)" }, /steward/);
      refused({ badgeTags: ["<b>bold</b>"] }, /Badge content is not valid: tags/);
      expect(parseBadgeObject("a string").ok).toBe(false);
      expect(parseBadgeObject(null).ok).toBe(false);
    });
  });

  it("tombstones a withdrawn badge as a former Note", () => {
    const deleted = new Date("2026-11-30T12:00:00Z");
    expect(toBadgeTombstone(`${PUBLIC_URL}/badges/b1`, deleted)).toEqual({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${PUBLIC_URL}/badges/b1`,
      type: "Tombstone",
      formerType: "Note",
      deleted: "2026-11-30T12:00:00.000Z",
    });
  });

  it("shares no arrays with what it was made from", () => {
    const badge = makeCoauthoredBadge(ctx, steward, [partner]);
    approveAndPublish(ctx, badge.id, [steward, partner]);
    const source = published(badge.id);
    const object: BadgeObject = toBadgeObject(source, { publicUrl: PUBLIC_URL });
    object.badgeTags.push("changed");
    object.attributedTo.push("https://elsewhere.example/orgs/x");
    expect(source.version.content.tags).toEqual(["social innovation", "changemaking"]);
    expect(source.version.coauthorUris).toEqual([partner.org.uri]);
  });
});

describe("hashtagName", () => {
  it("makes Mastodon hashtags of tags", () => {
    expect(hashtagName("changemaking")).toBe("changemaking");
    expect(hashtagName("social innovation")).toBe("SocialInnovation");
    expect(hashtagName("co-design")).toBe("CoDesign");
    expect(hashtagName("économie sociale")).toBe("ÉconomieSociale");
    expect(hashtagName("web_3")).toBe("web_3");
    expect(hashtagName("2030")).toBeNull();
  });
});
