import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import type { Db } from "../../db/client";
import {
  generateDefaultBadgeImage,
  generateDefaultLogo,
  getImage,
  imageSource,
  MAX_IMAGE_BYTES,
  storeUploadedImage,
  storeMirroredImage,
} from "../../app/services/images.server";
import { badgeImageSvg, contrastWithWhite, initialsOf, logoSvg } from "../../app/services/default-images.server";
import { sanitiseSvg } from "../../app/services/svg-sanitise.server";
import { createTestDb } from "../support/factories";
import { makeLargePng, makePng, TINY_GIF } from "../support/images";

function refusal(fn: () => unknown): { message: string; fieldErrors: Record<string, string[]> } {
  try {
    fn();
  } catch (error) {
    return error as { message: string; fieldErrors: Record<string, string[]> };
  }
  throw new Error("expected the upload to be refused");
}

const storedText = (db: Db, id: string) => getImage(db, id).data.toString("utf8");

describe("image uploads", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDb();
  });

  it("stores a real PNG byte for byte, with its sha256, whatever it was called", () => {
    const png = makePng(4, 3);
    const { id } = storeUploadedImage(db, { bytes: png, filename: "logo.bin", contentType: "application/octet-stream" });
    const image = getImage(db, id);
    expect(image.contentType).toBe("image/png");
    expect(Buffer.compare(image.data, png)).toBe(0);
    expect(image.sha256).toBe(createHash("sha256").update(png).digest("hex"));
  });

  it("refuses an HTML page renamed .png and says what it is", () => {
    const html = Buffer.from("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");
    const error = refusal(() => storeUploadedImage(db, { bytes: html, filename: "cat.png", contentType: "image/png" }, { field: "logo" }));
    expect(error.message).toMatch(/HTML page, not an image/);
    expect(error.fieldErrors.logo[0]).toMatch(/HTML/);
    expect(db.select().from(images).all()).toHaveLength(0);
  });

  it("refuses JavaScript renamed .png", () => {
    const js = Buffer.from("fetch('/steal?c=' + document.cookie)");
    expect(refusal(() => storeUploadedImage(db, { bytes: js, filename: "x.png" })).message).toMatch(/not a PNG or SVG/);
  });

  it("refuses a file over 1 MiB, even a valid PNG", () => {
    const big = makeLargePng(MAX_IMAGE_BYTES + 10);
    expect(big.length).toBeGreaterThan(MAX_IMAGE_BYTES);
    expect(refusal(() => storeUploadedImage(db, { bytes: big })).message).toMatch(/at most 1 MiB/);
    // Just under the cap is fine.
    expect(storeUploadedImage(db, { bytes: makeLargePng(MAX_IMAGE_BYTES - 100) }).id).toBeTruthy();
  });

  it("refuses GIF and JPEG files by their bytes", () => {
    expect(refusal(() => storeUploadedImage(db, { bytes: TINY_GIF, filename: "a.png", contentType: "image/png" })).message).toMatch(/GIF images are not accepted/);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
    expect(refusal(() => storeUploadedImage(db, { bytes: jpeg })).message).toMatch(/JPEG images are not accepted/);
  });

  it("refuses a PNG signature followed by something that is not a PNG", () => {
    const png = makePng();
    const fake = Buffer.concat([png.subarray(0, 8), Buffer.from("<html><script>alert(1)</script></html>")]);
    expect(refusal(() => storeUploadedImage(db, { bytes: fake })).message).toMatch(/damaged/);
    const corrupted = Buffer.from(png);
    corrupted[20] ^= 0xff; // inside IHDR: its CRC no longer matches
    expect(refusal(() => storeUploadedImage(db, { bytes: corrupted })).message).toMatch(/damaged/);
    const withTrailer = Buffer.concat([png, Buffer.from("<script>alert(1)</script>")]);
    expect(refusal(() => storeUploadedImage(db, { bytes: withTrailer })).message).toMatch(/damaged/);
  });

  it("refuses an empty file", () => {
    expect(refusal(() => storeUploadedImage(db, { bytes: new Uint8Array() })).message).toMatch(/empty/);
  });
});

