import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useBadgeWatch } from "~/realtime/use-badge-watch";
import { FormMessage } from "~/components/forms";
import {
  ApprovalPanel,
  CoauthorsPanel,
  DateTime,
  DeprecatePanel,
  WithdrawBadgePanel,
  PublishPanel,
  VersionHistory,
} from "~/components/publishing";
import { badgeAccess, currentRevision, revisionContent } from "~/services/badges.server";
import {
  acceptCoauthorInvitation,
  declineCoauthorInvitation,
  inviteCoauthor,
  listCoauthors,
  removeCoauthor,
  requirePublishingView,
} from "~/services/coauthoring.server";
import { ValidationError } from "~/services/errors";
import {
  approveRevision,
  deprecateBadge,
  withdrawBadge,
  listVersions,
  publishReadiness,
  publishVersion,
  refreshPrerequisitesForPublication,
  withdrawApproval,
} from "~/services/publishing.server";
import { workflowView } from "~/services/publishing-view.server";
import { handle, optionalUser, requireUser } from "~/utils/http.server";
import { field, workflowAction } from "~/utils/workflow-form.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Publishing ${data?.name ?? "a badge"} · Badge Commons` },
];

const NOTICES: Record<string, string> = {
  invited: "Invitation sent. An admin of that organisation can now accept or decline it.",
  accepted: "Your organisation is now a co-author of this badge.",
  declined: "Invitation declined.",
  removed: "Co-author removed; its approvals no longer count.",
  approved: "Approval recorded for this revision.",
  withdrawn: "Approval withdrawn.",
  published: "Version published.",
  deprecated: "Badge deprecated.",
  "taken-back": "Badge withdrawn: it has left the catalogue here and on the instances that follow its authors.",
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  return handle(() => {
    const { db, publicUrl } = context.services;
    // A draft exists only for its authors, and for admins of organisations invited to it.
    const { access, invitations } = requirePublishingView(db, params.badgeId!, user?.id ?? null);
    const badge = access.badge;
    const readiness = publishReadiness(db, badge.id);
    const versions = listVersions(db, badge.id);
    const open = badge.status !== "deprecated" && badge.status !== "withdrawn";
    const notice = new URL(request.url).searchParams.get("notice");
    return {
      badgeId: badge.id,
      // Live notices need a session; signed-out readers reload by hand.
      canWatch: user !== null,
      name: revisionContent(currentRevision(db, badge)).name,
      status: badge.status,
      isMember: access.authors.some((a) => a.role !== null),
      canEdit: access.canEdit,
      steward: { name: access.steward.name, handle: access.steward.handle },
      ...workflowView({
        coauthors: listCoauthors(db, badge.id),
        invitations,
        approverFor: access.approverFor,
        open,
        isStewardAdmin: access.isStewardAdmin,
        stewardName: access.steward.name,
        readiness,
        versions,
      }),
      versions: versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() })),
      canDeprecate: access.isStewardAdmin && badge.status === "published",
      canWithdrawBadge: access.isStewardAdmin && (badge.status === "published" || badge.status === "deprecated"),
      deprecatedAt: badge.deprecatedAt?.toISOString() ?? null,
      successor: badge.successorUri
        ? { href: badge.successorUri.startsWith(`${publicUrl}/`) ? badge.successorUri.slice(publicUrl.length) : badge.successorUri, uri: badge.successorUri }
        : null,
      notice: notice && NOTICES[notice] ? NOTICES[notice] : null,
    };
  });
}

