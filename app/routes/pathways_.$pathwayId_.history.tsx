import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/publishing";
import { PATHWAY_FIELD_LABELS, type PathwayField } from "~/services/pathway-content";
import { listPathwayVersions } from "~/services/pathway-publishing.server";
import { currentPathwayRevision, listPathwayRevisions, pathwayAccess, pathwayRevisionContent } from "~/services/pathways.server";
import { handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `History of ${data?.name ?? "a pathway"} · Badge Commons` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const { db } = context.services;
    // Authors only: listPathwayRevisions refuses anyone else.
    const revisions = listPathwayRevisions(db, params.pathwayId!, user.id);
    const access = pathwayAccess(db, params.pathwayId!, user.id);
    const published = new Map(listPathwayVersions(db, access.pathway.id).flatMap((v) => (v.revisionId ? [[v.revisionId, v.number]] : [])));
    return {
      id: access.pathway.id,
      name: pathwayRevisionContent(currentPathwayRevision(db, access.pathway)).name,
      canEdit: access.canEdit,
      revisions: revisions.map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        changed: r.changedFields.map((f) => PATHWAY_FIELD_LABELS[f as PathwayField] ?? f),
        publishedAs: published.get(r.id) ?? null,
        current: r.id === access.pathway.currentRevisionId,
      })),
    };
  });
}

export default function PathwayHistory() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p className="small row">
        {d.canEdit ? <Link to={`/pathways/${d.id}/edit`}>Back to the editor</Link> : null}
        <Link to={`/pathways/${d.id}`}>The pathway&rsquo;s page</Link>
      </p>
      <h1>History of {d.name}</h1>
      <p className="muted">Every saved revision of the draft, newest first: who saved it, when, and what it changed.</p>
      <div className="table-wrap">
        <table className="history">
          <caption className="visually-hidden">Revisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {d.revisions.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  #{r.number}
                  {r.current ? <span className="pill">current</span> : null}
                  {r.publishedAs ? <span className="pill published">version {r.publishedAs}</span> : null}
                </th>
                <td>
                  <DateTime iso={r.createdAt} />
                </td>
                <td>
                  {r.authorName ?? "A former member"}
                  {r.organisationName ? <span className="muted"> for {r.organisationName}</span> : null}
                </td>
                <td>{r.changed.join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
