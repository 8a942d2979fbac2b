// Reading forms that carry a file. Parts are held in memory with a cap per part; a part
// over the cap becomes a field error (the rest of the form is still read, so what the
// user typed is kept) instead of an exception and a 500.
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import { MAX_IMAGE_BYTES, type UploadedFile } from "~/services/images.server";
import { isValidationError, ValidationError, type FieldErrors } from "~/services/errors";

// Text fields of our forms are small; files are capped separately.
const MAX_TEXT_PART_BYTES = 64 * 1024;
// Past this the request is not a form someone filled in; stop reading it.
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const MAX_PARTS = 100;

export interface ParsedUploadForm {
  form: FormData;
  // Errors found while reading, keyed by field (a file over the cap, a field too long).
  errors: FieldErrors;
}

type Part = Parameters<UploadHandler>[0];

/**
 * Reads a multipart (or urlencoded) form. Files up to `maxFileBytes` (1 MiB by default)
 * come back as File entries; a larger file is dropped and named in `errors`.
 */
export async function readUploadForm(
  request: Request,
  { maxFileBytes = MAX_IMAGE_BYTES }: { maxFileBytes?: number } = {},
): Promise<ParsedUploadForm> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return { form: await request.formData(), errors: {} };
  const errors: FieldErrors = {};
  const fileHandler = unstable_createMemoryUploadHandler({ maxPartSize: maxFileBytes });
  const textHandler = unstable_createMemoryUploadHandler({ maxPartSize: MAX_TEXT_PART_BYTES });
  let total = 0;
  let parts = 0;

  const handler: UploadHandler = async (part: Part) => {
    if (++parts > MAX_PARTS) throw new ValidationError("This form has too many fields.");
    const counted = countBytes(part, (n) => {
      total += n;
      if (total > MAX_REQUEST_BYTES) throw new ValidationError("This upload is far too large; files may be at most 1 MiB.");
    });
    const isFile = typeof part.filename === "string";
    try {
      const value = await (isFile ? fileHandler : textHandler)(counted);
      // A file input left empty arrives as a nameless, empty part.
      if (isFile && value instanceof File && value.size === 0 && !part.filename) return undefined;
      return value;
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error;
      for await (const _ of counted.data) {
        // Read and discard the rest of the part so that the fields after it are still parsed.
      }
      const message = isFile
        ? `The file is larger than ${maxFileBytes >= 1024 * 1024 ? `${maxFileBytes / (1024 * 1024)} MiB` : `${Math.round(maxFileBytes / 1024)} KiB`}. Choose a smaller one.`
        : "This field is far too long.";
      (errors[part.name] ??= []).push(message);
      return undefined;
    }
  };

  try {
    return { form: await unstable_parseMultipartFormData(request, handler), errors };
  } catch (error) {
    if (isValidationError(error)) throw error;
    // A malformed body is the client's mistake, not ours.
    if (error instanceof TypeError || (error instanceof Error && /malformed|multipart/i.test(error.message))) {
      throw new ValidationError("The form could not be read. Please send it again.");
    }
    throw error;
  }
}

function countBytes(part: Part, onBytes: (n: number) => void): Part {
  const source = part.data[Symbol.asyncIterator]();
  const data: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        const result = await source.next();
        if (!result.done) onBytes(result.value.byteLength);
        return result;
      },
    }),
  };
  return { ...part, data };
}

/** The file sent in `name`, or null when none was chosen. */
export async function uploadedFile(form: FormData, name: string): Promise<UploadedFile | null> {
  const value = form.get(name);
  if (!value || typeof value === "string" || value.size === 0) return null;
  return {
    bytes: new Uint8Array(await value.arrayBuffer()),
    contentType: value.type || undefined,
    filename: value.name || undefined,
  };
}

/** The named text fields of a form, as strings (missing ones empty), to keep what was typed. */
export function pickText<K extends string>(form: FormData, names: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = form.get(name);
    out[name] = typeof value === "string" ? value : "";
  }
  return out;
}
