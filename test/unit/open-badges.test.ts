import { describe, expect, it } from "vitest";
import { emptyContent, type BadgeContent } from "../../app/services/badge-content";
import type { OrganisationProfile } from "../../app/services/catalogue-authors.server";
import { getPublicBadge } from "../../app/services/catalogue.server";
import {
  EXTENSION,
  OB3_CONTEXT,
  ob3Language,
  toAchievement,
  type AchievementSource,
} from "../../app/services/open-badges.server";
import { renderMarkdown } from "../../app/utils/markdown.server";
import { makePublishedBadge } from "../support/catalogue-factories";
import { createTestDb, makeOrganisation, PUBLIC_URL } from "../support/factories";
import { achievementErrors } from "../support/ob3";

const org = (overrides: Partial<OrganisationProfile> = {}): OrganisationProfile => ({
  id: "o1",
  uri: `${PUBLIC_URL}/orgs/changemakers`,
  handle: "changemakers",
  host: null,
  name: "Changemakers",
  kind: "nonprofit",
  logoImageId: null,
  description: "",
  website: null,
  ...overrides,
});

function source(content: Partial<BadgeContent>, overrides: Partial<AchievementSource> = {}): AchievementSource {
  return {
    uri: `${PUBLIC_URL}/badges/b1`,
    status: "published",
    successor: null,
    latest: {
      number: 3,
      uri: `${PUBLIC_URL}/badges/b1/versions/3`,
      contentHash: "sha256:abc",
      content: { ...emptyContent("Social Innovation 101"), ...content },
    },
    steward: org(),
    coAuthors: [],
    ...overrides,
  };
}

