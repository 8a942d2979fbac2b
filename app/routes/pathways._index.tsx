import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { CatalogueTabs } from "~/components/catalogue";
import { PathwayCard } from "~/components/pathway";
import { catalogueQueryFromParams } from "~/services/catalogue-query.server";
import { searchPathways } from "~/services/pathway-queries.server";
import { pathwaysHref } from "~/utils/catalogue-url";
import { handle, optionalUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.query.q ? `“${data.query.q}” · Pathways · Badge Commons` : "Pathways · Badge Commons" },
  { name: "description", content: "Pathways to badges, composed by organisations across Badge Commons instances." },
];

const PAGE_SIZE = 20;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await optionalUser(request, context);
  const params = new URL(request.url).searchParams;
  return handle(() => {
    // The catalogue's own reading of words, instance and page, so both tabs agree.
    const { q, instance, page } = catalogueQueryFromParams(params);
    const { db } = context.services;
    const found = searchPathways(db, { q, instance, page, pageSize: PAGE_SIZE });
    return {
      signedIn: user !== null,
      query: { q, instance, page },
      total: found.total,
      pageCount: found.pageCount,
      entries: found.entries.map((e) => ({
        id: e.id,
        name: e.name,
        summary: e.summary,
        status: e.status,
        versionNumber: e.versionNumber,
        stepCount: e.stepCount,
        routeCount: e.routeCount,
        goal: e.goal,
        steward: { name: e.steward.name, host: e.steward.host },
      })),
    };
  });
}

export default function Pathways() {
  const d = useLoaderData<typeof loader>();
  const location = useLocation();
  const { q, instance, page } = d.query;
  return (
    <section className="catalogue">
      <h1>Pathways</h1>
      <p className="muted">
        Named routes to a goal badge, composed by organisations: which badges to earn on the way, in what order, with
        guidance for each step. Their steps may be badges of other instances.
      </p>
      <CatalogueTabs current="pathways" q={q} instance={instance} badgeCount={null} pathwayCount={d.total} />
      <Form method="get" action="/pathways" role="search" className="catalogue-search" key={location.search}>
        <div className="field grow">
          <label htmlFor="pathways-q">Search pathways</label>
          <input id="pathways-q" type="search" name="q" defaultValue={q} maxLength={200} placeholder="e.g. changemaker" />
        </div>
        <div className="field">
          <label htmlFor="pathways-instance">Instance</label>
          <select id="pathways-instance" name="instance" defaultValue={instance ?? ""}>
            <option value="">Any instance</option>
            <option value="here">This instance</option>
            <option value="elsewhere">Other instances</option>
          </select>
        </div>
        <button type="submit">Search</button>
      </Form>
      <div className="row space-between">
        <p className="result-count" role="status" aria-live="polite">
          {d.total
            ? `${d.total.toLocaleString("en-GB")} ${d.total === 1 ? "pathway" : "pathways"}${q ? ` match “${q}”` : ""}.${d.pageCount > 1 ? ` Page ${page} of ${d.pageCount}.` : ""}`
            : "No pathways found."}
        </p>
        {d.signedIn ? (
          <Link className="button small" to="/pathways/new">
            Compose a pathway
          </Link>
        ) : null}
      </div>
      {d.entries.length ? (
        <ol className="results">
          {d.entries.map((entry) => (
            <li key={entry.id}>
              <PathwayCard pathway={entry} />
            </li>
          ))}
        </ol>
      ) : (
        <div className="card empty-state">
          {q || instance ? (
            <p>
              No pathway matches. <Link to="/pathways">Show all pathways</Link>
            </p>
          ) : (
            <p>No pathway has been published yet. Organisations compose them from published badges.</p>
          )}
        </div>
      )}
      {d.pageCount > 1 ? (
        <nav className="pagination" aria-label="Result pages">
          {page > 1 ? (
            <Link to={pathwaysHref({ q, instance, page: page - 1 })} rel="prev">
              ← Previous
            </Link>
          ) : (
            <span aria-hidden="true" />
          )}
          <span>
            Page {page} of {d.pageCount}
          </span>
          {page < d.pageCount ? (
            <Link to={pathwaysHref({ q, instance, page: page + 1 })} rel="next">
              Next →
            </Link>
          ) : (
            <span aria-hidden="true" />
          )}
        </nav>
      ) : null}
    </section>
  );
}
