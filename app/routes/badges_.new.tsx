import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field, FormMessage } from "~/components/forms";
import { ApprovalPolicyField, NoStewardYet, StewardField } from "~/components/start-form";
import { createBadge, CreateBadgeSchema } from "~/services/badges.server";
import { stewardCandidates } from "~/services/drafts.server";
import { ValidationError } from "~/services/errors";
import { formAction, handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Start a badge · Badge Commons" }];

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
    stewardOrganisationId: String(form.get("stewardOrganisationId") ?? ""),
    name: String(form.get("name") ?? ""),
    approvalPolicy: String(form.get("approvalPolicy") ?? "all"),
  };
  return formAction(values, () => {
    const parsed = CreateBadgeSchema.safeParse(values);
    if (!parsed.success) {
      const fieldErrors = parsed.error.flatten().fieldErrors;
      if (fieldErrors.approvalPolicy) fieldErrors.approvalPolicy = ["Choose one of the approval policies"];
      throw new ValidationError("Please correct the fields below.", fieldErrors);
    }
    // Only organisations the user may steward; anything else reads as a bad choice.
    if (!stewardCandidates(context.services.db, user.id).some((o) => o.id === parsed.data.stewardOrganisationId)) {
      throw new ValidationError("Please correct the fields below.", {
        stewardOrganisationId: ["Choose one of your organisations where you are an editor"],
      });
    }
    const badge = createBadge(context.services, user.id, parsed.data);
    return redirect(`/badges/${badge.id}/edit?started=1`);
  });
}

const POLICIES = [
  { value: "all", label: "All co-authors", hint: "Every author organisation (the steward and each co-author) must approve a version." },
  { value: "majority", label: "A majority", hint: "More than half of the author organisations must approve a version." },
  { value: "steward", label: "The steward alone", hint: "An admin of the steward organisation approves; co-authors advise." },
] as const;

export default function NewBadge() {
  const { organisations } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  // An organisation page links here with ?steward=<id>: preselect it when it is one of ours.
  const preferred = organisations.find((o) => o.id === params.get("steward"))?.id;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && "fieldErrors" in result ? result.fieldErrors : {};
  const values = result && "values" in result ? result.values : null;
  const policy = values?.approvalPolicy ?? "all";

  if (!organisations.length) return <NoStewardYet title="Start a badge" what="A badge is started by a steward organisation" />;

  return (
    <section className="card form-card">
      <h1>Start a badge</h1>
      <p className="muted">You can invite other organisations to co-author it once it is started.</p>
      <Form method="post" className="form" noValidate>
        <FormMessage message={result && "message" in result ? result.message : null} />
        <StewardField
          organisations={organisations}
          defaultValue={values?.stewardOrganisationId ?? preferred ?? organisations[0].id}
          hint="The organisation that hosts the badge and publishes its versions."
          errors={errors.stewardOrganisationId}
        />
        <Field id="name" label="Badge name" hint="You can change it later." errors={errors.name}>
          {(p) => <input {...p} type="text" name="name" defaultValue={values?.name} maxLength={120} required />}
        </Field>
        <ApprovalPolicyField policies={POLICIES} checked={policy} errors={errors.approvalPolicy} />
        <button type="submit" disabled={busy}>
          {busy ? "Starting…" : "Start the badge"}
        </button>
      </Form>
    </section>
  );
}
