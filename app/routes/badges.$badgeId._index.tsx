import { data as json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Authors, BadgeImage, DateText, humanise, KIND_LABELS, organisationParam } from "~/components/catalogue";
import { FormMessage } from "~/components/forms";
import { EndorsementsSection } from "~/components/endorsements";
import { PrerequisiteConditionsView, UnlockedBadges } from "~/components/prerequisites";
import { currentRevision, requireView, revisionContent } from "~/services/badges.server";
import { getPublicBadge, type BadgeLink } from "~/services/catalogue.server";
import { isDomainError, ValidationError } from "~/services/errors";
import { badgeSharers, shareBadge, shareOptions, ShareSchema, stopSharing } from "~/services/shares.server";
import { catalogueHref } from "~/utils/catalogue-url";
import { formAction, handle, optionalUser, requireUser } from "~/utils/http.server";
import { endorsementSection } from "~/utils/endorsements-view.server";
import { LearnerCard } from "~/components/learning";
import { learnerBadgeState, learnerBadgeUris, markBadge, unmarkBadge } from "~/services/learner-badges.server";
import { badgeGraph } from "~/services/badge-graph.server";
import { layoutBadgeGraph } from "~/services/badge-graph-layout.server";
import { BadgeGraphFigure } from "~/components/badge-graph";
import { pathwaysThroughBadge } from "~/services/pathway-queries.server";
import { renderMarkdown } from "~/utils/markdown.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Badge not found · Badge Commons" }];
  if (data.kind === "draft") return [{ title: `${data.name} (draft) · Badge Commons` }, { name: "robots", content: "noindex" }];
  const { content } = data.badge.latest;
  const { home } = data.badge;
  return [
    { title: `${content.name} · Badge Commons` },
    { name: "description", content: content.summary || content.name },
    { tagName: "link", rel: "alternate", type: "application/ld+json", href: data.achievementPath },
    // Our page of a badge stewarded elsewhere is a copy: search engines should credit the original.
    ...(home?.badgeUrl ? [{ tagName: "link", rel: "canonical", href: home.badgeUrl }] : []),
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
  return handle(async () => {
    // A draft is 404 to everyone outside its author organisations.
    const access = requireView(db, params.badgeId ?? "", user?.id ?? null);
    const id = access.badge.id;
    const isAuthor = access.authors.some((a) => a.role !== null);
    // A badge stewarded on another instance is authored there, even when one of our
    // organisations co-authors it: no tools here.
    const authorTools = isAuthor && !access.steward.host ? { canEdit: access.canEdit, canApprove: access.approverFor.length > 0 } : null;
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
    // Where the badge fits, with the signed-in learner's progress; a badge on its own is not drawn.
    const graph = badgeGraph(db, badge.uri, { learner: user ? learnerBadgeUris(db, user.id) : null });
    // Should ELK fail on some graph, the page still shows it as the list.
    const layout =
      graph.badges.length > 1
        ? await layoutBadgeGraph(graph).catch((error: unknown) => {
            console.warn(`The graph of ${badge.uri} could not be laid out:`, error);
            return null;
          })
        : null;
    return {
      kind: "public" as const,
      id,
      // The criteria travel once, as sanitised HTML.
      badge: { ...badge, latest: { ...badge.latest, content } },
      criteriaHtml: criteria.trim() ? renderMarkdown(criteria) : null,
      achievementPath: `/badges/${id}/achievement.json`,
      authorTools,
      sharing: shareOptions(db, user?.id ?? null, id),
      sharedBy: badgeSharers(db, id),
      endorsements: endorsementSection(db, id, user?.id ?? null, { badgeName: content.name }),
      learning: { signedIn: !!user, state: user ? learnerBadgeState(db, user.id, badge.uri) : null },
      graph: graph.badges.length > 1 ? { graph, layout } : null,
      // Published pathways, here and received, that lead to it or pass through it.
      pathways: pathwaysThroughBadge(db, badge.uri),
    };
  });
}

