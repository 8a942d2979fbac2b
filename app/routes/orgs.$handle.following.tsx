import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { Field, FormMessage } from "~/components/forms";
import { ValidationError } from "~/services/errors";
import { listFollowers, listFollowing } from "~/services/follows.server";
import { getLocalOrganisation } from "~/services/organisations.server";
import { requireRole, roleAtLeast } from "~/services/roles.server";
import { catalogueHref } from "~/utils/catalogue-url";
import { formAction, handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Following${data ? ` · ${data.organisation.name}` : ""} · Badge Commons` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context.services;
  return handle(() => {
    const org = getLocalOrganisation(db, params.handle ?? "");
    const myRole = requireRole(db, org.id, user.id, "viewer");
    return {
      organisation: { id: org.id, handle: org.handle, name: org.name, uri: org.uri },
      isAdmin: roleAtLeast(myRole, "admin"),
      following: listFollowing(db, org.uri).map(({ follow, organisation }) => ({
        uri: organisation.uri,
        name: organisation.name,
        handle: organisation.handle,
        host: organisation.host,
        status: follow.status,
        backfillDone: follow.backfillDone,
        backfillTotal: follow.backfillTotal,
      })),
      followerCount: listFollowers(db, org.uri).length,
    };
  });
}

const FollowSchema = z.object({
  intent: z.literal("follow"),
  handle: z.string().trim().min(3, "Enter @handle@host or a URL").max(2000, "At most 2,000 characters"),
});
const UnfollowSchema = z.object({ intent: z.literal("unfollow"), uri: z.string().url() });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context.services;
  const org = await handle(() => getLocalOrganisation(db, params.handle ?? ""));
  const form = await request.formData();
  const values = { intent: String(form.get("intent") ?? ""), handle: String(form.get("handle") ?? ""), uri: String(form.get("uri") ?? "") };
  return formAction(values, async () => {
    if (values.intent === "unfollow") {
      const input = UnfollowSchema.safeParse(values);
      if (!input.success) throw new ValidationError("Choose whom to stop following.");
      context.federation.unfollow(user.id, org.id, input.data.uri);
      return { ok: true as const, message: "Stopped following." };
    }
    const input = FollowSchema.safeParse(values);
    if (!input.success) throw new ValidationError("Check the address.", input.error.flatten().fieldErrors);
    // Checked before the lookup too, so people who may not follow cannot make us fetch addresses.
    requireRole(db, org.id, user.id, "admin");
    await context.federation.follow(user.id, org.id, input.data.handle);
    return { ok: true as const, message: `Asked to follow ${input.data.handle}. Their badges appear here once they accept.` };
  });
}

function progressText(f: { status: string; backfillDone: number; backfillTotal: number | null }) {
  if (f.status === "pending") return "Waiting for them to accept";
  if (f.status === "rejected") return "They declined";
  if (f.backfillTotal === null) return "Fetching their badges…";
  if (f.backfillDone < f.backfillTotal) return `Fetching their badges: ${f.backfillDone} of ${f.backfillTotal}`;
  return "Following; new badges arrive as they publish";
}

export default function Following() {
  const { organisation: org, isAdmin, following, followerCount } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failed = result && "fieldErrors" in result ? result : null;
  const done = result && "ok" in result && result.ok ? result : null;
  const revalidator = useRevalidator();
  // After a follow is asked for, the address field empties for the next one.
  const followForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (done) followForm.current?.reset();
  }, [done]);
  const working = following.some((f) => f.status === "pending" || f.backfillTotal === null || f.backfillDone < (f.backfillTotal ?? 0));
  // While a follow waits or a back-fill runs, refresh every two seconds (scripts only; the
  // page also says where things stand without them).
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [working, revalidator]);

  return (
    <section className="stack">
      <p className="breadcrumbs">
        <Link to={`/orgs/${org.handle}`}>{org.name}</Link> / Following
      </p>
      <h1>Organisations {org.name} follows</h1>
      <p className="muted">
        Following an organisation on another Badge Commons instance brings its published badges into this catalogue, and keeps them
        current. {followerCount === 1 ? "1 account follows" : `${followerCount} accounts follow`} {org.name} from elsewhere.
      </p>
      <FormMessage message={failed?.message} />
      {done ? (
        <div className="notice ok" role="status">
          {done.message}
        </div>
      ) : null}

      {isAdmin ? (
        <Form method="post" className="card stack" aria-labelledby="follow-heading" ref={followForm}>
          <h2 id="follow-heading">Follow an organisation</h2>
          <input type="hidden" name="intent" value="follow" />
          <Field
            id="follow-handle"
            label="Its address"
            hint="@handle@their.instance, or paste the address of the organisation or of one of its badges."
            errors={failed?.fieldErrors.handle}
          >
            {(p) => <input {...p} type="text" name="handle" defaultValue={failed?.values.handle ?? ""} required autoComplete="off" spellCheck={false} />}
          </Field>
          <div>
            <button type="submit" disabled={busy}>
              {busy ? "Looking it up…" : "Follow"}
            </button>
          </div>
        </Form>
      ) : null}

      <div className="card">
        {following.length ? (
          <ul className="following-list">
            {following.map((f) => (
              <li key={f.uri} className="row space-between">
                <div>
                  <strong>{f.name}</strong> <span className="muted">{`@${f.handle}@${f.host}`}</span>
                  <p className="hint follow-progress" role="status">
                    {progressText(f)}
                    {f.status === "accepted" && f.backfillTotal && f.backfillDone < f.backfillTotal ? (
                      <progress max={f.backfillTotal} value={f.backfillDone} aria-label={`Badges fetched from ${f.name}`} />
                    ) : null}
                  </p>
                  {f.status === "accepted" ? (
                    <Link to={catalogueHref({ organisation: `${f.handle}@${f.host}` })}>Their badges in the catalogue</Link>
                  ) : null}
                </div>
                {isAdmin ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="unfollow" />
                    <input type="hidden" name="uri" value={f.uri} />
                    <button type="submit" className="secondary small" disabled={busy}>
                      Stop following
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{org.name} follows no organisation on other instances yet.</p>
        )}
      </div>
    </section>
  );
}
