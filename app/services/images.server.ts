// PLACEHOLDER from the `editor` branch, to be replaced by the real image service that is
// being written on another branch (upload checks, SVG sanitising, storage in `images`).
// The draft editor calls `storeBadgeImage` only; until the real module lands, uploads are
// refused with a clear message and nothing is stored. Nothing else may build on this file.
import type { ServiceContext } from "./context.server";
import { ValidationError } from "./errors";

export interface UploadedImage {
  bytes: Uint8Array;
  // As the browser declared it; the real service must check the bytes themselves.
  contentType: string;
  filename: string;
}

/** Stores an uploaded badge image (PNG or SVG, at most 1 MiB) and returns its image id. */
export async function storeBadgeImage(_ctx: ServiceContext, _upload: UploadedImage): Promise<string> {
  throw new ValidationError("Image uploads are not available yet on this instance.", {
    image: ["Image uploads are not available yet; the generated image is kept."],
  });
}
