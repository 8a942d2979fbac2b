// The badge draft form. Without JavaScript it is a plain form posted to the editor
// route (saved with a merge against the revision it started from). With JavaScript and a
// live connection, every field is bound to the shared document: typing is shared at once
// and committed as a revision after a pause; the submit button gives way to "Save now".
import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useState, type FormEvent } from "react";
import { Field } from "~/components/forms";
import { AlignmentRows, ImageField, type CurrentImage } from "~/components/draft-fields";
import { PrerequisiteConditions, type PrerequisiteOption, type UnavailablePrerequisites } from "~/components/prerequisite-fields";
import { FieldPeers } from "~/components/presence";
import type { LiveField, LiveMapField, LiveValues } from "~/realtime/draft-doc";
import type { LiveDraft } from "~/realtime/use-live-draft";
import { ACHIEVEMENT_TYPES } from "~/services/badge-content";
import { blankAlignment, blankCondition, MAX_ALIGNMENT_ROWS, type DraftValues } from "~/services/draft-values";
import { MAX_PREREQUISITE_CONDITIONS } from "~/services/prerequisites";

type Errors = Record<string, string[] | undefined>;

export interface DraftFormProps {
  badgeId: string;
  initial: DraftValues;
  baseRevisionId: string;
  errors: Errors;
  prerequisiteOptions: PrerequisiteOption[];
  unavailablePrerequisites: UnavailablePrerequisites;
  image: CurrentImage | null;
  live: LiveDraft;
  busy: boolean;
}

const typeLabel = (t: string) => t.replace(/([a-z])([A-Z])/g, "$1 $2");

