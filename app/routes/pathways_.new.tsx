import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field, FormMessage } from "~/components/forms";
import { ApprovalPolicyField, NoStewardYet, StewardField } from "~/components/start-form";
import { stewardCandidates } from "~/services/drafts.server";
import { createPathway } from "~/services/pathways.server";
import { formAction, handle, requireUser } from "~/utils/http.server";
import { field } from "~/utils/workflow-form.server";

export const meta: MetaFunction = () => [{ title: "Compose a pathway · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => ({
    organisations: stewardCandidates(context.services.db, user.id).map((o) => ({ id: o.id, name: o.name })),
  }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const values = {
    stewardOrganisationId: field(form, "stewardOrganisationId"),
    name: field(form, "name"),
    approvalPolicy: field(form, "approvalPolicy") || "all",
  };
  return formAction(values, () => {
    // The service validates and checks the user's role in the steward organisation.
    const pathway = createPathway(context.services, user.id, values);
    return redirect(`/pathways/${pathway.id}/edit?started=1`);
  });
}

const POLICIES = [
  { value: "all", label: "All authors", hint: "The steward and each co-author approve every version before it is published." },
  { value: "steward", label: "The steward alone", hint: "An admin of the steward organisation approves; co-authors advise." },
] as const;

export default function NewPathway() {
  const { organisations } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const preferred = organisations.find((o) => o.id === params.get("steward"))?.id;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string[] | undefined> = result && "fieldErrors" in result ? result.fieldErrors : {};
  const values = result && "values" in result ? result.values : null;
  const policy = values?.approvalPolicy ?? "all";

  if (!organisations.length) return <NoStewardYet title="Compose a pathway" what="A pathway is composed by a steward organisation" />;

  return (
    <section className="card form-card">
      <h1>Compose a pathway</h1>
      <p className="muted">
        A pathway leads learners to a goal badge through steps: badges of this instance or of others, with guidance for each.
        You can invite other organisations to co-author it once it is started.
      </p>
      <Form method="post" className="form" noValidate>
        <FormMessage message={result && "message" in result ? result.message : null} />
        <StewardField
          organisations={organisations}
          defaultValue={values?.stewardOrganisationId ?? preferred ?? organisations[0].id}
          hint="The organisation that hosts the pathway and publishes its versions."
          errors={errors.stewardOrganisationId}
        />
        <Field id="name" label="Pathway name" hint="For example: Changemaker Foundations. You can change it later." errors={errors.name}>
          {(p) => <input {...p} type="text" name="name" defaultValue={values?.name} maxLength={120} required />}
        </Field>
        <ApprovalPolicyField policies={POLICIES} checked={policy} errors={errors.approvalPolicy} />
        <button type="submit" disabled={busy}>
          {busy ? "Starting…" : "Start the pathway"}
        </button>
      </Form>
    </section>
  );
}
