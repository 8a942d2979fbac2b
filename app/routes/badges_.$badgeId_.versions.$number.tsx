import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PrerequisiteConditionsView } from "~/components/prerequisites";
import { DateTime } from "~/components/publishing";
import { requireView } from "~/services/badges.server";
import { NotFoundError } from "~/services/errors";
import { resolvePrerequisites } from "~/services/prerequisite-targets.server";
import { getVersion, listVersions, versionAuthors, versionHashText } from "~/services/publishing.server";
import { handle, optionalUser } from "~/utils/http.server";
import { renderMarkdown } from "~/utils/markdown.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.content.name}, version ${data.number} · Badge Commons` : "Version · Badge Commons" },
  ...(data ? [{ name: "description", content: data.content.summary }] : []),
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(() => {
    const { db } = context.services;
    // Public once published; a draft (which has no versions anyway) stays hidden from outsiders.
    const access = requireView(db, params.badgeId!, user?.id ?? null);
    if (!/^[1-9]\d{0,8}$/.test(params.number ?? "")) throw new NotFoundError("That version");
    const version = getVersion(db, access.badge.id, Number(params.number));
    const latest = listVersions(db, access.badge.id)[0]!;
    return {
      badgeId: access.badge.id,
      badgeStatus: access.badge.status,
      isMember: access.authors.some((a) => a.role !== null),
      number: version.number,
      uri: version.uri,
      latestNumber: latest.number,
      publishedAt: version.publishedAt.toISOString(),
      publishedByName: version.publishedByName,
      content: version.content,
      criteriaHtml: renderMarkdown(version.content.criteria),
      prerequisites: resolvePrerequisites(db, version.content.prerequisites),
      authors: versionAuthors(db, version),
      contentHash: version.contentHash,
      verified: version.verified,
      hashedText: versionHashText(version),
    };
  });
}

// A version never changes, so one stored before ids were checked keeps what it holds:
// only web addresses become links (a javascript: one would run when clicked).
const isWebUrl = (u: string) => /^https?:\/\//i.test(u);

export default function VersionPage() {
  const v = useLoaderData<typeof loader>();
  const c = v.content;
  return (
    <article className="stack version-page">
      <p className="small row">
        <Link to={`/badges/${v.badgeId}`}>Badge page</Link>
        {v.isMember ? <Link to={`/badges/${v.badgeId}/publishing`}>Publishing and versions</Link> : null}
      </p>
      <h1>
        {c.name} <span className="pill">version {v.number}</span>
      </h1>
      <p className="muted">
        Published on <DateTime iso={v.publishedAt} />
        {v.publishedByName ? ` by ${v.publishedByName}` : ""}. This version never changes.
      </p>
      {v.number < v.latestNumber ? (
        <p className="notice warn">
          Superseded by <Link to={`/badges/${v.badgeId}/versions/${v.latestNumber}`}>version {v.latestNumber}</Link>.
        </p>
      ) : null}
      {v.badgeStatus === "deprecated" ? <p className="notice warn">This badge is deprecated.</p> : null}

      <section className="card">
        <h2>Summary</h2>
        <p>{c.summary}</p>
        <h2>Criteria</h2>
        <div className="markdown" dangerouslySetInnerHTML={{ __html: v.criteriaHtml }} />
        <dl className="facts">
          <dt>Achievement type</dt>
          <dd>{c.achievementType}</dd>
          <dt>Language</dt>
          <dd>{c.language}</dd>
          {c.estimatedHours !== null ? (
            <>
              <dt>Estimated hours</dt>
              <dd>{c.estimatedHours}</dd>
            </>
          ) : null}
          <dt>Steward</dt>
          <dd>{v.authors.steward.name ?? v.authors.steward.uri}</dd>
          {v.authors.coauthors.length ? (
            <>
              <dt>Co-authors</dt>
              <dd>{v.authors.coauthors.map((a) => a.name ?? a.uri).join(", ")}</dd>
            </>
          ) : null}
        </dl>
        {c.tags.length ? (
          <>
            <h2>Tags</h2>
            <ul className="tags">
              {c.tags.map((t) => (
                <li key={t}>
                  <span>{t}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {c.alignments.length ? (
          <>
            <h2>Alignments</h2>
            <ul>
              {c.alignments.map((a) => (
                <li key={a.targetUrl + a.targetName}>
                  {isWebUrl(a.targetUrl) ? (
                    <a href={a.targetUrl} rel="nofollow ugc noopener">
                      {a.targetName}
                    </a>
                  ) : (
                    a.targetName
                  )}
                  {a.targetFramework ? <span className="muted"> ({a.targetFramework})</span> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {v.prerequisites.length ? (
          <>
            <h2>Prerequisites</h2>
            <PrerequisiteConditionsView conditions={v.prerequisites} />
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="hash-heading">
        <h2 id="hash-heading">Content hash</h2>
        <p>
          <code className="hash">sha256:{v.contentHash}</code>
        </p>
        <p className={`notice ${v.verified ? "ok" : "bad"}`} role="status">
          {v.verified
            ? "Verified: the stored content, authors and version number still produce this hash."
            : "Warning: the stored content no longer matches its hash. This version may have been altered."}
        </p>
        <details>
          <summary>Verify it yourself</summary>
          <p>
            The hash is the SHA-256 (hex) of the UTF-8 text below: canonical JSON (keys sorted at every depth, no spaces)
            of the content, the steward's id, the co-authors' ids sorted, and the version number. Version id:{" "}
            <code>{v.uri}</code>.
          </p>
          <pre className="hashed-text">{v.hashedText}</pre>
        </details>
      </section>
    </article>
  );
}
