import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Comments, mergeComments, type CommentItem } from "~/components/comments";
import { ConflictNotice, EditorNotice } from "~/components/editor-notices";
import { DraftForm } from "~/components/draft-form";
import { FormMessage } from "~/components/forms";
import { PresenceBar } from "~/components/presence";
import type { CommentAddedMessage, RevisionSavedMessage } from "~/realtime/protocol";
import { PAGE_REFRESH_MS, throttle } from "~/realtime/throttle";
import { useLiveDraft } from "~/realtime/use-live-draft";
import { BADGE_FIELDS, FIELD_LABELS, type BadgeField } from "~/services/badge-content";
import { currentRevision, requireEdit, revisionContent } from "~/services/badges.server";
import { listComments } from "~/services/comments.server";
import { displayField } from "~/services/draft-display";
import { saveDraftForm, saveDraftImage } from "~/services/draft-save.server";
import { valuesFromContent, valuesFromForm } from "~/services/draft-values";
import { badgeNamesByUri, prerequisiteOptions } from "~/services/drafts.server";
import { unavailablePrerequisites } from "~/services/prerequisite-targets.server";
import { prerequisiteUris, type Prerequisites } from "~/services/prerequisites";
import { imageSource } from "~/services/images.server";
import { formAction, handle, requireUser } from "~/utils/http.server";
import { readDraftForm } from "~/utils/draft-form.server";
import { renderMarkdown } from "~/utils/markdown.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.values.name ? `Editing ${data.values.name}` : "Edit badge"} · Badge Commons` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const { db } = context.services;
    const access = requireEdit(db, params.badgeId!, user.id);
    const current = currentRevision(db, access.badge);
    const content = revisionContent(current);
    return {
      badge: { id: access.badge.id, uri: access.badge.uri, status: access.badge.status, approvalPolicy: access.badge.approvalPolicy },
      authors: access.authors.map((a) => ({ name: a.organisation.name, isSteward: a.isSteward })),
      editingAs: access.editingAs?.name ?? null,
      revision: { id: current.id, number: current.number },
      values: valuesFromContent(content),
      image: content.imageId ? currentImage(db, content.imageId) : null,
      criteriaHtml: renderMarkdown(content.criteria),
      prerequisiteOptions: prerequisiteOptions(db, { excludeBadgeId: access.badge.id, include: prerequisiteUris(content.prerequisites) }),
      unavailablePrerequisites: unavailablePrerequisites(db, context.services.publicUrl, content.prerequisites),
      comments: listComments(db, user.id, access.badge.id).map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
      notice: noticeFrom(new URL(request.url).searchParams),
    };
  });
}

function currentImage(db: Parameters<typeof imageSource>[0], id: string) {
  const source = imageSource(db, id);
  return source ? { id, source } : null;
}

function noticeFrom(params: URLSearchParams) {
  const number = Number(params.get("saved") ?? params.get("restored"));
  const merged = (params.get("merged") ?? "")
    .split(",")
    .filter((f): f is BadgeField => (BADGE_FIELDS as string[]).includes(f))
    .map((f) => FIELD_LABELS[f]);
  if (params.has("started")) return { kind: "started" as const };
  if (params.has("restored") && number > 0) return { kind: "restored" as const, number };
  if (params.has("saved") && number > 0) return { kind: "saved" as const, number, merged };
  if (params.has("unchanged")) return { kind: "unchanged" as const };
  return null;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const badgeId = params.badgeId!;
  const { form, image } = await handle(() => readDraftForm(request));
  const removeImage = form.get("removeImage") === "1";
  if (form.get("intent") === "image") {
    // The live editor's image upload: only the image changes.
    return formAction({}, async () => ({ ok: true as const, ...(await saveDraftImage(context.services, user.id, badgeId, { image, removeImage })) }));
  }
  const values = valuesFromForm(form);
  const baseRevisionId = String(form.get("baseRevisionId") ?? "");
  return formAction({ ...values, baseRevisionId }, async () => {
    const result = await saveDraftForm(context.services, user.id, badgeId, { values, baseRevisionId, removeImage, image });
    const to = `/badges/${badgeId}/edit`;
    switch (result.status) {
      case "saved":
        return redirect(`${to}?saved=${result.number}${result.merged.length ? `&merged=${result.merged.join(",")}` : ""}`);
      case "unchanged":
        return redirect(`${to}?unchanged=1`);
      case "conflict": {
        const uris = result.conflicts
          .filter((c) => c.field === "prerequisites")
          .flatMap((c) => [...prerequisiteUris(c.mine as Prerequisites), ...prerequisiteUris(c.theirs as Prerequisites)]);
        const names = Object.fromEntries(badgeNamesByUri(context.services.db, uris));
        return data(
          {
            ok: false as const,
            message: "Someone saved the draft while you were editing it, and some of the same fields changed.",
            fieldErrors: {},
            values: { ...result.values, baseRevisionId: result.current.id },
            conflict: {
              revisionNumber: result.current.number,
              fields: result.conflicts.map((c) => ({
                field: c.field,
                label: FIELD_LABELS[c.field],
                mine: displayField(c.field, c.mine, names),
                theirs: displayField(c.field, c.theirs, names),
              })),
            },
          },
          { status: 409 },
        );
      }
    }
  });
}

