// Parts of the draft form with more than one input: alignment rows and the image (the
// prerequisites have their own module, prerequisite-fields.tsx).
// Each works as plain HTML form fields without JavaScript; with it, rows can be added and
// removed, and changes go to the live document through the callbacks.
import type { AlignmentKey } from "~/realtime/draft-doc";
import type { AlignmentRow } from "~/services/draft-values";

type Errors = Record<string, string[] | undefined>;

const ALIGNMENT_LABELS: Record<AlignmentKey, string> = {
  targetName: "Aligns to",
  targetUrl: "Link",
  targetFramework: "Framework",
};

export function AlignmentRows({
  rows,
  errors,
  hydrated,
  onChange,
  onAdd,
  onRemove,
}: {
  rows: AlignmentRow[];
  errors: Errors;
  hydrated: boolean;
  onChange(rowId: string, key: AlignmentKey, value: string): void;
  onAdd(): void;
  onRemove(rowId: string): void;
}) {
  return (
    <fieldset className="field alignments" aria-describedby="alignments-hint">
      <legend className="label">Alignments</legend>
      <p className="hint" id="alignments-hint">
        Frameworks, competencies or standards this badge aligns with. {hydrated ? "" : "Leave a row empty to skip it; empty a row to remove it."}
      </p>
      {errors.alignments ? <p className="field-error">{errors.alignments.join(" ")}</p> : null}
      {rows.length === 0 ? <p className="muted small">No alignments yet.</p> : null}
      {rows.map((row, i) => (
        <div className="alignment-row" key={row.id} role="group" aria-label={`Alignment ${i + 1}`}>
          {(["targetName", "targetUrl", "targetFramework"] as const).map((key) => {
            const id = `alignments-${i}-${key}`;
            const err = errors[`alignments.${i}.${key}`];
            return (
              <div className="alignment-cell" key={key}>
                <label htmlFor={id} className="small">
                  {ALIGNMENT_LABELS[key]}
                </label>
                <input
                  id={id}
                  name={`alignments.${i}.${key}`}
                  type={key === "targetUrl" ? "url" : "text"}
                  inputMode={key === "targetUrl" ? "url" : undefined}
                  value={row[key]}
                  maxLength={key === "targetUrl" ? 2000 : 200}
                  onChange={(e) => onChange(row.id, key, e.target.value)}
                  {...(err ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {})}
                />
                {err ? (
                  <p className="field-error" id={`${id}-error`}>
                    {err.join(" ")}
                  </p>
                ) : null}
              </div>
            );
          })}
          {hydrated ? (
            <button type="button" className="secondary small" onClick={() => onRemove(row.id)}>
              Remove<span className="visually-hidden"> alignment {i + 1}</span>
            </button>
          ) : null}
        </div>
      ))}
      {hydrated ? (
        <button type="button" className="secondary small" onClick={onAdd}>
          Add an alignment
        </button>
      ) : null}
    </fieldset>
  );
}

export interface CurrentImage {
  id: string;
  // From the image row: drawn from the badge's name, or someone's file.
  source: "generated" | "uploaded";
}

const IMAGE_HINTS = {
  generated: "This image was generated from the badge's name. Upload your own to replace it.",
  uploaded: "This image was uploaded. Upload another to replace it, or go back to a generated one.",
  none: "This badge has no image yet.",
};

export function ImageField({
  image,
  errors,
  live,
  uploading,
  onUpload,
  onUseGenerated,
}: {
  image: CurrentImage | null;
  errors?: string[];
  // With live editing, a chosen file is uploaded at once instead of with the form.
  live: boolean;
  uploading: boolean;
  onUpload(file: File): void;
  onUseGenerated(): void;
}) {
  const source = image?.source ?? "none";
  const generatedLabel = image ? "Use the generated image instead" : "Use a generated image";
  return (
    <fieldset className="field image-field">
      <legend className="label">Image</legend>
      <div className="image-current">
        {image ? (
          <img
            className="badge-image"
            src={`/images/${encodeURIComponent(image.id)}`}
            alt={`Current image (${image.source})`}
            width={72}
            height={72}
          />
        ) : (
          <span className="badge-placeholder" aria-hidden="true" />
        )}
        <p className="hint" id="draft-image-hint" data-image-source={source}>
          {IMAGE_HINTS[source]} PNG or SVG, at most 1 MiB.
        </p>
      </div>
      <label htmlFor="draft-image" className="small">
        Upload an image
      </label>
      <input
        id="draft-image"
        name="image"
        type="file"
        accept="image/png,image/svg+xml,.png,.svg"
        aria-describedby={`draft-image-hint${errors?.length ? " draft-image-error" : ""}`}
        {...(errors?.length ? { "aria-invalid": true as const } : {})}
        disabled={uploading}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (live && file) onUpload(file);
        }}
      />
      {uploading ? <p className="muted small">Uploading…</p> : null}
      {/* Going back to a generated image only makes sense when the current one is not. */}
      {source !== "generated" ? (
        live ? (
          <button type="button" className="secondary small" onClick={onUseGenerated} disabled={uploading}>
            {generatedLabel}
          </button>
        ) : (
          <label className="checkbox">
            <input type="checkbox" name="removeImage" value="1" /> {generatedLabel}
          </label>
        )
      ) : null}
      {errors?.length ? (
        <p className="field-error" id="draft-image-error">
          {errors.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
