import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { OrganisationLogo, RolePill } from "~/components/organisations";
import type { BadgeContent } from "~/services/badge-content";
import { badgeAccess, listBadgesForUser } from "~/services/badges.server";
import { pendingCoauthorInvitationsForUser } from "~/services/coauthoring.server";
import { pendingEndorsementsForUser } from "~/services/endorsement-queries.server";
import { listOrganisationsForUser } from "~/services/organisations.server";
import { roleAtLeast } from "~/services/roles.server";
import { requireUser } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "My work · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context.services;
  const organisations = listOrganisationsForUser(db, user.id).map(({ organisation: o, role }) => ({
    handle: o.handle,
    name: o.name,
    logoImageId: o.logoImageId,
    role,
  }));
  const badges = listBadgesForUser(db, user.id).map((b) => ({
    id: b.id,
    name: b.name,
    status: b.status,
    stewardName: b.stewardName,
    imageId: (b.content as Partial<BadgeContent>).imageId ?? null,
    updatedAt: b.updatedAt,
    canEdit: badgeAccess(db, b.id, user.id).canEdit,
  }));
  const invitations = pendingCoauthorInvitationsForUser(db, user.id).map((i) => ({
    badgeId: i.badgeId,
    badgeName: i.badgeName,
    stewardName: i.stewardName,
    organisationName: i.organisationName,
  }));
  // Endorsements of badges the user's organisations steward, waiting for an admin's decision.
  const pending = pendingEndorsementsForUser(db, user.id);
  const endorsementsToDecide = {
    total: pending.total,
    items: pending.items.map((e) => ({ id: e.endorsementId, badgeId: e.badge.id, badgeName: e.badge.name, endorserName: e.endorser.name })),
  };
  return {
    displayName: user.displayName,
    organisations,
    badges,
    invitations,
    endorsementsToDecide,
    canStartBadge: organisations.some((o) => roleAtLeast(o.role, "editor")),
  };
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default function Dashboard() {
  const { displayName, organisations, badges, canStartBadge, invitations, endorsementsToDecide } = useLoaderData<typeof loader>();
  return (
    <section className="stack">
      <h1>Welcome, {displayName}</h1>
      {invitations.length ? (
        <section className="notice warn" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading" className="small-heading">
            {invitations.length === 1 ? "A co-authoring invitation is waiting" : `${invitations.length} co-authoring invitations are waiting`}
          </h2>
          <ul>
            {invitations.map((i) => (
              <li key={`${i.badgeId}-${i.organisationName}`}>
                {i.stewardName} invites {i.organisationName} to co-author <strong>{i.badgeName}</strong>
              </li>
            ))}
          </ul>
          <p>
            <Link to="/coauthor-invitations">Answer invitations</Link>
          </p>
        </section>
      ) : null}
      {endorsementsToDecide.total ? (
        <section className="notice warn" aria-labelledby="endorsements-waiting-heading">
          <h2 id="endorsements-waiting-heading" className="small-heading">
            {endorsementsToDecide.total === 1
              ? "An endorsement waits for your decision"
              : `${endorsementsToDecide.total} endorsements wait for your decision`}
          </h2>
          <ul>
            {endorsementsToDecide.items.map((e) => (
              <li key={e.id}>
                {e.endorserName} endorses <Link to={`/badges/${e.badgeId}#endorsements`}>{e.badgeName}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="two-col">
        <section aria-labelledby="badges-heading">
          <div className="row space-between">
            <h2 id="badges-heading">My badges</h2>
            {canStartBadge ? (
              <Link className="button small" to="/badges/new">
                Start a badge
              </Link>
            ) : null}
          </div>
          {badges.length ? (
            <ul className="plain-list stack">
              {badges.map((b) => (
                <li key={b.id} className="card badge-card">
                  {b.imageId ? <img src={`/images/${b.imageId}`} alt="" width={72} height={72} /> : <span className="badge-placeholder" aria-hidden="true" />}
                  <div>
                    <h3>
                      <Link to={`/badges/${b.id}`}>{b.name}</Link>
                    </h3>
                    <p className="small muted">
                      <span className={`pill ${b.status}`}>{b.status}</span> · stewarded by {b.stewardName} · updated{" "}
                      {dateFormat.format(new Date(b.updatedAt))}
                    </p>
                    {b.canEdit ? (
                      <p className="small">
                        <Link to={`/badges/${b.id}/edit`}>{b.status === "draft" ? "Edit draft" : "Edit next version"}</Link>
                      </p>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <div className="card">
              <p>No badges yet.</p>
              <p className="muted">
                {canStartBadge
                  ? "Start a badge definition for one of your organisations, or ask a partner to invite you as co-author."
                  : "Join or create an organisation as editor to start a badge definition."}
              </p>
            </div>
          )}
        </section>
        <aside aria-labelledby="orgs-heading">
          <div className="row space-between">
            <h2 id="orgs-heading">My organisations</h2>
            <Link to="/orgs/new" className="small">
              Create one
            </Link>
          </div>
          {organisations.length ? (
            <ul className="plain-list stack">
              {organisations.map((o) => (
                <li key={o.handle} className="org-row">
                  <OrganisationLogo imageId={o.logoImageId} size={40} />
                  <Link to={`/orgs/${o.handle}`}>{o.name}</Link> <RolePill role={o.role} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">
              None yet. <Link to="/orgs/new">Create an organisation</Link> or open an invitation link you were sent.
            </p>
          )}
        </aside>
      </div>
    </section>
  );
}
