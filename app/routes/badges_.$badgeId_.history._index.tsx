import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatTime } from "~/components/format";
import { FIELD_LABELS, type BadgeField } from "~/services/badge-content";
import { currentRevision, listRevisions, requireView, revisionContent } from "~/services/badges.server";
import { handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `History of ${data?.name ?? "a badge"} · Badge Commons` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const { db } = context.services;
    const access = requireView(db, params.badgeId!, user.id);
    const revisions = listRevisions(db, user.id, access.badge.id);
    const numbers = new Map(revisions.map((r) => [r.id, r.number]));
    return {
      badgeId: access.badge.id,
      name: revisionContent(currentRevision(db, access.badge)).name,
      canEdit: access.canEdit,
      isMember: access.authors.some((a) => a.role !== null),
      revisions: revisions.map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        changedFields: r.changedFields.map((f) => FIELD_LABELS[f as BadgeField] ?? f),
        restoredFrom: r.restoredFromRevisionId ? (numbers.get(r.restoredFromRevisionId) ?? null) : null,
      })),
    };
  });
}

export default function History() {
  const { badgeId, name, canEdit, isMember, revisions } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p className="small row">
        {canEdit ? <Link to={`/badges/${badgeId}/edit`}>Back to the editor</Link> : null}
        {isMember ? <Link to={`/badges/${badgeId}/comments`}>Discussion</Link> : null}
      </p>
      <h1>History of {name}</h1>
      <p className="muted">Every saved state of the draft, newest first. Open a revision to see what changed.</p>
      <table className="history">
        <caption className="visually-hidden">Revisions of {name}</caption>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">By</th>
            <th scope="col">When</th>
            <th scope="col">Changed</th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr key={r.id} aria-current={r.isCurrent ? "true" : undefined}>
              <td>
                <Link to={`/badges/${badgeId}/history/${r.id}`}>Revision {r.number}</Link>
                {r.isCurrent ? <span className="pill"> current</span> : null}
              </td>
              <td>
                {r.authorName ?? "A former member"}
                {r.organisationName ? <span className="muted"> · {r.organisationName}</span> : null}
              </td>
              <td>
                <time dateTime={r.createdAt}>{formatTime(r.createdAt)}</time>
              </td>
              <td>
                {r.restoredFrom ? <>Restored revision {r.restoredFrom}: </> : null}
                {r.changedFields.length ? r.changedFields.join(", ") : <span className="muted">nothing</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
