import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  addAlignmentRow,
  readValues,
  setAlignments,
  setText,
  textEdits,
  textOf,
  writeValues,
} from "../../app/realtime/draft-doc";
import { emptyValues } from "../../app/services/draft-values";

function apply(before: string, edits: ReturnType<typeof textEdits>) {
  let s = before;
  for (const e of [...edits].reverse()) s = s.slice(0, e.index) + e.insert + s.slice(e.index + e.deleteCount);
  return s;
}

// Deterministic pseudo-random text edits.
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe("textEdits", () => {
  it("narrows a change to the characters that differ", () => {
    expect(textEdits("Social innovation", "Social Innovation")).toEqual([{ index: 7, deleteCount: 1, insert: "I" }]);
    expect(textEdits("", "abc")).toEqual([{ index: 0, deleteCount: 0, insert: "abc" }]);
    expect(textEdits("abc", "")).toEqual([{ index: 0, deleteCount: 3, insert: "" }]);
    expect(textEdits("same", "same")).toEqual([]);
  });

  it("keeps separate changes separate, leaving the text between them alone", () => {
    const before = "line one\nline two\nline three\nline four";
    const after = "line 1\nline two\nline three\nline 4";
    const edits = textEdits(before, after);
    expect(edits).toHaveLength(2);
    expect(apply(before, edits)).toBe(after);
  });

  it("never splits an emoji", () => {
    const edits = textEdits("a😀b", "a😃b");
    expect(apply("a😀b", edits)).toBe("a😃b");
    expect(edits[0].insert).toBe("😃");
  });

  it("turns any text into any other (random trials)", () => {
    const r = rng(7);
    const alphabet = ["a", "b", "\n", " ", "é", "😀"];
    const word = () => Array.from({ length: Math.floor(r() * 30) }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
    for (let i = 0; i < 400; i++) {
      const before = word();
      const after = r() < 0.5 ? word() : before.slice(0, Math.floor(r() * before.length)) + word() + before.slice(Math.floor(r() * before.length));
      expect(apply(before, textEdits(before, after))).toBe(after);
    }
  });
});

describe("the live draft document", () => {
  it("reads a document stored before conditions existed (a plain list) as one all-of condition", () => {
    const doc = new Y.Doc();
    doc.getMap("fields").set("prerequisites", ["https://x.example/badges/1", "https://x.example/badges/2"]);
    expect(readValues(doc).prerequisites).toEqual([
      { id: "condition-0", rule: "all", count: "", badges: ["https://x.example/badges/1", "https://x.example/badges/2"] },
    ]);
  });

  it("writes and reads values, and edits text in place", () => {
    const doc = new Y.Doc();
    const prerequisites = [
      { id: "c1", rule: "any", count: "", badges: ["https://x.example/badges/1", "https://y.example/badges/2"] },
      { id: "c2", rule: "count", count: "2", badges: ["https://x.example/badges/3", "https://x.example/badges/4", "https://x.example/badges/5"] },
    ];
    const values = { ...emptyValues(), name: "Social Innovation 101", tags: "change, community", prerequisites };
    writeValues(doc, values);
    expect(readValues(doc)).toMatchObject({ name: "Social Innovation 101", tags: "change, community", achievementType: "Badge", prerequisites });
    const ytext = textOf(doc, "name");
    const deltas: unknown[] = [];
    ytext.observe((e) => deltas.push(e.delta));
    setText(ytext, "Social Innovation 102");
    expect(deltas).toEqual([[{ retain: 20 }, { delete: 1 }, { insert: "2" }]]);
  });

  it("merges concurrent typing in the same field without losing any", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    writeValues(a, { ...emptyValues(), criteria: "Plan a project." });
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    textOf(a, "criteria").insert(0, "First: ");
    textOf(b, "criteria").insert(15, " Then run it.");
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    expect(textOf(a, "criteria").toString()).toBe("First: Plan a project. Then run it.");
    expect(textOf(b, "criteria").toString()).toBe(textOf(a, "criteria").toString());
  });

  it("updates alignment rows in place and leaves a blank row someone just added", () => {
    const doc = new Y.Doc();
    setAlignments(doc, [{ targetName: "ESCO", targetUrl: "https://esco.example/1", targetFramework: "ESCO" }]);
    const blank = addAlignmentRow(doc);
    const firstId = readValues(doc).alignments[0].id;
    setAlignments(doc, [
      { targetName: "ESCO skill", targetUrl: "https://esco.example/1", targetFramework: "ESCO" },
      { targetName: "SDG 4", targetUrl: "https://sdgs.example/4", targetFramework: "" },
    ]);
    const rows = readValues(doc).alignments;
    expect(rows.map((r) => r.targetName)).toEqual(["ESCO skill", "", "SDG 4"]);
    expect(rows[0].id).toBe(firstId);
    expect(rows[1].id).toBe(blank);
    setAlignments(doc, []);
    expect(readValues(doc).alignments.map((r) => r.id)).toEqual([blank]);
  });

  it("reads defensively what a hostile client may have written", () => {
    const doc = new Y.Doc();
    doc.getMap("fields").set("prerequisites", "not a list");
    doc.getMap("fields").set("language", 42);
    doc.getArray("alignments").push(["not a row"]);
    const v = readValues(doc);
    expect(v.prerequisites).toEqual([]);
    doc.getMap("fields").set("prerequisites", [7, { rule: 3, badges: ["https://x.example/badges/1", 9] }]);
    expect(readValues(doc).prerequisites).toEqual([{ id: "condition-0", rule: "all", count: "", badges: ["https://x.example/badges/1"] }]);
    expect(v.language).toBe("en");
    expect(v.alignments).toEqual([]);
  });
});