describe("Open Badges 3.0 Achievement", () => {
  it("maps a full badge definition and validates against the official schema", () => {
    const doc = toAchievement(
      source(
        {
          summary: "Design and test a social innovation.",
          criteria: "## Do\n\n1. Map a problem\n2. Test an idea",
          imageId: "3f1c1a52-8d7e-4d2b-9a55-2f1b6c0e9a10",
          tags: ["social innovation", "design"],
          alignments: [
            { targetName: "Design thinking", targetUrl: "https://example.org/fw/design", targetFramework: "Example Framework" },
            { targetName: "Systems", targetUrl: "https://example.org/fw/systems", targetFramework: "" },
          ],
          achievementType: "MicroCredential",
          language: "fr-ca",
          estimatedHours: 12.5,
          prerequisites: [`${PUBLIC_URL}/badges/b0`],
        },
        {
          steward: org({ website: "https://changemakers.example", description: "We make change.", logoImageId: "logo-1" }),
          coAuthors: [org({ id: "o2", uri: `${PUBLIC_URL}/orgs/acme`, handle: "acme", name: "Acme", kind: "business" })],
        },
      ),
      { publicUrl: PUBLIC_URL },
    );
    expect(achievementErrors(doc)).toEqual([]);
    expect(doc).toMatchObject({
      "@context": [...OB3_CONTEXT],
      id: `${PUBLIC_URL}/badges/b1`,
      type: ["Achievement"],
      name: "Social Innovation 101",
      description: "Design and test a social innovation.",
      criteria: { id: `${PUBLIC_URL}/badges/b1#criteria`, narrative: "## Do\n\n1. Map a problem\n2. Test an idea" },
      image: { id: `${PUBLIC_URL}/images/3f1c1a52-8d7e-4d2b-9a55-2f1b6c0e9a10`, type: "Image" },
      achievementType: "MicroCredential",
      tag: ["social innovation", "design"],
      alignment: [
        { type: ["Alignment"], targetName: "Design thinking", targetUrl: "https://example.org/fw/design", targetFramework: "Example Framework" },
        { type: ["Alignment"], targetName: "Systems", targetUrl: "https://example.org/fw/systems" },
      ],
      inLanguage: "fr-CA",
      version: "3",
      creator: {
        id: `${PUBLIC_URL}/orgs/changemakers`,
        type: ["Profile"],
        name: "Changemakers",
        url: "https://changemakers.example",
        description: "We make change.",
        image: { id: `${PUBLIC_URL}/images/logo-1`, type: "Image" },
      },
      [EXTENSION.coAuthors]: [{ id: `${PUBLIC_URL}/orgs/acme`, type: ["Profile"], name: "Acme" }],
      [EXTENSION.estimatedHours]: 12.5,
      [EXTENSION.prerequisites]: [`${PUBLIC_URL}/badges/b0`],
      [EXTENSION.versionId]: `${PUBLIC_URL}/badges/b1/versions/3`,
      [EXTENSION.contentHash]: "sha256:abc",
    });
    expect(doc.alignment![1]).not.toHaveProperty("targetFramework");
    expect(doc).not.toHaveProperty(EXTENSION.status);
  });

  it("keeps a bare badge valid: description falls back to the name, optional parts left out", () => {
    const doc = toAchievement(source({ criteria: "   " }), { publicUrl: PUBLIC_URL });
    expect(achievementErrors(doc)).toEqual([]);
    expect(doc.description).toBe("Social Innovation 101");
    expect(doc.criteria).toEqual({ id: `${PUBLIC_URL}/badges/b1#criteria` });
    for (const key of ["image", "tag", "alignment", EXTENSION.coAuthors, EXTENSION.estimatedHours, EXTENSION.prerequisites])
      expect(doc).not.toHaveProperty([key]);
    expect(doc.creator).toEqual({ id: `${PUBLIC_URL}/orgs/changemakers`, type: ["Profile"], name: "Changemakers" });
  });

  it("carries prerequisite conditions as extension properties when they say more than all-of, and stays valid", () => {
    const [a, b, c] = ["a", "b", "c"].map((k) => `https://peer.example/badges/${k}`);
    const doc = toAchievement(
      source({ prerequisites: [{ requiredNumber: 1, badges: [a, b] }, { requiredNumber: 1, badges: [c] }] }),
      { publicUrl: PUBLIC_URL },
    );
    expect(achievementErrors(doc)).toEqual([]);
    expect(doc).not.toHaveProperty([EXTENSION.prerequisites]);
    expect(doc[EXTENSION.prerequisiteConditions]).toEqual([
      { [EXTENSION.requiredNumber]: 1, [EXTENSION.badges]: [a, b] },
      { [EXTENSION.requiredNumber]: 1, [EXTENSION.badges]: [c] },
    ]);
    const flat = toAchievement(source({ prerequisites: [a, b] }), { publicUrl: PUBLIC_URL });
    expect(flat[EXTENSION.prerequisites]).toEqual([a, b]);
    expect(flat).not.toHaveProperty([EXTENSION.prerequisiteConditions]);
  });

  it("says when a badge is deprecated and what replaces it", () => {
    const doc = toAchievement(source({}, { status: "deprecated", successor: { uri: `${PUBLIC_URL}/badges/b9` } }), {
      publicUrl: PUBLIC_URL,
    });
    expect(achievementErrors(doc)).toEqual([]);
    expect(doc[EXTENSION.status]).toBe("deprecated");
    expect(doc[EXTENSION.successor]).toBe(`${PUBLIC_URL}/badges/b9`);
  });

  it("writes language tags the way the schema wants them", () => {
    expect(ob3Language("en")).toBe("en");
    expect(ob3Language("EN-gb")).toBe("en-GB");
    expect(ob3Language("zh-hant-tw")).toBe("zh-Hant-TW");
    expect(ob3Language("es-419")).toBe("es-419");
    expect(ob3Language("en-x-private")).toBe("en");
    expect(achievementErrors(toAchievement(source({ language: "sr-latn-rs-x-y" }), { publicUrl: PUBLIC_URL }))).toEqual([]);
  });

  it("the validator refuses what is not an Achievement (so the checks above mean something)", () => {
    const good = toAchievement(source({}), { publicUrl: PUBLIC_URL });
    expect(achievementErrors({ ...good, type: ["Badge"] })).not.toEqual([]);
    expect(achievementErrors({ ...good, name: undefined })).not.toEqual([]);
    expect(achievementErrors({ ...good, image: { id: "x", type: "Image", extra: 1 } })).not.toEqual([]);
    expect(achievementErrors({ ...good, inLanguage: "fr-ca" })).not.toEqual([]);
  });

  it("maps what getPublicBadge reads from the database", () => {
    const db = createTestDb();
    const steward = makeOrganisation(db, { handle: "changemakers", name: "Changemakers" });
    const partner = makeOrganisation(db, { handle: "acme", name: "Acme", kind: "business" });
    const badge = makePublishedBadge(db, {
      steward,
      coAuthors: [partner],
      versionCount: 2,
      content: { name: "Theory of Change", summary: "Map outcomes.", criteria: "Draw a model.", tags: ["impact"] },
    });
    const doc = toAchievement(getPublicBadge(db, badge.id), { publicUrl: PUBLIC_URL });
    expect(achievementErrors(doc)).toEqual([]);
    expect(doc.id).toBe(badge.uri);
    expect(doc.version).toBe("2");
    expect(doc.creator.id).toBe(steward.uri);
    expect((doc[EXTENSION.coAuthors] as { id: string }[]).map((p) => p.id)).toEqual([partner.uri]);
  });
});

describe("criteria Markdown", () => {
  it("renders basic formatting and links, and strips scripts, handlers and javascript: URLs", () => {
    const html = renderMarkdown(
      [
        "# Title",
        "**bold** and [a link](https://example.org \"t\") and [bad](javascript:alert(1))",
        "<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"https://x.test\" onclick=\"alert(1)\" style=\"color:red\">x</a>",
        "<iframe src=\"https://evil.test\"></iframe>",
      ].join("\n\n"),
    );
    expect(html).toContain("<h3>Title</h3>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('<a href="https://example.org" title="t" rel="nofollow ugc noopener">a link</a>');
    expect(html).not.toMatch(/script|onerror|onclick|javascript:|iframe|style=|<img/i);
    expect(html).toContain('<a href="https://x.test" rel="nofollow ugc noopener">x</a>');
  });
});
