// The co-authors' discussion of a draft. Bodies are plain text: React escapes them and
// CSS keeps their line breaks; nothing is ever rendered as HTML. Posting works as a plain
// form (redirect back) and, with JavaScript, without leaving the page.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatTime } from "~/components/format";

export interface CommentItem {
  id: string;
  body: string;
  authorName: string | null;
  organisationName: string | null;
  createdAt: string;
}

export function Comments({
  badgeId,
  comments,
  redirectTo,
  errors,
  typed,
}: {
  badgeId: string;
  comments: CommentItem[];
  // Where a plain form post returns to.
  redirectTo: string;
  // From a plain (no JavaScript) post that failed.
  errors?: string[];
  typed?: string;
}) {
  const fetcher = useFetcher<{ ok: boolean; fieldErrors?: { body?: string[] }; values?: { body?: string } }>();
  const formRef = useRef<HTMLFormElement>(null);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.fieldErrors?.body : errors;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) formRef.current?.reset();
  }, [fetcher.state, fetcher.data]);
  return (
    <section className="card comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">Discussion</h2>
      {comments.length === 0 ? <p className="muted">No comments yet. Co-authors can discuss the draft here.</p> : null}
      <ol className="comment-list" aria-live="polite">
        {comments.map((c) => (
          <li key={c.id} className="comment">
            <p className="comment-meta">
              <strong>{c.authorName ?? "A former member"}</strong>
              {c.organisationName ? <span className="muted"> · {c.organisationName}</span> : null}{" "}
              <time dateTime={c.createdAt} className="muted small">
                {formatTime(c.createdAt)}
              </time>
            </p>
            <p className="comment-body">{c.body}</p>
          </li>
        ))}
      </ol>
      <fetcher.Form method="post" action={`/badges/${badgeId}/comments`} ref={formRef} className="comment-form" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {hydrated ? <input type="hidden" name="stay" value="1" /> : null}
        <label htmlFor="comment-body">Add a comment</label>
        <textarea
          id="comment-body"
          name="body"
          rows={3}
          maxLength={5000}
          required
          defaultValue={typed}
          {...(failed?.length ? { "aria-invalid": true as const, "aria-describedby": "comment-body-error" } : {})}
        />
        {failed?.length ? (
          <p className="field-error" id="comment-body-error">
            {failed.join(" ")}
          </p>
        ) : null}
        <button type="submit" className="secondary" disabled={fetcher.state !== "idle"}>
          {fetcher.state !== "idle" ? "Posting…" : "Post comment"}
        </button>
      </fetcher.Form>
    </section>
  );
}

/** Comments from the loader plus those that arrived live, once each, oldest first. */
export function mergeComments(loaded: CommentItem[], arrived: CommentItem[]): CommentItem[] {
  const seen = new Set(loaded.map((c) => c.id));
  return [...loaded, ...arrived.filter((c) => !seen.has(c.id))].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
