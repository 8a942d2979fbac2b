// Pieces shared by the organisation pages: the profile fields (create and settings), the
// logo, role pills and the copyable invitation link.
import { useEffect, useState } from "react";
import { Field, type FieldErrors } from "./forms";

export const KIND_LABELS = {
  nonprofit: "Nonprofit",
  business: "Business",
  school: "School",
  community: "Community group",
} as const;
export type Kind = keyof typeof KIND_LABELS;

export const ROLE_LABELS = { owner: "Owner", admin: "Admin", editor: "Editor", viewer: "Viewer" } as const;
export type RoleName = keyof typeof ROLE_LABELS;

export interface ProfileValues {
  name?: string;
  kind?: string;
  description?: string;
  website?: string | null;
}

/** The profile fields of an organisation; the logo input makes the form multipart. */
export function OrganisationProfileFields({
  values,
  errors,
  hasLogo,
  retry = false,
}: {
  values: ProfileValues;
  errors: FieldErrors;
  hasLogo: boolean;
  // The form came back with errors: a chosen file is not kept by browsers.
  retry?: boolean;
}) {
  return (
    <>
      <Field id="name" label="Name" errors={errors.name}>
        {(p) => <input {...p} type="text" name="name" defaultValue={values.name} maxLength={100} required />}
      </Field>
      <Field id="kind" label="Kind of organisation" errors={errors.kind}>
        {(p) => (
          <select {...p} name="kind" defaultValue={values.kind ?? ""} required>
            <option value="" disabled>
              Choose…
            </option>
            {Object.entries(KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="description" label="Description" hint="What the organisation does, in a few sentences. Optional." errors={errors.description}>
        {(p) => <textarea {...p} name="description" defaultValue={values.description} maxLength={2000} rows={5} />}
      </Field>
      <Field id="website" label="Website" hint="Optional, for example https://example.org" errors={errors.website}>
        {(p) => <input {...p} type="url" name="website" defaultValue={values.website ?? ""} inputMode="url" />}
      </Field>
      <Field
        id="logo"
        label="Logo"
        hint={`${
          hasLogo
            ? "PNG or SVG, at most 1 MiB. Leave empty to keep the current logo."
            : "PNG or SVG, at most 1 MiB. Without one, a logo is drawn from the name."
        }${retry ? " If you had chosen a file, choose it again." : ""}`}
        errors={errors.logo}
      >
        {(p) => <input {...p} type="file" name="logo" accept="image/png,image/svg+xml,.png,.svg" />}
      </Field>
    </>
  );
}

export function OrganisationLogo({ imageId, size = 64 }: { imageId: string | null; size?: number }) {
  if (!imageId) return <span className="org-logo placeholder" style={{ width: size, height: size }} aria-hidden="true" />;
  return <img className="org-logo" src={`/images/${imageId}`} alt="" width={size} height={size} />;
}

export function RolePill({ role }: { role: RoleName }) {
  return <span className={`pill role-${role}`}>{ROLE_LABELS[role]}</span>;
}

/** A freshly made invitation link: selectable without JavaScript, one-click copy with it. */
export function InvitationLink({ url }: { url: string }) {
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  return (
    <div className="invitation-link">
      <label htmlFor="invitation-url">New invitation link</label>
      <div className="row">
        <input id="invitation-url" type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        {canCopy ? (
          <button
            type="button"
            className="secondary small"
            onClick={() =>
              navigator.clipboard.writeText(url).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? "Copied" : "Copy link"}
          </button>
        ) : null}
      </div>
      <p className="hint" role="status">
        {copied ? "The link is on your clipboard. " : ""}Copy it now: for safety it is shown only once. It works once and
        expires in 7 days.
      </p>
    </div>
  );
}
