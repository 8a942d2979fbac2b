import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { SignInSchema } from "~/services/auth.server";
import { ValidationError } from "~/services/errors";
import { Field, FormMessage } from "~/components/forms";
import { formAction, optionalUser, safeRedirectPath } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await optionalUser(request, context)) throw redirect("/dashboard");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = { email: String(form.get("email") ?? ""), redirectTo: String(form.get("redirectTo") ?? "") };
  return formAction(values, async () => {
    const parsed = SignInSchema.safeParse({ ...values, password: form.get("password") });
    if (!parsed.success) throw new ValidationError("Please correct the fields below.", parsed.error.flatten().fieldErrors);
    const { cookie } = await context.auth.signIn(parsed.data, context.clientAddress);
    return redirect(safeRedirectPath(values.redirectTo, "/dashboard"), { headers: { "Set-Cookie": cookie } });
  });
}

export default function SignIn() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = result && "fieldErrors" in result ? result.fieldErrors : {};
  const values = result && "values" in result ? result.values : null;
  return (
    <section className="card form-card">
      <h1>Sign in</h1>
      <Form method="post" className="form" noValidate>
        <FormMessage message={result && "message" in result ? result.message : null} />
        <input type="hidden" name="redirectTo" value={values?.redirectTo ?? params.get("redirectTo") ?? ""} />
        <Field id="email" label="E-mail" errors={errors.email}>
          {(p) => <input {...p} type="email" name="email" autoComplete="email" defaultValue={values?.email} required />}
        </Field>
        <Field id="password" label="Password" errors={errors.password}>
          {(p) => <input {...p} type="password" name="password" autoComplete="current-password" required />}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="muted">
          New here? <Link to={`/signup${params.size ? `?${params}` : ""}`}>Create an account</Link>
        </p>
      </Form>
    </section>
  );
}
