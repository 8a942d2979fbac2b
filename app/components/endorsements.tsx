// A badge's Endorsements: who vouches for it (count by kind, the network picture, the
// statements), the forms of admins who may endorse it, and, for the steward's admins, what
// waits for a decision and whether endorsements are accepted automatically. Every form is
// a plain POST to /badges/:id/endorsements that redirects back here, so all of it works
// without JavaScript; with it, the section follows changes live. Statements are plain
// text rendered by React (escaped), their line breaks kept by CSS.
import type { ReactNode } from "react";
import { Form, Link, useSearchParams } from "@remix-run/react";
import { useBadgeWatch } from "~/realtime/use-badge-watch";
import { STATEMENT_MAX } from "~/services/endorsement-statement";
import { catalogueHref } from "~/utils/catalogue-url";
import type { EndorsementItem, EndorsementSectionData } from "~/utils/endorsements-view.server";
import { DateText, KIND_LABELS } from "./catalogue";
import { countOf, EndorsementNetworkFigure, type NetworkKind } from "./endorsement-network";
import { Field } from "./forms";

export interface EndorsementFormFailure {
  message: string;
  fieldErrors: Record<string, string[]>;
  values: { intent?: string; organisationId?: string; statement?: string };
}

/** "Acme's", "Acme Ventures'". */
export const possessive = (name: string) => (/s$/i.test(name) ? `${name}'` : `${name}'s`);

const NOTICES: Record<string, string> = {
  created: "Thank you: your endorsement is recorded.",
  updated: "Your endorsement is updated.",
  renewed: "Your endorsement now names the latest version.",
  unchanged: "Nothing changed: your endorsement already says that.",
  withdrawn: "Your endorsement is withdrawn.",
  accepted: "Endorsement accepted: it is shown on the badge.",
  declined: "Endorsement declined: it is not shown.",
  "auto-on": "New endorsements will be shown at once.",
  "auto-off": "New endorsements will wait for an admin's decision.",
};

/** "Endorsed by 3 businesses and 2 schools", each kind linking to the catalogue filtered by it. */
export function EndorsementSummary({ counts }: { counts: EndorsementSectionData["counts"] }) {
  if (!counts.total) return <p className="endorsement-summary muted">No organisation has endorsed this badge yet.</p>;
  const remote = counts.byInstance.filter((i) => i.host !== null);
  return (
    <p className="endorsement-summary">
      Endorsed by{" "}
      {counts.byKind.map((k, i) => (
        <span key={k.kind}>
          {i > 0 ? (i === counts.byKind.length - 1 ? " and " : ", ") : null}
          <Link to={catalogueHref({ endorserKind: k.kind })}>{countOf(k.kind as NetworkKind, k.count)}</Link>
        </span>
      ))}
      {remote.length
        ? counts.byInstance.length === 1
          ? `, all from ${remote[0].host}`
          : `, from ${counts.byInstance.length} instances`
        : null}
      .
      {counts.forEarlierVersions ? (
        <span className="muted">
          {" "}
          {counts.forEarlierVersions === counts.total
            ? `${counts.total === 1 ? "It was" : "All of them were"} made for an earlier version.`
            : `${counts.forEarlierVersions} of them ${counts.forEarlierVersions === 1 ? "was" : "were"} made for an earlier version.`}
        </span>
      ) : null}
    </p>
  );
}

function EndorserName({ endorser }: { endorser: EndorsementItem["endorser"] }) {
  return endorser.host === null ? (
    <Link to={`/orgs/${endorser.handle}`}>{endorser.name}</Link>
  ) : (
    <a href={endorser.uri} rel="nofollow noopener">
      {endorser.name}
    </a>
  );
}

/** One endorsement: who, of what kind and where, what they say, when, and for which version. */
function EndorsementCard({ e, latest, children }: { e: EndorsementItem; latest: number | null; children?: ReactNode }) {
  return (
    <article className="endorsement" aria-label={`Endorsement by ${e.endorser.name}`}>
      <p className="endorsement-head">
        <strong>
          <EndorserName endorser={e.endorser} />
        </strong>{" "}
        <span className={`pill kind-${e.endorser.kind}`}>{KIND_LABELS[e.endorser.kind] ?? e.endorser.kind}</span>
        {e.endorser.host ? (
          <span className="muted small">
            {" "}
            on <span className="instance">{e.endorser.host}</span>
          </span>
        ) : null}
      </p>
      <blockquote className="endorsement-statement">{e.statement}</blockquote>
      <p className="muted small endorsement-meta">
        <DateText date={e.issuedAt} /> · version {e.versionNumber}
        {e.isCurrent ? null : (
          <>
            {" "}
            <span className="pill warn-pill">for version {e.versionNumber}{latest ? `; the latest is ${latest}` : ""}</span>
          </>
        )}{" "}
        {/* Only accepted endorsements are public at their URL. */}
        {e.status === "accepted" ? (
          <>
            {" "}
            · <a href={e.href} type="application/ld+json">signed credential<span className="visually-hidden"> of {possessive(e.endorser.name)} endorsement</span></a>
          </>
        ) : null}
      </p>
      {children}
    </article>
  );
}

