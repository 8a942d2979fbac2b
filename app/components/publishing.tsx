// The panels of a badge's publishing page: co-authors, approvals, publication, versions,
// deprecation. Plain forms (POST + redirect), so all of it works without JavaScript.
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Field } from "./forms";

export function DateTime({ iso }: { iso: string }) {
  // Rendered the same on server and client: no locale or time zone guessing.
  return <time dateTime={iso}>{iso.slice(0, 16).replace("T", " ")} UTC</time>;
}

/** A one-button form posting `intent` (and hidden fields) to the current route. */
export function IntentButton({
  intent,
  fields = {},
  children,
  className,
  disabled,
  describedBy,
}: {
  intent: string;
  fields?: Record<string, string>;
  children: ReactNode;
  className?: string;
  disabled?: boolean;
  describedBy?: string;
}) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} disabled={disabled} aria-describedby={describedBy}>
        {children}
      </button>
    </Form>
  );
}

export interface CoauthorRow {
  organisationId: string;
  name: string;
  handle: string;
  status: "invited" | "accepted" | "declined";
  invitedByName: string | null;
  invitedAt: string;
  // What the signed-in user may do with this row.
  canRemove: boolean;
  canLeave: boolean;
  canAnswer: boolean;
}

const STATUS_WORDS = { invited: "invited, awaiting an answer", accepted: "co-author", declined: "declined" } as const;

