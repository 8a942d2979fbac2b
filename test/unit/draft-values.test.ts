import { describe, expect, it } from "vitest";
import { emptyContent } from "../../app/services/badge-content";
import { parseDraftValues, valuesFromContent, valuesFromForm, type DraftValues } from "../../app/services/draft-values";
import { prerequisiteOptions, badgeNamesByUri, stewardCandidates } from "../../app/services/drafts.server";
import { addMember, createTestContext, makeOrganisation, makeUser } from "../support/factories";
import { makeDraft, publishAsIs } from "../support/editor-factories";

function form(fields: Record<string, string | string[]>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
  return f;
}

describe("draft values (what is typed) and content (what is saved)", () => {
  it("reads the form, skipping blank alignment rows, and round-trips content", () => {
    const values = valuesFromForm(
      form({
        name: "Social Innovation 101",
        summary: "Change things",
        criteria: "1. Plan\n2. Run",
        tags: " Change, community ,, ",
        "alignments.0.targetName": "SDG 4",
        "alignments.0.targetUrl": "https://sdgs.un.org/goals/goal4",
        "alignments.0.targetFramework": "SDG",
        "alignments.1.targetName": "",
        "alignments.1.targetUrl": "",
        "alignments.1.targetFramework": "",
        achievementType: "Competency",
        language: "en-GB",
        estimatedHours: "2,5",
        "prerequisites.0.rule": "all",
        "prerequisites.0.count": "",
        "prerequisites.0.badges": ["https://a.example/badges/1", ""],
        "prerequisites.0.urls": "https://b.example/badges/2\nhttps://a.example/badges/1",
        "prerequisites.1.rule": "count",
        "prerequisites.1.count": "2",
        "prerequisites.1.badges": ["https://c.example/badges/3"],
        "prerequisites.1.urls": "https://d.example/badges/4 https://e.example/badges/5",
        // The blank condition the form offers for a new one.
        "prerequisites.2.rule": "any",
        "prerequisites.2.count": "",
        "prerequisites.2.urls": "",
      }),
    );
    expect(values.alignments).toHaveLength(2);
    expect(values.prerequisites.map((c) => c.badges)).toEqual([
      ["https://a.example/badges/1", "https://b.example/badges/2"],
      ["https://c.example/badges/3", "https://d.example/badges/4", "https://e.example/badges/5"],
      [],
    ]);
    const parsed = parseDraftValues(values);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.content).toMatchObject({
      tags: ["change", "community"],
      alignments: [{ targetName: "SDG 4", targetUrl: "https://sdgs.un.org/goals/goal4", targetFramework: "SDG" }],
      estimatedHours: 2.5,
      achievementType: "Competency",
      imageId: null,
      prerequisites: [
        { requiredNumber: 2, badges: ["https://a.example/badges/1", "https://b.example/badges/2"] },
        { requiredNumber: 2, badges: ["https://c.example/badges/3", "https://d.example/badges/4", "https://e.example/badges/5"] },
      ],
    });
    const back = valuesFromContent(parsed.content);
    expect(back.tags).toBe("change, community");
    expect(back.estimatedHours).toBe("2.5");
    expect(back.prerequisites.map(({ rule, count }) => ({ rule, count }))).toEqual([
      { rule: "all", count: "" },
      { rule: "count", count: "2" },
    ]);
    expect(parseDraftValues(back)).toEqual(parsed);
  });

  it("names each bad field, alignment errors by the row as shown", () => {
    const values: DraftValues = {
      ...valuesFromContent(emptyContent("")),
      tags: "ok, <script>",
      alignments: [
        { id: "a", targetName: "", targetUrl: "", targetFramework: "" },
        { id: "b", targetName: "", targetUrl: "javascript:alert(1)", targetFramework: "" },
      ],
      achievementType: "Nonsense",
      language: "english!",
      estimatedHours: "lots",
      prerequisites: [
        { id: "c0", rule: "all", count: "", badges: ["not a url", "http://self.example/badges/x"] },
        { id: "c1", rule: "count", count: "3", badges: ["https://a.example/badges/1", "https://a.example/badges/2"] },
        { id: "c2", rule: "sometimes", count: "", badges: ["https://a.example/badges/1"] },
      ],
    };
    const parsed = parseDraftValues(values, { selfUri: "http://self.example/badges/x" });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fieldErrors).toMatchObject({
      name: ["Give the badge a name"],
      "alignments.1.targetName": ["Name the alignment target"],
      "alignments.1.targetUrl": expect.arrayContaining(["Only http(s) URLs"]),
      achievementType: ["Choose an achievement type from the list"],
      language: ["Use a language code such as en or fr-CA"],
      estimatedHours: ["Enter a number of hours, such as 4 or 2.5"],
      "prerequisites.0": expect.arrayContaining(["A badge cannot be its own prerequisite", "Not a badge URL: not a url"]),
      "prerequisites.1.count": ["Enter how many of the 2 badges are needed, from 1 to 2"],
      "prerequisites.2.rule": ["Choose all, any one, or how many of these badges"],
    });
    expect(parsed.fieldErrors.tags[0]).toMatch(/<script>/);
    expect(parsed.fieldErrors["alignments.0.targetName"]).toBeUndefined();
  });
});

describe("editor look-ups", () => {
  it("offers as steward only the local organisations where the user is an editor or above", () => {
    const ctx = createTestContext();
    const user = makeUser(ctx.db);
    const a = makeOrganisation(ctx.db, { name: "B org" });
    const b = makeOrganisation(ctx.db, { name: "A org" });
    const viewerOf = makeOrganisation(ctx.db);
    const remote = makeOrganisation(ctx.db, { host: "other.example" });
    addMember(ctx.db, a.id, user.id, "editor");
    addMember(ctx.db, b.id, user.id, "owner");
    addMember(ctx.db, viewerOf.id, user.id, "viewer");
    addMember(ctx.db, remote.id, user.id, "admin");
    expect(stewardCandidates(ctx.db, user.id).map((o) => o.name)).toEqual(["A org", "B org"]);
  });

  it("lists published badges as prerequisites by name, without the badge itself or drafts", () => {
    const ctx = createTestContext();
    const { badge: self } = makeDraft(ctx, "Theory of Change");
    const { badge: si } = makeDraft(ctx, "Social Innovation 101");
    const { badge: draft } = makeDraft(ctx, "Still a draft");
    const { badge: fin } = makeDraft(ctx, "Social Finance");
    publishAsIs(ctx.db, si.id);
    publishAsIs(ctx.db, fin.id);
    publishAsIs(ctx.db, self.id);
    const options = prerequisiteOptions(ctx.db, { excludeBadgeId: self.id });
    expect(options.map((o) => o.name)).toEqual(["Social Finance", "Social Innovation 101"]);
    expect(options[0]).toMatchObject({ uri: fin.uri, stewardName: "Changemakers" });
    expect(options.map((o) => o.uri)).not.toContain(draft.uri);
    expect(badgeNamesByUri(ctx.db, [si.uri, draft.uri, "https://elsewhere.example/b/1"])).toEqual(
      new Map([[si.uri, "Social Innovation 101"]]),
    );
  });
});
