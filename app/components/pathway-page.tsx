// The body of a pathway's public page and of its version pages: who stands behind it, its
// goal, its routes and steps, its versions, and its map (the graph picture and list,
// app/components/badge-graph.tsx). Presentation only.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { BadgeImage, DateText, organisationParam } from "./catalogue";
import { BadgeRefLink, PathwayRoutes, type BadgeRefView, type PathwayStructureView } from "./pathway";
import { catalogueHref } from "~/utils/catalogue-url";
import { BadgeGraphFigure } from "./badge-graph";
import type { BadgeGraph } from "~/services/badge-graph";
import type { GraphLayout } from "~/services/badge-graph-layout.server";

interface OrgView {
  name: string;
  handle: string;
  host: string | null;
}

export interface PathwayPageView extends PathwayStructureView {
  id: string;
  name: string;
  summary: string;
  status: "draft" | "published" | "deprecated";
  steward: OrgView;
  coAuthors: OrgView[];
  home: { host: string; pathwayUrl: string | null; stewardUrl: string } | null;
  version: { number: number; publishedAt: string; contentHash: string } | null;
  versions: { number: number; publishedAt: string; contentHash: string }[];
  goal: BadgeRefView | null;
}

function Org({ org }: { org: OrgView }) {
  return (
    <>
      <Link to={catalogueHref({ organisation: organisationParam(org) })}>{org.name}</Link>
      {org.host ? (
        <>
          {" "}
          <span className="pill instance-pill">
            <span className="visually-hidden">on </span>
            {org.host}
          </span>
        </>
      ) : null}
    </>
  );
}

export function PathwayPage({
  pathway,
  notice,
  tools,
  graph,
}: {
  pathway: PathwayPageView;
  notice?: ReactNode;
  tools?: ReactNode;
  // The pathway drawn (pathway-graph.server.ts `drawPathwayGraph`); null when it has no steps.
  graph?: { graph: BadgeGraph; layout: GraphLayout | null } | null;
}) {
  return (
    <article className="pathway-page">
      <header className="pathway-header">
        <p className="muted small pathway-kicker">
          Pathway {pathway.status !== "published" ? <span className={`pill ${pathway.status}`}>{pathway.status}</span> : null}
        </p>
        <h1>{pathway.name}</h1>
        <p className="authors">
          Stewarded by <Org org={pathway.steward} />
          {pathway.coAuthors.length ? (
            <>
              , with{" "}
              {pathway.coAuthors.map((o, i) => (
                <span key={`${o.handle}@${o.host ?? ""}`}>
                  {i > 0 ? (i === pathway.coAuthors.length - 1 ? " and " : ", ") : null}
                  <Org org={o} />
                </span>
              ))}
            </>
          ) : null}
          {pathway.version ? (
            <>
              {" "}
              · version {pathway.version.number}, published <DateText date={pathway.version.publishedAt} />
            </>
          ) : null}
        </p>
        {pathway.summary ? <p className="lead pathway-summary">{pathway.summary}</p> : null}
      </header>
      {notice}
      {pathway.home ? (
        <p className="notice info home-notice">
          This pathway is stewarded on <strong>{pathway.home.host}</strong>; this is this instance&rsquo;s copy of it.{" "}
          {pathway.home.pathwayUrl ? (
            <a href={pathway.home.pathwayUrl} rel="noopener">
              Open it on {pathway.home.host}
            </a>
          ) : null}
        </p>
      ) : null}
      {tools}
      <div className="two-col">
        <div>
          <section aria-labelledby="routes-heading">
            <h2 id="routes-heading">Routes to the goal</h2>
            <PathwayRoutes pathway={pathway} headingLevel={3} />
          </section>
        </div>
        <aside className="stack">
          <section className="card" aria-labelledby="goal-heading">
            <h2 id="goal-heading">Goal</h2>
            {pathway.goal ? (
              <div className="pathway-step">
                <BadgeImage imageId={pathway.goal.imageId} name={pathway.goal.name ?? "?"} />
                <p className="pathway-step-name">
                  <BadgeRefLink badge={pathway.goal} />
                </p>
              </div>
            ) : (
              <p className="muted">No goal chosen yet.</p>
            )}
            <p className="muted small">
              {pathway.steps.length} {pathway.steps.length === 1 ? "step" : "steps"} on {pathway.routes.length}{" "}
              {pathway.routes.length === 1 ? "route" : "routes"}
              {new Set(pathway.steps.map((s) => s.home).filter(Boolean)).size
                ? `, across ${new Set(pathway.steps.map((s) => s.home ?? "here")).size} instances`
                : ""}
              .
            </p>
          </section>
          <section className="card versions" aria-labelledby="versions-heading">
            <h2 id="versions-heading">Versions</h2>
            {pathway.versions.length ? (
              <ol className="plain-list" reversed>
                {pathway.versions.map((v) => (
                  <li key={v.number}>
                    <Link to={`/pathways/${pathway.id}/versions/${v.number}`}>Version {v.number}</Link>
                    {pathway.version?.number === v.number ? <span className="muted"> (shown)</span> : null} ·{" "}
                    <DateText date={v.publishedAt} />
                    <code className="version-hash hash" title="Content hash (sha256)">
                      {v.contentHash.slice(0, 16)}…
                    </code>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">Not published yet.</p>
            )}
          </section>
        </aside>
      </div>
      {graph ? (
        <section aria-labelledby="pathway-graph-heading" className="graph-section">
          <h2 id="pathway-graph-heading">Map of the pathway</h2>
          <BadgeGraphFigure graph={graph.graph} layout={graph.layout} id="pathway-graph" />
        </section>
      ) : null}
    </article>
  );
}