describe("SVG uploads", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDb();
  });

  const hostile = `<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">
  <script>alert("script")</script>
  <script xlink:href="https://evil.example/x.js"/>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <rect width="10" height="10" fill="url(#g)" onclick="alert(2)" onmouseover='alert(3)'/>
  <a href="javascript:alert(4)"><circle r="3" cx="5" cy="5"/></a>
  <a xlink:href=" JaVaScRiPt:alert(5)"><text x="1" y="9">Hi &amp; bye</text></a>
  <foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"/></body></foreignObject>
  <use href="https://evil.example/sprite.svg#icon"/>
  <use href="#g"/>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <image href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==" width="1" height="1"/>
  <style>@import url(https://evil.example/x.css); rect { fill: red }</style>
  <style>circle { fill: url(#g) }</style>
  <path d="M0 0L1 1" style="fill: url(https://evil.example/t.png)"/>
  <path d="M0 0L2 2" style="stroke: blue"/>
  <set attributeName="href" to="javascript:alert(7)"/>
  <animate attributeName="href" values="javascript:alert(8)"/>
  <iframe src="https://evil.example"/>
  <embed src="https://evil.example"/>
</svg>`;

  it("removes scripts, handlers, javascript: and external links, foreignObject and loading CSS", () => {
    const { id } = storeUploadedImage(db, { bytes: Buffer.from(hostile), filename: "logo.svg" });
    const image = getImage(db, id);
    expect(image.contentType).toBe("image/svg+xml");
    const out = image.data.toString("utf8");
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/\son[a-z]+\s*=/i);
    expect(out).not.toMatch(/javascript:/i);
    expect(out).not.toMatch(/foreignObject|<iframe|<embed|<body|<set|<animate/i);
    expect(out).not.toMatch(/evil\.example/);
    expect(out).not.toMatch(/@import|data:text/);
    // What is harmless survives.
    expect(out).toContain('<rect width="10" height="10" fill="url(#g)"/>');
    expect(out).toContain('<use href="#g"/>');
    expect(out).toContain('<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>');
    expect(out).toContain("<style>circle { fill: url(#g) }</style>");
    expect(out).toContain('<path d="M0 0L2 2" style="stroke: blue"/>');
    expect(out).toContain("Hi &amp; bye");
    expect(out.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">')).toBe(true);
    expect(image.sha256).toBe(createHash("sha256").update(image.data).digest("hex"));
  });

  it("keeps xlink:href to fragments and declares the namespace it needs", () => {
    const out = sanitiseSvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/></svg>`);
    expect(out).toBe('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/></svg>');
  });

  it("drops editor metadata and namespaced attributes", () => {
    const out = sanitiseSvg(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3"><metadata><rdf:RDF xmlns:rdf="x"/></metadata><g inkscape:label="Layer 1"><path d="M0 0"/></g></svg>`,
    );
    expect(out).toBe('<svg xmlns="http://www.w3.org/2000/svg"><g><path d="M0 0"/></g></svg>');
  });

  it("accepts a plain DOCTYPE but refuses one that declares entities", () => {
    const ok = `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>`;
    expect(storedText(db, storeUploadedImage(db, { bytes: Buffer.from(ok) }).id)).toContain("<rect");
    const xxe = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>`;
    expect(refusal(() => storeUploadedImage(db, { bytes: Buffer.from(xxe) })).message).toMatch(/cannot be made safe.*entities/);
  });

  it("refuses undeclared entities, broken XML and deep nesting", () => {
    const entity = `<svg xmlns="http://www.w3.org/2000/svg"><text>&lol;</text></svg>`;
    expect(refusal(() => storeUploadedImage(db, { bytes: Buffer.from(entity) })).message).toMatch(/cannot be made safe/);
    const broken = `<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>`;
    expect(refusal(() => storeUploadedImage(db, { bytes: Buffer.from(broken) })).message).toMatch(/not well-formed/);
    const deep = `<svg xmlns="http://www.w3.org/2000/svg">${"<g>".repeat(500)}${"</g>".repeat(500)}</svg>`;
    expect(refusal(() => storeUploadedImage(db, { bytes: Buffer.from(deep) })).message).toMatch(/nest too deeply/);
  });

  it("refuses an SVG in a foreign namespace", () => {
    const xhtml = `<svg xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></svg>`;
    expect(refusal(() => storeUploadedImage(db, { bytes: Buffer.from(xhtml) })).message).toMatch(/not an SVG/);
  });

  it("never lets escaped text turn into markup", () => {
    const out = sanitiseSvg(`<svg><text>&lt;script&gt;alert(1)&lt;/script&gt;</text><text><![CDATA[<img src=x onerror=alert(1)>]]></text></svg>`);
    expect(out).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg"><text>&lt;script&gt;alert(1)&lt;/script&gt;</text><text>&lt;img src=x onerror=alert(1)&gt;</text></svg>',
    );
  });
});

describe("default images", () => {
  it("draws the same badge image for the same name and seed, another for another seed", () => {
    expect(badgeImageSvg("Social Innovation 101", "a")).toBe(badgeImageSvg("Social Innovation 101", "a"));
    expect(badgeImageSvg("Social Innovation 101", "a")).not.toBe(badgeImageSvg("Social Innovation 101", "b"));
  });

  it("uses initials and colours on which white text has AA contrast", () => {
    expect(initialsOf("Social Innovation 101")).toBe("SI");
    expect(initialsOf("école du Nord")).toBe("ÉN");
    expect(initialsOf("Theory of Change")).toBe("TC");
    expect(initialsOf("!!!")).toBe("?");
    const names = Array.from({ length: 200 }, (_, i) => `Organisation number ${i}`);
    for (const svg of [...names.map((n) => logoSvg(n)), ...names.map((n) => badgeImageSvg(n, "seed"))]) {
      const colours = [...svg.matchAll(/stop-color="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
      expect(colours).toHaveLength(2);
      for (const c of colours) expect(contrastWithWhite(c)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("escapes the name in the title", () => {
    expect(logoSvg(`<script>alert(1)</script>`)).toContain("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>");
  });

  it("stores generated images as sanitised SVG that survive the sanitiser unchanged", () => {
    const db = createTestDb();
    const badge = getImage(db, generateDefaultBadgeImage(db, "Theory of Change", "x").id);
    const logo = getImage(db, generateDefaultLogo(db, "Acme Learning").id);
    for (const image of [badge, logo]) {
      expect(image.contentType).toBe("image/svg+xml");
      const text = image.data.toString("utf8");
      expect(sanitiseSvg(text)).toBe(text);
    }
    expect(badge.data.toString()).toContain(">TC</text>");
    expect(logo.data.toString()).toContain(">AL</text>");
  });

  it("records whether a picture was generated or uploaded", () => {
    const db = createTestDb();
    const drawn = generateDefaultBadgeImage(db, "Theory of Change", "x").id;
    const logo = generateDefaultLogo(db, "Acme Learning").id;
    const png = storeUploadedImage(db, { bytes: makePng() }).id;
    // An upload of a picture we once drew is still an upload.
    const svg = storeUploadedImage(db, { bytes: getImage(db, drawn).data }).id;
    expect([drawn, logo, png, svg].map((id) => imageSource(db, id))).toEqual(["generated", "generated", "uploaded", "uploaded"]);
    expect(imageSource(db, "nope")).toBeNull();
  });

  it("a missing image is not found", () => {
    expect(() => getImage(createTestDb(), "nope")).toThrow(/not found/);
  });
});

describe("mirrored images of remote badges", () => {
  it("are judged like uploads and stored once however often they arrive", () => {
    const db = createTestDb();
    const png = makePng(3, 3);
    const first = storeMirroredImage(db, png);
    expect(storeMirroredImage(db, png)).toEqual(first);
    expect(db.select().from(images).all()).toHaveLength(1);
    expect(() => storeMirroredImage(db, TINY_GIF)).toThrow();
    const svg = storeMirroredImage(db, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'));
    const stored = db.select().from(images).all().find((i) => i.id === svg.id)!;
    expect(stored.data.toString("utf8")).not.toContain("onload");
  });
});
