// Search matches travel from SQLite's snippet()/highlight() to React as plain text with
// sentinel characters around each match; React splits on them and renders <mark>s, so
// no HTML built from user text is ever inserted.
export const MATCH_START = "\u0002";
export const MATCH_END = "\u0003";

export interface TextPart {
  text: string;
  match: boolean;
}

/** Splits sentinel-marked text into plain and matched parts; stray sentinels are dropped. */
export function splitHighlights(marked: string): TextPart[] {
  const parts: TextPart[] = [];
  let match = false;
  let buf = "";
  const flush = () => {
    if (buf) parts.push({ text: buf, match });
    buf = "";
  };
  for (const ch of marked) {
    if (ch === MATCH_START) {
      flush();
      match = true;
    } else if (ch === MATCH_END) {
      flush();
      match = false;
    } else {
      buf += ch;
    }
  }
  flush();
  return parts;
}
