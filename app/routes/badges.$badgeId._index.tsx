import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Authors, BadgeImage, DateText, humanise, KIND_LABELS } from "~/components/catalogue";
import { EndorsementsSection } from "~/components/endorsements";
import { currentRevision, requireView, revisionContent } from "~/services/badges.server";
import { getPublicBadge, type BadgeLink } from "~/services/catalogue.server";
import { catalogueHref } from "~/utils/catalogue-url";
import { endorsementSection } from "~/utils/endorsements-view.server";
import { handle, optionalUser } from "~/utils/http.server";
import { renderMarkdown } from "~/utils/markdown.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Badge not found · Badge Commons" }];
  if (data.kind === "draft") return [{ title: `${data.name} (draft) · Badge Commons` }, { name: "robots", content: "noindex" }];
  const { content } = data.badge.latest;
  return [
    { title: `${content.name} · Badge Commons` },
    { name: "description", content: content.summary || content.name },
    { tagName: "link", rel: "alternate", type: "application/ld+json", href: data.achievementPath },
  ];
};

const orgView = (o: { handle: string; host: string | null; name: string; kind: string; logoImageId: string | null }) => ({
  handle: o.handle,
  host: o.host,
  name: o.name,
  kind: o.kind,
  logoImageId: o.logoImageId,
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  const { db } = context.services;
  return handle(() => {
    // A draft is 404 to everyone outside its author organisations.
    const access = requireView(db, params.badgeId ?? "", user?.id ?? null);
    const id = access.badge.id;
    const isAuthor = access.authors.some((a) => a.role !== null);
    const authorTools = isAuthor ? { canEdit: access.canEdit, canApprove: access.approverFor.length > 0 } : null;
    if (access.badge.status === "draft") {
      const content = revisionContent(currentRevision(db, access.badge));
      return {
        kind: "draft" as const,
        id,
        name: content.name,
        summary: content.summary,
        steward: orgView(access.steward),
        coAuthors: access.authors.filter((a) => !a.isSteward).map((a) => orgView(a.organisation)),
        authorTools,
      };
    }
    const badge = getPublicBadge(db, id);
    const { criteria, ...content } = badge.latest.content;
    return {
      kind: "public" as const,
      id,
      // The criteria travel once, as sanitised HTML.
      badge: { ...badge, latest: { ...badge.latest, content } },
      criteriaHtml: criteria.trim() ? renderMarkdown(criteria) : null,
      achievementPath: `/badges/${id}/achievement.json`,
      authorTools,
      endorsements: endorsementSection(db, id, user?.id ?? null, { badgeName: content.name }),
    };
  });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type PublicData = Extract<Data, { kind: "public" }>;

export default function BadgePage() {
  const data = useLoaderData<typeof loader>();
  return data.kind === "draft" ? <DraftOverview data={data} /> : <PublicBadgePage data={data} />;
}

function AuthorTools({ id, tools }: { id: string; tools: Data["authorTools"] }) {
  if (!tools) return null;
  return (
    <nav className="author-tools" aria-label="For co-authors">
      <ul className="row">
        {tools.canEdit ? (
          <li>
            <Link className="button small" to={`/badges/${id}/edit`}>
              Edit the draft
            </Link>
          </li>
        ) : null}
        <li>
          <Link className="button small secondary" to={`/badges/${id}/history`}>
            History
          </Link>
        </li>
        <li>
          <Link className="button small secondary" to={`/badges/${id}/publishing`}>
            {tools.canApprove ? "Approve and publish" : "Publishing"}
          </Link>
        </li>
      </ul>
    </nav>
  );
}

function DraftOverview({ data }: { data: Extract<Data, { kind: "draft" }> }) {
  return (
    <article className="badge-page">
      <header className="badge-header">
        <div>
          <h1>
            {data.name} <span className="pill draft">Draft</span>
          </h1>
          <p className="muted">
            Not published yet: only members of its author organisations can see this page.
          </p>
          {data.summary ? <p className="lead">{data.summary}</p> : null}
          <Authors steward={data.steward} coAuthors={data.coAuthors} />
        </div>
      </header>
      <AuthorTools id={data.id} tools={data.authorTools} />
    </article>
  );
}

function BadgeLinkView({ link }: { link: BadgeLink }) {
  if (link.localId) return <Link to={`/badges/${link.localId}`}>{link.name ?? link.uri}</Link>;
  if (/^https?:\/\//i.test(link.uri))
    return (
      <a href={link.uri} rel="nofollow noopener">
        {link.uri}
      </a>
    );
  return <span>{link.uri}</span>;
}

function PublicBadgePage({ data }: { data: PublicData }) {
  const { badge } = data;
  const { content } = badge.latest;
  return (
    <article className="badge-page">
      <header className="badge-header">
        <BadgeImage imageId={content.imageId} name={content.name} size="large" alt={`Image of the ${content.name} badge`} />
        <div>
          <h1>
            {content.name}{" "}
            {badge.status === "deprecated" ? (
              <span className="pill deprecated">Deprecated</span>
            ) : (
              <span className="pill published">Published</span>
            )}
          </h1>
          {content.summary ? <p className="lead">{content.summary}</p> : null}
          <Authors steward={badge.steward} coAuthors={badge.coAuthors} />
          <p className="muted small">
            Version {badge.latest.number}, published <DateText date={badge.latest.publishedAt} />
          </p>
        </div>
      </header>

      {badge.status === "deprecated" ? (
        <div className="notice warn" role="note">
          <strong>This badge is deprecated</strong>
          {badge.deprecatedAt ? (
            <>
              {" "}
              since <DateText date={badge.deprecatedAt} />
            </>
          ) : null}
          .{" "}
          {badge.successor ? (
            <>
              It is replaced by <BadgeLinkView link={badge.successor} />.
            </>
          ) : (
            "It should no longer be awarded."
          )}
        </div>
      ) : null}

      <AuthorTools id={data.id} tools={data.authorTools} />

      <div className="two-col">
        <div>
          <section aria-labelledby="criteria">
            <h2 id="criteria">Criteria</h2>
            {data.criteriaHtml ? (
              // Sanitised on the server by renderMarkdown (marked + sanitize-html).
              <div className="markdown" dangerouslySetInnerHTML={{ __html: data.criteriaHtml }} />
            ) : (
              <p className="muted">No criteria written.</p>
            )}
          </section>
          <Details data={data} />
          <EndorsementsSection data={data.endorsements} back={`/badges/${data.id}`} />
        </div>
        <aside>
          <section aria-labelledby="authors-heading" className="card">
            <h2 id="authors-heading">Authors</h2>
            <ul className="org-list">
              {[badge.steward, ...badge.coAuthors].map((o, i) => (
                <li key={o.id}>
                  {o.logoImageId ? <img src={`/images/${encodeURIComponent(o.logoImageId)}`} alt="" width={32} height={32} /> : null}
                  <span>
                    <strong>{o.name}</strong>
                    <br />
                    <span className="muted small">
                      {i === 0 ? "Steward" : "Co-author"} · {KIND_LABELS[o.kind] ?? o.kind}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <Versions data={data} />
        </aside>
      </div>
    </article>
  );
}

function Details({ data }: { data: PublicData }) {
  const { content } = data.badge.latest;
  return (
    <section aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <dl className="details">
        <dt>Achievement type</dt>
        <dd>{humanise(content.achievementType)}</dd>
        <dt>Language</dt>
        <dd>
          <span lang={content.language}>{content.language}</span>
        </dd>
        {content.estimatedHours !== null ? (
          <>
            <dt>Estimated effort</dt>
            <dd>{`About ${content.estimatedHours} ${content.estimatedHours === 1 ? "hour" : "hours"}`}</dd>
          </>
        ) : null}
        {content.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>
              <ul className="tags">
                {content.tags.map((tag) => (
                  <li key={tag}>
                    <Link to={catalogueHref({ tag })}>{tag}</Link>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {content.alignments.length ? (
          <>
            <dt>Alignments</dt>
            <dd>
              <ul className="plain-list">
                {content.alignments.map((a) => (
                  <li key={a.targetUrl + a.targetName}>
                    {/^https?:\/\//i.test(a.targetUrl) ? (
                      <a href={a.targetUrl} rel="nofollow noopener">
                        {a.targetName}
                      </a>
                    ) : (
                      a.targetName
                    )}
                    {a.targetFramework ? <span className="muted"> ({a.targetFramework})</span> : null}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {data.badge.prerequisites.length ? (
          <>
            <dt>Prerequisites</dt>
            <dd>
              <ul className="plain-list">
                {data.badge.prerequisites.map((p) => (
                  <li key={p.uri}>
                    <BadgeLinkView link={p} />
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function Versions({ data }: { data: PublicData }) {
  const { badge } = data;
  // Each version once, newest first; the one this page shows carries its content hash.
  return (
    <section aria-labelledby="versions-heading" className="card">
      <h2 id="versions-heading">Versions</h2>
      <ol className="plain-list versions" reversed>
        {badge.versions.map((v) => {
          const shown = v.number === badge.latest.number;
          return (
            <li key={v.number}>
              <Link to={`/badges/${data.id}/versions/${v.number}`}>Version {v.number}</Link>{" "}
              <span className="muted small">
                <DateText date={v.publishedAt} />
              </span>
              {shown ? (
                <>
                  {" "}
                  <span className="pill published">latest</span>
                  <span className="small version-hash">
                    <span className="muted">Content hash</span> <code className="hash">{v.contentHash}</code>
                  </span>
                </>
              ) : null}
            </li>
          );
        })}
      </ol>
      <p className="small">
        <a href={data.achievementPath} type="application/ld+json">
          Open Badges 3.0 achievement (JSON-LD)
        </a>
      </p>
    </section>
  );
}
