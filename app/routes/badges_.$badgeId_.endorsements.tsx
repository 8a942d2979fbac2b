// All of a badge's endorsements, a page at a time, and the endorsement forms' one action:
// endorse (or update, renew), withdraw, accept, decline, and the steward's setting. Each
// form says where to come back to (the badge page or this one); a form that needs another
// look is answered here, with what was typed and the message beside it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { EndorsementsSection, type EndorsementFormFailure } from "~/components/endorsements";
import { getPublicBadge } from "~/services/catalogue.server";
import {
  decideEndorsement,
  endorseBadge,
  setAutoAcceptEndorsements,
  withdrawEndorsement,
} from "~/services/endorsements.server";
import { ValidationError } from "~/services/errors";
import { endorsementSection } from "~/utils/endorsements-view.server";
import { handle, optionalUser, requireUser, safeRedirectPath } from "~/utils/http.server";
import { field, workflowAction } from "~/utils/workflow-form.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Endorsements of ${data.section.badgeName} · Badge Commons` : "Endorsements · Badge Commons" },
];

const PAGE_SIZE = 50;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  const { db } = context.services;
  return handle(() => {
    // Drafts and withdrawn badges have no public endorsements page.
    const badge = getPublicBadge(db, params.badgeId ?? "");
    const page = Number(new URL(request.url).searchParams.get("page") ?? "1");
    const section = endorsementSection(db, badge.id, user?.id ?? null, {
      badgeName: badge.latest.content.name,
      page: Number.isSafeInteger(page) ? page : 1,
      pageSize: PAGE_SIZE,
    });
    return { section };
  });
}

const INTENTS = ["endorse", "withdraw", "accept", "decline", "auto-accept"] as const;

/** `path` with `endorsement=notice` added to its query, then the section's anchor. */
function backTo(path: string, notice: string): string {
  const url = new URL(path, "http://x");
  url.searchParams.set("endorsement", notice);
  return `${url.pathname}${url.search}#endorsements`;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const badgeId = params.badgeId ?? "";
  const values = {
    intent: field(form, "intent"),
    organisationId: field(form, "organisationId"),
    statement: field(form, "statement"),
  };
  const endorsementId = field(form, "endorsementId");
  const back = safeRedirectPath(field(form, "redirectTo"), `/badges/${badgeId}`);
  const ctx = context.services;
  return workflowAction(values, () => {
    const intent = INTENTS.find((i) => i === values.intent);
    switch (intent) {
      case "endorse": {
        const { outcome } = endorseBadge(ctx, user.id, badgeId, {
          organisationId: values.organisationId,
          statement: values.statement,
          versionNumber: field(form, "versionNumber"),
        });
        return redirect(backTo(back, outcome));
      }
      case "withdraw":
        withdrawEndorsement(ctx, user.id, endorsementId);
        return redirect(backTo(back, "withdrawn"));
      case "accept":
      case "decline":
        decideEndorsement(ctx, user.id, endorsementId, intent);
        return redirect(backTo(back, intent === "accept" ? "accepted" : "declined"));
      case "auto-accept": {
        const on = setAutoAcceptEndorsements(ctx, user.id, badgeId, { autoAccept: field(form, "autoAccept") });
        return redirect(backTo(back, on ? "auto-on" : "auto-off"));
      }
      default:
        throw new ValidationError("That action is not known here.");
    }
  });
}

export default function BadgeEndorsements() {
  const { section } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && "values" in result ? (result as EndorsementFormFailure) : null;
  const here = section.page > 1 ? `/badges/${section.badgeId}/endorsements?page=${section.page}` : `/badges/${section.badgeId}/endorsements`;
  return (
    <div className="stack">
      <p className="breadcrumbs">
        <Link to={`/badges/${section.badgeId}`}>{section.badgeName}</Link> › Endorsements
      </p>
      <h1>Endorsements of {section.badgeName}</h1>
      <EndorsementsSection data={section} failure={failure} back={here} listFooter={<Pages page={section.page} pageCount={section.pageCount} />} />
    </div>
  );
}

function Pages({ page, pageCount }: { page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label="Endorsement pages">
      {page > 1 ? (
        <Link to={`?page=${page - 1}#endorsements`} rel="prev">
          ← Newer
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
      <span>
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link to={`?page=${page + 1}#endorsements`} rel="next">
          Older →
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
    </nav>
  );
}