export function DraftForm({ badgeId, initial, baseRevisionId, errors, prerequisiteOptions, unavailablePrerequisites, image, live, busy }: DraftFormProps) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  // Text boxes are left to the browser (and the live binding); the rest is React state,
  // mirrored from the live document while there is one.
  const [local, setLocal] = useState<LiveValues>(() => ({
    ...initial,
    alignments: [...initial.alignments, ...padding(initial.alignments.length)],
    prerequisites: [...initial.prerequisites, ...conditionPadding(initial.prerequisites.length)],
  }));
  useEffect(() => {
    if (live.values) setLocal(live.values);
  }, [live.values]);
  const v = live.values ?? local;
  const isLive = live.status === "live";
  const viaDoc = live.values !== null;

  const setField = <F extends LiveMapField>(field: F, value: LiveValues[F]) =>
    viaDoc ? live.setField(field, value) : setLocal((s) => ({ ...s, [field]: value }));
  const focus = (field: LiveField | null) => () => live.focusField(field);
  const peers = (field: LiveField) => <FieldPeers peers={live.peers} field={field} me={live.me} />;

  const upload = useFetcher<{ ok?: boolean; fieldErrors?: Errors }>();
  const imageErrors = upload.data && upload.data.ok === false ? upload.data.fieldErrors?.image : errors.image;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    if (isLive) {
      // Live: the document is the draft; posting its text would apply the typing twice.
      e.preventDefault();
      void live.commitNow();
      return;
    }
    live.discardLocal();
  };

  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="form draft-form"
      noValidate
      onSubmit={onSubmit}
      data-live={isLive ? "on" : "off"}
    >
      <input type="hidden" name="baseRevisionId" value={live.revision?.id ?? baseRevisionId} />

      <div className="field-slot" onFocus={focus("name")} onBlur={focus(null)}>
        {peers("name")}
        <Field id="draft-name" label="Name" errors={errors.name}>
          {(p) => <input {...p} ref={live.bindText("name")} type="text" name="name" defaultValue={initial.name} maxLength={120} required />}
        </Field>
      </div>

      <div className="field-slot" onFocus={focus("summary")} onBlur={focus(null)}>
        {peers("summary")}
        <Field id="draft-summary" label="Summary" hint="One or two sentences for the catalogue (at most 500 characters)." errors={errors.summary}>
          {(p) => <textarea {...p} ref={live.bindText("summary")} name="summary" defaultValue={initial.summary} rows={3} maxLength={500} />}
        </Field>
      </div>

      <div className="field-slot" onFocus={focus("criteria")} onBlur={focus(null)}>
        {peers("criteria")}
        <Field
          id="draft-criteria"
          label="Criteria"
          hint={
            <>
              What a learner must do to earn the badge. Markdown works: <code>**bold**</code>, <code>- lists</code>,{" "}
              <code>[links](https://…)</code>, <code>## headings</code>.
            </>
          }
          errors={errors.criteria}
        >
          {(p) => <textarea {...p} ref={live.bindText("criteria")} name="criteria" defaultValue={initial.criteria} rows={10} />}
        </Field>
      </div>

      <ImageField
        image={image}
        errors={imageErrors}
        live={isLive}
        uploading={upload.state !== "idle"}
        onUpload={(file) => {
          const fd = new FormData();
          fd.set("intent", "image");
          fd.set("image", file);
          upload.submit(fd, { method: "post", encType: "multipart/form-data", action: `/badges/${badgeId}/edit` });
        }}
        onUseGenerated={() =>
          upload.submit({ intent: "image", removeImage: "1" }, { method: "post", action: `/badges/${badgeId}/edit` })
        }
      />

      <div className="field-slot" onFocus={focus("tags")} onBlur={focus(null)}>
        {peers("tags")}
        <Field id="draft-tags" label="Tags and skills" hint="Separated by commas, e.g. social innovation, teamwork." errors={errors.tags}>
          {(p) => <input {...p} ref={live.bindText("tags")} type="text" name="tags" defaultValue={initial.tags} />}
        </Field>
      </div>

      <div className="field-slot" onFocus={focus("alignments")} onBlur={focus(null)}>
        {peers("alignments")}
        <AlignmentRows
          rows={v.alignments}
          errors={errors}
          hydrated={hydrated}
          onChange={(id, key, value) =>
            viaDoc
              ? live.setAlignment(id, key, value)
              : setLocal((s) => ({ ...s, alignments: s.alignments.map((r) => (r.id === id ? { ...r, [key]: value } : r)) }))
          }
          onAdd={() =>
            v.alignments.length >= MAX_ALIGNMENT_ROWS
              ? undefined
              : viaDoc
                ? live.addAlignment()
                : setLocal((s) => ({ ...s, alignments: [...s.alignments, blankAlignment()] }))
          }
          onRemove={(id) =>
            viaDoc ? live.removeAlignment(id) : setLocal((s) => ({ ...s, alignments: s.alignments.filter((r) => r.id !== id) }))
          }
        />
      </div>

      <div className="two-fields">
        <div className="field-slot" onFocus={focus("achievementType")} onBlur={focus(null)}>
          {peers("achievementType")}
          <Field id="draft-achievement-type" label="Achievement type" hint="From the Open Badges 3.0 vocabulary." errors={errors.achievementType}>
            {(p) => (
              <select {...p} name="achievementType" value={v.achievementType} onChange={(e) => setField("achievementType", e.target.value)}>
                {!(ACHIEVEMENT_TYPES as readonly string[]).includes(v.achievementType) ? <option value={v.achievementType}>{v.achievementType}</option> : null}
                {ACHIEVEMENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {typeLabel(t)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="field-slot" onFocus={focus("language")} onBlur={focus(null)}>
          {peers("language")}
          <Field id="draft-language" label="Language" hint="A language code such as en, fr or pt-BR." errors={errors.language}>
            {(p) => (
              <input {...p} type="text" name="language" value={v.language} maxLength={35} autoComplete="off" onChange={(e) => setField("language", e.target.value)} />
            )}
          </Field>
        </div>
        <div className="field-slot" onFocus={focus("estimatedHours")} onBlur={focus(null)}>
          {peers("estimatedHours")}
          <Field id="draft-hours" label="Estimated hours" hint="How long earning it usually takes; may be left empty." errors={errors.estimatedHours}>
            {(p) => (
              <input
                {...p}
                type="text"
                inputMode="decimal"
                name="estimatedHours"
                value={v.estimatedHours}
                maxLength={12}
                onChange={(e) => setField("estimatedHours", e.target.value)}
              />
            )}
          </Field>
        </div>
      </div>

      <div className="field-slot" onFocus={focus("prerequisites")} onBlur={focus(null)}>
        {peers("prerequisites")}
        <PrerequisiteConditions
          rows={v.prerequisites}
          options={prerequisiteOptions}
          unavailable={unavailablePrerequisites}
          errors={errors}
          hydrated={hydrated}
          onChange={(next) => setField("prerequisites", next)}
        />
      </div>

      <div className="row form-actions">
        {isLive ? (
          <button type="submit" className="secondary">
            Save now
          </button>
        ) : (
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save draft"}
          </button>
        )}
      </div>
    </Form>
  );
}

// Without JavaScript, a couple of empty alignment rows stand in for an "add" button.
function padding(filled: number) {
  return Array.from({ length: Math.max(0, Math.min(2, MAX_ALIGNMENT_ROWS - filled)) }, () => blankAlignment());
}

// Without JavaScript, one blank condition stands in for an "add" button.
function conditionPadding(filled: number) {
  return filled < MAX_PREREQUISITE_CONDITIONS ? [blankCondition()] : [];
}
