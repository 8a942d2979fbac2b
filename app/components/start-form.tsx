// The parts of the forms that start a badge or a pathway: who stewards it, and who must
// approve its versions; and what someone sees who cannot start one yet.
import { Link } from "@remix-run/react";
import { Field } from "~/components/forms";

export function NoStewardYet({ title, what }: { title: string; what: string }) {
  return (
    <section className="card form-card">
      <h1>{title}</h1>
      <p>
        {what}, and you are not an editor of any organisation yet. Create an organisation, or ask an admin of yours to make
        you an editor.
      </p>
      <p>
        <Link className="button" to="/orgs/new">
          Create an organisation
        </Link>
      </p>
    </section>
  );
}

export function StewardField({
  organisations,
  defaultValue,
  hint,
  errors,
}: {
  organisations: readonly { id: string; name: string }[];
  defaultValue: string;
  hint: string;
  errors?: string[];
}) {
  return (
    <Field id="stewardOrganisationId" label="Steward organisation" hint={hint} errors={errors}>
      {(p) => (
        <select {...p} name="stewardOrganisationId" defaultValue={defaultValue} required>
          {organisations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function ApprovalPolicyField({
  policies,
  checked,
  errors,
}: {
  policies: readonly { value: string; label: string; hint: string }[];
  checked: string;
  errors?: string[];
}) {
  return (
    <fieldset className="field" aria-describedby={errors ? "approvalPolicy-error" : undefined}>
      <legend className="label">Approval policy</legend>
      <p className="hint">Who must approve before a version is published.</p>
      {policies.map((p) => (
        <div className="radio-option" key={p.value}>
          <input
            type="radio"
            id={`policy-${p.value}`}
            name="approvalPolicy"
            value={p.value}
            defaultChecked={checked === p.value}
            aria-describedby={`policy-${p.value}-hint`}
          />
          <label htmlFor={`policy-${p.value}`}>{p.label}</label>
          <p className="hint" id={`policy-${p.value}-hint`}>
            {p.hint}
          </p>
        </div>
      ))}
      {errors ? (
        <p className="field-error" id="approvalPolicy-error">
          {errors.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
