import { describe, expect, it } from "vitest";
import {
  BadgeContentSchema,
  canonicalJson,
  changedFields,
  diffLines,
  emptyContent,
  mergeContent,
  mergeLines,
} from "../../app/services/badge-content";

describe("mergeLines", () => {
  const base = ["one", "two", "three", "four", "five"].join("\n");

  it("merges edits to different lines", () => {
    const mine = base.replace("two", "TWO");
    const theirs = base.replace("five", "FIVE");
    expect(mergeLines(base, mine, theirs)).toBe(["one", "TWO", "three", "four", "FIVE"].join("\n"));
  });

  it("keeps insertions from both sides at different places", () => {
    const mine = `zero\n${base}`;
    const theirs = `${base}\nsix`;
    expect(mergeLines(base, mine, theirs)).toBe(`zero\n${base}\nsix`);
  });

  it("refuses edits to the same line", () => {
    expect(mergeLines(base, base.replace("three", "3"), base.replace("three", "drei"))).toBeNull();
  });

  it("refuses two insertions at the same place", () => {
    expect(mergeLines("a\nb", "a\nx\nb", "a\ny\nb")).toBeNull();
  });
});

describe("mergeContent", () => {
  const base = { ...emptyContent("Storytelling"), summary: "Tell stories", criteria: "Line 1\nLine 2\nLine 3" };

  it("takes each side's untouched changes", () => {
    const mine = { ...base, summary: "Tell better stories" };
    const theirs = { ...base, tags: ["narrative"] };
    const result = mergeContent(base, mine, theirs);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.content).toMatchObject({ summary: "Tell better stories", tags: ["narrative"] });
  });

  it("merges the same text field line by line and says so", () => {
    const mine = { ...base, criteria: "Line ONE\nLine 2\nLine 3" };
    const theirs = { ...base, criteria: "Line 1\nLine 2\nLine THREE" };
    const result = mergeContent(base, mine, theirs);
    expect(result).toMatchObject({ ok: true, merged: ["criteria"] });
    if (result.ok) expect(result.content.criteria).toBe("Line ONE\nLine 2\nLine THREE");
  });

  it("returns both texts when the same field changed both ways", () => {
    const mine = { ...base, name: "Storytelling for change" };
    const theirs = { ...base, name: "Impact storytelling" };
    const result = mergeContent(base, mine, theirs);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.conflicts).toEqual([
        { field: "name", base: "Storytelling", mine: "Storytelling for change", theirs: "Impact storytelling" },
      ]);
  });
});

describe("content helpers", () => {
  it("hashes independent of key order", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
  });

  it("lists changed fields", () => {
    const a = emptyContent("A");
    expect(changedFields(a, { ...a, summary: "s", tags: ["t"] })).toEqual(["summary", "tags"]);
  });

  it("diffs lines", () => {
    expect(diffLines("a\nb\nc", "a\nB\nc")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "B" },
      { kind: "same", text: "c" },
    ]);
  });

  it("validates and normalises content", () => {
    const parsed = BadgeContentSchema.parse({ name: " X ", tags: ["Finance", "finance"] });
    expect(parsed.name).toBe("X");
    expect(parsed.tags).toEqual(["finance"]);
    expect(BadgeContentSchema.safeParse({ name: "" }).success).toBe(false);
    expect(
      BadgeContentSchema.safeParse({ name: "x", alignments: [{ targetName: "t", targetUrl: "javascript:alert(1)" }] })
        .success,
    ).toBe(false);
  });

  it("takes only web addresses as prerequisite ids", () => {
    const ok = BadgeContentSchema.safeParse({ name: "x", prerequisites: ["https://peer.example/badges/1", "http://badges.test/badges/2"] });
    expect(ok.success).toBe(true);
    for (const uri of ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>"]) {
      const parsed = BadgeContentSchema.safeParse({ name: "x", prerequisites: [uri] });
      expect(parsed.success, uri).toBe(false);
      expect(parsed.error?.issues[0].path).toEqual(["prerequisites", 0]);
    }
  });
});