export function CoauthorsPanel({
  steward,
  coauthors,
  canInvite,
  handleValue,
  handleErrors,
}: {
  steward: { name: string; handle: string };
  coauthors: CoauthorRow[];
  canInvite: boolean;
  handleValue?: string;
  handleErrors?: string[];
}) {
  return (
    <section className="card" aria-labelledby="coauthors-heading">
      <h2 id="coauthors-heading">Authors</h2>
      <ul className="author-list">
        <li>
          <strong>{steward.name}</strong> <span className="muted">@{steward.handle}</span> <span className="pill">steward</span>
        </li>
        {coauthors.map((c) => (
          <li key={c.organisationId}>
            <strong>{c.name}</strong> <span className="muted">@{c.handle}</span>{" "}
            <span className={`pill coauthor-${c.status}`}>{STATUS_WORDS[c.status]}</span>
            <span className="muted small">
              {" "}
              invited{c.invitedByName ? ` by ${c.invitedByName}` : ""} on <DateTime iso={c.invitedAt} />
            </span>
            <span className="row actions">
              {c.canAnswer ? (
                <>
                  <IntentButton intent="accept" fields={{ organisationId: c.organisationId }} className="small">
                    Accept for {c.name}
                  </IntentButton>
                  <IntentButton intent="decline" fields={{ organisationId: c.organisationId }} className="small secondary">
                    Decline
                  </IntentButton>
                </>
              ) : null}
              {c.canLeave ? (
                <IntentButton intent="remove" fields={{ organisationId: c.organisationId }} className="small secondary">
                  Leave as {c.name}
                </IntentButton>
              ) : c.canRemove ? (
                <IntentButton intent="remove" fields={{ organisationId: c.organisationId }} className="small secondary">
                  {c.status === "invited" ? "Withdraw invitation" : "Remove"}
                  <span className="visually-hidden"> {c.name}</span>
                </IntentButton>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {canInvite ? (
        <Form method="post" className="form invite-form" noValidate>
          <input type="hidden" name="intent" value="invite" />
          <Field
            id="handle"
            label="Invite an organisation as co-author"
            hint="Its handle on this instance, e.g. @riverside-school. An admin of it accepts or declines."
            errors={handleErrors}
          >
            {(p) => <input {...p} type="text" name="handle" defaultValue={handleValue} autoComplete="off" required />}
          </Field>
          <button type="submit">Invite</button>
        </Form>
      ) : null}
    </section>
  );
}

export interface ApprovalRow {
  organisationId: string;
  name: string;
  isSteward: boolean;
  approved: boolean;
  approvedByName: string | null;
  approvedAt: string | null;
  canApprove: boolean;
}

export function ApprovalPanel({
  policyDescription,
  revisionId,
  revisionNumber,
  rows,
  summary,
  met,
  publishedAs,
  open,
}: {
  policyDescription: string;
  revisionId: string;
  revisionNumber: number;
  rows: ApprovalRow[];
  summary: string;
  met: boolean;
  publishedAs: number | null;
  open: boolean;
}) {
  return (
    <section className="card" aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">Approvals of revision #{revisionNumber}</h2>
      <p>
        <strong>Policy:</strong> {policyDescription} An approval holds for this exact revision: any later edit voids it.
      </p>
      <table className="approvals">
        <caption className="visually-hidden">Approvals of revision #{revisionNumber}</caption>
        <thead>
          <tr>
            <th scope="col">Organisation</th>
            <th scope="col">Revision #{revisionNumber}</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.organisationId}>
              <th scope="row">
                {r.name} {r.isSteward ? <span className="pill">steward</span> : null}
              </th>
              <td>
                {r.approved ? (
                  <span className="approval-yes">
                    ✓ Approved{r.approvedByName ? ` by ${r.approvedByName}` : ""}
                    {r.approvedAt ? (
                      <>
                        {" "}
                        on <DateTime iso={r.approvedAt} />
                      </>
                    ) : null}
                  </span>
                ) : (
                  <span className="approval-no">Not approved</span>
                )}
              </td>
              <td>
                {r.canApprove && open && publishedAs === null ? (
                  r.approved ? (
                    <IntentButton intent="withdraw" fields={{ organisationId: r.organisationId }} className="small secondary">
                      Withdraw approval<span className="visually-hidden"> of {r.name}</span>
                    </IntentButton>
                  ) : (
                    <IntentButton intent="approve" fields={{ organisationId: r.organisationId, revisionId }} className="small">
                      Approve revision #{revisionNumber} for {r.name}
                    </IntentButton>
                  )
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={`notice ${met ? "ok" : "warn"}`} role="status">
        {summary} — policy {met ? "met" : "not met"}.
      </p>
      {publishedAs !== null ? (
        <p className="muted">
          Revision #{revisionNumber} is published as version {publishedAs}. The next edit of the draft starts the approvals
          for the next version.
        </p>
      ) : null}
    </section>
  );
}

export function PublishPanel({
  revisionId,
  revisionNumber,
  nextNumber,
  canPublish,
  reasons,
  publishedAs = null,
}: {
  revisionId: string;
  revisionNumber: number;
  nextNumber: number;
  canPublish: boolean;
  reasons: string[];
  // The version the current revision already is, if it was published as it stands.
  publishedAs?: number | null;
}) {
  if (publishedAs !== null) {
    return (
      <section className="card" aria-labelledby="publish-heading">
        <h2 id="publish-heading">Publish</h2>
        <p>
          Revision #{revisionNumber} is published as version {publishedAs}. Edit the draft to prepare version {nextNumber}; its
          authors approve it again before it goes out.
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="publish-heading">
      <h2 id="publish-heading">Publish</h2>
      <p>
        Publishing makes revision #{revisionNumber} version {nextNumber}: a public, hashed snapshot that never changes.
      </p>
      {reasons.length ? (
        <ul id="publish-reasons" className="reasons">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      <IntentButton
        intent="publish"
        fields={{ revisionId }}
        disabled={!canPublish}
        describedBy={reasons.length ? "publish-reasons" : undefined}
      >
        Publish version {nextNumber}
      </IntentButton>
    </section>
  );
}

export interface VersionRow {
  number: number;
  publishedAt: string;
  publishedByName: string | null;
  contentHash: string;
}

export function VersionHistory({ badgeId, versions }: { badgeId: string; versions: VersionRow[] }) {
  return (
    <section className="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Version history</h2>
      {versions.length === 0 ? (
        <p className="muted">No version published yet.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Published versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Published</th>
              <th scope="col">By</th>
              <th scope="col">Content hash</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.number}>
                <td>
                  <Link to={`/badges/${badgeId}/versions/${v.number}`}>Version {v.number}</Link>
                </td>
                <td>
                  <DateTime iso={v.publishedAt} />
                </td>
                <td>{v.publishedByName ?? "A former member"}</td>
                <td>
                  <code title={v.contentHash}>{v.contentHash.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function DeprecatePanel({ successorValue, successorErrors }: { successorValue?: string; successorErrors?: string[] }) {
  return (
    <section className="card" aria-labelledby="deprecate-heading">
      <h2 id="deprecate-heading">Deprecate</h2>
      <p>
        A deprecated badge stays readable and listed, marked as deprecated; its draft stops changing and no new version
        can be published.
      </p>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="deprecate" />
        <Field
          id="successor"
          label="Successor (optional)"
          hint="The id of a published badge here, or the https:// address of a badge anywhere."
          errors={successorErrors}
        >
          {(p) => <input {...p} type="text" name="successor" defaultValue={successorValue} autoComplete="off" />}
        </Field>
        <button type="submit" className="danger">
          Deprecate this badge
        </button>
      </Form>
    </section>
  );
}

export function WithdrawBadgePanel() {
  return (
    <section className="card" aria-labelledby="withdraw-badge-heading">
      <h2 id="withdraw-badge-heading">Withdraw</h2>
      <p>
        Withdrawing takes the badge back: it leaves the catalogue, its page says it was withdrawn, and instances that follow
        its authors are told to remove it. Unlike deprecation, this cannot be undone.
      </p>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="withdraw-badge" />
        <button type="submit" className="danger">
          Withdraw this badge
        </button>
      </Form>
    </section>
  );
}
