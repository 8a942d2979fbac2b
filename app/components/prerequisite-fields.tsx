// The prerequisites part of the draft form: conditions that must all be met, each a rule
// (all, any one, or a number of its badges) over badges picked from the catalogue or
// pasted. Without JavaScript it is plain form fields, with one blank condition to fill for
// a new one; with it, conditions are added and removed with buttons and every change goes
// to the live document through `onChange`.
import { useEffect, useState, type FocusEvent } from "react";
import { blankCondition, splitUrls, type ConditionRow } from "~/services/draft-values";
import { MAX_PREREQUISITE_CONDITIONS } from "~/services/prerequisites";

type Errors = Record<string, string[] | undefined>;

export interface PrerequisiteOption {
  uri: string;
  name: string;
  stewardName: string;
}

/** A badge named in the saved draft that this instance cannot show: why, in words. */
export type UnavailablePrerequisites = Record<string, string>;

const RULE_LABELS: Record<string, string> = {
  all: "All of these badges",
  any: "Any one of these badges",
  count: "A number of these badges",
};

// With JavaScript and no condition yet, one blank condition is shown to start from; its id
// stays the same so that typing into it keeps focus once it becomes a real row.
const STARTER_ID = "condition-new";

export function PrerequisiteConditions({
  rows,
  options,
  unavailable,
  errors,
  hydrated,
  onChange,
}: {
  rows: ConditionRow[];
  options: PrerequisiteOption[];
  unavailable: UnavailablePrerequisites;
  errors: Errors;
  hydrated: boolean;
  onChange(next: ConditionRow[]): void;
}) {
  const shown = rows.length ? rows : [{ ...blankCondition(), id: STARTER_ID }];
  const update = (index: number, patch: Partial<ConditionRow>) =>
    onChange(shown.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="field prerequisites" aria-describedby="prerequisites-hint">
      <legend className="label">Prerequisites</legend>
      <p className="hint" id="prerequisites-hint">
        Badges a learner should hold first. A learner must meet every condition; each takes all of its badges, any one of them, or a
        number of them. {hydrated ? "" : "Leave a condition without badges to skip it."}
      </p>
      {errors.prerequisites?.length ? (
        <p className="field-error" id="prerequisites-error">
          {errors.prerequisites.join(" ")}
        </p>
      ) : null}
      {shown.map((row, i) => (
        <Condition
          key={row.id}
          index={i}
          row={row}
          options={options}
          unavailable={unavailable}
          errors={errors}
          hydrated={hydrated}
          onChange={(patch) => update(i, patch)}
          onRemove={hydrated && shown.length > 1 ? () => onChange(shown.filter((_, j) => j !== i)) : undefined}
        />
      ))}
      {hydrated && shown.length < MAX_PREREQUISITE_CONDITIONS ? (
        <button type="button" className="secondary small" onClick={() => onChange([...shown, blankCondition()])}>
          Add a condition
        </button>
      ) : null}
    </fieldset>
  );
}

