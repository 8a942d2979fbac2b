// What a learner holds and plans: the card on a badge's page, the proof a held badge shows,
// and the credential import form. Plain forms: everything works without JavaScript.
import { Form, Link } from "@remix-run/react";
import { DateText } from "~/components/catalogue";
import { Field, FormMessage, type FieldErrors } from "~/components/forms";

export interface ProofView {
  format: "ob2" | "ob3";
  verification: "verified" | "unverified";
  reason: string | null;
  issuerName: string | null;
  issuerUri: string | null;
  issuedAt: string | Date | null;
  expiresAt: string | Date | null;
  verifiedAt: string | Date;
  checks: { check: string; outcome: "passed" | "failed" | "skipped"; detail: string }[];
}

const FORMAT = { ob2: "Open Badges 2.0 assertion", ob3: "Open Badges 3.0 credential" } as const;

/**
 * Who issued it: the name the credential gives, with the id its signature is tied to (a
 * DID, shortened, or a web host), since a name alone is only what the credential claims.
 */
export function issuerLabel(proof: Pick<ProofView, "issuerName" | "issuerUri">): string | null {
  const { issuerName: name, issuerUri: uri } = proof;
  let id: string | null = null;
  if (uri && /^https?:\/\//i.test(uri)) {
    try {
      id = new URL(uri).host;
    } catch {
      id = uri;
    }
  } else if (uri) id = uri.length > 32 ? `${uri.slice(0, 24)}…${uri.slice(-6)}` : uri;
  if (name && id) return `${name} (${id})`;
  return name ?? id;
}

/** How a held badge is known, in a pill and a sentence. Unverified is never shown as proof. */
export function ProofSummary({ status, proof }: { status: "held" | "planned"; proof: ProofView | null }) {
  if (status === "planned") return <span className="pill">Planned</span>;
  if (!proof) return <span className="pill">Self-declared</span>;
  const issuer = issuerLabel(proof);
  if (proof.verification === "verified")
    return (
      <>
        <span className="pill published">Verified credential</span>{" "}
        <span className="small">
          {FORMAT[proof.format]}
          {issuer ? ` issued by ${issuer}` : ""}
          {proof.issuedAt ? (
            <>
              {" "}
              on <DateText date={proof.issuedAt} />
            </>
          ) : null}
          , checked <DateText date={proof.verifiedAt} />.
        </span>
      </>
    );
  return (
    <>
      <span className="pill warn-pill">Not verified</span>{" "}
      <span className="small">
        {`${FORMAT[proof.format]}${issuer ? ` naming ${issuer} as issuer` : ""} that could not be verified: ${proof.reason ?? "no check passed."}`}
      </span>
    </>
  );
}

/** What was checked, for a learner (or anyone they show it to) who wants to know. */
export function ProofChecks({ proof, label }: { proof: ProofView; label: string }) {
  const mark = { passed: "Passed", failed: "Failed", skipped: "Note" } as const;
  return (
    <details className="proof-checks">
      <summary>
        What was checked<span className="visually-hidden"> for {label}</span>
      </summary>
      <ul className="plain-list">
        {proof.checks.map((c, i) => (
          <li key={i} className={`check-${c.outcome}`}>
            <strong>{`${mark[c.outcome]}: ${c.check}.`}</strong> {c.detail}
          </li>
        ))}
      </ul>
    </details>
  );
}

export interface LearnerCardData {
  signedIn: boolean;
  state: { status: "held" | "planned"; proof: ProofView | null } | null;
}

/** On a badge's page: "I hold this" / "I plan to earn this" / remove. */
export function LearnerCard({ data, badgeName, back }: { data: LearnerCardData; badgeName: string; back: string }) {
  const { state } = data;
  return (
    <section aria-labelledby="learning-heading" className="card stack learner-card">
      <h2 id="learning-heading">Your learning</h2>
      {!data.signedIn ? (
        <p className="small">
          <Link to={`/signin?redirectTo=${encodeURIComponent(back)}`}>Sign in</Link> to keep track of the badges you hold and plan to earn.
        </p>
      ) : (
        <>
          <p className="small">
            {state?.status === "held"
              ? "You hold this badge."
              : state?.status === "planned"
                ? "You plan to earn this badge."
                : "Do you hold this badge, or plan to earn it?"}
          </p>
          {state ? (
            <p className="small">
              <ProofSummary status={state.status} proof={state.proof} />
            </p>
          ) : null}
          <div className="row learner-actions">
            {state?.status !== "held" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="hold" />
                <button type="submit" className="small">
                  I hold this<span className="visually-hidden"> badge, {badgeName}</span>
                </button>
              </Form>
            ) : null}
            {state?.status !== "planned" && state?.proof?.verification !== "verified" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="plan" />
                <button type="submit" className="small secondary">
                  I plan to earn this<span className="visually-hidden"> badge, {badgeName}</span>
                </button>
              </Form>
            ) : null}
            {state ? (
              <Form method="post">
                <input type="hidden" name="intent" value="forget" />
                <button type="submit" className="small secondary">
                  {state.status === "held" ? "Remove from my badges" : "Remove from my plans"}
                </button>
              </Form>
            ) : null}
          </div>
          {state?.status === "held" && state.proof?.verification !== "verified" ? (
            <p className="small">
              <Link to="/learning#import-heading">Import a credential</Link> to show you hold it.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

/** Import an Open Badges credential: a file, or its address. */
export function ImportForm({ values, errors, message, busy }: { values: { url?: string }; errors: FieldErrors; message?: string | null; busy: boolean }) {
  return (
    <Form method="post" encType="multipart/form-data" className="form stack import-form" noValidate>
      <input type="hidden" name="intent" value="import" />
      <FormMessage message={message} />
      <Field
        id="credential-file"
        label="Credential file"
        hint="The JSON of an Open Badges 2.0 assertion or 3.0 credential, its signed form (JWS or JWT), or a badge image (PNG or SVG) with it baked in. At most 256 KiB."
        errors={errors.file}
      >
        {(p) => <input {...p} type="file" name="file" accept=".json,.jsonld,.jwt,.jws,.txt,.png,.svg,application/json,application/ld+json,image/png,image/svg+xml" />}
      </Field>
      <Field id="credential-url" label="Or its address" hint="Where the issuer publishes it, e.g. https://badges.example.org/assertions/42." errors={errors.url}>
        {(p) => <input {...p} type="url" name="url" defaultValue={values.url} inputMode="url" autoComplete="off" spellCheck={false} maxLength={2000} />}
      </Field>
      {errors.file?.length || errors.url?.length ? <p className="small muted">If the file you chose is no longer shown, choose it again: browsers do not keep it.</p> : null}
      <div>
        <button type="submit" disabled={busy}>
          {busy ? "Importing and verifying…" : "Import credential"}
        </button>
      </div>
    </Form>
  );
}
