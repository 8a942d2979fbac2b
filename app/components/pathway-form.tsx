// The pathway draft form: a plain form that works without JavaScript. Its goal and steps
// are picked from the catalogue (or pasted), each step with guidance; routes tick the steps
// of each stage. Blank rows are offered for new steps, stages and routes; saving brings
// fresh ones. Field names are read back by app/services/pathway-form.ts.
import { Form } from "@remix-run/react";
import { Field } from "~/components/forms";
import { PATHWAY_LIMITS } from "~/services/pathway-content";
import {
  BLANK_ROUTE_ROWS,
  BLANK_STAGE_ROWS,
  BLANK_STEP_ROWS,
  stepBadge,
  type PathwayFormValues,
  type RouteRow,
  type StageRow,
  type StepRow,
} from "~/services/pathway-form";

type Errors = Record<string, string[] | undefined>;

export interface BadgeOptionView {
  uri: string;
  name: string;
  stewardName: string;
  home: string | null;
}

export interface PathwayFormProps {
  values: PathwayFormValues;
  baseRevisionId: string;
  errors: Errors;
  options: BadgeOptionView[];
  // Names of the badges known here, by address (for ticking steps into routes).
  names: Record<string, string>;
  busy: boolean;
}

const optionLabel = (o: BadgeOptionView) => `${o.name} — ${o.stewardName}${o.home ? ` (${o.home})` : ""}`;

function pad<T>(rows: T[], blank: () => T, extra: number, max: number): T[] {
  return [...rows, ...Array.from({ length: Math.max(0, Math.min(extra, max - rows.length)) }, blank)];
}

function ErrorText({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p className="field-error" id={id}>
      {errors.join(" ")}
    </p>
  );
}