export default function EditBadge() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const revalidator = useRevalidator();
  const [arrived, setArrived] = useState<CommentItem[]>([]);

  const failure = result && "fieldErrors" in result ? result : null;
  const conflict = failure && "conflict" in failure ? failure.conflict : null;
  const typed = failure && "values" in failure && "name" in failure.values ? failure.values : null;
  const errors: Record<string, string[] | undefined> = failure?.fieldErrors ?? {};

  const onComment = useCallback((m: CommentAddedMessage) => {
    setArrived((list) => (list.some((c) => c.id === m.id) ? list : [...list, m]));
  }, []);
  // Refresh what the server renders (preview, image): at once after a form save or a
  // restore, at most every few seconds for live commits (many editors commit often), and
  // always after the last of them.
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const refresh = useMemo(() => throttle(() => revalidate.current(), PAGE_REFRESH_MS), []);
  useEffect(() => () => refresh.cancel(), [refresh]);
  const onRevision = useCallback((m: RevisionSavedMessage) => (m.source === "live" ? refresh.request() : refresh.flush()), [refresh]);
  const live = useLiveDraft({ badgeId: loaded.badge.id, onComment, onRevision });
  const liveErrors = live.save.state === "invalid" ? live.save.fieldErrors : {};

  // A new answer from the server (errors, conflict) gives the form fresh starting values;
  // nothing else remounts it (that would take the caret away from someone typing).
  const answers = useRef({ result, count: 0 });
  if (answers.current.result !== result) answers.current = { result, count: answers.current.count + 1 };
  const formKey = `answer-${answers.current.count}`;
  const comments = mergeComments(loaded.comments, arrived);
  const name = live.values?.name ?? loaded.values.name;

  return (
    <div className="editor">
      <header className="editor-head">
        <p className="muted small">
          <span className={`pill ${loaded.badge.status}`}>{loaded.badge.status}</span> Steward:{" "}
          {loaded.authors.filter((a) => a.isSteward).map((a) => a.name)}
          {loaded.authors.length > 1 ? ` · co-authors: ${loaded.authors.filter((a) => !a.isSteward).map((a) => a.name).join(", ")}` : ""}
          {loaded.editingAs ? ` · your edits are credited to ${loaded.editingAs}` : ""}
        </p>
        <h1>
          <span className="visually-hidden">Editing </span>
          {name || "Untitled badge"}
        </h1>
        <p className="row small">
          <span>Revision {live.revision?.number ?? loaded.revision.number}</span>
          <Link to={`/badges/${loaded.badge.id}/history`}>History</Link>
        </p>
      </header>
      <PresenceBar status={live.status} peers={live.peers} me={live.me} save={live.save} />
      {failure ? null : <EditorNotice notice={loaded.notice} />}
      {conflict ? <ConflictNotice conflict={conflict} historyHref={`/badges/${loaded.badge.id}/history`} /> : failure ? <FormMessage message={failure.message} /> : null}
      <div className="two-col">
        <div className="card">
          <DraftForm
            key={formKey}
            badgeId={loaded.badge.id}
            initial={typed ?? loaded.values}
            baseRevisionId={typed?.baseRevisionId ?? loaded.revision.id}
            errors={{ ...liveErrors, ...errors }}
            prerequisiteOptions={loaded.prerequisiteOptions}
            unavailablePrerequisites={loaded.unavailablePrerequisites}
            image={loaded.image}
            live={live}
            busy={busy}
          />
        </div>
        <aside className="stack">
          <section className="card" aria-labelledby="preview-heading">
            <h2 id="preview-heading">Preview</h2>
            <p className="muted small">The criteria as last saved (revision {loaded.revision.number}).</p>
            {loaded.criteriaHtml ? (
              <div className="markdown" dangerouslySetInnerHTML={{ __html: loaded.criteriaHtml }} />
            ) : (
              <p className="muted">No criteria yet.</p>
            )}
          </section>
          <Comments badgeId={loaded.badge.id} comments={comments} redirectTo={`/badges/${loaded.badge.id}/edit`} />
        </aside>
      </div>
    </div>
  );
}
