// Prerequisites as readers see them on badge and version pages: each condition's rule in
// words over its badges, which link to their pages here, say which instance they come from,
// and are marked unavailable (never left out) when this instance cannot show them.
import { Link } from "@remix-run/react";
import type { ConditionView, PrerequisiteTarget, UnlockedBadge } from "~/services/prerequisite-targets.server";

const isWebUrl = (u: string) => /^https?:\/\//i.test(u);

export function PrerequisiteConditionsView({ conditions }: { conditions: ConditionView[] }) {
  if (conditions.length === 1) return <Condition condition={conditions[0]} />;
  return (
    <>
      <p className="condition-lead">Every one of these conditions:</p>
      <ol className="conditions">
        {conditions.map((c, i) => (
          <li key={i}>
            <Condition condition={c} />
          </li>
        ))}
      </ol>
    </>
  );
}

function Condition({ condition }: { condition: ConditionView }) {
  return (
    <div className="condition-view" data-required={condition.requiredNumber} data-size={condition.size}>
      <p className="condition-label">{condition.label}:</p>
      <ul className="plain-list prerequisite-badges">
        {condition.badges.map((b) => (
          <li key={b.uri}>
            <PrerequisiteBadge target={b} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function PrerequisiteBadge({ target }: { target: PrerequisiteTarget }) {
  const label = target.name ?? target.uri;
  const link = target.localId ? (
    <Link to={`/badges/${target.localId}`}>{label}</Link>
  ) : isWebUrl(target.uri) ? (
    <a href={target.uri} rel="nofollow noopener">
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
  return (
    <span className="prerequisite-badge" data-availability={target.availability}>
      {link}
      {target.host ? <span className="muted small"> on {target.host}</span> : null}
      {target.availability === "deprecated" ? <span className="pill deprecated">deprecated</span> : null}
      {target.availability === "withdrawn" ? (
        <>
          {" "}
          <span className="pill withdrawn">unavailable</span> <span className="muted small">withdrawn by its steward</span>
        </>
      ) : null}
      {target.availability === "unknown" ? (
        <>
          {" "}
          <span className="pill withdrawn">unavailable</span> <span className="muted small">not available on this instance</span>
        </>
      ) : null}
    </span>
  );
}

export function UnlockedBadges({ unlocks }: { unlocks: { badges: UnlockedBadge[]; total: number } }) {
  return (
    <>
      <ul className="plain-list">
        {unlocks.badges.map((b) => (
          <li key={b.id}>
            <Link to={`/badges/${b.id}`}>{b.name}</Link>
            {b.host ? <span className="muted small"> on {b.host}</span> : null}
          </li>
        ))}
      </ul>
      {unlocks.total > unlocks.badges.length ? (
        <p className="muted small">and {unlocks.total - unlocks.badges.length} more</p>
      ) : null}
    </>
  );
}
