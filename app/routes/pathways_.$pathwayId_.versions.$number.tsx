import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PathwayPage } from "~/components/pathway-page";
import { NotFoundError } from "~/services/errors";
import { getPathwayVersion } from "~/services/pathway-publishing.server";
import { pathwayVersionView } from "~/services/pathway-queries.server";
import { handle, optionalUser } from "~/utils/http.server";
import { drawPathwayGraph } from "~/services/pathway-graph.server";
import { learnerBadgeUris } from "~/services/learner-badges.server";
import { pathwayPageView } from "~/utils/pathway-view";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.pathway.name}, version ${data.pathway.version?.number} · Badge Commons` : "Pathway version · Badge Commons" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(async () => {
    const number = Number(params.number);
    if (!/^[1-9]\d{0,8}$/.test(params.number ?? "")) throw new NotFoundError("That version");
    const { db } = context.services;
    const view = pathwayVersionView(db, params.pathwayId!, number);
    // The hash is recomputed from what is stored: a version altered afterwards says so.
    const verified = getPathwayVersion(db, view.id, number).verified;
    const graph = await drawPathwayGraph(db, view, user ? learnerBadgeUris(db, user.id) : null);
    return { pathway: pathwayPageView(view), latestNumber: view.latestNumber, verified, graph };
  });
}

export default function PathwayVersionRoute() {
  const { pathway, latestNumber, verified, graph } = useLoaderData<typeof loader>();
  const number = pathway.version!.number;
  return (
    <PathwayPage
      pathway={pathway}
      graph={graph}
      notice={
        <div className={`notice ${verified ? "info" : "bad"}`}>
          <p>
            Version {number} of this pathway, as published: it never changes.{" "}
            {number < latestNumber ? (
              <>
                The latest is <Link to={`/pathways/${pathway.id}`}>version {latestNumber}</Link>.
              </>
            ) : (
              <>
                It is the latest; <Link to={`/pathways/${pathway.id}`}>the pathway&rsquo;s page</Link> shows it too.
              </>
            )}
          </p>
          <p className="small">
            Content hash (sha256): <code className="hash">{pathway.version!.contentHash}</code>{" "}
            {verified ? "— recomputed from the stored content, and it matches." : "— it does NOT match the stored content."}
          </p>
        </div>
      }
    />
  );
}
