// How a pathway reads on its pages: the goal, each route as an ordered list of its stages
// (a step, or "any 2 of these 3"), each step linking to its badge page with its guidance,
// badges of other instances marked with their home. Presentation only: no data access.
import { Link } from "@remix-run/react";
import { BadgeImage } from "./catalogue";

export interface BadgeRefView {
  uri: string;
  localId: string | null;
  name: string | null;
  status: "published" | "deprecated" | "withdrawn" | null;
  home: string | null;
  imageId: string | null;
}

export interface StepView extends BadgeRefView {
  guidance: string;
}

export interface PathwayStructureView {
  goal: BadgeRefView | null;
  steps: StepView[];
  routes: { name: string; stages: { required: number; steps: string[] }[] }[];
}

/** A badge a pathway names: its page here when there is one, its home instance marked. */
export function BadgeRefLink({ badge }: { badge: BadgeRefView }) {
  const name = badge.name ?? badge.uri;
  return (
    <>
      {badge.localId ? (
        <Link to={`/badges/${badge.localId}`}>{name}</Link>
      ) : badge.status === "withdrawn" ? (
        <span>{name}</span>
      ) : (
        // Not held here (a remote pathway may name badges this instance never received).
        <a href={badge.uri} rel="nofollow noopener">
          {name}
        </a>
      )}
      {badge.home ? (
        <>
          {" "}
          <span className="pill instance-pill" title={`A badge of ${badge.home}`}>
            <span className="visually-hidden">on </span>
            {badge.home}
          </span>
        </>
      ) : null}
      {badge.status === "deprecated" ? (
        <>
          {" "}
          <span className="pill deprecated">deprecated</span>
        </>
      ) : badge.status === "withdrawn" ? (
        <>
          {" "}
          <span className="pill withdrawn">withdrawn by its steward</span>
        </>
      ) : badge.status === null ? (
        <span className="muted small"> (not held on this instance)</span>
      ) : null}
    </>
  );
}

function StepItem({ step }: { step: StepView }) {
  return (
    <div className="pathway-step">
      <BadgeImage imageId={step.imageId} name={step.name ?? "?"} />
      <div>
        <p className="pathway-step-name">
          <BadgeRefLink badge={step} />
        </p>
        {step.guidance ? <p className="pathway-guidance">{step.guidance}</p> : null}
      </div>
    </div>
  );
}

const numberWords = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const count = (n: number) => numberWords[n] ?? String(n);

/** "Earn any two of these three" / "Earn all three, in any order". */
export function stageLabel(required: number, of: number): string {
  if (of === 1) return "";
  return required === of ? `Earn all ${count(of)}, in any order:` : `Earn any ${count(required)} of these ${count(of)}:`;
}

/** The routes to the goal, each an ordered list of its stages, the goal last. */
export function PathwayRoutes({ pathway, headingLevel = 2 }: { pathway: PathwayStructureView; headingLevel?: 2 | 3 }) {
  const steps = new Map(pathway.steps.map((s) => [s.uri, s]));
  const Heading = headingLevel === 2 ? "h2" : "h3";
  if (!pathway.routes.length) return <p className="muted">No route composed yet.</p>;
  return (
    <div className="pathway-routes">
      {pathway.routes.length > 1 ? <p>Any one of these {count(pathway.routes.length)} routes leads to the goal.</p> : null}
      {pathway.routes.map((route, r) => (
        <section key={r} className="card pathway-route" aria-labelledby={`route-${r}`}>
          <Heading id={`route-${r}`}>{route.name || (pathway.routes.length > 1 ? `Route ${r + 1}` : "The route")}</Heading>
          <ol className="pathway-stages">
            {route.stages.map((stage, s) => (
              <li key={s} className="pathway-stage">
                {stage.steps.length === 1 ? (
                  steps.get(stage.steps[0]!) ? <StepItem step={steps.get(stage.steps[0]!)!} /> : null
                ) : (
                  <>
                    <p className="pathway-choice">{stageLabel(stage.required, stage.steps.length)}</p>
                    <ul className="pathway-choices">
                      {stage.steps.map((uri) =>
                        steps.get(uri) ? (
                          <li key={uri}>
                            <StepItem step={steps.get(uri)!} />
                          </li>
                        ) : null,
                      )}
                    </ul>
                  </>
                )}
              </li>
            ))}
            {pathway.goal ? (
              <li className="pathway-stage pathway-goal-stage">
                <p className="pathway-step-name">
                  <span className="pathway-goal-label">Goal:</span> <BadgeRefLink badge={pathway.goal} />
                </p>
              </li>
            ) : null}
          </ol>
        </section>
      ))}
    </div>
  );
}

export interface PathwayCardView {
  id: string;
  name: string;
  summary: string;
  status: "published" | "deprecated";
  versionNumber: number;
  stepCount: number;
  routeCount: number;
  goal: BadgeRefView;
  steward: { name: string; host: string | null };
}

/** A pathway in a list: its name, goal, size and steward, its home instance marked. */
export function PathwayCard({ pathway }: { pathway: PathwayCardView }) {
  return (
    <article className="card pathway-card">
      <h3 className="result-title">
        <Link to={`/pathways/${pathway.id}`}>{pathway.name}</Link>{" "}
        {pathway.status === "deprecated" ? <span className="pill deprecated">Deprecated</span> : null}
      </h3>
      <p className="small">
        To <BadgeRefLink badge={pathway.goal} /> · {pathway.stepCount} {pathway.stepCount === 1 ? "step" : "steps"}
        {pathway.routeCount > 1 ? `, ${pathway.routeCount} routes` : ""} · version {pathway.versionNumber}
      </p>
      {pathway.summary ? <p className="summary">{pathway.summary}</p> : null}
      <p className="authors">
        Stewarded by {pathway.steward.name}
        {pathway.steward.host ? (
          <>
            {" "}
            <span className="kind">
              (on <span className="instance">{pathway.steward.host}</span>)
            </span>
          </>
        ) : null}
      </p>
    </article>
  );
}
