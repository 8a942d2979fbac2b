// Stored images (logos, badge images). Ids never change meaning, so responses are cached
// for good; the CSP and sandbox keep an SVG opened on its own from running anything.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getImage } from "~/services/images.server";
import { isDomainError } from "~/services/errors";

const IMAGE_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  // X-Content-Type-Options: nosniff comes from server.ts for every response.
  "Cross-Origin-Resource-Policy": "cross-origin",
};

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  let image;
  try {
    image = getImage(context.services.db, params.imageId ?? "");
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return new Response("Image not found.", {
      status: 404,
      headers: { ...IMAGE_HEADERS, "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const etag = `"${image.sha256}"`;
  const headers = {
    ...IMAGE_HEADERS,
    "Content-Type": image.contentType,
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: etag,
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(image.data), { headers });
}
