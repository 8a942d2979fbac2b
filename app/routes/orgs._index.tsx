import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { KIND_LABELS, OrganisationLogo, RolePill } from "~/components/organisations";
import { listOrganisationsForUser } from "~/services/organisations.server";
import { requireUser } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "My organisations · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return {
    organisations: listOrganisationsForUser(context.services.db, user.id).map(({ organisation: o, role, memberCount }) => ({
      handle: o.handle,
      name: o.name,
      kind: o.kind,
      logoImageId: o.logoImageId,
      role,
      memberCount,
    })),
  };
}

export default function MyOrganisations() {
  const { organisations } = useLoaderData<typeof loader>();
  return (
    <section className="stack">
      <div className="row space-between">
        <h1>My organisations</h1>
        <Link className="button" to="/orgs/new">
          Create an organisation
        </Link>
      </div>
      {organisations.length ? (
        <ul className="grid plain-list">
          {organisations.map((o) => (
            <li key={o.handle} className="card org-card">
              <OrganisationLogo imageId={o.logoImageId} size={56} />
              <div>
                <h2>
                  <Link to={`/orgs/${o.handle}`}>{o.name}</Link>
                </h2>
                <p className="small muted">
                  {`${KIND_LABELS[o.kind]} · ${o.memberCount} ${o.memberCount === 1 ? "member" : "members"}`}
                </p>
                <p className="small">
                  <RolePill role={o.role} /> · <Link to={`/orgs/${o.handle}/members`}>Members</Link>
                  {o.role === "owner" || o.role === "admin" ? (
                    <>
                      {" "}
                      · <Link to={`/orgs/${o.handle}/settings`}>Settings</Link>
                    </>
                  ) : null}
                </p>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <div className="card">
          <p>You are not a member of any organisation yet.</p>
          <p className="muted">
            Create one, or ask an admin of an existing organisation for an invitation link.
          </p>
        </div>
      )}
    </section>
  );
}
