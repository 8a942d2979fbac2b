// Reads the draft form, which is multipart when it carries an image. The image is held
// in memory up to the limit; a bigger one is noted (not an exception), so the other
// fields are still read and the form comes back with everything typed.
import {
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
  type UploadHandler,
} from "@remix-run/node";
import type { UploadedImage } from "~/services/images.server";
import { ValidationError } from "~/services/errors";

export const MAX_IMAGE_BYTES = 1024 * 1024;

export type ImagePart = UploadedImage | "too-large" | null;

export async function readDraftForm(request: Request): Promise<{ form: FormData; image: ImagePart }> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) return { form: await request.formData(), image: null };
  let image: ImagePart = null;
  const imageHandler: UploadHandler = async ({ name, filename, contentType, data }) => {
    if (name !== "image" || filename === undefined) return undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      // Keep reading (the stream must be drained) but stop keeping.
      if (size <= MAX_IMAGE_BYTES) chunks.push(chunk);
    }
    if (!filename && size === 0) return undefined; // no file chosen
    image = size > MAX_IMAGE_BYTES ? "too-large" : { bytes: Buffer.concat(chunks), contentType, filename };
    return undefined;
  };
  try {
    const form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(imageHandler, unstable_createMemoryUploadHandler({ maxPartSize: 256 * 1024 })),
    );
    return { form, image };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      throw new ValidationError("A field is far too long.", { form: ["A field is far too long."] });
    }
    throw error;
  }
}
