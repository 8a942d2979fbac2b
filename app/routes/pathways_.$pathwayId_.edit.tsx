import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { FormMessage } from "~/components/forms";
import { PathwayForm } from "~/components/pathway-form";
import { isValidationError, ValidationError } from "~/services/errors";
import { knownBadges } from "~/services/pathway-badges.server";
import { pathwayBadgeUris, PATHWAY_FIELD_LABELS, type PathwayField } from "~/services/pathway-content";
import { contentFromFormValues, formErrorKeys, formValuesFromContent, formValuesFromForm, stepBadge } from "~/services/pathway-form";
import { pathwayBadgeOptions } from "~/services/pathway-queries.server";
import { currentPathwayRevision, pathwayRevisionContent, requirePathwayEdit, savePathwayDraft } from "~/services/pathways.server";
import { formAction, handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.values.name ? `Editing ${data.values.name}` : "Edit pathway"} · Badge Commons` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const { db } = context.services;
    const access = requirePathwayEdit(db, params.pathwayId!, user.id);
    const revision = currentPathwayRevision(db, access.pathway);
    const content = pathwayRevisionContent(revision);
    const named = pathwayBadgeUris(content);
    const options = pathwayBadgeOptions(db, { include: named });
    const known = knownBadges(db, named);
    const search = new URL(request.url).searchParams;
    const changed = (search.get("changed") ?? "")
      .split(",")
      .filter((f): f is PathwayField => f in PATHWAY_FIELD_LABELS)
      .map((f) => PATHWAY_FIELD_LABELS[f]);
    return {
      pathway: { id: access.pathway.id, status: access.pathway.status },
      steward: access.steward.name,
      coauthors: access.authors.filter((a) => !a.isSteward).map((a) => a.organisation.name),
      editingAs: access.editingAs?.name ?? null,
      revision: { id: revision.id, number: revision.number },
      values: formValuesFromContent(content),
      options,
      names: Object.fromEntries([...options.map((o) => [o.uri, o.name]), ...[...known.values()].flatMap((b) => (b.name ? [[b.uri, b.name]] : []))]),
      notice: search.has("started")
        ? "Pathway started. Choose its goal and steps, then save."
        : search.has("saved")
          ? `Saved as revision ${search.get("saved")}${changed.length ? ` (${changed.join(", ").toLowerCase()})` : ""}.`
          : search.has("unchanged")
            ? "Nothing changed since the last revision."
            : null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const pathwayId = params.pathwayId!;
  const form = await request.formData();
  const values = formValuesFromForm(form);
  const baseRevisionId = typeof form.get("baseRevisionId") === "string" ? String(form.get("baseRevisionId")) : "";
  const assembled = contentFromFormValues(values);
  return formAction({ ...values, baseRevisionId }, () => {
    if (Object.keys(assembled.fieldErrors).length) throw new ValidationError("Check the highlighted fields.", assembled.fieldErrors);
    let result: ReturnType<typeof savePathwayDraft>;
    try {
      result = savePathwayDraft(context.services, user.id, pathwayId, { content: assembled.content, baseRevisionId });
    } catch (e) {
      // The service names content paths; the form shows errors by the rows people typed in.
      if (isValidationError(e)) throw new ValidationError(e.message, formErrorKeys(e.fieldErrors, assembled.rows));
      throw e;
    }
    const to = `/pathways/${pathwayId}/edit`;
    if (result.status === "saved") return redirect(`${to}?saved=${result.revision.number}&changed=${result.changed.join(",")}`);
    if (result.status === "unchanged") return redirect(`${to}?unchanged=1`);
    // Someone saved in between: show what this person typed, on top of the new revision.
    return data(
      {
        ok: false as const,
        message: `${result.current.authorName ?? "Someone"} saved revision ${result.current.number} while you were editing. Your changes are below and were not saved; check the pathway's page for theirs, then save again to replace it with yours.`,
        fieldErrors: {},
        values: { ...values, baseRevisionId: result.current.id },
      },
      { status: 409 },
    );
  });
}

export default function EditPathway() {
  const loaded = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failed = failure && "values" in failure ? failure : null;
  // A fresh answer from the server gives the form new starting values.
  const answers = useRef({ failure, count: 0 });
  if (answers.current.failure !== failure) answers.current = { failure, count: answers.current.count + 1 };
  const values = failed?.values ?? loaded.values;
  const stepCount = values.steps.filter((s) => stepBadge(s)).length;
  return (
    <div className="editor pathway-editor">
      <header className="editor-head">
        <p className="muted small">
          <span className={`pill ${loaded.pathway.status}`}>{loaded.pathway.status}</span> Steward: {loaded.steward}
          {loaded.coauthors.length ? ` · co-authors: ${loaded.coauthors.join(", ")}` : ""}
          {loaded.editingAs ? ` · your edits are credited to ${loaded.editingAs}` : ""}
        </p>
        <h1>
          <span className="visually-hidden">Editing </span>
          {loaded.values.name || "Untitled pathway"}
        </h1>
        <p className="row small">
          <span>Revision {loaded.revision.number}</span>
          <span>
            {stepCount} {stepCount === 1 ? "step" : "steps"}
          </span>
          <Link to={`/pathways/${loaded.pathway.id}`}>Preview</Link>
          <Link to={`/pathways/${loaded.pathway.id}/history`}>History</Link>
          <Link to={`/pathways/${loaded.pathway.id}/publishing`}>Approve and publish</Link>
        </p>
      </header>
      {failed ? <FormMessage message={failed.message} /> : loaded.notice ? <p className="notice ok" role="status">{loaded.notice}</p> : null}
      <div className="card">
        <PathwayForm
          // A new revision or a new answer gives the form's fields new starting values.
          key={`${loaded.revision.id}-${answers.current.count}`}
          values={values}
          baseRevisionId={failed?.values.baseRevisionId ?? loaded.revision.id}
          errors={failed?.fieldErrors ?? {}}
          options={loaded.options}
          names={loaded.names}
          busy={busy}
        />
      </div>
    </div>
  );
}
