// Default pictures drawn from a name: a shape and colours chosen by a hash, the initials
// in white on a background dark enough for WCAG AA contrast. Pure functions: the same
// input always gives the same SVG text.
import { createHash } from "node:crypto";

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif";

function hashBytes(...parts: string[]): Buffer {
  return createHash("sha256").update(parts.join("\u0000")).digest();
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  s /= 100;
  l /= 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0), f(8), f(4)].map((v) => Math.round(v * 255)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const c = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
}

/** WCAG contrast ratio between white and a colour. */
export function contrastWithWhite(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  return 1.05 / (luminance([(n >> 16) & 255, (n >> 8) & 255, n & 255]) + 0.05);
}

const toHex = (rgb: [number, number, number]) => `#${rgb.map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/** The lightest shade of the hue on which white text still reaches 4.5:1 (with a margin). */
function darkEnough(h: number, s: number, startLightness: number): string {
  for (let l = startLightness; l > 5; l -= 1) {
    const hex = toHex(hslToRgb(h, s, l));
    if (contrastWithWhite(hex) >= 4.8) return hex;
  }
  return toHex(hslToRgb(h, s, 5));
}

// Small words that make poor initials ("Theory of Change" is TC, not TO).
const MINOR_WORDS = new Set("a an and the of for in on at to by with de du des la le les et und der die das y el".split(" "));

/** One or two initials from the name's words (letters and digits only). */
export function initialsOf(name: string): string {
  const all = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const major = all.filter((w) => !MINOR_WORDS.has(w.toLocaleLowerCase()));
  const words = major.length ? major : all;
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0].toLocaleUpperCase());
  return letters.join("") || "?";
}

function escapeXml(s: string) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function polygon(sides: number, radius: number, rotation = 0): string {
  const pts = Array.from({ length: sides }, (_, i) => {
    const a = rotation + (i * 2 * Math.PI) / sides;
    return `${(128 + radius * Math.cos(a)).toFixed(1)},${(128 + radius * Math.sin(a)).toFixed(1)}`;
  });
  return `M${pts.join(" L")} Z`;
}

function rosette(radius: number, bumps: number): string {
  const pts = Array.from({ length: bumps * 2 }, (_, i) => {
    const a = (i * Math.PI) / bumps - Math.PI / 2;
    const r = i % 2 === 0 ? radius : radius * 0.9;
    return `${(128 + r * Math.cos(a)).toFixed(1)},${(128 + r * Math.sin(a)).toFixed(1)}`;
  });
  return `M${pts.join(" L")} Z`;
}

function shield(scale: number): string {
  const s = (x: number, y: number) => `${(128 + (x - 128) * scale).toFixed(1)},${(128 + (y - 128) * scale).toFixed(1)}`;
  return `M${s(128, 8)} L${s(232, 44)} L${s(232, 120)} C${s(232, 184)} ${s(188, 228)} ${s(128, 250)} C${s(68, 228)} ${s(24, 184)} ${s(24, 120)} L${s(24, 44)} Z`;
}

function star(cx: number, cy: number, r: number): string {
  const pts = Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const d = i % 2 === 0 ? r : r * 0.45;
    return `${(cx + d * Math.cos(a)).toFixed(1)},${(cy + d * Math.sin(a)).toFixed(1)}`;
  });
  return `M${pts.join(" L")} Z`;
}

const circle = (r: number) => `M${128 - r},128 a${r},${r} 0 1,0 ${2 * r},0 a${r},${r} 0 1,0 ${-2 * r},0 Z`;

const SHAPES: ((scale: number) => string)[] = [
  (k) => circle(120 * k),
  (k) => polygon(6, 122 * k, -Math.PI / 2),
  (k) => polygon(8, 122 * k, Math.PI / 8),
  (k) => rosette(122 * k, 12),
  (k) => shield(k),
];

function palette(hash: Buffer) {
  const hue = hash.readUInt16BE(0) % 360;
  const saturation = 45 + (hash[2] % 26);
  return {
    light: darkEnough(hue, saturation, 46),
    dark: darkEnough((hue + 24) % 360, saturation, 30),
    accent: toHex(hslToRgb((hue + 180) % 360, 80, 72)),
  };
}

function initialsText(initials: string, size: number, y = 128) {
  return `<text x="128" y="${y}" dy="0.35em" text-anchor="middle" font-family="${FONT}" font-weight="700" font-size="${size}" fill="#ffffff">${escapeXml(initials)}</text>`;
}

/** A badge-like emblem for a badge definition without an uploaded image. */
export function badgeImageSvg(name: string, seed = ""): string {
  const hash = hashBytes("badge", name, seed);
  const { light, dark, accent } = palette(hash);
  const bg = `bg-${hash.toString("hex", 4, 8)}`;
  const shape = SHAPES[hash[3] % SHAPES.length];
  const initials = initialsOf(name);
  const dashed = hash[4] % 2 === 0 ? ` stroke-dasharray="2 6"` : "";
  const stars = [-22, 0, 22].map((dx) => `<path d="${star(128 + dx, 198, dx === 0 ? 10 : 7)}" fill="${accent}"/>`).join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" role="img">`,
    `<title>${escapeXml(name)}</title>`,
    `<defs><linearGradient id="${bg}" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="${dark}"/></linearGradient></defs>`,
    `<path d="${shape(1)}" fill="url(#${bg})"/>`,
    `<path d="${shape(0.84)}" fill="none" stroke="#ffffff" stroke-opacity="0.55" stroke-width="4"${dashed} stroke-linecap="round"/>`,
    stars,
    initialsText(initials, initials.length > 1 ? 78 : 96, 120),
    `</svg>`,
  ].join("");
}

/** A default organisation logo: initials on a rounded tile with a soft diagonal band. */
export function logoSvg(name: string): string {
  const hash = hashBytes("logo", name);
  const { light, dark } = palette(hash);
  // Ids unique per picture, so that two pictures inlined in one page do not share a gradient.
  const bg = `bg-${hash.toString("hex", 4, 8)}`;
  const clip = `tile-${hash.toString("hex", 4, 8)}`;
  const initials = initialsOf(name);
  const round = hash[3] % 2 === 0;
  const tile = round ? `<circle cx="128" cy="128" r="128" fill="url(#${bg})"/>` : `<rect width="256" height="256" rx="48" fill="url(#${bg})"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" role="img">`,
    `<title>${escapeXml(name)}</title>`,
    `<defs><linearGradient id="${bg}" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="${dark}"/></linearGradient>`,
    `<clipPath id="${clip}">${round ? `<circle cx="128" cy="128" r="128"/>` : `<rect width="256" height="256" rx="48"/>`}</clipPath></defs>`,
    tile,
    `<path d="M-20,200 L200,-20 L276,-20 L276,40 L40,276 L-20,276 Z" fill="#ffffff" fill-opacity="0.08" clip-path="url(#${clip})"/>`,
    initialsText(initials, initials.length > 1 ? 104 : 124),
    `</svg>`,
  ].join("");
}
