import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Comments } from "~/components/comments";
import { requireView, revisionContent, currentRevision } from "~/services/badges.server";
import { addComment, listComments } from "~/services/comments.server";
import { formAction, handle, requireUser, safeRedirectPath } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Discussion · Badge Commons" }];

// The discussion on its own page: for members who may comment but not edit (viewers),
// and where the editor's comment form posts when JavaScript is off.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const { db } = context.services;
    const comments = listComments(db, user.id, params.badgeId!);
    const access = requireView(db, params.badgeId!, user.id);
    return {
      badge: { id: access.badge.id, name: revisionContent(currentRevision(db, access.badge)).name },
      canEdit: access.canEdit,
      comments: comments.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const values = { body: String(form.get("body") ?? "") };
  const back = safeRedirectPath(form.get("redirectTo"), `/badges/${params.badgeId}/comments`);
  return formAction(values, () => {
    addComment(context.services, user.id, params.badgeId!, values);
    // With JavaScript the form says so and stays on its page; a plain form goes back.
    if (form.get("stay") === "1") return { ok: true as const };
    return redirect(`${back}${back.includes("?") ? "&" : "?"}commented=1#comments-heading`);
  });
}

export default function BadgeComments() {
  const { badge, canEdit, comments } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failed = result && "fieldErrors" in result ? result : null;
  return (
    <div className="stack">
      <p className="small">
        {canEdit ? <Link to={`/badges/${badge.id}/edit`}>Back to the editor</Link> : null}{" "}
        <Link to={`/badges/${badge.id}/history`}>History</Link>
      </p>
      <h1>Discussion of {badge.name}</h1>
      <Comments
        badgeId={badge.id}
        comments={comments}
        redirectTo={`/badges/${badge.id}/comments`}
        errors={failed?.fieldErrors.body}
        typed={failed?.values.body}
      />
    </div>
  );
}
