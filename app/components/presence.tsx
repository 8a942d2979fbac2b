// Who is in a draft and where each is typing: a list at the top of the editor and small
// markers beside the fields. Colours carry white text at AA contrast; names are always
// written out, so nothing depends on colour alone.
import type { Peer } from "~/realtime/protocol";
import type { LiveStatus, SaveState } from "~/realtime/use-live-draft";
import { FIELD_LABELS, type BadgeField } from "~/services/badge-content";

/** One entry per person (several tabs of one person show once). */
function people(peers: Peer[]): Peer[] {
  const byUser = new Map<string, Peer>();
  for (const p of peers) {
    const seen = byUser.get(p.userId);
    if (!seen || (!seen.field && p.field)) byUser.set(p.userId, p);
  }
  return [...byUser.values()];
}

const fieldLabel = (field: string) => FIELD_LABELS[field as BadgeField] ?? field;

export function PresenceBar({
  status,
  peers,
  me,
  save,
}: {
  status: LiveStatus;
  peers: Peer[];
  me: Peer | null;
  save: SaveState;
}) {
  return (
    <section className="live-bar" aria-label="Live editing" data-live-status={status}>
      <p className="live-status" role="status">
        {status === "live" ? (
          <>
            <span className="live-dot" aria-hidden="true" /> Live: changes are shared as you type.{" "}
            <SaveText save={save} />
          </>
        ) : status === "connecting" ? (
          "Connecting to live editing…"
        ) : status === "denied" ? (
          "Live editing is not available to you for this draft."
        ) : (
          "Live editing is off: edit the form and save it with the button at the end."
        )}
      </p>
      {status === "live" ? (
        <ul className="presence" aria-label="Editing now">
          {people(peers).map((p) => (
            <li key={p.connectionId} style={{ background: p.colour }} data-user-id={p.userId}>
              {p.name}
              {p.userId === me?.userId ? " (you)" : ""}
              {p.organisation ? <span className="presence-org"> · {p.organisation}</span> : null}
              {p.field ? <span className="presence-field"> — in {fieldLabel(p.field)}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function SaveText({ save }: { save: SaveState }) {
  switch (save.state) {
    case "idle":
      return null;
    case "pending":
      return <span className="muted">Unsaved changes…</span>;
    case "saving":
      return <span className="muted">Saving…</span>;
    case "saved":
      return <span>Saved as revision {save.revision.number}.</span>;
    case "invalid":
      return (
        <span className="field-error">
          Not saved yet: {Object.keys(save.fieldErrors).map((k) => fieldLabel(k.split(".")[0])).filter((v, i, a) => a.indexOf(v) === i).join(", ")} need a look.
        </span>
      );
    case "failed":
      return <span className="field-error">{save.message}</span>;
  }
}

/** Markers beside a field for the other people typing in it. */
export function FieldPeers({ peers, field, me }: { peers: Peer[]; field: string; me: Peer | null }) {
  const here = people(peers).filter((p) => p.field === field && p.userId !== me?.userId);
  if (!here.length) return null;
  return (
    <span className="field-peers">
      {here.map((p) => (
        <span key={p.connectionId} className="field-peer" style={{ background: p.colour }} data-user-id={p.userId}>
          {p.name} is typing here
        </span>
      ))}
    </span>
  );
}
