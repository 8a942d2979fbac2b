import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { SignUpSchema } from "~/services/auth.server";
import { ValidationError } from "~/services/errors";
import { Field, FormMessage } from "~/components/forms";
import { formAction, optionalUser, safeRedirectPath } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Sign up · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await optionalUser(request, context)) throw redirect("/dashboard");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = {
    displayName: String(form.get("displayName") ?? ""),
    email: String(form.get("email") ?? ""),
    redirectTo: String(form.get("redirectTo") ?? ""),
  };
  return formAction(values, async () => {
    const parsed = SignUpSchema.safeParse({ ...values, password: form.get("password") });
    if (!parsed.success) throw new ValidationError("Please correct the fields below.", parsed.error.flatten().fieldErrors);
    const { cookie } = await context.auth.signUp(parsed.data);
    return redirect(safeRedirectPath(values.redirectTo, "/dashboard"), { headers: { "Set-Cookie": cookie } });
  });
}

export default function SignUp() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = result && "fieldErrors" in result ? result.fieldErrors : {};
  const values = result && "values" in result ? result.values : null;
  return (
    <section className="card form-card">
      <h1>Create your account</h1>
      <Form method="post" className="form" noValidate>
        <FormMessage message={result && "message" in result ? result.message : null} />
        <input type="hidden" name="redirectTo" value={values?.redirectTo ?? params.get("redirectTo") ?? ""} />
        <Field id="displayName" label="Your name" errors={errors.displayName}>
          {(p) => <input {...p} type="text" name="displayName" autoComplete="name" defaultValue={values?.displayName} required />}
        </Field>
        <Field id="email" label="E-mail" errors={errors.email}>
          {(p) => <input {...p} type="email" name="email" autoComplete="email" defaultValue={values?.email} required />}
        </Field>
        <Field id="password" label="Password" hint="At least 10 characters." errors={errors.password}>
          {(p) => <input {...p} type="password" name="password" autoComplete="new-password" required minLength={10} />}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? "Creating account…" : "Sign up"}
        </button>
        <p className="muted">
          Already have an account? <Link to={`/signin${params.size ? `?${params}` : ""}`}>Sign in</Link>
        </p>
      </Form>
    </section>
  );
}
