// The badge's latest published version as an Open Badges 3.0 Achievement (JSON-LD).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPublicBadge } from "~/services/catalogue.server";
import { acceptedEndorsementCredentials } from "~/services/endorsement-queries.server";
import { toAchievement } from "~/services/open-badges.server";
import { handle } from "~/utils/http.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db, publicUrl } = context.services;
  return handle(() => {
    // Drafts are not public: getPublicBadge answers NotFound for them.
    const badge = getPublicBadge(db, params.badgeId ?? "");
    const endorsements = acceptedEndorsementCredentials(db, badge.id);
    return new Response(JSON.stringify(toAchievement({ ...badge, endorsements }, { publicUrl }), null, 2), {
      headers: {
        "Content-Type": "application/ld+json; charset=utf-8",
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "public, max-age=60",
      },
    });
  });
}
