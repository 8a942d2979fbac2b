import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage } from "~/components/forms";
import { DateTime, IntentButton } from "~/components/publishing";
import { respondToCoauthorInvitation, pendingCoauthorInvitationsForUser } from "~/services/coauthoring.server";
import { pendingPathwayInvitationsForUser, respondToPathwayInvitation } from "~/services/pathway-coauthors.server";
import { ValidationError } from "~/services/errors";
import { handle, requireUser } from "~/utils/http.server";
import { field, workflowAction } from "~/utils/workflow-form.server";

export const meta: MetaFunction = () => [{ title: "Co-author invitations · Badge Commons" }];

const NOTICES: Record<string, string> = {
  accepted: "Invitation accepted: your organisation is now a co-author.",
  declined: "Invitation declined.",
  left: "Your organisation is no longer a co-author of that badge or pathway.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const notice = new URL(request.url).searchParams.get("notice");
    return {
      invitations: pendingCoauthorInvitationsForUser(context.services.db, user.id).map((i) => ({
        ...i,
        invitedAt: i.invitedAt.toISOString(),
      })),
      pathwayInvitations: pendingPathwayInvitationsForUser(context.services.db, user.id).map((i) => ({
        ...i,
        invitedAt: i.invitedAt.toISOString(),
      })),
      notice: notice && NOTICES[notice] ? NOTICES[notice] : null,
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const values = {
    intent: field(form, "intent"),
    badgeId: field(form, "badgeId"),
    pathwayId: field(form, "pathwayId"),
    organisationId: field(form, "organisationId"),
  };
  return workflowAction(values, () => {
    if (values.intent !== "accept" && values.intent !== "decline") throw new ValidationError("Choose accept or decline.");
    if (values.pathwayId) {
      respondToPathwayInvitation(context.services, user.id, values.pathwayId, values.organisationId, values.intent);
      return redirect(
        values.intent === "accept"
          ? `/pathways/${encodeURIComponent(values.pathwayId)}/publishing?notice=accepted`
          : "/coauthor-invitations?notice=declined",
      );
    }
    respondToCoauthorInvitation(context.services, user.id, values.badgeId, values.organisationId, values.intent);
    return redirect(
      values.intent === "accept"
        ? `/badges/${encodeURIComponent(values.badgeId)}/publishing?notice=accepted`
        : "/coauthor-invitations?notice=declined",
    );
  });
}

export default function CoauthorInvitations() {
  const { invitations, pathwayInvitations, notice } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>Co-author invitations</h1>
      {failure && "message" in failure ? (
        <FormMessage message={failure.message} />
      ) : notice ? (
        <p className="notice ok" role="status">
          {notice}
        </p>
      ) : null}
      <p className="muted">
        Organisations you administer have been asked to co-author these badges and pathways. Accepting lets your
        organisation's editors work on the draft and its admins approve versions.
      </p>
      {invitations.length === 0 && pathwayInvitations.length === 0 ? (
        <p>No invitation is waiting for an answer.</p>
      ) : invitations.length === 0 ? null : (
        <ul className="invitation-list">
          {invitations.map((i) => (
            <li key={`${i.badgeId}:${i.organisationId}`} className="card">
              <h2>
                <Link to={`/badges/${i.badgeId}/publishing`}>{i.badgeName}</Link>
              </h2>
              <p>
                {i.stewardName} invites <strong>{i.organisationName}</strong> to co-author this badge.{" "}
                <span className="muted">
                  Asked{i.invitedByName ? ` by ${i.invitedByName}` : ""} on <DateTime iso={i.invitedAt} />.
                </span>
              </p>
              <div className="row">
                <IntentButton intent="accept" fields={{ badgeId: i.badgeId, organisationId: i.organisationId }}>
                  Accept for {i.organisationName}
                </IntentButton>
                <IntentButton
                  intent="decline"
                  fields={{ badgeId: i.badgeId, organisationId: i.organisationId }}
                  className="secondary"
                >
                  Decline<span className="visually-hidden"> for {i.organisationName}</span>
                </IntentButton>
              </div>
            </li>
          ))}
        </ul>
      )}
      {pathwayInvitations.length ? (
        <section aria-labelledby="pathway-invitations-heading">
          <h2 id="pathway-invitations-heading">Pathways</h2>
          <ul className="invitation-list">
            {pathwayInvitations.map((i) => (
              <li key={`${i.pathwayId}:${i.organisationId}`} className="card">
                <h3>
                  <Link to={`/pathways/${i.pathwayId}/publishing`}>{i.pathwayName}</Link>
                </h3>
                <p>
                  {i.stewardName} invites <strong>{i.organisationName}</strong> to co-author this pathway.{" "}
                  <span className="muted">
                    Asked{i.invitedByName ? ` by ${i.invitedByName}` : ""} on <DateTime iso={i.invitedAt} />.
                  </span>
                </p>
                <div className="row">
                  <IntentButton intent="accept" fields={{ pathwayId: i.pathwayId, organisationId: i.organisationId }}>
                    Accept for {i.organisationName}
                  </IntentButton>
                  <IntentButton intent="decline" fields={{ pathwayId: i.pathwayId, organisationId: i.organisationId }} className="secondary">
                    Decline<span className="visually-hidden"> for {i.organisationName}</span>
                  </IntentButton>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
