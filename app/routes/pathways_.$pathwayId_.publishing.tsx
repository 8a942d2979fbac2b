import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage } from "~/components/forms";
import { ApprovalPanel, CoauthorsPanel, DateTime, PublishPanel } from "~/components/publishing";
import { ValidationError } from "~/services/errors";
import {
  invitePathwayCoauthor,
  listPathwayCoauthors,
  removePathwayCoauthor,
  requirePathwayPublishingView,
  respondToPathwayInvitation,
} from "~/services/pathway-coauthors.server";
import {
  approvePathwayRevision,
  deprecatePathway,
  listPathwayVersions,
  pathwayPublishReadiness,
  publishPathwayVersion,
  withdrawPathway,
  withdrawPathwayApproval,
} from "~/services/pathway-publishing.server";
import { currentPathwayRevision, pathwayAccess, pathwayRevisionContent } from "~/services/pathways.server";
import { workflowView } from "~/services/publishing-view.server";
import { handle, optionalUser, requireUser } from "~/utils/http.server";
import { field, workflowAction } from "~/utils/workflow-form.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Publishing ${data?.name ?? "a pathway"} · Badge Commons` }];

const NOTICES: Record<string, string> = {
  invited: "Invitation sent. An admin of that organisation can now accept or decline it.",
  accepted: "Your organisation is now a co-author of this pathway.",
  declined: "Invitation declined.",
  removed: "Co-author removed; its approvals no longer count.",
  approved: "Approval recorded for this revision.",
  withdrawn: "Approval withdrawn.",
  published: "Version published. Organisations following the authors receive it.",
  deprecated: "Pathway deprecated.",
  "taken-back": "Pathway withdrawn: it has left the list here and on the instances that follow its authors.",
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(() => {
    const { db } = context.services;
    const { access, invitations } = requirePathwayPublishingView(db, params.pathwayId!, user?.id ?? null);
    const pathway = access.pathway;
    const readiness = pathwayPublishReadiness(db, pathway.id);
    const versions = listPathwayVersions(db, pathway.id);
    const local = !access.steward.host;
    const open = local && pathway.status !== "deprecated" && pathway.status !== "withdrawn";
    const notice = new URL(request.url).searchParams.get("notice");
    return {
      pathwayId: pathway.id,
      name: pathwayRevisionContent(currentPathwayRevision(db, pathway)).name,
      status: pathway.status,
      local,
      isMember: access.isMember,
      canEdit: access.canEdit,
      steward: { name: access.steward.name, handle: access.steward.handle },
      ...workflowView({
        coauthors: listPathwayCoauthors(db, pathway.id),
        invitations,
        approverFor: access.approverFor,
        open,
        isStewardAdmin: access.isStewardAdmin,
        stewardName: access.steward.name,
        readiness,
        versions,
      }),
      versions: versions.map((v) => ({ number: v.number, publishedAt: v.publishedAt.toISOString(), publishedByName: v.publishedByName, contentHash: v.contentHash })),
      canDeprecate: access.isStewardAdmin && pathway.status === "published",
      canWithdraw: access.isStewardAdmin && (pathway.status === "published" || pathway.status === "deprecated"),
      deprecatedAt: pathway.deprecatedAt?.toISOString() ?? null,
      notice: notice && NOTICES[notice] ? NOTICES[notice] : null,
    };
  });
}

const INTENTS = ["invite", "accept", "decline", "remove", "approve", "withdraw", "publish", "deprecate", "withdraw-pathway"] as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const values = { intent: field(form, "intent"), handle: field(form, "handle") };
  const organisationId = field(form, "organisationId");
  const revisionId = field(form, "revisionId");
  const pathwayId = params.pathwayId!;
  const ctx = context.services;
  return workflowAction(values, () => {
    const intent = INTENTS.find((i) => i === values.intent);
    let notice: string;
    switch (intent) {
      case "invite":
        invitePathwayCoauthor(ctx, user.id, pathwayId, { handle: values.handle });
        notice = "invited";
        break;
      case "accept":
      case "decline":
        respondToPathwayInvitation(ctx, user.id, pathwayId, organisationId, intent);
        notice = intent === "accept" ? "accepted" : "declined";
        break;
      case "remove":
        removePathwayCoauthor(ctx, user.id, pathwayId, organisationId);
        notice = "removed";
        break;
      case "approve":
        approvePathwayRevision(ctx, user.id, pathwayId, { organisationId, revisionId });
        notice = "approved";
        break;
      case "withdraw":
        withdrawPathwayApproval(ctx, user.id, pathwayId, { organisationId });
        notice = "withdrawn";
        break;
      case "publish":
        publishPathwayVersion(ctx, user.id, pathwayId, { revisionId });
        notice = "published";
        break;
      case "deprecate":
        deprecatePathway(ctx, user.id, pathwayId);
        notice = "deprecated";
        break;
      case "withdraw-pathway":
        withdrawPathway(ctx, user.id, pathwayId);
        notice = "taken-back";
        break;
      default:
        throw new ValidationError("That action is not known here.");
    }
    // Someone who just left or declined may no longer see the draft.
    if (!pathwayAccess(ctx.db, pathwayId, user.id).canView) return redirect(`/coauthor-invitations?notice=${intent === "remove" ? "left" : notice}`);
    return redirect(`/pathways/${pathwayId}/publishing?notice=${notice}`);
  });
}

