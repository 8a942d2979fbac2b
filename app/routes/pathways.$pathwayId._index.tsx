import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PathwayPage, type PathwayPageView } from "~/components/pathway-page";
import { hasUnpublishedChanges } from "~/services/pathway-publishing.server";
import { describePathway, pathwayVersionView } from "~/services/pathway-queries.server";
import { drawPathwayGraph } from "~/services/pathway-graph.server";
import { learnerBadgeUris } from "~/services/learner-badges.server";
import { currentPathwayRevision, pathwayAccess, pathwayRevisionContent } from "~/services/pathways.server";
import { NotFoundError } from "~/services/errors";
import { handle, optionalUser } from "~/utils/http.server";
import { orgView as org, pathwayPageView } from "~/utils/pathway-view";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.pathway.name} · Pathway · Badge Commons` : "Pathway · Badge Commons" },
  { name: "description", content: data?.pathway.summary.slice(0, 200) ?? "" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(async () => {
    const { db } = context.services;
    const learner = user ? learnerBadgeUris(db, user.id) : null;
    const access = pathwayAccess(db, params.pathwayId!, user?.id ?? null);
    const { pathway } = access;
    if (pathway.status === "withdrawn") throw data({ message: "This pathway was withdrawn by its steward." }, { status: 410 });
    if (!access.canView) throw new NotFoundError("That pathway");
    const local = !access.steward.host;
    const tools = { canEdit: access.canEdit, isMember: access.isMember && local, draftAhead: false };
    if (pathway.status === "draft") {
      // Only its authors get here: a preview of the draft as it stands.
      const content = pathwayRevisionContent(currentPathwayRevision(db, pathway));
      const structure = describePathway(db, content);
      return {
        preview: true,
        tools,
        graph: await drawPathwayGraph(db, structure, learner),
        pathway: {
          ...structure,
          id: pathway.id,
          status: "draft" as const,
          steward: org(access.steward),
          coAuthors: access.authors.filter((a) => !a.isSteward).map((a) => org(a.organisation)),
          home: null,
          version: null,
          versions: [],
        } satisfies PathwayPageView,
      };
    }
    tools.draftAhead = access.isMember && local && hasUnpublishedChanges(db, pathway);
    const view = pathwayVersionView(db, pathway.id);
    return { preview: false, tools, pathway: pathwayPageView(view), graph: await drawPathwayGraph(db, view, learner) };
  });
}

export default function PathwayRoute() {
  const { pathway, preview, tools, graph } = useLoaderData<typeof loader>();
  return (
    <PathwayPage
      pathway={pathway}
      graph={graph}
      notice={
        preview ? (
          <p className="notice warn" role="status">
            A draft, seen only by its authors. It becomes public once a version is published.
          </p>
        ) : pathway.status === "deprecated" ? (
          <p className="notice warn">This pathway is deprecated: it is kept for reference and no longer maintained.</p>
        ) : null
      }
      tools={
        tools.isMember ? (
          <nav aria-label="Authors" className="row author-tools">
            {tools.canEdit ? (
              <Link className="button small" to={`/pathways/${pathway.id}/edit`}>
                Edit the draft
              </Link>
            ) : null}
            <Link className="button small secondary" to={`/pathways/${pathway.id}/publishing`}>
              Approve and publish
            </Link>
            <Link className="button small secondary" to={`/pathways/${pathway.id}/history`}>
              History
            </Link>
            {tools.draftAhead ? <span className="muted small">The draft has changes not yet published.</span> : null}
          </nav>
        ) : null
      }
    />
  );
}
