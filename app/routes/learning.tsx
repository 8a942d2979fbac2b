import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { BadgeImage } from "~/components/catalogue";
import { ImportForm, ProofChecks, ProofSummary } from "~/components/learning";
import { EarnNextSection } from "~/components/earn-next";
import { whatICanEarnNext } from "~/services/earn-next.server";
import { CREDENTIAL_MAX_BYTES, importCredential } from "~/services/credential-import.server";
import { ValidationError } from "~/services/errors";
import { BadgeUriSchema, forgetBadge, learnerCredential, listLearnerBadges } from "~/services/learner-badges.server";
import { formAction, handle, requireUser } from "~/utils/http.server";
import { pickText, readUploadForm, uploadedFile } from "~/utils/uploads.server";

export const meta: MetaFunction = () => [{ title: "My learning · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context.services;
  const imported = new URL(request.url).searchParams.get("imported");
  return {
    badges: listLearnerBadges(db, user.id),
    earnNext: whatICanEarnNext(db, user.id),
    imported: imported ? learnerCredential(db, user.id, imported) : null,
  };
}

const ForgetForm = z.object({ badgeUri: BadgeUriSchema });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // A file over the cap comes back as a field error, with what was typed kept.
  const { form, errors: uploadErrors } = await handle(() => readUploadForm(request, { maxFileBytes: CREDENTIAL_MAX_BYTES }));
  const values = pickText(form, ["intent", "url", "badgeUri"]);
  return formAction(values, async () => {
    if (values.intent === "forget") {
      const input = ForgetForm.safeParse(values);
      if (!input.success) throw new ValidationError("That badge could not be found on your list.");
      forgetBadge(context.services.db, user.id, input.data.badgeUri);
      return redirect("/learning?removed=1");
    }
    if (values.intent !== "import") throw new ValidationError("That form could not be understood.");
    const file = await uploadedFile(form, "file");
    const result = await importCredential(context.services.db, context.federation.credentials, user.id, { file, url: values.url, uploadErrors });
    return redirect(`/learning?imported=${encodeURIComponent(result.id)}#import-result`);
  });
}

type Entry = ReturnType<typeof useLoaderData<typeof loader>>["badges"][number];

function Home({ entry }: { entry: Entry }) {
  if (entry.known) return <>{entry.homeHost ? `From ${entry.homeHost}` : "On this instance"}</>;
  return <>{entry.homeHost ? `Not in this catalogue · from ${entry.homeHost}` : "Not in this catalogue"}</>;
}

function BadgeEntry({ entry }: { entry: Entry }) {
  const title = entry.localId ? <Link to={`/badges/${entry.localId}`}>{entry.name}</Link> : entry.name;
  return (
    <li className="card badge-card learner-badge">
      <BadgeImage imageId={entry.imageId} name={entry.name} />
      <div className="result-body">
        <h3>{title}</h3>
        <p className="muted small">
          <Home entry={entry} />
          {!entry.known ? (
            <>
              {" · "}
              <code className="hash">{entry.badgeUri}</code>
            </>
          ) : null}
        </p>
        {entry.summary ? <p className="summary">{entry.summary}</p> : null}
        <p>
          <ProofSummary status={entry.status} proof={entry.proof} />
        </p>
        {entry.proof ? <ProofChecks proof={entry.proof} label={entry.name} /> : null}
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="forget" />
          <input type="hidden" name="badgeUri" value={entry.badgeUri} />
          <button type="submit" className="small secondary">
            Remove<span className="visually-hidden"> {entry.name}</span>
          </button>
        </Form>
      </div>
    </li>
  );
}

function BadgeList({ id, title, empty, entries }: { id: string; title: string; empty: ReactNode; entries: Entry[] }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="muted small">({entries.length})</span>
      </h2>
      {entries.length ? (
        <ul className="results">
          {entries.map((e) => (
            <BadgeEntry key={e.badgeUri} entry={e} />
          ))}
        </ul>
      ) : (
        <p className="muted">{empty}</p>
      )}
    </section>
  );
}

function ImportNotice({ imported }: { imported: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["imported"]> }) {
  const name = imported.achievementName ?? imported.badgeUri;
  if (imported.verification === "verified")
    return (
      <div className="notice ok" role="status" id="import-result">
        {`Imported and verified: ${name} is on your list as held, proven by the credential.`}
      </div>
    );
  return (
    <div className="notice warn" role="status" id="import-result">
      {`Imported, but it could not be verified: ${imported.reason ?? "no check passed."} ${name} is on your list as held, marked not verified.`}
    </div>
  );
}

export default function Learning() {
  const { badges, imported, earnNext } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const failed = result && "fieldErrors" in result ? result : null;
  const held = badges.filter((b) => b.status === "held");
  const planned = badges.filter((b) => b.status === "planned");
  return (
    <section className="stack learning-page">
      <h1>My learning</h1>
      <p className="lead">The badges you hold and the ones you plan to earn, from this instance and others.</p>
      {imported ? <ImportNotice imported={imported} /> : null}
      {params.get("removed") && !failed ? (
        <div className="notice ok" role="status">
          Removed from your list.
        </div>
      ) : null}
      <EarnNextSection earnNext={earnNext} />
      <div className="two-col">
        <div>
          <BadgeList
            id="held-heading"
            title="Held"
            entries={held}
            empty={
              <>
                None yet. Mark a badge you hold from its page in the <Link to="/badges">catalogue</Link>, or import a credential.
              </>
            }
          />
          <BadgeList id="planned-heading" title="Planned" entries={planned} empty="None yet. Mark a badge you plan to earn from its page." />
        </div>
        <aside>
          <section aria-labelledby="import-heading" className="card">
            <h2 id="import-heading">Import a credential</h2>
            <p className="small muted">
              A credential an issuer gave you proves that you hold a badge. It is checked where it can be: its signature, that it is still valid and not
              revoked, and that it was made out to your e-mail address. One that cannot be verified is kept, marked not verified.
            </p>
            {/* Keyed by the last import, so a successful one clears the chosen file. */}
            <ImportForm key={imported?.id ?? "none"} values={failed?.values ?? {}} errors={failed?.fieldErrors ?? {}} message={failed?.message} busy={busy} />
          </section>
        </aside>
      </div>
    </section>
  );
}
