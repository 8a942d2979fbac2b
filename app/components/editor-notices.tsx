// Messages at the top of the draft editor: what the last save did, and a conflict shown
// field by field with both texts, so the person can settle it and save again.
import { Link } from "@remix-run/react";

export type EditorNoticeData =
  | { kind: "started" }
  | { kind: "restored"; number: number }
  | { kind: "saved"; number: number; merged: string[] }
  | { kind: "unchanged" }
  | null;

export function EditorNotice({ notice }: { notice: EditorNoticeData }) {
  if (!notice) return null;
  let text: string;
  switch (notice.kind) {
    case "started":
      text = "The badge is started. Fill in the draft; co-authors you invite can edit it with you.";
      break;
    case "restored":
      text = `Restored as revision ${notice.number}.`;
      break;
    case "unchanged":
      text = "Nothing had changed, so no new revision was made.";
      break;
    case "saved":
      text = notice.merged.length
        ? `Saved as revision ${notice.number}. Others had changed the draft meanwhile; your changes were merged with theirs in: ${notice.merged.join(", ")}. Check those fields.`
        : `Saved as revision ${notice.number}.`;
      break;
  }
  return (
    <div className={`notice ${notice.kind === "saved" && notice.merged.length ? "warn" : "ok"}`} role="status">
      {text}
    </div>
  );
}

export interface ConflictData {
  revisionNumber: number;
  fields: { field: string; label: string; mine: string; theirs: string }[];
}

export function ConflictNotice({ conflict, historyHref }: { conflict: ConflictData; historyHref: string }) {
  return (
    <section className="notice bad conflict" role="alert" aria-labelledby="conflict-heading">
      <h2 id="conflict-heading">Not saved: someone changed the same fields</h2>
      <p>
        While you were editing, revision {conflict.revisionNumber} was saved with other changes to the fields below. Your
        text is still in the form. Bring the two together there and save again; saving now keeps what the form says.
      </p>
      {conflict.fields.map((f) => (
        <div className="conflict-field" key={f.field}>
          <h3>{f.label}</h3>
          <div className="conflict-sides">
            <div>
              <p className="conflict-label">Your version</p>
              <pre className="conflict-text" data-side="mine">{f.mine || "(empty)"}</pre>
            </div>
            <div>
              <p className="conflict-label">Their version (revision {conflict.revisionNumber})</p>
              <pre className="conflict-text" data-side="theirs">{f.theirs || "(empty)"}</pre>
            </div>
          </div>
        </div>
      ))}
      <p className="small">
        <Link to={historyHref}>See who changed what in the history</Link>
      </p>
    </section>
  );
}
