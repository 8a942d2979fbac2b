import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { editAroundCursor, transformPosition } from "../../app/realtime/text-binding";

describe("binding a text box to shared text", () => {
  it("finds the typed edit using the caret to settle ambiguity", () => {
    expect(editAroundCursor("aa", "aaa", 3)).toEqual({ index: 2, deleteCount: 0, insert: "a" });
    expect(editAroundCursor("aa", "aaa", 1)).toEqual({ index: 0, deleteCount: 0, insert: "a" });
    expect(editAroundCursor("hello world", "hello, world", 6)).toEqual({ index: 5, deleteCount: 0, insert: "," });
    expect(editAroundCursor("hello world", "hello", 5)).toEqual({ index: 5, deleteCount: 6, insert: "" });
    // A selection replaced by pasting.
    expect(editAroundCursor("one two three", "one 2 three", 5)).toEqual({ index: 4, deleteCount: 3, insert: "2" });
    expect(editAroundCursor("same", "same", 2)).toBeNull();
  });

  it("keeps the caret beside the same text when others type before or after it", () => {
    const local = new Y.Doc();
    const text = local.getText("t");
    text.insert(0, "Plan a project");
    const deltas: Parameters<typeof transformPosition>[0][] = [];
    text.observe((e) => deltas.push(e.delta as never));
    const caret = 7; // "Plan a |project"
    text.insert(0, "First: "); // before the caret
    expect(transformPosition(deltas[0], caret)).toBe(14);
    expect(text.toString().slice(14)).toBe("project");
    text.insert(text.length, " and run it"); // after the caret
    expect(transformPosition(deltas[1], 14)).toBe(14);
    text.delete(0, 7); // removes "First: "
    expect(transformPosition(deltas[2], 14)).toBe(7);
    text.delete(5, 4); // "Plan |a pr|oject" with the caret inside the deletion
    expect(transformPosition(deltas[3], 7)).toBe(5);
    text.insert(5, "X"); // right at the caret: the caret stays before it
    expect(transformPosition(deltas[4], 5)).toBe(5);
  });
});
