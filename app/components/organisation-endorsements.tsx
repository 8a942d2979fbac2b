// An organisation page's two endorsement lists: the badges it vouches for, and who vouches
// for the badges it stewards or co-authors. Accepted endorsements of public badges only.
import { Link } from "@remix-run/react";
import { catalogueHref } from "~/utils/catalogue-url";
import { DateText, KIND_LABELS } from "./catalogue";

export interface OrganisationEndorsementRow {
  endorsementId: string;
  badge: { id: string; name: string; status: string };
  endorser: { handle: string; host: string | null; name: string; kind: string; uri: string };
  versionNumber: number;
  isCurrent: boolean;
  issuedAt: string;
}

export interface OrganisationEndorsementsData {
  handle: string;
  name: string;
  endorses: OrganisationEndorsementRow[];
  endorsesTotal: number;
  endorsedBy: OrganisationEndorsementRow[];
  endorsedByTotal: number;
}

function Version({ row }: { row: OrganisationEndorsementRow }) {
  return (
    <span className="muted small">
      {" "}
      · version {row.versionNumber}
      {row.isCurrent ? null : " (an earlier version)"} · <DateText date={row.issuedAt} />
    </span>
  );
}

export function OrganisationEndorsements({ data }: { data: OrganisationEndorsementsData }) {
  return (
    <div className="two-col org-endorsements">
      <section aria-labelledby="endorses-heading">
        <h2 id="endorses-heading">Endorses</h2>
        {data.endorses.length ? (
          <>
            <ul className="plain-list stack-list">
              {data.endorses.map((row) => (
                <li key={row.endorsementId}>
                  <Link to={`/badges/${row.badge.id}#endorsements`}>{row.badge.name}</Link>
                  {row.badge.status === "deprecated" ? <span className="pill deprecated">Deprecated</span> : null}
                  <Version row={row} />
                </li>
              ))}
            </ul>
            <p className="small">
              <Link to={catalogueHref({ endorser: data.handle })}>
                {data.endorsesTotal > data.endorses.length ? `All ${data.endorsesTotal} badges` : "These badges"} in the catalogue
              </Link>
            </p>
          </>
        ) : (
          <p className="muted">{data.name} has not endorsed any badge yet.</p>
        )}
      </section>
      <section aria-labelledby="endorsed-by-heading">
        <h2 id="endorsed-by-heading">Endorsed by</h2>
        {data.endorsedBy.length ? (
          <ul className="plain-list stack-list">
            {data.endorsedBy.map((row) => (
              <li key={row.endorsementId}>
                {row.endorser.host === null ? (
                  <Link to={`/orgs/${row.endorser.handle}`}>{row.endorser.name}</Link>
                ) : (
                  <a href={row.endorser.uri} rel="nofollow noopener">
                    {row.endorser.name}
                  </a>
                )}{" "}
                <span className="muted small">
                  ({KIND_LABELS[row.endorser.kind]?.toLowerCase() ?? row.endorser.kind}
                  {row.endorser.host ? ` on ${row.endorser.host}` : ""})
                </span>{" "}
                endorses <Link to={`/badges/${row.badge.id}#endorsements`}>{row.badge.name}</Link>
                <Version row={row} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No organisation has endorsed {data.name}'s badges yet.</p>
        )}
        {data.endorsedByTotal > data.endorsedBy.length ? (
          <p className="small muted">The {data.endorsedBy.length} most recent of {data.endorsedByTotal} are listed.</p>
        ) : null}
      </section>
    </div>
  );
}