/** A badge chooser: a list of the catalogue's badges, or an address pasted instead. */
function BadgePicker({
  id,
  name,
  urlName,
  label,
  value,
  url,
  options,
  errors,
}: {
  id: string;
  name: string;
  urlName: string;
  label: string;
  value: string;
  url: string;
  options: BadgeOptionView[];
  errors?: string[];
}) {
  const known = options.some((o) => o.uri === value);
  const invalid = errors?.length ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
  return (
    <div className="badge-picker">
      <label htmlFor={id} className="small">
        {label}
      </label>
      <select id={id} name={name} defaultValue={known ? value : ""} {...invalid}>
        <option value="">— Choose a badge —</option>
        {options.map((o) => (
          <option key={o.uri} value={o.uri}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-url`} className="small">
        Or paste a badge&rsquo;s address
      </label>
      <input id={`${id}-url`} type="url" inputMode="url" name={urlName} defaultValue={url || (known ? "" : value)} maxLength={2000} {...invalid} />
      <ErrorText id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function PathwayForm({ values, baseRevisionId, errors, options, names, busy }: PathwayFormProps) {
  const stepRows = pad<StepRow>(values.steps, () => ({ badge: "", badgeUrl: "", guidance: "" }), BLANK_STEP_ROWS, PATHWAY_LIMITS.steps);
  // Steps that routes can tick: those the form holds now, numbered as listed.
  const tickable = values.steps.map(stepBadge).filter(Boolean);
  const label = (uri: string) => names[uri] ?? options.find((o) => o.uri === uri)?.name ?? uri;
  const routeRows = tickable.length ? pad<RouteRow>(values.routes, () => ({ name: "", stages: [] }), BLANK_ROUTE_ROWS, PATHWAY_LIMITS.routes) : values.routes;

  return (
    <Form method="post" className="form pathway-form" noValidate>
      <input type="hidden" name="baseRevisionId" value={baseRevisionId} />
      {errors.form?.length ? <p className="field-error">{errors.form.join(" ")}</p> : null}
      <Field id="pathway-name" label="Name" errors={errors.name}>
        {(p) => <input {...p} type="text" name="name" defaultValue={values.name} maxLength={PATHWAY_LIMITS.name} required />}
      </Field>
      <Field id="pathway-summary" label="Summary" hint="Who it is for and where it leads, in a few sentences (plain text, at most 500 characters)." errors={errors.summary}>
        {(p) => <textarea {...p} name="summary" defaultValue={values.summary} rows={3} maxLength={PATHWAY_LIMITS.summary} />}
      </Field>
      <Field id="pathway-language" label="Language" hint="A language code, such as en or fr-CA." errors={errors.language}>
        {(p) => <input {...p} type="text" name="language" defaultValue={values.language} maxLength={35} className="short" />}
      </Field>

      <fieldset className="field">
        <legend className="label">Goal</legend>
        <p className="hint">The badge this pathway leads to.</p>
        <BadgePicker
          id="pathway-goal"
          name="goal"
          urlName="goalUrl"
          label="Goal badge"
          value={values.goal}
          url={values.goalUrl}
          options={options}
          errors={errors.goal}
        />
      </fieldset>

      <fieldset className="field pathway-steps">
        <legend className="label">Steps</legend>
        <p className="hint">
          Badges a learner earns on the way, here or on other instances, with short guidance for each (plain text, at most{" "}
          {PATHWAY_LIMITS.guidance.toLocaleString("en-GB")} characters). Empty a row to remove its step. Save to get more empty rows.
        </p>
        {stepRows.map((row, i) => (
          <fieldset className="step-row" key={i}>
            <legend className="small-heading">Step {i + 1}</legend>
            <BadgePicker
              id={`steps-${i}-badge`}
              name={`steps.${i}.badge`}
              urlName={`steps.${i}.badgeUrl`}
              label="Badge"
              value={row.badge}
              url={row.badgeUrl}
              options={options}
              errors={errors[`steps.${i}.badge`]}
            />
            <Field id={`steps-${i}-guidance`} label={<span className="small">Guidance</span>} errors={errors[`steps.${i}.guidance`]}>
              {(p) => <textarea {...p} name={`steps.${i}.guidance`} defaultValue={row.guidance} rows={2} maxLength={PATHWAY_LIMITS.guidance} />}
            </Field>
          </fieldset>
        ))}
        <ErrorText id="steps-error" errors={errors.steps} />
      </fieldset>

      <fieldset className="field pathway-route-editor">
        <legend className="label">Routes</legend>
        <p className="hint">
          A route takes its stages in order; a stage is one step, all of several, or any number of them. Any one route reaches
          the goal. Leave the routes empty and the steps form one route, in the order listed. New steps appear here once saved.
        </p>
        {!tickable.length ? <p className="muted small">Add steps first; then compose routes from them.</p> : null}
        {routeRows.map((route, r) => (
          <RouteEditor key={r} index={r} route={route} tickable={tickable} label={label} errors={errors} />
        ))}
        <ErrorText id="routes-error" errors={errors.routes} />
      </fieldset>

      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save draft"}
        </button>
      </div>
    </Form>
  );
}

function RouteEditor({
  index: r,
  route,
  tickable,
  label,
  errors,
}: {
  index: number;
  route: RouteRow;
  tickable: string[];
  label: (uri: string) => string;
  errors: Errors;
}) {
  const stages = pad<StageRow>(route.stages, () => ({ badges: [], required: "all" }), BLANK_STAGE_ROWS, PATHWAY_LIMITS.stages);
  return (
    <fieldset className="route-row">
      <legend className="small-heading">Route {r + 1}</legend>
      <Field id={`routes-${r}-name`} label={<span className="small">Name (optional)</span>} errors={errors[`routes.${r}.name`]}>
        {(p) => <input {...p} type="text" name={`routes.${r}.name`} defaultValue={route.name} maxLength={PATHWAY_LIMITS.routeName} />}
      </Field>
      <ErrorText id={`routes-${r}-stages-error`} errors={errors[`routes.${r}.stages`]} />
      <ol className="stage-rows">
        {stages.map((stage, s) => {
          const key = `routes.${r}.stages.${s}`;
          const id = `routes-${r}-stages-${s}`;
          const stageErrors = [...(errors[`${key}.badges`] ?? []), ...(errors[`${key}.required`] ?? []), ...(errors[key] ?? [])];
          return (
            <li key={s}>
              <fieldset className="stage-row" aria-describedby={stageErrors.length ? `${id}-error` : undefined}>
                <legend className="small">
                  Stage {s + 1} of route {r + 1}
                </legend>
                <div className="step-ticks">
                  {tickable.map((uri, i) => (
                    <label className="checkbox" key={uri}>
                      <input type="checkbox" name={`${key}.badges`} value={uri} defaultChecked={stage.badges.includes(uri)} /> {i + 1}. {label(uri)}
                    </label>
                  ))}
                </div>
                <label htmlFor={`${id}-required`} className="small">
                  A learner earns
                </label>
                <select id={`${id}-required`} name={`${key}.required`} defaultValue={stage.required || "all"} className="short">
                  <option value="all">all the ticked steps</option>
                  {tickable.slice(0, -1).map((_, n) => (
                    <option key={n} value={String(n + 1)}>
                      any {n + 1} of them
                    </option>
                  ))}
                </select>
                <ErrorText id={`${id}-error`} errors={stageErrors.length ? stageErrors : undefined} />
              </fieldset>
            </li>
          );
        })}
      </ol>
    </fieldset>
  );
}