function Condition({
  index,
  row,
  options,
  unavailable,
  errors,
  hydrated,
  onChange,
  onRemove,
}: {
  index: number;
  row: ConditionRow;
  options: PrerequisiteOption[];
  unavailable: UnavailablePrerequisites;
  errors: Errors;
  hydrated: boolean;
  onChange(patch: Partial<ConditionRow>): void;
  onRemove?: () => void;
}) {
  const known = new Set(options.map((o) => o.uri));
  const picked = row.badges.filter((b) => known.has(b));
  const pasted = row.badges.filter((b) => !known.has(b));
  const id = `prerequisites-${index}`;
  const name = `prerequisites.${index}`;
  const rowErrors = [...(errors[name] ?? []), ...(errors[`${name}.rule`] ?? [])];
  const countErrors = errors[`${name}.count`];
  const describedBy = rowErrors.length ? `${id}-error` : undefined;
  const missing = row.badges.filter((b) => unavailable[b]);
  const ruleKnown = row.rule in RULE_LABELS;
  return (
    <fieldset className="condition" aria-label={`Condition ${index + 1}`}>
      <legend className="small">Condition {index + 1}</legend>
      <div className="condition-rule">
        <div>
          <label htmlFor={`${id}-rule`} className="small">
            A learner needs
          </label>
          <select id={`${id}-rule`} name={`${name}.rule`} value={row.rule} onChange={(e) => onChange({ rule: e.target.value })}>
            {!ruleKnown ? <option value={row.rule}>{row.rule}</option> : null}
            {Object.entries(RULE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {/* Without JavaScript the number is always there to fill; with it, only for "a number". */}
        {!hydrated || row.rule === "count" ? (
          <div>
            <label htmlFor={`${id}-count`} className="small">
              How many {hydrated ? "" : "(for “a number of these”)"}
            </label>
            <input
              id={`${id}-count`}
              name={`${name}.count`}
              type="text"
              inputMode="numeric"
              size={4}
              maxLength={4}
              value={row.count}
              onChange={(e) => onChange({ count: e.target.value })}
              {...(countErrors?.length ? { "aria-invalid": true as const, "aria-describedby": `${id}-count-error` } : {})}
            />
            {countErrors?.length ? (
              <p className="field-error" id={`${id}-count-error`}>
                {countErrors.join(" ")}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
      <label htmlFor={`${id}-badges`} className="small">
        From the catalogue {options.length ? "(hold Ctrl or ⌘ to choose several)" : ""}
      </label>
      {options.length ? (
        <select
          id={`${id}-badges`}
          name={`${name}.badges`}
          multiple
          size={Math.min(6, Math.max(3, options.length))}
          value={picked}
          onChange={(e) => onChange({ badges: [...[...e.target.selectedOptions].map((o) => o.value), ...pasted] })}
          aria-describedby={describedBy}
          {...(rowErrors.length ? { "aria-invalid": true as const } : {})}
        >
          {options.map((o) => (
            <option key={o.uri} value={o.uri}>
              {o.name} — {o.stewardName}
            </option>
          ))}
        </select>
      ) : (
        <p className="muted small" id={`${id}-badges`}>
          No published badges in the catalogue yet.
        </p>
      )}
      <label htmlFor={`${id}-urls`} className="small">
        Or paste badge URLs, one a line (badges here or on other instances)
      </label>
      <PastedUrls
        id={`${id}-urls`}
        name={`${name}.urls`}
        urls={pasted}
        onChange={(urls) => onChange({ badges: [...picked, ...urls] })}
        aria-describedby={describedBy}
        {...(rowErrors.length ? { "aria-invalid": true as const } : {})}
      />
      {rowErrors.length ? (
        <p className="field-error" id={`${id}-error`}>
          {rowErrors.join(" ")}
        </p>
      ) : null}
      {missing.length ? (
        <div className="unavailable-list" role="note">
          <p className="small">Kept, but not available here:</p>
          <ul className="small">
            {missing.map((uri) => (
              <li key={uri}>
                <code>{uri}</code> — {unavailable[uri]}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {onRemove ? (
        <button type="button" className="secondary small" onClick={onRemove}>
          Remove<span className="visually-hidden"> condition {index + 1}</span>
        </button>
      ) : null}
    </fieldset>
  );
}

/** A list of URLs typed one a line; the text is the person's own while they type. */
function PastedUrls({
  urls,
  onChange,
  id,
  name,
  ...rest
}: {
  id: string;
  name: string;
  urls: string[];
  onChange(urls: string[]): void;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}) {
  const joined = urls.join("\n");
  const [text, setText] = useState(joined);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused && splitUrls(text).join("\n") !== joined) setText(joined);
  }, [joined, focused, text]);
  return (
    <textarea
      id={id}
      name={name}
      className="prerequisite-urls"
      rows={2}
      value={text}
      onFocus={() => setFocused(true)}
      onBlur={(e: FocusEvent<HTMLTextAreaElement>) => {
        setFocused(false);
        onChange(splitUrls(e.target.value));
      }}
      onChange={(e) => {
        setText(e.target.value);
        onChange(splitUrls(e.target.value));
      }}
      {...rest}
    />
  );
}