function Hidden({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

function StewardPanel({ data, action, back }: { data: EndorsementSectionData; action: string; back: string }) {
  const steward = data.steward!;
  return (
    <section className="card steward-endorsements" aria-labelledby="pending-endorsements-heading">
      <h3 id="pending-endorsements-heading">
        {steward.pendingTotal ? `Waiting for your decision (${steward.pendingTotal})` : "Endorsements waiting for a decision"}
      </h3>
      {steward.pending.length ? (
        <ol className="plain-list endorsement-list">
          {steward.pending.map((e) => (
            <li key={e.id}>
              <EndorsementCard e={e} latest={data.latestVersionNumber}>
                <div className="row decision">
                  <Form method="post" action={action} className="inline-form">
                    <Hidden fields={{ intent: "accept", endorsementId: e.id, redirectTo: back }} />
                    <button type="submit" className="small">
                      Accept<span className="visually-hidden"> {possessive(e.endorser.name)} endorsement</span>
                    </button>
                  </Form>
                  <Form method="post" action={action} className="inline-form">
                    <Hidden fields={{ intent: "decline", endorsementId: e.id, redirectTo: back }} />
                    <button type="submit" className="small secondary">
                      Decline<span className="visually-hidden"> {possessive(e.endorser.name)} endorsement</span>
                    </button>
                  </Form>
                </div>
              </EndorsementCard>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small">None at the moment.</p>
      )}
      {steward.pendingTotal > steward.pending.length ? (
        <p className="small muted">The {steward.pending.length} most recent are shown; decide on them to see the rest.</p>
      ) : null}
      <Form method="post" action={action} className="auto-accept">
        <Hidden fields={{ intent: "auto-accept", redirectTo: back }} />
        <fieldset>
          <legend>When an organisation endorses this badge</legend>
          <label className="radio-option">
            <input type="radio" name="autoAccept" value="on" defaultChecked={steward.autoAccept} />
            <span>Show its endorsement at once (you can still decline it later)</span>
          </label>
          <label className="radio-option">
            <input type="radio" name="autoAccept" value="off" defaultChecked={!steward.autoAccept} />
            <span>Wait until an admin of the steward accepts it</span>
          </label>
        </fieldset>
        <button type="submit" className="small secondary">
          Save setting
        </button>
      </Form>
    </section>
  );
}

function statusLine(e: EndorsementItem | null, orgName: string, latest: number | null) {
  if (!e) return null;
  const when = (iso: string | null) => (iso ? <DateText date={iso} /> : null);
  switch (e.status) {
    case "accepted":
      return (
        <>
          {possessive(orgName)} endorsement is shown on this badge{e.isCurrent ? "." : <>, for version {e.versionNumber}. Version {latest} is out: renew it?</>}
        </>
      );
    case "pending":
      return <>{possessive(orgName)} endorsement waits for the steward's decision{e.isCurrent ? "." : `; it was made for version ${e.versionNumber}.`}</>;
    case "declined":
      return <>The steward declined {possessive(orgName)} endorsement on {when(e.decidedAt)}. A new one will wait for their decision.</>;
    case "withdrawn":
      return <>{orgName} withdrew its endorsement. You can endorse the badge again.</>;
  }
}

function EndorseForms({ data, action, back, failure }: { data: EndorsementSectionData; action: string; back: string; failure?: EndorsementFormFailure | null }) {
  if (!data.endorseAs.length) {
    if (data.closedReason) return null;
    return data.signedIn ? (
      <p className="muted small">Admins of organisations that are not among its authors can endorse this badge.</p>
    ) : (
      <p className="small">
        <Link to={`/signin?redirectTo=${encodeURIComponent(`${back}#endorsements`)}`}>Sign in</Link> to endorse this badge as your organisation.
      </p>
    );
  }
  return (
    <section aria-labelledby="endorse-heading" className="endorse">
      <h3 id="endorse-heading">Your organisation's endorsement</h3>
      {data.endorseAs.map(({ organisation: org, endorsement: e }) => {
        const live = e && (e.status === "accepted" || e.status === "pending") ? e : null;
        const mine = failure && failure.values.organisationId === org.id ? failure : null;
        const fieldId = `statement-${org.id}`;
        return (
          <div key={org.id} className="card endorse-card">
            <h4>{org.name}</h4>
            {e ? <p className="small">{statusLine(e, org.name, data.latestVersionNumber)}</p> : null}
            {mine && mine.values.intent === "endorse" && !mine.fieldErrors.statement ? (
              <div className="notice bad" role="alert">
                {mine.message}
              </div>
            ) : null}
            {data.closedReason ? (
              <p className="small muted">{data.closedReason}</p>
            ) : (
              <Form method="post" action={action} className="endorse-form">
                <Hidden fields={{ intent: "endorse", organisationId: org.id, versionNumber: String(data.latestVersionNumber ?? ""), redirectTo: back }} />
                <Field
                  id={fieldId}
                  label={live ? `What ${org.name} says about this badge` : `Why does ${org.name} vouch for this badge?`}
                  hint={`Plain text, up to ${STATEMENT_MAX.toLocaleString("en-GB")} characters, shown with ${possessive(org.name)} name. It endorses version ${data.latestVersionNumber}.`}
                  errors={mine?.fieldErrors.statement}
                >
                  {(p) => (
                    <textarea {...p} name="statement" rows={3} maxLength={STATEMENT_MAX} required defaultValue={mine?.values.statement ?? live?.statement ?? ""} />
                  )}
                </Field>
                <button type="submit" className="small">
                  {!live ? `Endorse as ${org.name}` : live.isCurrent ? "Update endorsement" : `Renew for version ${data.latestVersionNumber}`}
                </button>
              </Form>
            )}
            {live ? (
              <Form method="post" action={action} className="withdraw-form">
                <Hidden fields={{ intent: "withdraw", endorsementId: live.id, redirectTo: back }} />
                <button type="submit" className="small secondary">
                  Withdraw {possessive(org.name)} endorsement
                </button>
              </Form>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}

export function EndorsementsSection({
  data,
  failure,
  // Where the forms come back to (this page).
  back,
  // What follows the list: by default a link to all endorsements when some are not shown.
  listFooter,
}: {
  data: EndorsementSectionData;
  failure?: EndorsementFormFailure | null;
  back: string;
  listFooter?: ReactNode;
}) {
  useBadgeWatch({ badgeId: data.badgeId, enabled: data.signedIn });
  const [params] = useSearchParams();
  const notice = NOTICES[params.get("endorsement") ?? ""];
  const action = `/badges/${data.badgeId}/endorsements`;
  const listFailure = failure && failure.values.intent !== "endorse" ? failure : null;
  return (
    <section aria-labelledby="endorsements-heading" id="endorsements" className="endorsements">
      <h2 id="endorsements-heading">Endorsements</h2>
      {notice ? (
        <div className="notice ok" role="status">
          {notice}
        </div>
      ) : null}
      {listFailure ? (
        <div className="notice bad" role="alert">
          {listFailure.message}
        </div>
      ) : null}
      <EndorsementSummary counts={data.counts} />
      {data.steward ? <StewardPanel data={data} action={action} back={back} /> : null}
      <EndorsementNetworkFigure network={data.network} />
      {data.list.length ? (
        <ol className="plain-list endorsement-list" aria-label="Endorsements, newest first">
          {data.list.map((e) => (
            <li key={e.id}>
              <EndorsementCard e={e} latest={data.latestVersionNumber}>
                {data.steward ? (
                  <Form method="post" action={action} className="inline-form">
                    <Hidden fields={{ intent: "decline", endorsementId: e.id, redirectTo: back }} />
                    <button type="submit" className="link-button small">
                      Decline<span className="visually-hidden"> {possessive(e.endorser.name)} endorsement</span> (hide it from this badge)
                    </button>
                  </Form>
                ) : null}
              </EndorsementCard>
            </li>
          ))}
        </ol>
      ) : null}
      {listFooter ??
        (data.counts.total > data.list.length ? (
          <p>
            <Link to={action}>All {data.counts.total.toLocaleString("en-GB")} endorsements</Link>
          </p>
        ) : null)}
      <EndorseForms data={data} action={action} back={back} failure={failure && failure.values.intent === "endorse" ? failure : null} />
    </section>
  );
}