const ShareForm = z.object({ intent: z.enum(["share", "unshare"]) }).and(ShareSchema);
const LEARNER_INTENTS = { hold: "held", plan: "planned", forget: "removed" } as const;
const LearnerForm = z.object({ intent: z.enum(["hold", "plan", "forget"]) });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const values = { intent: String(form.get("intent") ?? ""), organisationId: String(form.get("organisationId") ?? "") };
  const badgeId = params.badgeId ?? "";
  const learner = LearnerForm.safeParse(values);
  if (learner.success) {
    // Any signed-in user is a learner: no organisation, no role.
    return handle(() => {
      const { intent } = learner.data;
      if (intent === "forget") unmarkBadge(context.services.db, user.id, badgeId);
      else markBadge(context.services.db, user.id, badgeId, { status: LEARNER_INTENTS[intent] as "held" | "planned" });
      return redirect(`/badges/${encodeURIComponent(badgeId)}?learning=${LEARNER_INTENTS[intent]}#learning-heading`);
    });
  }
  return formAction(values, () => {
    const input = ShareForm.safeParse(values);
    if (!input.success) throw new ValidationError("Choose the organisation that shares this badge.");
    try {
      if (input.data.intent === "share") shareBadge(context.services, user.id, badgeId, input.data);
      else stopSharing(context.services, user.id, badgeId, input.data);
    } catch (error) {
      // Sharing twice (a double click, a second tab) is said on the page, not as an error page.
      if (isDomainError(error) && error.kind === "conflict") return json({ ok: false as const, message: error.message }, { status: 409 });
      throw error;
    }
    // POST/redirect/GET: a reload never shares twice.
    const done = input.data.intent === "share" ? "shared" : "unshared";
    return redirect(`/badges/${encodeURIComponent(badgeId)}?${done}=${encodeURIComponent(input.data.organisationId)}`);
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

const isWebUrl = (u: string | null): u is string => !!u && /^https?:\/\//i.test(u);

function PublicBadgePage({ data }: { data: PublicData }) {
  const { badge } = data;
  const { content } = badge.latest;
  return (
    <article className="badge-page">
      <ShareNotice data={data} />
      <header className="badge-header">
        <BadgeImage imageId={badge.imageId} name={content.name} size="large" alt={`Image of the ${content.name} badge`} />
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

      {badge.home ? <HomeNotice home={badge.home} stewardName={badge.steward.name} /> : null}

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
                    <Link to={catalogueHref({ organisation: organisationParam(o) })}>
                      <strong>{o.name}</strong>
                    </Link>
                    <br />
                    <span className="muted small">
                      {i === 0 ? "Steward" : "Co-author"} · {KIND_LABELS[o.kind] ?? o.kind}
                      {o.host ? ` · on ${o.host}` : ""}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <LearnerCard data={data.learning} badgeName={content.name} back={`/badges/${data.id}`} />
          <OnPathways pathways={data.pathways} />
          <SharedBy sharers={data.sharedBy} />
          <ShareForms data={data} />
          <Versions data={data} />
        </aside>
      </div>
      {data.graph ? (
        <section aria-labelledby="graph-heading" className="graph-section">
          <h2 id="graph-heading">Where it fits</h2>
          <BadgeGraphFigure graph={data.graph.graph} layout={data.graph.layout} />
        </section>
      ) : null}
    </article>
  );
}

/** A copy of a badge stewarded on another instance says so, and where the original is. */
function HomeNotice({ home, stewardName }: { home: NonNullable<PublicData["badge"]["home"]>; stewardName: string }) {
  return (
    <div className="notice info home-notice" role="note">
      <p>
        <strong>{`Published on ${home.host}.`}</strong>{" "}
        {`${stewardName} stewards this badge on another instance. This page shows the copy federation brought here; the badge is edited only there.`}
      </p>
      {home.unanswered ? (
        <p className="unanswered">
          {`${home.host} has not answered since this copy was last confirmed on `}
          <DateText date={home.unanswered.lastHadAt} />
          {` (${home.unanswered.attempts} ${home.unanswered.attempts === 1 ? "attempt" : "attempts"} since). It may have changed there; this instance keeps asking.`}
        </p>
      ) : null}
      <ul className="row plain-list">
        {isWebUrl(home.badgeUrl) ? (
          <li>
            <a href={home.badgeUrl} rel="noopener">
              {`See the original on ${home.host}`}
            </a>
          </li>
        ) : null}
        {isWebUrl(home.stewardUrl) ? (
          <li>
            <a href={home.stewardUrl} rel="noopener">
              {`${stewardName} on ${home.host}`}
            </a>
          </li>
        ) : null}
      </ul>
    </div>
  );
}

/** The published pathways that lead to this badge or pass through it; nothing when there are none. */
function OnPathways({ pathways }: { pathways: PublicData["pathways"] }) {
  if (!pathways.length) return null;
  return (
    <section aria-labelledby="pathways-heading" className="card">
      <h2 id="pathways-heading">On pathways</h2>
      <ul className="plain-list">
        {pathways.map((p) => (
          <li key={p.id}>
            <Link to={`/pathways/${p.id}`}>{p.name}</Link>
            <span className="muted small">
              {` · ${p.role === "goal" ? "its goal" : "a step"}`}
              {p.host ? ` · on ${p.host}` : ""}
              {p.status === "deprecated" ? " · deprecated" : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SharedBy({ sharers }: { sharers: PublicData["sharedBy"] }) {
  if (!sharers.length) return null;
  return (
    <section aria-labelledby="shared-by-heading" className="card">
      <h2 id="shared-by-heading">Shared by</h2>
      <ul className="plain-list">
        {sharers.map((o) => (
          <li key={o.id}>
            <Link to={catalogueHref({ organisation: organisationParam(o) })}>{o.name}</Link>
            {o.host ? <span className="muted small"> · on {o.host}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** After a share or un-share (POST/redirect/GET), says what happened. */
function ShareNotice({ data }: { data: PublicData }) {
  const [params] = useSearchParams();
  const result = useActionData<typeof action>();
  const failed = result && "message" in result ? result.message : null;
  const name = (id: string | null) => data.sharing.find((o) => o.organisationId === id)?.name;
  const shared = name(params.get("shared"));
  const unshared = name(params.get("unshared"));
  const learning = params.get("learning");
  const LEARNING_DONE: Record<string, string> = {
    held: "Added to your badges as held.",
    planned: "Added to your plans.",
    removed: "Removed from your list.",
  };
  return (
    <>
      <FormMessage message={failed} />
      {learning && LEARNING_DONE[learning] && !failed ? (
        <div className="notice ok" role="status">
          {LEARNING_DONE[learning]} <Link to="/learning">See my learning</Link>
        </div>
      ) : null}
      {shared && !failed ? (
        <div className="notice ok" role="status">
          {shared} shared this badge with its followers.
        </div>
      ) : null}
      {unshared && !failed ? (
        <div className="notice ok" role="status">
          {unshared} no longer shares this badge.
        </div>
      ) : null}
    </>
  );
}

/**
 * For admins of our organisations that do not author the badge: pass it on to their
 * followers, here and on other instances, or stop.
 */
function ShareForms({ data }: { data: PublicData }) {
  const busy = useNavigation().state === "submitting";
  const unshared = data.sharing.filter((o) => !o.shared);
  const shared = data.sharing.filter((o) => o.shared);
  if (!data.sharing.length) return null;
  return (
    <section aria-labelledby="share-heading" className="card stack share-card">
      <h2 id="share-heading">Share with our followers</h2>
      {unshared.length ? (
        <Form method="post" className="stack">
          <p className="small muted">
            Followers of your organisation, on this instance and others, receive this badge in their catalogue.
          </p>
          <input type="hidden" name="intent" value="share" />
          {unshared.length === 1 ? (
            <input type="hidden" name="organisationId" value={unshared[0].organisationId} />
          ) : (
            <div className="field">
              <label htmlFor="share-as">Share as</label>
              <select id="share-as" name="organisationId" required>
                {unshared.map((o) => (
                  <option key={o.organisationId} value={o.organisationId}>
                    {o.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div>
            <button type="submit" className="small" disabled={busy}>
              {unshared.length === 1 ? `Share as ${unshared[0].name}` : "Share"}
            </button>
          </div>
        </Form>
      ) : null}
      {shared.map((o) => (
        <Form method="post" key={o.organisationId} className="row">
          <p className="small">
            <strong>{o.name}</strong> shares this badge.
          </p>
          <input type="hidden" name="intent" value="unshare" />
          <input type="hidden" name="organisationId" value={o.organisationId} />
          <button type="submit" className="secondary small" disabled={busy}>
            Stop sharing<span className="visually-hidden"> as {o.name}</span>
          </button>
        </Form>
      ))}
    </section>
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
              <PrerequisiteConditionsView conditions={data.badge.prerequisites} />
            </dd>
          </>
        ) : null}
        {data.badge.unlocks.total ? (
          <>
            <dt>Leads to</dt>
            <dd>
              <UnlockedBadges unlocks={data.badge.unlocks} />
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
