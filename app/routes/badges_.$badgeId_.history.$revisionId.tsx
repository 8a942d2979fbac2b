import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldChange } from "~/components/field-change";
import { formatTime } from "~/components/format";
import {
  BADGE_FIELDS,
  diffLines,
  emptyContent,
  FIELD_LABELS,
  sameValue,
  TEXT_FIELDS,
} from "~/services/badge-content";
import { badgeAccess, restoreRevision, revisionWithParent } from "~/services/badges.server";
import { displayField } from "~/services/draft-display";
import { prerequisiteUris } from "~/services/prerequisites";
import { badgeNamesByUri } from "~/services/drafts.server";
import { imageSource } from "~/services/images.server";
import { handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Revision ${data.revision.number} of ${data.revision.name} · Badge Commons` : "Revision · Badge Commons" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const { db } = context.services;
    const { revision, parent } = revisionWithParent(db, user.id, params.badgeId!, params.revisionId!);
    const access = badgeAccess(db, params.badgeId!, user.id);
    const before = parent?.content ?? emptyContent();
    const after = revision.content;
    const uris = [...prerequisiteUris(before.prerequisites), ...prerequisiteUris(after.prerequisites)];
    const names = Object.fromEntries(badgeNamesByUri(db, uris));
    const imageSources = Object.fromEntries(
      [before.imageId, after.imageId].flatMap((id) => {
        const source = id ? imageSource(db, id) : null;
        return id && source ? [[id, source] as const] : [];
      }),
    );
    const changes = BADGE_FIELDS.filter((f) => !sameValue(before[f], after[f])).map((field) =>
      (TEXT_FIELDS as readonly string[]).includes(field)
        ? { field, label: FIELD_LABELS[field], kind: "lines" as const, lines: textDiff(before[field] as string, after[field] as string) }
        : {
            field,
            label: FIELD_LABELS[field],
            kind: "values" as const,
            before: displayField(field, before[field], names, imageSources),
            after: displayField(field, after[field], names, imageSources),
          },
    );
    return {
      badgeId: access.badge.id,
      canEdit: access.canEdit,
      isCurrent: access.badge.currentRevisionId === revision.id,
      revision: {
        id: revision.id,
        number: revision.number,
        name: after.name,
        authorName: revision.authorName ?? null,
        organisationName: revision.organisationName ?? null,
        createdAt: revision.createdAt.toISOString(),
      },
      parentNumber: parent?.number ?? null,
      changes,
    };
  });
}

/** A line diff in which an empty text has no lines (rather than one empty line). */
function textDiff(before: string, after: string) {
  if (!before) return after.split("\n").map((text) => ({ kind: "added" as const, text }));
  if (!after) return before.split("\n").map((text) => ({ kind: "removed" as const, text }));
  return diffLines(before, after);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const result = restoreRevision(context.services, user.id, params.badgeId!, params.revisionId!);
    if (result.status === "saved") return redirect(`/badges/${params.badgeId}/edit?restored=${result.revision.number}`);
    return redirect(`/badges/${params.badgeId}/edit?unchanged=1`);
  });
}

export default function RevisionPage() {
  const { badgeId, canEdit, isCurrent, revision, parentNumber, changes } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <p className="small row">
        <Link to={`/badges/${badgeId}/history`}>All revisions</Link>
        {canEdit ? <Link to={`/badges/${badgeId}/edit`}>Back to the editor</Link> : null}
      </p>
      <h1>
        Revision {revision.number} of {revision.name}
      </h1>
      <p>
        By {revision.authorName ?? "a former member"}
        {revision.organisationName ? ` (${revision.organisationName})` : ""},{" "}
        <time dateTime={revision.createdAt}>{formatTime(revision.createdAt)}</time>.{" "}
        {parentNumber ? `Compared with revision ${parentNumber}.` : "The first revision, compared with an empty draft."}
      </p>
      {canEdit && !isCurrent ? (
        <Form method="post" className="row">
          <button type="submit" className="secondary" disabled={busy}>
            Restore this revision
          </button>
          <span className="muted small">Its content becomes a new revision; nothing in the history is lost.</span>
        </Form>
      ) : isCurrent ? (
        <p className="muted">This is the current revision.</p>
      ) : null}
      {changes.length === 0 ? <p className="muted">Nothing changed in this revision.</p> : null}
      {changes.map((c) => (
        <FieldChange key={c.field} change={c} />
      ))}
    </div>
  );
}
