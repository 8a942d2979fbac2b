import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { badges, coauthors, organisations } from "../../db/schema";
import { getPublicBadge, searchCatalogue } from "../../app/services/catalogue.server";
import { normaliseCatalogueQuery, toFtsQuery } from "../../app/services/catalogue-query.server";
import { indexPublishedVersion } from "../../app/services/catalogue-index.server";
import { MATCH_END, MATCH_START, splitHighlights } from "../../app/utils/highlight";
import { createTestDb, makeOrganisation } from "../support/factories";
import { makeDraftBadge, makePublishedBadge } from "../support/catalogue-factories";
import type { Db } from "../../db/client";

const names = (r: ReturnType<typeof searchCatalogue>) => r.entries.map((e) => e.name);

describe("catalogue search", () => {
  let db: Db;
  let nonprofit: ReturnType<typeof makeOrganisation>;
  let business: ReturnType<typeof makeOrganisation>;
  let school: ReturnType<typeof makeOrganisation>;

  beforeEach(() => {
    db = createTestDb();
    nonprofit = makeOrganisation(db, { handle: "changemakers", name: "Changemakers", kind: "nonprofit" });
    business = makeOrganisation(db, { handle: "acme", name: "Acme", kind: "business" });
    school = makeOrganisation(db, { handle: "northside", name: "Northside School", kind: "school" });
  });

  it("ranks a match in the name above a match in the criteria", () => {
    // The criteria match is denser (three times in a short text) and newer: only the name's
    // weight puts the other badge first.
    makePublishedBadge(db, {
      steward: nonprofit,
      content: { name: "Community Organising", criteria: "Storytelling. Storytelling circles. Storytelling." },
      publishedAt: new Date("2026-03-02"),
    });
    makePublishedBadge(db, {
      steward: business,
      content: {
        name: "Storytelling for community leaders, organisers and campaigners",
        summary: "Tell stories that move people to act together.",
        criteria: "Write three stories about your neighbourhood and share them with your group.",
      },
      publishedAt: new Date("2026-01-01"),
    });
    const result = searchCatalogue(db, { q: "storytelling" });
    expect(names(result)).toEqual(["Storytelling for community leaders, organisers and campaigners", "Community Organising"]);
    expect(result.total).toBe(2);
  });

  it("matches summary, criteria and tags, prefix-matches the last word, and needs every word", () => {
    makePublishedBadge(db, {
      steward: nonprofit,
      content: { name: "Theory of Change", summary: "Map outcomes", criteria: "Draw a logic model", tags: ["impact"] },
    });
    expect(names(searchCatalogue(db, { q: "outcomes" }))).toEqual(["Theory of Change"]);
    expect(names(searchCatalogue(db, { q: "logic model" }))).toEqual(["Theory of Change"]);
    expect(names(searchCatalogue(db, { q: "impact" }))).toEqual(["Theory of Change"]);
    expect(names(searchCatalogue(db, { q: "theo" }))).toEqual(["Theory of Change"]);
    expect(names(searchCatalogue(db, { q: "logic finance" }))).toEqual([]);
    // Diacritics and case do not matter.
    expect(names(searchCatalogue(db, { q: "THÉORY" }))).toEqual(["Theory of Change"]);
  });

  it("lists newest publications first without words, with pages and totals", () => {
    for (let i = 1; i <= 7; i++)
      makePublishedBadge(db, {
        steward: nonprofit,
        content: { name: `Badge ${i}` },
        publishedAt: new Date(Date.UTC(2026, 0, i)),
      });
    const first = searchCatalogue(db, { pageSize: 3 });
    expect(first.total).toBe(7);
    expect(first.pageCount).toBe(3);
    expect(names(first)).toEqual(["Badge 7", "Badge 6", "Badge 5"]);
    expect(names(searchCatalogue(db, { pageSize: 3, page: 3 }))).toEqual(["Badge 1"]);
    const beyond = searchCatalogue(db, { pageSize: 3, page: 9 });
    expect(beyond.entries).toEqual([]);
    expect(beyond.total).toBe(7);
    // Pages of a text search are ranked, and the total counts every match.
    const searched = searchCatalogue(db, { q: "badge", pageSize: 5, page: 2 });
    expect(searched.total).toBe(7);
    expect(searched.entries).toHaveLength(2);
  });

  it("filters by tag, by organisation kind (steward or accepted co-author) and by organisation", () => {
    makePublishedBadge(db, { steward: nonprofit, coAuthors: [school], content: { name: "Social Innovation 101", tags: ["social innovation", "impact"] } });
    makePublishedBadge(db, { steward: business, content: { name: "Social Finance", tags: ["finance", "impact"] } });
    makePublishedBadge(db, { steward: business, invited: [school], content: { name: "Crowdfunding", tags: ["finance"] } });

    expect(names(searchCatalogue(db, { tag: "finance" })).sort()).toEqual(["Crowdfunding", "Social Finance"]);
    expect(names(searchCatalogue(db, { tag: "Impact", q: "social" })).sort()).toEqual(["Social Finance", "Social Innovation 101"]);
    // A school co-authors Social Innovation 101; its invitation to Crowdfunding was never accepted.
    expect(names(searchCatalogue(db, { kind: "school" }))).toEqual(["Social Innovation 101"]);
    expect(names(searchCatalogue(db, { kind: "business" })).sort()).toEqual(["Crowdfunding", "Social Finance"]);
    expect(names(searchCatalogue(db, { kind: "community" }))).toEqual([]);
    expect(names(searchCatalogue(db, { organisation: "northside" }))).toEqual(["Social Innovation 101"]);
    const byAcme = searchCatalogue(db, { organisation: "acme", q: "finance" });
    expect(names(byAcme).sort()).toEqual(["Crowdfunding", "Social Finance"]);
    expect(byAcme.organisation?.name).toBe("Acme");
    expect(searchCatalogue(db, { organisation: "nobody-here" }).total).toBe(0);
    // An unknown kind is ignored rather than refused.
    expect(searchCatalogue(db, { kind: "spaceship" }).total).toBe(3);
  });

  it("counts facets over the other filters: tags and organisation kinds", () => {
    makePublishedBadge(db, { steward: nonprofit, coAuthors: [school, business], content: { name: "A", tags: ["impact", "design"] } });
    makePublishedBadge(db, { steward: business, content: { name: "B", tags: ["impact"] } });
    makePublishedBadge(db, { steward: school, content: { name: "C", tags: ["design"] } });
    const all = searchCatalogue(db, {});
    expect(all.facets.tags).toEqual([
      { tag: "design", count: 2 },
      { tag: "impact", count: 2 },
    ]);
    expect(all.facets.kinds).toEqual([
      { kind: "business", count: 2 },
      { kind: "school", count: 2 },
      { kind: "nonprofit", count: 1 },
    ]);
    const business_ = searchCatalogue(db, { kind: "business" });
    expect(business_.total).toBe(2);
    expect(business_.facets.tags).toEqual([
      { tag: "impact", count: 2 },
      { tag: "design", count: 1 },
    ]);
    // The kind facet ignores the kind filter itself, so other kinds stay reachable.
    expect(business_.facets.kinds.map((k) => k.kind).sort()).toEqual(["business", "nonprofit", "school"]);
    const design = searchCatalogue(db, { tag: "design" });
    expect(design.facets.kinds).toEqual([
      { kind: "school", count: 2 },
      { kind: "business", count: 1 },
      { kind: "nonprofit", count: 1 },
    ]);
  });

  it("filters by the definition's language and by time to earn, with a language facet over the other filters", () => {
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Innovation sociale", language: "fr", estimatedHours: 12, tags: ["impact"] } });
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Social Innovation", language: "en", estimatedHours: 4, tags: ["impact"] } });
    makePublishedBadge(db, { steward: school, content: { name: "Storytelling", language: "en-GB", estimatedHours: null, tags: ["story"] } });
    makePublishedBadge(db, { steward: school, content: { name: "Budgeting", language: "en", estimatedHours: 40 } });
    const all = searchCatalogue(db, {});
    expect(all.facets.languages).toEqual([
      { language: "en", count: 2 },
      { language: "en-gb", count: 1 },
      { language: "fr", count: 1 },
    ]);
    expect(searchCatalogue(db, { language: "FR" }).entries.map((e) => e.name)).toEqual(["Innovation sociale"]);
    // The language facet ignores the language filter, so other languages stay reachable.
    expect(searchCatalogue(db, { language: "fr" }).facets.languages.map((l) => l.language)).toEqual(["en", "en-gb", "fr"]);
    // Up to N hours: badges that do not say how long they take are left out.
    expect(searchCatalogue(db, { hoursMax: "20" }).entries.map((e) => e.name).sort()).toEqual(["Innovation sociale", "Social Innovation"]);
    expect(searchCatalogue(db, { hoursMax: "5", tag: "impact" }).entries.map((e) => e.name)).toEqual(["Social Innovation"]);
    expect(searchCatalogue(db, { hoursMax: "20", language: "en" }).facets.languages).toEqual([
      { language: "en", count: 1 },
      { language: "fr", count: 1 },
    ]);
    // Odd values are ignored, as every catalogue parameter is.
    expect(searchCatalogue(db, { hoursMax: "7" }).total).toBe(4);
    expect(searchCatalogue(db, { language: "not a language!" }).total).toBe(4);
  });

  it("keeps the whole catalogue's counts current as badges are published", () => {
    makePublishedBadge(db, { steward: nonprofit, content: { name: "A", tags: ["impact"] } });
    const before = searchCatalogue(db, {});
    expect(before.total).toBe(1);
    expect(searchCatalogue(db, {}).facets).toEqual(before.facets); // served again unchanged
    makePublishedBadge(db, { steward: school, content: { name: "B", tags: ["impact", "design"] } });
    const after = searchCatalogue(db, {});
    expect(after.total).toBe(2);
    expect(after.facets.tags).toEqual([
      { tag: "impact", count: 2 },
      { tag: "design", count: 1 },
    ]);
    expect(after.facets.kinds.map((k) => k.kind).sort()).toEqual(["nonprofit", "school"]);
  });

  it("never shows drafts, and shows deprecated badges marked", () => {
    makeDraftBadge(db, nonprofit, { name: "Secret Draft Leadership", summary: "leadership" });
    makePublishedBadge(db, { steward: nonprofit, status: "deprecated", content: { name: "Old Leadership" } });
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Leadership 2" } });
    for (const input of [{}, { q: "leadership" }, { q: "secret" }, { kind: "nonprofit" as const }, { organisation: "changemakers" }]) {
      const result = searchCatalogue(db, input);
      expect(names(result)).not.toContain("Secret Draft Leadership");
    }
    const result = searchCatalogue(db, { q: "leadership" });
    expect(result.total).toBe(2);
    expect(Object.fromEntries(result.entries.map((e) => [e.name, e.status]))).toEqual({
      "Old Leadership": "deprecated",
      "Leadership 2": "published",
    });
  });

  it("shows a re-published badge once, with its latest version", () => {
    const badge = makePublishedBadge(db, { steward: nonprofit, versionCount: 3, content: { name: "Sustainability 101" } });
    indexPublishedVersion(db, badge.id);
    const result = searchCatalogue(db, { q: "sustainability" });
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]).toMatchObject({ name: "Sustainability 101", versionNumber: 3 });
  });

  it("returns steward and accepted co-authors of every card", () => {
    makePublishedBadge(db, { steward: nonprofit, coAuthors: [school, business], invited: [], content: { name: "Shared" } });
    const [entry] = searchCatalogue(db, {}).entries;
    expect(entry.steward.name).toBe("Changemakers");
    expect(entry.coAuthors.map((o) => o.name)).toEqual(["Acme", "Northside School"]);
  });

  it("marks matches with sentinels in names and snippets, never HTML", () => {
    makePublishedBadge(db, {
      steward: nonprofit,
      content: { name: "Crowdfunding <b>basics</b>", criteria: "Plan a crowdfunding campaign with <script>alert(1)</script>" },
    });
    const [entry] = searchCatalogue(db, { q: "crowdfunding" }).entries;
    expect(entry.highlightedName).toBe(`${MATCH_START}Crowdfunding${MATCH_END} <b>basics</b>`);
    expect(splitHighlights(entry.highlightedName!)).toEqual([
      { text: "Crowdfunding", match: true },
      { text: " <b>basics</b>", match: false },
    ]);
    expect(entry.snippet).toBe(`Plan a ${MATCH_START}crowdfunding${MATCH_END} campaign with <script>alert(1)</script>`);
    const [other] = searchCatalogue(db, { q: "basics" }).entries;
    // The criteria do not match "basics": no excerpt of them.
    expect(other.snippet).toBeNull();
    expect(other.highlightedName).toBe(`Crowdfunding <b>${MATCH_START}basics${MATCH_END}</b>`);
  });

  it("survives hostile query strings", () => {
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Data Ethics", summary: "AND OR NOT near" } });
    const hostile = [
      '"', '""', "'", "AND (", "(", ")", "*", "**", "-", "--", "NEAR(", "NEAR(a b, 2)", "a NOT", "OR", "^x", "name:x",
      "{name summary}: x", "x:", "🦄", "🦄 data", "\u0000", "\u0301", "e\u0301thics", "a".repeat(5000), "ethics)", '"data',
      "data*", "* data", "col:data", "+", "AND", "💥 AND 💥", "\\", "%", "_", ";DROP TABLE badges;--", "\u0002x\u0003",
    ];
    for (const q of hostile) {
      expect(() => searchCatalogue(db, { q }), q).not.toThrow();
      expect(() => searchCatalogue(db, { q, kind: "school", tag: "x", page: "2" }), q).not.toThrow();
    }
    expect(names(searchCatalogue(db, { q: "🦄 data" }))).toEqual(["Data Ethics"]);
    expect(names(searchCatalogue(db, { q: '"data' }))).toEqual(["Data Ethics"]);
    // Operators typed are words, matched as such.
    expect(names(searchCatalogue(db, { q: "AND OR" }))).toEqual(["Data Ethics"]);
    // Nothing searchable in the words: nothing matches (rather than everything).
    expect(searchCatalogue(db, { q: "🦄" }).total).toBe(0);
    // Random strings of FTS5 syntax characters.
    const alphabet = ['"', "*", "(", ")", "-", "+", "^", ":", " ", "a", "N", "E", "A", "R", "O", "{", "}", ",", "."];
    for (let i = 0; i < 300; i++) {
      const q = Array.from({ length: 1 + (i % 12) }, (_, j) => alphabet[(i * 7 + j * 13 + j * j) % alphabet.length]).join("");
      expect(() => searchCatalogue(db, { q }), q).not.toThrow();
    }
  });

  it("keeps a search's count and facets only until the catalogue changes", () => {
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Grant Writing", tags: ["funding"] } });
    const first = searchCatalogue(db, { q: "grant" });
    expect([first.total, first.facets.tags, first.facets.kinds]).toEqual([1, [{ tag: "funding", count: 1 }], [{ kind: "nonprofit", count: 1 }]]);
    // The next page of the same search reads the kept totals; a new publication moves the catalogue on.
    expect(searchCatalogue(db, { q: "grant", page: 2 }).total).toBe(1);
    makePublishedBadge(db, { steward: school, content: { name: "Grant Reporting", tags: ["funding", "reporting"] } });
    const again = searchCatalogue(db, { q: "grant" });
    expect(again.total).toBe(2);
    expect(again.facets.tags).toEqual([{ tag: "funding", count: 2 }, { tag: "reporting", count: 1 }]);
    expect(again.facets.kinds).toEqual([{ kind: "nonprofit", count: 1 }, { kind: "school", count: 1 }]);
    expect(again.facets.languages).toEqual([{ language: "en", count: 2 }]);
    // With a kind filter the kind facet still counts every kind (its own filter left out).
    expect(searchCatalogue(db, { q: "grant", kind: "school" }).facets.kinds).toEqual(again.facets.kinds);
  });
});