const INTENTS = ["invite", "accept", "decline", "remove", "approve", "withdraw", "publish", "deprecate", "withdraw-badge"] as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const values = {
    intent: field(form, "intent"),
    handle: field(form, "handle"),
    successor: field(form, "successor"),
  };
  const organisationId = field(form, "organisationId");
  const revisionId = field(form, "revisionId");
  const badgeId = params.badgeId!;
  const ctx = context.services;
  return workflowAction(values, async () => {
    const intent = INTENTS.find((i) => i === values.intent);
    let notice: string;
    switch (intent) {
      case "invite":
        inviteCoauthor(ctx, user.id, badgeId, { handle: values.handle });
        notice = "invited";
        break;
      case "accept":
        acceptCoauthorInvitation(ctx, user.id, badgeId, organisationId);
        notice = "accepted";
        break;
      case "decline":
        declineCoauthorInvitation(ctx, user.id, badgeId, organisationId);
        notice = "declined";
        break;
      case "remove":
        removeCoauthor(ctx, user.id, badgeId, organisationId);
        notice = "removed";
        break;
      case "approve":
        approveRevision(ctx, user.id, badgeId, { organisationId, revisionId });
        notice = "approved";
        break;
      case "withdraw":
        withdrawApproval(ctx, user.id, badgeId, { organisationId });
        notice = "withdrawn";
        break;
      case "publish":
        await refreshPrerequisitesForPublication(ctx, user.id, badgeId);
        publishVersion(ctx, user.id, badgeId, { revisionId });
        notice = "published";
        break;
      case "deprecate":
        deprecateBadge(ctx, user.id, badgeId, { successor: values.successor });
        notice = "deprecated";
        break;
      case "withdraw-badge":
        withdrawBadge(ctx, user.id, badgeId);
        notice = "taken-back";
        break;
      default:
        throw new ValidationError("That action is not known here.");
    }
    // Someone who just left or declined may no longer see the draft.
    const after = badgeAccess(ctx.db, badgeId, user.id);
    if (!after.canView) return redirect(`/coauthor-invitations?notice=${intent === "remove" ? "left" : notice}`);
    return redirect(`/badges/${badgeId}/publishing?notice=${notice}#${anchorFor(intent)}`);
  });
}

function anchorFor(intent: (typeof INTENTS)[number]) {
  if (intent === "approve" || intent === "withdraw") return "approvals-heading";
  if (intent === "publish") return "versions-heading";
  if (intent === "deprecate" || intent === "withdraw-badge") return "main";
  return "coauthors-heading";
}

export default function Publishing() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const failed = failure && "values" in failure ? failure : null;
  const errorsFor = (intent: string, name: string) => (failed?.values.intent === intent ? failed.fieldErrors[name] : undefined);
  // Approvals and the revision they bind to move when co-authors act elsewhere; follow them.
  const watch = useBadgeWatch({ badgeId: d.badgeId, enabled: d.canWatch });
  return (
    <div className="stack publishing" data-watch-status={watch}>
      <p className="small row">
        {d.canEdit ? <Link to={`/badges/${d.badgeId}/edit`}>Back to the editor</Link> : null}
        {d.isMember ? <Link to={`/badges/${d.badgeId}/history`}>History</Link> : null}
        {d.status !== "draft" ? <Link to={`/badges/${d.badgeId}`}>Public page</Link> : null}
      </p>
      <h1>
        Publishing {d.name} <span className={`pill ${d.status}`}>{d.status}</span>
      </h1>
      {watch === "live" ? <p className="muted small">This page updates itself when co-authors approve, edit or publish.</p> : null}
      {failed ? <FormMessage message={failed.message} /> : d.notice ? <p className="notice ok" role="status">{d.notice}</p> : null}
      {d.status === "deprecated" ? (
        <p className="notice warn">
          Deprecated{d.deprecatedAt ? <> on <DateTime iso={d.deprecatedAt} /></> : null}.
          {d.successor ? (
            <>
              {" "}
              Successor: <a href={d.successor.href}>{d.successor.uri}</a>
            </>
          ) : null}
        </p>
      ) : null}
      <CoauthorsPanel
        steward={d.steward}
        coauthors={d.coauthors}
        canInvite={d.canInvite}
        handleValue={failed?.values.intent === "invite" ? failed.values.handle : undefined}
        handleErrors={errorsFor("invite", "handle")}
      />
      {d.status === "withdrawn" ? <p className="notice warn">Withdrawn by its steward: it is no longer listed or shown.</p> : null}
      {d.status !== "deprecated" && d.status !== "withdrawn" ? (
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
      <VersionHistory badgeId={d.badgeId} versions={d.versions} />
      {d.canDeprecate ? (
        <DeprecatePanel
          successorValue={failed?.values.intent === "deprecate" ? failed.values.successor : undefined}
          successorErrors={errorsFor("deprecate", "successor")}
        />
      ) : null}
      {d.canWithdrawBadge ? <WithdrawBadgePanel /> : null}
    </div>
  );
}
