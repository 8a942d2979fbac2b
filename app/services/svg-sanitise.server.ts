// SVG uploads are parsed with a small strict XML reader and rebuilt from an allowlist:
// only known drawing elements and attributes survive, links may point only inside the
// document (or to embedded PNG/JPEG data), and CSS may not load anything. What comes out
// is always well-formed and escaped by us, never a copy of what came in.

export class UnsafeSvgError extends Error {}

interface ElementNode {
  type: "element";
  name: string;
  attrs: [string, string][];
  children: XmlNode[];
}
type XmlNode = ElementNode | { type: "text"; value: string };

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const MAX_DEPTH = 100;

// ---------------------------------------------------------------------------------------
// A strict reader for the XML that SVG files use: elements, attributes, text, CDATA,
// comments and processing instructions. No entity declarations (XXE, "billion laughs").

const NAME = /[A-Za-z_][-A-Za-z0-9_.:]*/y;
const SPACE = /[ \t\r\n]*/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  fail(what: string): never {
    throw new UnsafeSvgError(`This SVG is not well-formed XML (${what} near character ${this.pos}).`);
  }
  startsWith(s: string) {
    return this.src.startsWith(s, this.pos);
  }
  skipSpace() {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.src);
    this.pos = SPACE.lastIndex;
  }
  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail("a name was expected");
    this.pos = NAME.lastIndex;
    return m[0];
  }
  skipPast(end: string, what: string) {
    const i = this.src.indexOf(end, this.pos);
    if (i < 0) this.fail(`unterminated ${what}`);
    const body = this.src.slice(this.pos, i);
    this.pos = i + end.length;
    return body;
  }
  decode(raw: string): string {
    return raw.replace(/&([^;&<]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(";")) this.fail("a bare '&'");
      if (ref in PREDEFINED) return PREDEFINED[ref];
      const num = /^#x([0-9a-fA-F]{1,6})$/.exec(ref) ?? /^#([0-9]{1,7})$/.exec(ref);
      if (num) {
        const code = parseInt(num[1], ref[1] === "x" ? 16 : 10);
        const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
          (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
        if (!valid) this.fail("an invalid character reference");
        return String.fromCodePoint(code);
      }
      throw new UnsafeSvgError(`This SVG cannot be made safe: it uses the undeclared entity "&${ref.slice(0, 30)};".`);
    });
  }

  /** Comments, processing instructions and (outside the root) a DOCTYPE without entities. */
  misc(allowDoctype: boolean): boolean {
    if (this.startsWith("<!--")) {
      this.pos += 4;
      this.skipPast("-->", "comment");
      return true;
    }
    if (this.startsWith("<?")) {
      this.pos += 2;
      this.skipPast("?>", "processing instruction");
      return true;
    }
    if (allowDoctype && this.startsWith("<!DOCTYPE")) {
      const body = this.skipPast(">", "DOCTYPE");
      if (body.includes("[") || /<!ENTITY/i.test(body)) {
        throw new UnsafeSvgError("This SVG cannot be made safe: its DOCTYPE declares entities.");
      }
      return true;
    }
    return false;
  }

  document(): ElementNode {
    if (this.src.charCodeAt(0) === 0xfeff) this.pos = 1;
    for (;;) {
      this.skipSpace();
      if (!this.misc(true)) break;
    }
    if (!this.startsWith("<") || this.startsWith("<!")) this.fail("the root element was expected");
    const root = this.element(0);
    for (;;) {
      this.skipSpace();
      if (!this.misc(false)) break;
    }
    if (this.pos !== this.src.length) this.fail("content after the root element");
    return root;
  }

  element(depth: number): ElementNode {
    if (depth > MAX_DEPTH) throw new UnsafeSvgError("This SVG cannot be made safe: its elements nest too deeply.");
    this.pos += 1; // "<"
    const name = this.name();
    const attrs: [string, string][] = [];
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      if (this.startsWith("/>")) {
        this.pos += 2;
        return { type: "element", name, attrs, children: [] };
      }
      if (this.startsWith(">")) {
        this.pos += 1;
        break;
      }
      if (this.pos === before) this.fail("a space was expected between attributes");
      const attr = this.name();
      this.skipSpace();
      if (!this.startsWith("=")) this.fail(`attribute ${attr} has no value`);
      this.pos += 1;
      this.skipSpace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`attribute ${attr} is not quoted`);
      this.pos += 1;
      const raw = this.skipPast(quote, "attribute value");
      if (raw.includes("<")) this.fail(`'<' inside attribute ${attr}`);
      if (attrs.some(([n]) => n === attr)) this.fail(`attribute ${attr} appears twice`);
      attrs.push([attr, this.decode(raw).replace(/[\t\r\n]/g, " ")]);
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`<${name}> is never closed`);
      if (this.startsWith("</")) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        this.skipSpace();
        if (!this.startsWith(">")) this.fail("'>' was expected");
        this.pos += 1;
        return { type: "element", name, attrs, children };
      }
      if (this.startsWith("<![CDATA[")) {
        this.pos += 9;
        children.push({ type: "text", value: this.skipPast("]]>", "CDATA section") });
      } else if (this.misc(false)) {
        // comments and processing instructions are dropped
      } else if (this.startsWith("<!")) {
        this.fail("a declaration inside the document");
      } else if (this.startsWith("<")) {
        children.push(this.element(depth + 1));
      } else {
        const end = this.src.indexOf("<", this.pos);
        const raw = this.src.slice(this.pos, end < 0 ? this.src.length : end);
        this.pos += raw.length;
        children.push({ type: "text", value: this.decode(raw) });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The allowlist.

const ELEMENTS = new Set([
  "svg", "g", "defs", "title", "desc", "symbol", "use", "switch", "a",
  "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
  "text", "tspan", "textPath", "image", "style",
  "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker",
  "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
  "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
  "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
  "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
  "feTurbulence",
]);

const ATTRIBUTES = new Set(
  `id class style transform x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points
  viewBox preserveAspectRatio version pathLength fill fill-opacity fill-rule stroke stroke-width
  stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset
  stroke-opacity opacity color display visibility overflow clip-path clip-rule clipPathUnits
  mask maskUnits maskContentUnits filter filterUnits primitiveUnits font-family font-size
  font-style font-weight font-variant font-stretch letter-spacing word-spacing text-anchor
  dominant-baseline alignment-baseline baseline-shift text-decoration writing-mode direction
  unicode-bidi dx dy rotate textLength lengthAdjust startOffset method spacing side
  gradientUnits gradientTransform spreadMethod offset stop-color stop-opacity patternUnits
  patternContentUnits patternTransform marker-start marker-mid marker-end markerWidth
  markerHeight markerUnits refX refY orient paint-order vector-effect shape-rendering
  text-rendering image-rendering color-interpolation color-interpolation-filters flood-color
  flood-opacity lighting-color mix-blend-mode isolation in in2 result stdDeviation mode type
  values operator k1 k2 k3 k4 scale xChannelSelector yChannelSelector radius baseFrequency
  numOctaves seed stitchTiles tableValues slope intercept amplitude exponent order
  kernelMatrix divisor bias targetX targetY edgeMode kernelUnitLength preserveAlpha
  surfaceScale diffuseConstant specularConstant specularExponent azimuth elevation z
  pointsAtX pointsAtY pointsAtZ limitingConeAngle systemLanguage xml:space xml:lang lang
  role aria-label aria-labelledby aria-describedby aria-hidden`.split(/\s+/),
);

// Elements whose href may embed a raster picture; every other href must stay in the document.
const IMAGE_ELEMENTS = new Set(["image"]);
const EMBEDDED_RASTER = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=\s]*$/;
const FRAGMENT = /^#[A-Za-z_][-A-Za-z0-9_.:]*$/;

