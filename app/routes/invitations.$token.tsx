import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { FormMessage } from "~/components/forms";
import { KIND_LABELS, OrganisationLogo, ROLE_LABELS, RolePill } from "~/components/organisations";
import { acceptInvitation, stateMessage, viewInvitation } from "~/services/invitations.server";
import { ROLE_DESCRIPTIONS } from "~/services/members.server";
import { formAction, handle, optionalUser, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Join ${data.organisation.name} · Badge Commons` : "Invitation · Badge Commons" },
  // The link is a secret: keep it out of Referer headers.
  { name: "referrer", content: "no-referrer" },
];

// The page's address holds the secret token: never cache it, never send it onwards.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(() => {
    const view = viewInvitation(context.services.db, params.token ?? "", user?.id ?? null);
    const { organisation: o, invitation } = view;
    return {
      organisation: { handle: o.handle, name: o.name, kind: o.kind, logoImageId: o.logoImageId },
      role: invitation.role,
      roleDescription: ROLE_DESCRIPTIONS[invitation.role],
      state: view.state,
      problem: view.state === "pending" ? null : stateMessage(view.state, invitation),
      currentRole: view.currentRole,
      signedInAs: user?.displayName ?? null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return formAction({}, () => {
    const result = acceptInvitation(context.services, user.id, params.token ?? "");
    return redirect(`/orgs/${result.organisation.handle}${result.alreadyMember ? "" : "?joined=1"}`);
  });
}

export default function Invitation() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const here = useLocation().pathname;
  const { organisation: org, role } = data;
  const problem = (result && "message" in result ? result.message : null) ?? data.problem;
  return (
    <section className="card form-card invitation">
      <div className="org-header">
        <OrganisationLogo imageId={org.logoImageId} size={72} />
        <div>
          <h1>Join {org.name}</h1>
          <p className="muted">
            {KIND_LABELS[org.kind]} · @{org.handle}
          </p>
        </div>
      </div>
      <p>
        This link invites you to join as <RolePill role={role} />: {data.roleDescription}
      </p>
      <FormMessage message={problem} />
      {problem ? (
        <p>
          <Link to={`/orgs/${org.handle}`}>See {org.name}'s profile</Link>
        </p>
      ) : !data.signedInAs ? (
        <p className="row">
          <Link className="button" to={`/signin?redirectTo=${encodeURIComponent(here)}`}>
            Sign in to accept
          </Link>
          <Link className="button secondary" to={`/signup?redirectTo=${encodeURIComponent(here)}`}>
            Create an account
          </Link>
        </p>
      ) : (
        <Form method="post" className="stack">
          {data.currentRole ? (
            <p className="notice warn">
              You are already a member, as {ROLE_LABELS[data.currentRole].toLowerCase()}. Accepting keeps the higher of your
              role and this one.
            </p>
          ) : null}
          <p className="muted small">Signed in as {data.signedInAs}.</p>
          <button type="submit" disabled={busy}>
            {busy ? "Joining…" : `Accept and join ${org.name}`}
          </button>
        </Form>
      )}
    </section>
  );
}