describe("catalogue query parsing", () => {
  it("quotes every word, prefix-matches the last and drops syntax", () => {
    expect(toFtsQuery("social innovation")).toBe('"social" "innovation"*');
    expect(toFtsQuery('AND ( "x" NEAR(')).toBe('"and" "x" "near"*');
    expect(toFtsQuery("a")).toBe('"a"');
    expect(toFtsQuery("*")).toBeNull();
    expect(toFtsQuery("🦄 -")).toBeNull();
  });

  it("clamps pages and sizes, ignores unknown kinds, trims and caps text", () => {
    expect(normaliseCatalogueQuery({ page: "-3", pageSize: "1000", kind: "NONPROFIT", q: "  a   b " })).toMatchObject({
      page: 1,
      pageSize: 50,
      kind: "nonprofit",
      q: "a b",
    });
    expect(normaliseCatalogueQuery({ page: "2.5", kind: "x", q: "x".repeat(500) })).toMatchObject({ page: 1, kind: null });
    expect(normaliseCatalogueQuery({ q: "x".repeat(500) }).q).toHaveLength(200);
  });
});

describe("public badge", () => {
  it("gives the latest version, authors, versions, resolved prerequisites and successor", () => {
    const db = createTestDb();
    const steward = makeOrganisation(db, { name: "Changemakers", kind: "nonprofit" });
    const partner = makeOrganisation(db, { name: "Acme", kind: "business" });
    const invited = makeOrganisation(db, { name: "Invited Only", kind: "school" });
    const base = makePublishedBadge(db, { steward, content: { name: "Social Innovation 101" } });
    const draft = makeDraftBadge(db, steward, { name: "Hidden Draft" });
    const next = makePublishedBadge(db, { steward, content: { name: "Theory of Change" } });
    const badge = makePublishedBadge(db, {
      steward,
      coAuthors: [partner],
      invited: [invited],
      versionCount: 2,
      status: "deprecated",
      successorUri: next.uri,
      content: {
        name: "Social Finance",
        prerequisites: [base.uri, draft.uri, "https://elsewhere.example/badges/42"],
      },
    });
    const pb = getPublicBadge(db, badge.id);
    expect(pb.status).toBe("deprecated");
    expect(pb.latest.number).toBe(2);
    expect(pb.latest.content.name).toBe("Social Finance");
    expect(pb.versions.map((v) => v.number)).toEqual([2, 1]);
    expect(pb.steward.name).toBe("Changemakers");
    expect(pb.coAuthors.map((o) => o.name)).toEqual(["Acme"]);
    expect(pb.successor).toEqual({ uri: next.uri, localId: next.id, name: "Theory of Change" });
    expect(pb.prerequisites).toEqual([
      {
        requiredNumber: 3,
        size: 3,
        label: "All 3 of these",
        badges: [
          { uri: base.uri, localId: base.id, name: "Social Innovation 101", host: null, availability: "available" },
          // A draft named as a prerequisite does not reveal its name.
          { uri: draft.uri, localId: null, name: null, host: null, availability: "unknown" },
          { uri: "https://elsewhere.example/badges/42", localId: null, name: null, host: null, availability: "unknown" },
        ],
      },
    ]);
    // The badge it names says where it leads.
    expect(getPublicBadge(db, base.id).unlocks).toEqual({ badges: [{ id: badge.id, uri: badge.uri, name: "Social Finance", host: null }], total: 1 });
    expect(() => getPublicBadge(db, draft.id)).toThrow(/not found/);
    expect(() => getPublicBadge(db, "no-such-badge")).toThrow(/not found/);
  });

  it("keeps the catalogue in step when a co-author's organisation is removed from a badge and it is re-indexed", () => {
    const db = createTestDb();
    const steward = makeOrganisation(db, { kind: "nonprofit" });
    const partner = makeOrganisation(db, { kind: "school" });
    const badge = makePublishedBadge(db, { steward, coAuthors: [partner], content: { name: "Mentoring" } });
    expect(searchCatalogue(db, { kind: "school" }).total).toBe(1);
    db.delete(coauthors).where(eq(coauthors.organisationId, partner.id)).run();
    indexPublishedVersion(db, badge.id);
    expect(searchCatalogue(db, { kind: "school" }).total).toBe(0);
    // Unpublishing (no latest version) takes it out of the catalogue entirely.
    db.update(badges).set({ latestVersionId: null, status: "draft" }).where(eq(badges.id, badge.id)).run();
    indexPublishedVersion(db, badge.id);
    expect(searchCatalogue(db, { q: "mentoring" }).total).toBe(0);
    expect(db.select().from(organisations).all()).toHaveLength(2);
  });
});
