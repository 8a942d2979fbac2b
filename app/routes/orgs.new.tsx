import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormMessage } from "~/components/forms";
import { OrganisationProfileFields } from "~/components/organisations";
import { HANDLE_HINT } from "~/services/organisation-fields";
import { createOrganisation } from "~/services/organisations.server";
import { formAction, handle, requireUser } from "~/utils/http.server";
import { pickText, readUploadForm, uploadedFile } from "~/utils/uploads.server";

export const meta: MetaFunction = () => [{ title: "New organisation · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return { publicUrl: context.services.publicUrl };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // A malformed body is refused outright; a file over the cap comes back as a field error.
  const { form, errors: uploadErrors } = await handle(() => readUploadForm(request));
  const values = pickText(form, ["handle", "name", "kind", "description", "website"]);
  return formAction(values, async () => {
    const logo = await uploadedFile(form, "logo");
    const org = createOrganisation(context.services, user.id, values, { logo, uploadErrors });
    return redirect(`/orgs/${org.handle}`);
  });
}

export default function NewOrganisation() {
  const { publicUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failed = result && "fieldErrors" in result ? result : null;
  const values: Partial<Record<string, string>> = failed?.values ?? {};
  const errors = failed?.fieldErrors ?? {};
  return (
    <section className="card form-card">
      <h1>Create an organisation</h1>
      <p className="muted">
        Organisations steward and co-author badge definitions. You will be its owner and can invite others.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <FormMessage message={failed?.message} />
        <Field id="handle" label="Handle" hint={`Its address will be ${publicUrl}/orgs/<handle>. ${HANDLE_HINT} It cannot be changed later.`} errors={errors.handle}>
          {(p) => (
            <input {...p} type="text" name="handle" defaultValue={values.handle} autoCapitalize="none" autoComplete="off" spellCheck={false} maxLength={30} required />
          )}
        </Field>
        <OrganisationProfileFields values={values} errors={errors} hasLogo={false} retry={!!failed} />
        <div className="row">
          <button type="submit" disabled={busy}>
            {busy ? "Creating…" : "Create organisation"}
          </button>
          <Link to="/orgs">Cancel</Link>
        </div>
      </Form>
    </section>
  );
}
