// An endorsement's signed Open Badges 3.0 EndorsementCredential, at the URL that is its id.
// Served as `application/ld+json` (JSON-LD, as the badge's Achievement is): every JSON-LD
// processor and browser reads it, and VC 2.0 registered `application/vc` rather than the
// draft-era `application/vc+ld+json`, which is registered nowhere. A client that asks for
// `application/vc` by name gets the same bytes labelled so. Withdrawn: 410; never shown
// (pending, declined) or unknown: 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicEndorsementCredential } from "~/services/endorsement-queries.server";
import { handle } from "~/utils/http.server";

function asksForVc(accept: string | null): boolean {
  return (accept ?? "").split(",").some((range) => {
    const [type, ...params] = range.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    return type === "application/vc" && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { db, publicUrl } = context.services;
  return handle(() => {
    const result = publicEndorsementCredential(db, publicUrl, params.endorsementId ?? "");
    const type = asksForVc(request.headers.get("accept")) ? "application/vc" : "application/ld+json; charset=utf-8";
    const headers = { "Access-Control-Allow-Origin": "*", Vary: "Accept" };
    if (result.state === "withdrawn") {
      return new Response(JSON.stringify({ message: "This endorsement was withdrawn.", id: result.uri }), {
        status: 410,
        headers: { ...headers, "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" },
      });
    }
    return new Response(JSON.stringify(result.credential, null, 2), {
      headers: { ...headers, "Content-Type": type, "Cache-Control": "public, max-age=60" },
    });
  });
}
