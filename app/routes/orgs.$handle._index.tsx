import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { BadgeImage, organisationParam } from "~/components/catalogue";
import { KIND_LABELS, OrganisationLogo, RolePill } from "~/components/organisations";
import { catalogueHref } from "~/utils/catalogue-url";
import { OrganisationEndorsements } from "~/components/organisation-endorsements";
import { organisationEndorsements } from "~/services/endorsement-queries.server";
import { organisationProfile } from "~/services/organisations.server";
import { stewardedPathways } from "~/services/pathway-queries.server";
import { roleAtLeast } from "~/services/roles.server";
import { handle, optionalUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.organisation.name} · Badge Commons` : "Organisation · Badge Commons" },
  { name: "description", content: data?.organisation.description.slice(0, 200) ?? "" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(() => {
    const profile = organisationProfile(context.services.db, params.handle ?? "", user?.id ?? null);
    const { organisation: o } = profile;
    return {
      organisation: { id: o.id, handle: o.handle, name: o.name, kind: o.kind, description: o.description, website: o.website, logoImageId: o.logoImageId, uri: o.uri },
      memberCount: profile.memberCount,
      viewerRole: profile.viewerRole,
      canEditBadges: roleAtLeast(profile.viewerRole, "editor"),
      isAdmin: roleAtLeast(profile.viewerRole, "admin"),
      badges: profile.badges,
      pathways: stewardedPathways(context.services.db, o.id, profile.viewerRole !== null),
      sharedBadges: profile.sharedBadges,
      follows: profile.follows,
      endorsements: endorsementsOf(context.services.db, o.id, o.handle, o.name),
    };
  });
}

function endorsementsOf(db: Parameters<typeof organisationEndorsements>[0], id: string, handle: string, name: string) {
  const found = organisationEndorsements(db, id);
  const row = (r: (typeof found.endorses)[number]) => ({
    ...r,
    endorser: { handle: r.endorser.handle, host: r.endorser.host, name: r.endorser.name, kind: r.endorser.kind, uri: r.endorser.uri },
    issuedAt: r.issuedAt.toISOString(),
  });
  return { ...found, handle, name, endorses: found.endorses.map(row), endorsedBy: found.endorsedBy.map(row) };
}

export default function OrganisationPage() {
  const { organisation: org, memberCount, viewerRole, canEditBadges, isAdmin, badges, pathways, sharedBadges, follows, endorsements } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const drafts = badges.filter((b) => b.status === "draft");
  const published = badges.filter((b) => b.status !== "draft");
  return (
    <article className="org-profile">
      {params.get("joined") ? (
        <div className="notice ok" role="status">
          Welcome to {org.name}! You joined as {viewerRole}.
        </div>
      ) : null}
      {params.get("saved") ? (
        <div className="notice ok" role="status">
          Profile saved.
        </div>
      ) : null}
      <header className="org-header">
        <OrganisationLogo imageId={org.logoImageId} size={96} />
        <div>
          <h1>{org.name}</h1>
          <p className="muted">
            <span className="pill">{KIND_LABELS[org.kind]}</span> {`· @${org.handle} · ${memberCount} ${memberCount === 1 ? "member" : "members"}`}
            {viewerRole ? (
              <>
                {" "}
                · you are <RolePill role={viewerRole} />
              </>
            ) : null}
          </p>
          <p className="muted small">
            {`${countText(follows.followers, "follower")} · follows ${countText(follows.following, "organisation")}`}
          </p>
          {org.website ? (
            <p>
              <a href={org.website} rel="noopener nofollow ugc">
                {org.website.replace(/^https?:\/\//, "")}
              </a>
            </p>
          ) : null}
        </div>
      </header>
      {org.description ? <p className="org-description">{org.description}</p> : null}
      {viewerRole ? (
        <nav aria-label="Organisation" className="row org-actions">
          <Link className="button secondary small" to={`/orgs/${org.handle}/members`}>
            Members
          </Link>
          <Link className="button secondary small" to={`/orgs/${org.handle}/following`}>
            Following
          </Link>
          {isAdmin ? (
            <Link className="button secondary small" to={`/orgs/${org.handle}/settings`}>
              Settings
            </Link>
          ) : null}
          {canEditBadges ? (
            <Link className="button small" to={`/badges/new?steward=${org.id}`}>
              Start a badge
            </Link>
          ) : null}
          {canEditBadges ? (
            <Link className="button small secondary" to={`/pathways/new?steward=${org.id}`}>
              Compose a pathway
            </Link>
          ) : null}
        </nav>
      ) : null}

      {/* The badges this organisation stewards; its pathways follow. */}
      <section aria-labelledby="stewarded-heading" className="org-badges">
        <h2 id="stewarded-heading">Badges stewarded by {org.name}</h2>
        {published.length ? (
          <BadgeList badges={published} canEdit={false} />
        ) : (
          <p className="muted">No published badges yet.</p>
        )}
        {viewerRole ? (
          <>
            <h3>Drafts</h3>
            <p className="muted small">Only members of {org.name} see its drafts here.</p>
            {drafts.length ? <BadgeList badges={drafts} canEdit={canEditBadges} /> : <p className="muted">No drafts in progress.</p>}
          </>
        ) : null}
      </section>

      {pathways.length ? (
        <section aria-labelledby="pathways-heading" className="org-badges">
          <h2 id="pathways-heading">Pathways stewarded by {org.name}</h2>
          <ul className="grid plain-list">
            {pathways.map((p) => (
              <li key={p.id} className="card">
                <h3 className="small-heading">
                  <Link to={`/pathways/${p.id}`}>{p.name}</Link>
                </h3>
                <p className="small">
                  <span className={`pill ${p.status}`}>{p.status}</span>
                  {p.versionNumber ? <span className="muted"> · version {p.versionNumber}</span> : null}
                </p>
                {p.summary ? <p className="small muted">{p.summary}</p> : null}
                {canEditBadges && p.status === "draft" ? (
                  <p className="small">
                    <Link to={`/pathways/${p.id}/edit`}>Edit draft</Link>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {sharedBadges.length ? (
        <section aria-labelledby="shared-heading" className="org-badges">
          <h2 id="shared-heading">Badges {org.name} shares</h2>
          <p className="muted small">Published by other organisations, passed on to {org.name}&rsquo;s followers.</p>
          <ul className="grid plain-list">
            {sharedBadges.map((b) => (
              <li key={b.id} className="card badge-card">
                <BadgeImage imageId={b.imageId} name={b.name} />
                <div>
                  <h3>
                    <Link to={`/badges/${b.id}`}>{b.name}</Link>
                  </h3>
                  <p className="small muted">
                    By <Link to={catalogueHref({ organisation: organisationParam(b.steward) })}>{b.steward.name}</Link>
                    {b.steward.host ? ` on ${b.steward.host}` : ""}
                  </p>
                  {b.summary ? <p className="small muted">{b.summary}</p> : null}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <OrganisationEndorsements data={endorsements} />
    </article>
  );
}

const countText = (n: number, noun: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? noun : `${noun}s`}`;

type BadgeItem = ReturnType<typeof useLoaderData<typeof loader>>["badges"][number];

function BadgeList({ badges, canEdit }: { badges: BadgeItem[]; canEdit: boolean }) {
  return (
    <ul className="grid plain-list">
      {badges.map((b) => (
        <li key={b.id} className="card badge-card">
          {b.imageId ? <img src={`/images/${b.imageId}`} alt="" width={72} height={72} /> : <span className="badge-placeholder" aria-hidden="true" />}
          <div>
            <h3>
              <Link to={`/badges/${b.id}`}>{b.name}</Link>
            </h3>
            <p className="small">
              <span className={`pill ${b.status}`}>{b.status}</span>
              {b.versionNumber ? <span className="muted"> · version {b.versionNumber}</span> : null}
            </p>
            {b.summary ? <p className="small muted">{b.summary}</p> : null}
            {canEdit && b.status === "draft" ? (
              <p className="small">
                <Link to={`/badges/${b.id}/edit`}>Edit draft</Link>
              </p>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