export default function PathwayPublishing() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const failed = failure && "values" in failure ? failure : null;
  const open = d.status !== "deprecated" && d.status !== "withdrawn";
  return (
    <div className="stack publishing">
      <p className="small row">
        {d.canEdit ? <Link to={`/pathways/${d.pathwayId}/edit`}>Back to the editor</Link> : null}
        {d.isMember ? <Link to={`/pathways/${d.pathwayId}/history`}>History</Link> : null}
        <Link to={`/pathways/${d.pathwayId}`}>{d.status === "draft" ? "Preview" : "Public page"}</Link>
      </p>
      <h1>
        Publishing {d.name} <span className={`pill ${d.status}`}>{d.status}</span>
      </h1>
      {failed ? <FormMessage message={failed.message} /> : d.notice ? <p className="notice ok" role="status">{d.notice}</p> : null}
      {!d.local ? <p className="notice info">This pathway is stewarded on another instance; it is approved and published there.</p> : null}
      {d.status === "deprecated" ? (
        <p className="notice warn">Deprecated{d.deprecatedAt ? <> on <DateTime iso={d.deprecatedAt} /></> : null}: listed and readable, closed to changes.</p>
      ) : null}
      {d.status === "withdrawn" ? <p className="notice warn">Withdrawn by its steward: it is no longer listed or shown.</p> : null}
      <CoauthorsPanel
        steward={d.steward}
        coauthors={d.coauthors}
        canInvite={d.canInvite}
        handleValue={failed?.values.intent === "invite" ? failed.values.handle : undefined}
        handleErrors={failed?.values.intent === "invite" ? failed.fieldErrors.handle : undefined}
      />
      {open && d.local ? (
        <>
          <ApprovalPanel {...d.approvals} publishedAs={d.publishedAs} open />
          {d.isMember ? (
            <PublishPanel
              revisionId={d.approvals.revisionId}
              revisionNumber={d.approvals.revisionNumber}
              nextNumber={d.publish.nextNumber}
              canPublish={d.publish.canPublish}
              reasons={d.publish.reasons}
              publishedAs={d.publishedAs}
            />
          ) : null}
        </>
      ) : null}
      <section className="card" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Version history</h2>
        {d.versions.length ? (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Published versions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Published</th>
                  <th scope="col">By</th>
                  <th scope="col">Content hash</th>
                </tr>
              </thead>
              <tbody>
                {d.versions.map((v) => (
                  <tr key={v.number}>
                    <td>
                      <Link to={`/pathways/${d.pathwayId}/versions/${v.number}`}>Version {v.number}</Link>
                    </td>
                    <td>
                      <DateTime iso={v.publishedAt} />
                    </td>
                    <td>{v.publishedByName ?? "A former member"}</td>
                    <td>
                      <code title={v.contentHash}>{v.contentHash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No version published yet.</p>
        )}
      </section>
      {d.canDeprecate ? (
        <section className="card" aria-labelledby="deprecate-heading">
          <h2 id="deprecate-heading">Deprecate</h2>
          <p>A deprecated pathway stays listed and readable, marked as deprecated; its draft stops changing.</p>
          <Form method="post">
            <input type="hidden" name="intent" value="deprecate" />
            <button type="submit" className="danger">
              Deprecate this pathway
            </button>
          </Form>
        </section>
      ) : null}
      {d.canWithdraw ? (
        <section className="card" aria-labelledby="withdraw-heading">
          <h2 id="withdraw-heading">Withdraw</h2>
          <p>
            Withdrawing takes the pathway back: it leaves the list, its page says it was withdrawn, and instances that follow its
            authors are told to remove it. Unlike deprecation, this cannot be undone.
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="withdraw-pathway" />
            <button type="submit" className="danger">
              Withdraw this pathway
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
