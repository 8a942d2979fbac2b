// Binds a <textarea> or <input> to a Y.Text in the browser: what the person types becomes
// the smallest edit of the shared text; others' edits are applied to the box with the
// caret and selection kept where they were, relative to the text around them.
import type * as Y from "yjs";

export interface Edit {
  index: number;
  deleteCount: number;
  insert: string;
}

/**
 * The edit that turned `before` into `after`, given where the caret is now. The caret
 * settles ambiguity: typing "a" into "aa" at the end is an insert at 2, not at 0.
 */
export function editAroundCursor(before: string, after: string, cursor: number): Edit | null {
  if (before === after) return null;
  // The unchanged tail lies after the caret in the new text.
  const maxSuffix = Math.min(before.length, after.length, Math.max(0, after.length - cursor));
  let suffix = 0;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
  return { index: prefix, deleteCount: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

type Delta = { retain?: number; insert?: unknown; delete?: number }[];

/** Where a caret at `pos` ends up after a remote change (text inserted right at the caret goes after it). */
export function transformPosition(delta: Delta, pos: number): number {
  let at = 0; // position in the old text
  let shift = 0;
  for (const op of delta) {
    if (at > pos) break;
    if (op.retain) at += op.retain;
    else if (typeof op.insert === "string") {
      if (at < pos) shift += op.insert.length;
    } else if (op.delete) {
      if (at < pos) shift -= Math.min(op.delete, pos - at);
      at += op.delete;
    }
  }
  return Math.max(0, pos + shift);
}

export type TextElement = HTMLTextAreaElement | HTMLInputElement;

/** Connects `el` to `ytext`; returns the function that disconnects them. */
export function bindText(ytext: Y.Text, el: TextElement, origin: object): () => void {
  const doc = ytext.doc!;
  let composing = false;
  const setValue = (value: string, delta?: Delta) => {
    if (el.value === value) return;
    const focused = typeof document !== "undefined" && document.activeElement === el;
    const start = el.selectionStart ?? 0;
    const end = el.selectionEnd ?? 0;
    const direction = el.selectionDirection ?? "none";
    el.value = value;
    if (focused) {
      const s = delta ? transformPosition(delta, start) : Math.min(start, value.length);
      const e = delta ? transformPosition(delta, end) : Math.min(end, value.length);
      el.setSelectionRange(s, Math.max(s, e), direction);
    }
  };
  setValue(ytext.toString());

  const onInput = () => {
    if (composing) return;
    const before = ytext.toString();
    const edit = editAroundCursor(before, el.value, el.selectionEnd ?? el.value.length);
    if (!edit) return;
    doc.transact(() => {
      if (edit.deleteCount) ytext.delete(edit.index, edit.deleteCount);
      if (edit.insert) ytext.insert(edit.index, edit.insert);
    }, origin);
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    onInput();
  };
  const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
    if (transaction.origin === origin) return;
    setValue(ytext.toString(), event.delta as Delta);
  };
  el.addEventListener("input", onInput);
  el.addEventListener("compositionstart", onCompositionStart);
  el.addEventListener("compositionend", onCompositionEnd);
  ytext.observe(observer);
  return () => {
    el.removeEventListener("input", onInput);
    el.removeEventListener("compositionstart", onCompositionStart);
    el.removeEventListener("compositionend", onCompositionEnd);
    ytext.unobserve(observer);
  };
}
