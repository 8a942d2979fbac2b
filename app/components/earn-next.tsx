// "What you can earn next" on a learner's page: badges whose prerequisites they now meet,
// best first (the order earn-next.server.ts gives), and starting points towards the badges
// they plan. Each says where it is offered: its steward, and the steward's instance.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { BadgeImage } from "~/components/catalogue";
import type { EarnNext, EarnNextBadge } from "~/services/earn-next.server";

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

function listWords(items: ReactNode[]): ReactNode[] {
  return items.flatMap((item, i) => (i === 0 ? [item] : [i === items.length - 1 ? " and " : ", ", item]));
}

function NextBadge({ badge }: { badge: EarnNextBadge }) {
  const where = badge.steward.host ? `on ${badge.steward.host}` : "on this instance";
  return (
    <li className="card badge-card earn-next-badge">
      <BadgeImage imageId={badge.imageId} name={badge.name} />
      <div className="result-body">
        <h3>
          <Link to={`/badges/${badge.id}`}>{badge.name}</Link>
        </h3>
        <p className="muted small">
          {`Offered by ${badge.steward.name}, ${where}`}
          {badge.homeUrl ? (
            <>
              {" · "}
              <a href={badge.homeUrl} rel="noopener">
                {`See it on ${badge.steward.host}`}
              </a>
            </>
          ) : null}
        </p>
        {badge.summary ? <p className="summary">{badge.summary}</p> : null}
        <ul className="plain-list small earn-next-why">
          {badge.towards.length ? (
            <li>
              <strong>On the way to your plan:</strong>{" "}
              {listWords(badge.towards.map((t) => (t.localId ? <Link key={t.uri} to={`/badges/${t.localId}`}>{t.name}</Link> : <span key={t.uri}>{t.name}</span>)))}
            </li>
          ) : null}
          {badge.buildsOn.length ? (
            <li>
              <strong>Builds on what you hold:</strong>{" "}
              {listWords(badge.buildsOn.map((b) => <span key={b.uri}>{b.proven ? `${b.name} (proven)` : b.name}</span>))}
            </li>
          ) : (
            <li>No prerequisites: anyone can start here.</li>
          )}
          {badge.endorsements ? <li>{`Endorsed by ${plural(badge.endorsements, "organisation", "organisations")}`}</li> : null}
        </ul>
      </div>
    </li>
  );
}

export function EarnNextSection({ earnNext }: { earnNext: EarnNext }) {
  const { next, nextTotal, startingPoints, startingTotal } = earnNext;
  return (
    <section aria-labelledby="earn-next-heading" className="earn-next">
      <h2 id="earn-next-heading">
        What you can earn next <span className="muted small">({nextTotal})</span>
      </h2>
      {next.length ? (
        <>
          <p className="small muted">
            Badges whose prerequisites the badges you hold now meet, here and on other instances: those on the way to a badge you plan first, then
            those that build on more of what you hold, on what is proven, and that more organisations endorse.
          </p>
          <ol className="results plain-list">
            {next.map((b) => (
              <NextBadge key={b.uri} badge={b} />
            ))}
          </ol>
          {nextTotal > next.length ? <p className="muted small">{`And ${plural(nextTotal - next.length, "more", "more")} further down the same order.`}</p> : null}
        </>
      ) : (
        <p className="muted">
          Nothing yet. When you hold a badge that others build on, the badges it opens appear here. Mark the badges you hold from their pages in the{" "}
          <Link to="/badges">catalogue</Link>, or import a credential.
        </p>
      )}
      {startingPoints.length ? (
        <>
          <h3 id="starting-points-heading">
            Where to start for your plans <span className="muted small">({startingTotal})</span>
          </h3>
          <p className="small muted">Badges with no prerequisites on the way to a badge you plan.</p>
          <ol className="results plain-list" aria-labelledby="starting-points-heading">
            {startingPoints.map((b) => (
              <NextBadge key={b.uri} badge={b} />
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
