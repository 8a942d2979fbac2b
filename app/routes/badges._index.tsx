import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Authors, BadgeImage, Highlighted, humanise, KIND_LABELS } from "~/components/catalogue";
import { catalogueQueryFromParams } from "~/services/catalogue-query.server";
import { searchCatalogue } from "~/services/catalogue.server";
import { catalogueHref, HOURS_CHOICES } from "~/utils/catalogue-url";
import { handle } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.query.q ? `“${data.query.q}” · Catalogue · Badge Commons` : "Catalogue · Badge Commons" },
  { name: "description", content: "Published badge definitions, co-authored by organisations on Badge Commons." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  return handle(() => searchCatalogue(context.services.db, catalogueQueryFromParams(params)));
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const languageNames = new Intl.DisplayNames(["en"], { type: "language" });
/** "French (fr)": the code too, as definitions are written with codes. */
function languageName(code: string): string {
  try {
    const name = languageNames.of(code);
    return name && name.toLowerCase() !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

const INSTANCE_LABELS: Record<string, string> = { here: "This instance", elsewhere: "Other instances" };
const ENDORSER_KIND_LABELS: Record<string, string> = {
  nonprofit: "Nonprofits",
  business: "Businesses",
  school: "Schools",
  community: "Community groups",
};

export default function Catalogue() {
  const data = useLoaderData<typeof loader>();
  const { query, total } = data;
  const location = useLocation();
  const filtered = !!(
    query.q || query.tag || query.kind || query.organisation || query.instance || query.endorser || query.endorserKind || query.language || query.hoursMax
  );
  const current = {
    q: query.q,
    tag: query.tag,
    kind: query.kind,
    organisation: query.organisation,
    instance: query.instance,
    endorser: query.endorser,
    endorserKind: query.endorserKind,
    language: query.language,
    hoursMax: query.hoursMax ? String(query.hoursMax) : null,
  };
  // Offered when the catalogue holds more than one language, or one is chosen.
  const languages = data.facets.languages;
  return (
    <section className="catalogue">
      <h1>Catalogue</h1>
      <p className="muted">
        Badge definitions published by organisations working together on Badge Commons, here and on the instances they
        follow. <Link to="/explore">Look up another instance or organisation</Link> to see what it offers.
      </p>

      {/* Remounted on every navigation so the fields always show the current search. */}
      <Form method="get" action="/badges" role="search" className="catalogue-search" key={location.search}>
        <div className="field grow">
          <label htmlFor="catalogue-q">Search badges</label>
          <input id="catalogue-q" type="search" name="q" defaultValue={query.q} maxLength={200} placeholder="e.g. social innovation" />
        </div>
        <div className="field">
          <label htmlFor="catalogue-kind">Organisation kind</label>
          <select id="catalogue-kind" name="kind" defaultValue={query.kind ?? ""}>
            <option value="">Any kind</option>
            {Object.entries(KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="catalogue-instance">Instance</label>
          <select id="catalogue-instance" name="instance" defaultValue={query.instance ?? ""}>
            <option value="">Any instance</option>
            {Object.entries(INSTANCE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {languages.length > 1 || query.language ? (
          <div className="field">
            <label htmlFor="catalogue-language">Language</label>
            <select id="catalogue-language" name="language" defaultValue={query.language ?? ""}>
              <option value="">Any language</option>
              {(query.language && !languages.some((l) => l.language === query.language) ? [{ language: query.language, count: 0 }, ...languages] : languages).map((l) => (
                <option key={l.language} value={l.language}>
                  {languageName(l.language)} ({l.count})
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="catalogue-hours">Time to earn</label>
          <select id="catalogue-hours" name="hoursMax" defaultValue={query.hoursMax ? String(query.hoursMax) : ""}>
            <option value="">Any length</option>
            {HOURS_CHOICES.map((h) => (
              <option key={h} value={h}>
                Up to {h} hours
              </option>
            ))}
          </select>
        </div>
        {query.tag ? <input type="hidden" name="tag" value={query.tag} /> : null}
        {query.organisation ? <input type="hidden" name="organisation" value={query.organisation} /> : null}
        {query.endorser ? <input type="hidden" name="endorser" value={query.endorser} /> : null}
        {query.endorserKind ? <input type="hidden" name="endorserKind" value={query.endorserKind} /> : null}
        <button type="submit">Search</button>
      </Form>

      <ActiveFilters data={data} />

      <p className="result-count" role="status" aria-live="polite">
        {resultCountText(data)}
      </p>

      <div className="catalogue-layout">
        <div>
          {data.entries.length ? (
            <ol className="results">
              {data.entries.map((entry) => (
                <li key={entry.id}>
                  <ResultCard entry={entry} current={current} />
                </li>
              ))}
            </ol>
          ) : (
            <EmptyState filtered={filtered} beyondLastPage={total > 0} />
          )}
          <Pagination data={data} />
        </div>
        <Facets data={data} />
      </div>
    </section>
  );
}

function resultCountText(data: Data) {
  const n = data.total;
  const badges = `${n.toLocaleString("en-GB")} ${n === 1 ? "badge" : "badges"}`;
  if (!n) return "No badges found.";
  const page = data.pageCount > 1 ? ` Page ${data.query.page} of ${data.pageCount}.` : "";
  return `${badges}${data.query.q ? ` match “${data.query.q}”` : " found"}.${page}`;
}

function ResultCard({ entry, current }: { entry: Data["entries"][number]; current: Record<string, string | null> }) {
  return (
    <article className="card badge-card result">
      <BadgeImage imageId={entry.imageId} name={entry.name} />
      <div className="result-body">
        <h2 className="result-title">
          <Link to={`/badges/${entry.id}`}>{entry.highlightedName ? <Highlighted text={entry.highlightedName} /> : entry.name}</Link>{" "}
          {entry.status === "deprecated" ? <span className="pill deprecated">Deprecated</span> : null}
        </h2>
        <p className="muted small">
          {humanise(entry.achievementType)} · version {entry.versionNumber}
        </p>
        {entry.summary ? (
          <p className="summary">{entry.highlightedSummary ? <Highlighted text={entry.highlightedSummary} /> : entry.summary}</p>
        ) : null}
        {entry.snippet ? (
          <p className="snippet">
            <span className="visually-hidden">From the criteria: </span>
            <Highlighted text={entry.snippet} />
          </p>
        ) : null}
        <Authors steward={entry.steward} coAuthors={entry.coAuthors} />
        {entry.tags.length ? (
          <ul className="tags" aria-label="Tags">
            {entry.tags.map((tag) => (
              <li key={tag}>
                <Link to={catalogueHref({ ...current, tag })}>{tag}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </article>
  );
}

function ActiveFilters({ data }: { data: Data }) {
  const { query, organisation, endorser } = data;
  const chips: { label: string; without: string }[] = [];
  if (query.tag) chips.push({ label: `Tag: ${query.tag}`, without: catalogueHref({ ...query, tag: null, page: 1 }) });
  if (query.kind)
    chips.push({ label: `Kind: ${KIND_LABELS[query.kind] ?? query.kind}`, without: catalogueHref({ ...query, kind: null, page: 1 }) });
  if (query.instance)
    chips.push({ label: `Instance: ${INSTANCE_LABELS[query.instance]}`, without: catalogueHref({ ...query, instance: null, page: 1 }) });
  if (query.organisation)
    chips.push({
      label: `Organisation: ${organisation?.name ?? query.organisation}`,
      without: catalogueHref({ ...query, organisation: null, page: 1 }),
    });
  if (query.endorser)
    chips.push({
      label: `Endorsed by ${endorser?.name ?? query.endorser}`,
      without: catalogueHref({ ...query, endorser: null, page: 1 }),
    });
  if (query.endorserKind)
    chips.push({
      label: `Endorsed by a ${KIND_LABELS[query.endorserKind]?.toLowerCase() ?? query.endorserKind}`,
      without: catalogueHref({ ...query, endorserKind: null, page: 1 }),
    });
  if (query.language)
    chips.push({ label: `Language: ${languageName(query.language)}`, without: catalogueHref({ ...query, language: null, page: 1 }) });
  if (query.hoursMax)
    chips.push({ label: `Up to ${query.hoursMax} hours`, without: catalogueHref({ ...query, hoursMax: null, page: 1 }) });
  if (!chips.length) return null;
  return (
    <ul className="active-filters" aria-label="Active filters">
      {chips.map((c) => (
        <li key={c.label}>
          {c.label}{" "}
          <Link to={c.without} className="remove-filter">
            Remove<span className="visually-hidden"> filter {c.label}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function EmptyState({ filtered, beyondLastPage }: { filtered: boolean; beyondLastPage: boolean }) {
  return (
    <div className="card empty-state">
      {beyondLastPage ? (
        <p>
          There are no more results on this page. <Link to="/badges">Back to the catalogue</Link>
        </p>
      ) : filtered ? (
        <>
          <h2>No badges match</h2>
          <p>Try other words, or fewer filters.</p>
          <p>
            <Link to="/badges">Show all badges</Link>
          </p>
        </>
      ) : (
        <>
          <h2>No badges published yet</h2>
          <p>When organisations publish badge definitions, they appear here.</p>
        </>
      )}
    </div>
  );
}

function Pagination({ data }: { data: Data }) {
  const { page } = data.query;
  if (data.pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label="Result pages">
      {page > 1 ? (
        <Link to={catalogueHref({ ...data.query, page: Math.min(page - 1, data.pageCount) })} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
      <span>
        Page {page} of {data.pageCount}
      </span>
      {page < data.pageCount ? (
        <Link to={catalogueHref({ ...data.query, page: page + 1 })} rel="next">
          Next →
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
    </nav>
  );
}

function Facets({ data }: { data: Data }) {
  const { query, facets } = data;
  if (!facets.tags.length && !facets.kinds.length && !facets.endorserKinds.length) return null;
  return (
    <aside className="facets" aria-labelledby="facets-heading">
      <h2 id="facets-heading" className="visually-hidden">
        Refine
      </h2>
      <FacetSection
        title="Organisation kind"
        query={query}
        param="kind"
        items={facets.kinds.map(({ kind, count }) => ({ value: kind, label: KIND_LABELS[kind] ?? kind, count }))}
      />
      <FacetSection
        title="Endorsed by"
        query={query}
        param="endorserKind"
        items={facets.endorserKinds.map(({ kind, count }) => ({ value: kind, label: ENDORSER_KIND_LABELS[kind] ?? kind, count }))}
      />
      <FacetSection title="Tags" query={query} param="tag" items={facets.tags.map(({ tag, count }) => ({ value: tag, label: tag, count }))} />
    </aside>
  );
}

/** One facet: each value links to the catalogue filtered on it, or unfiltered when it is the current one. */
function FacetSection({
  title,
  query,
  param,
  items,
}: {
  title: string;
  query: Data["query"];
  param: "kind" | "endorserKind" | "tag";
  items: { value: string; label: string; count: number }[];
}) {
  if (!items.length) return null;
  return (
    <section>
      <h3>{title}</h3>
      <ul className="facet-list">
        {items.map(({ value, label, count }) => (
          <li key={value}>
            <Link
              to={catalogueHref({ ...query, [param]: query[param] === value ? null : value, page: 1 })}
              aria-current={query[param] === value ? "true" : undefined}
            >
              {label}
            </Link>{" "}
            <span className="count">{count}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
