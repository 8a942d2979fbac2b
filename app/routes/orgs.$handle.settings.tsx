import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormMessage } from "~/components/forms";
import { OrganisationLogo, OrganisationProfileFields } from "~/components/organisations";
import { getLocalOrganisation, updateOrganisationProfile } from "~/services/organisations.server";
import { requireRole } from "~/services/roles.server";
import { formAction, handle, requireUser } from "~/utils/http.server";
import { pickText, readUploadForm, uploadedFile } from "~/utils/uploads.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Settings${data ? ` · ${data.organisation.name}` : ""} · Badge Commons` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    const org = getLocalOrganisation(context.services.db, params.handle ?? "");
    requireRole(context.services.db, org.id, user.id, "admin");
    return {
      organisation: {
        handle: org.handle,
        uri: org.uri,
        name: org.name,
        kind: org.kind,
        description: org.description,
        website: org.website,
        logoImageId: org.logoImageId,
      },
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const org = await handle(() => getLocalOrganisation(context.services.db, params.handle ?? ""));
  const { form, errors: uploadErrors } = await handle(() => readUploadForm(request));
  const values = pickText(form, ["name", "kind", "description", "website"]);
  return formAction(values, async () => {
    updateOrganisationProfile(context.services, user.id, org.id, values, {
      logo: await uploadedFile(form, "logo"),
      uploadErrors,
      generatedLogo: form.get("generatedLogo") === "on",
    });
    return redirect(`/orgs/${org.handle}?saved=1`);
  });
}

export default function OrganisationSettings() {
  const { organisation: org } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failed = result && "fieldErrors" in result ? result : null;
  return (
    <section className="card form-card">
      <p className="breadcrumbs">
        <Link to={`/orgs/${org.handle}`}>{org.name}</Link> / Settings
      </p>
      <h1>Organisation profile</h1>
      <p className="muted small">
        Handle <strong>@{org.handle}</strong> ({org.uri}) names the organisation across the network and cannot change.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <FormMessage message={failed?.message} />
        <div className="row current-logo">
          <OrganisationLogo imageId={org.logoImageId} size={64} />
          <span className="muted small">Current logo</span>
        </div>
        <OrganisationProfileFields values={failed?.values ?? org} errors={failed?.fieldErrors ?? {}} hasLogo={!!org.logoImageId} retry={!!failed} />
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" name="generatedLogo" /> Replace the logo with one drawn from the name
          </label>
        </div>
        <div className="row">
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save profile"}
          </button>
          <Link to={`/orgs/${org.handle}`}>Cancel</Link>
        </div>
      </Form>
    </section>
  );
}
