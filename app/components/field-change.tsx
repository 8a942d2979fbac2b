// One field's change in a revision: a line diff for text, before and after otherwise.
// Removed and added lines are marked with <del>/<ins> and a sign, not by colour alone.
import type { LineChange } from "~/services/badge-content";

export type FieldChangeData =
  | { field: string; label: string; kind: "lines"; lines: LineChange[] }
  | { field: string; label: string; kind: "values"; before: string; after: string };

export function FieldChange({ change }: { change: FieldChangeData }) {
  return (
    <section className="card field-change" aria-labelledby={`change-${change.field}`} data-field={change.field}>
      <h2 id={`change-${change.field}`}>{change.label}</h2>
      {change.kind === "lines" ? (
        <div className="diff" role="group" aria-label={`Changes to ${change.label}`}>
          {change.lines.map((l, i) =>
            l.kind === "added" ? (
              <ins key={i}>
                <span className="diff-sign" aria-hidden="true">+ </span>
                <span className="visually-hidden">Added: </span>
                {l.text || " "}
              </ins>
            ) : l.kind === "removed" ? (
              <del key={i}>
                <span className="diff-sign" aria-hidden="true">− </span>
                <span className="visually-hidden">Removed: </span>
                {l.text || " "}
              </del>
            ) : (
              <span key={i} className="diff-same">
                {"  "}
                {l.text || " "}
              </span>
            ),
          )}
        </div>
      ) : (
        <div className="before-after">
          <div>
            <p className="conflict-label">Before</p>
            <pre className="diff">{change.before || "(empty)"}</pre>
          </div>
          <div>
            <p className="conflict-label">After</p>
            <pre className="diff">{change.after || "(empty)"}</pre>
          </div>
        </div>
      )}
    </section>
  );
}
