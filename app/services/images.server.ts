// Pictures people upload (organisation logos, badge images) and the default ones we
// draw. The kind of a file is decided from its bytes, never from its name or the type the
// browser claimed: a PNG must be a structurally sound PNG, an SVG is rebuilt from an
// allowlist (svg-sanitise.server.ts). Everything else is refused with a clear reason.
import { createHash, randomUUID } from "node:crypto";
import { crc32 } from "node:zlib";
import { eq } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { images, type Image, type ImageSource } from "../../db/schema";
import { badgeImageSvg, logoSvg } from "./default-images.server";
import { NotFoundError, ValidationError } from "./errors";
import { looksLikeSvg, sanitiseSvg, UnsafeSvgError } from "./svg-sanitise.server";

export const MAX_IMAGE_BYTES = 1024 * 1024;
// A bigger canvas than this is a decompression bomb, not a logo.
const MAX_PNG_SIDE = 8192;

export type ImageContentType = Image["contentType"];

export interface UploadedFile {
  bytes: Buffer | Uint8Array;
  // What the browser claimed; shown in messages only, never trusted.
  contentType?: string;
  filename?: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Allowed bit depths for each PNG colour type (PNG spec, table 11.1).
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function formatSize(bytes: number) {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** Checks a PNG's signature, its IHDR header and the chunk structure up to IEND. */
function checkPng(data: Buffer): string | null {
  const damaged = "This PNG file is damaged or incomplete; export it again and retry.";
  if (data.length < 8 + 25 + 12) return damaged;
  let pos = 8;
  let first = true;
  let sawData = false;
  while (pos + 12 <= data.length) {
    const length = data.readUInt32BE(pos);
    const type = data.toString("latin1", pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > data.length || !/^[A-Za-z]{4}$/.test(type)) return damaged;
    const crc = data.readUInt32BE(pos + 8 + length);
    if (crc32(data.subarray(pos + 4, pos + 8 + length)) !== crc) return damaged;
    if (first) {
      if (type !== "IHDR" || length !== 13) return damaged;
      const width = data.readUInt32BE(pos + 8);
      const height = data.readUInt32BE(pos + 12);
      const depth = data[pos + 16];
      const colour = data[pos + 17];
      if (width === 0 || height === 0 || !PNG_DEPTHS[colour]?.includes(depth)) return damaged;
      if (data[pos + 18] !== 0 || data[pos + 19] !== 0 || data[pos + 20] > 1) return damaged;
      if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
        return `This PNG is ${width}×${height} pixels; at most ${MAX_PNG_SIDE}×${MAX_PNG_SIDE} is accepted.`;
      }
      first = false;
    } else if (type === "IDAT") {
      sawData = true;
    } else if (type === "IEND") {
      return sawData && end === data.length ? null : damaged;
    }
    pos = end;
  }
  return damaged;
}

/** Names what a refused file really is, for a message people can act on. */
function describeOther(data: Buffer): string {
  const head = data.subarray(0, 512).toString("latin1").trimStart().toLowerCase();
  if (head.startsWith("gif87a") || head.startsWith("gif89a")) return "GIF images are not accepted. Upload a PNG or SVG image.";
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "JPEG images are not accepted. Upload a PNG or SVG image.";
  if (head.startsWith("riff") && head.slice(8, 12) === "webp") return "WebP images are not accepted. Upload a PNG or SVG image.";
  if (/^(<!doctype html|<html|<head|<body|<script|<iframe)/.test(head)) {
    return "This file is an HTML page, not an image, whatever its name says. Upload a PNG or SVG image.";
  }
  return "This file is not a PNG or SVG image, whatever its name says. Upload a PNG or SVG image.";
}

/**
 * Decides what an upload is and returns the bytes to store: the PNG as it came, or the
 * sanitised SVG. Throws ValidationError (on `field`) for anything else.
 */
export function inspectImage(file: UploadedFile, field = "image"): { contentType: ImageContentType; data: Buffer } {
  const data = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
  const refuse = (message: string): never => {
    throw new ValidationError(message, { [field]: [message] });
  };
  if (data.length === 0) refuse("The file is empty. Choose a PNG or SVG image.");
  if (data.length > MAX_IMAGE_BYTES) {
    refuse(`The image is ${formatSize(data.length)}; at most 1 MiB is accepted. Upload a smaller PNG or SVG.`);
  }
  if (data.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const problem = checkPng(data);
    if (problem) refuse(problem);
    return { contentType: "image/png", data };
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  if (!text.includes("\uFFFD") && looksLikeSvg(text)) {
    try {
      return { contentType: "image/svg+xml", data: Buffer.from(sanitiseSvg(text), "utf8") };
    } catch (error) {
      if (error instanceof UnsafeSvgError) refuse(error.message);
      throw error;
    }
  }
  return refuse(describeOther(data));
}

function insertImage(db: DatabaseLike, contentType: ImageContentType, data: Buffer, source: ImageSource): { id: string } {
  const id = randomUUID();
  const sha256 = createHash("sha256").update(data).digest("hex");
  db.insert(images).values({ id, contentType, data, sha256, source }).run();
  return { id };
}

/** Validates and stores an uploaded PNG or SVG (at most 1 MiB). */
export function storeUploadedImage(db: DatabaseLike, file: UploadedFile, options: { field?: string } = {}): { id: string } {
  const { contentType, data } = inspectImage(file, options.field);
  return insertImage(db, contentType, data, "uploaded");
}

/**
 * Stores our copy of a remote badge's image, judged by its bytes like an upload (PNG by
 * structure, SVG rebuilt from the allowlist); an image already held is not stored twice.
 */
export function storeMirroredImage(db: DatabaseLike, bytes: Buffer): { id: string } {
  const { contentType, data } = inspectImage({ bytes });
  const sha256 = createHash("sha256").update(data).digest("hex");
  const held = db.select({ id: images.id }).from(images).where(eq(images.sha256, sha256)).get();
  return held ?? insertImage(db, contentType, data, "uploaded");
}

/** Stores an SVG we drew ourselves, through the same sanitiser as uploads. */
function storeGeneratedSvg(db: DatabaseLike, svg: string): { id: string } {
  return insertImage(db, "image/svg+xml", Buffer.from(sanitiseSvg(svg), "utf8"), "generated");
}

/** A default badge picture: the same name and seed always give the same image. */
export function generateDefaultBadgeImage(db: DatabaseLike, name: string, seed = ""): { id: string } {
  return storeGeneratedSvg(db, badgeImageSvg(name, seed));
}

/** A default organisation logo drawn from its name. */
export function generateDefaultLogo(db: DatabaseLike, name: string): { id: string } {
  return storeGeneratedSvg(db, logoSvg(name));
}

export function getImage(db: DatabaseLike, id: string): Image {
  const image = db.select().from(images).where(eq(images.id, id)).get();
  if (!image) throw new NotFoundError("That image");
  return image;
}

/** Whether a stored picture was drawn by us or uploaded; null when there is no such image. */
export function imageSource(db: DatabaseLike, id: string): ImageSource | null {
  return db.select({ source: images.source }).from(images).where(eq(images.id, id)).get()?.source ?? null;
}

/** What the badge editor hands over from a multipart form. */
export type UploadedImage = UploadedFile;

/** Stores an uploaded badge image (checked and sanitised as above) and returns its id. */
export async function storeBadgeImage(ctx: { db: DatabaseLike }, upload: UploadedImage): Promise<string> {
  return storeUploadedImage(ctx.db, upload, { field: "image" }).id;
}

/** The media type of a stored image, without reading its bytes; null when there is none. */
export function imageContentType(db: DatabaseLike, id: string): ImageContentType | null {
  return db.select({ contentType: images.contentType }).from(images).where(eq(images.id, id)).get()?.contentType ?? null;
}
