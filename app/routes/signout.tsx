import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

// Signing out changes state, so it is a POST only; a GET just goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const cookie = await context.auth.signOut(request);
  return redirect("/", { headers: { "Set-Cookie": cookie } });
}