/** A `url(...)` may only name something inside the document: `url(#id)`. */
function onlyLocalUrls(value: string): boolean {
  const lower = value.toLowerCase();
  let i = lower.indexOf("url(");
  while (i >= 0) {
    if (!/^url\(\s*(['"]?)#[-A-Za-z0-9_.:]+\1\s*\)/.test(value.slice(i))) return false;
    i = lower.indexOf("url(", i + 4);
  }
  return true;
}

/** CSS (a style attribute or element) that cannot fetch, script or escape its element. */
export function isSafeCss(css: string): boolean {
  const lower = css.toLowerCase();
  if (lower.includes("\\") || lower.includes("<")) return false; // escapes could hide anything below
  if (/@import|@font-face|@namespace|expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|image-set\s*\(|image\s*\(|cross-fade\s*\(|element\s*\(|src\s*\(/.test(lower)) {
    return false;
  }
  return onlyLocalUrls(css);
}

function safeAttribute(element: string, name: string, value: string): boolean {
  if (name === "href" || name === "xlink:href") {
    const v = value.trim();
    return FRAGMENT.test(v) || (IMAGE_ELEMENTS.has(element) && EMBEDDED_RASTER.test(v));
  }
  if (!ATTRIBUTES.has(name)) return false;
  if (name === "style") return isSafeCss(value);
  const squashed = value.replace(/[\s\u0000-\u001f]+/g, "").toLowerCase();
  if (squashed.includes("javascript:") || squashed.includes("vbscript:") || squashed.includes("data:")) return false;
  return onlyLocalUrls(value);
}

function textOf(node: ElementNode): string {
  return node.children.map((c) => (c.type === "text" ? c.value : textOf(c))).join("");
}

function escapeText(s: string) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function escapeAttr(s: string) {
  return escapeText(s).replace(/"/g, "&quot;");
}

function serialise(node: ElementNode, usesXlink: { value: boolean }): string | null {
  if (!ELEMENTS.has(node.name)) return null; // drops the element and everything inside it
  if (node.name === "style") {
    if (node.children.some((c) => c.type === "element")) return null;
    const css = textOf(node);
    return isSafeCss(css) ? `<style>${escapeText(css)}</style>` : null;
  }
  let out = `<${node.name}`;
  for (const [name, value] of node.attrs) {
    if (name === "xmlns" || name.startsWith("xmlns:")) continue;
    if (!safeAttribute(node.name, name, value)) continue;
    if (name === "xlink:href") usesXlink.value = true;
    out += ` ${name}="${escapeAttr(value)}"`;
  }
  const inner = node.children
    .map((c) => (c.type === "text" ? escapeText(c.value) : serialise(c, usesXlink)))
    .filter((s): s is string => s !== null)
    .join("");
  return inner ? `${out}>${inner}</${node.name}>` : `${out}/>`;
}

/** True when the text looks like an SVG document (an `<svg` root after the prolog). */
export function looksLikeSvg(text: string): boolean {
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, "")
    .replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/g, "")
    .trimStart();
  return /^<svg[\s>/]/.test(head);
}

/**
 * Returns a clean copy of the SVG, or throws UnsafeSvgError when it is not an SVG
 * document or holds something that cannot be removed safely (entities, broken XML).
 */
export function sanitiseSvg(source: string): string {
  const root = new Reader(source).document();
  if (root.name !== "svg") throw new UnsafeSvgError("This file is not an SVG image: its root element is not <svg>.");
  const ns = root.attrs.find(([n]) => n === "xmlns")?.[1];
  if (ns !== undefined && ns !== SVG_NS) throw new UnsafeSvgError("This file is not an SVG image: its namespace is not SVG.");
  const usesXlink = { value: false };
  const body = serialise(root, usesXlink)!;
  const xmlns = ` xmlns="${SVG_NS}"${usesXlink.value ? ` xmlns:xlink="${XLINK_NS}"` : ""}`;
  return `<svg${xmlns}${body.slice(4)}`;
}
