// Look up another instance or organisation by what a person types, and see what it offers,
// without following it. A plain GET form: the address stays in the URL, so a look-up can
// be shared and works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { KIND_LABELS } from "~/components/organisations";
import type { Discovery } from "~/services/discovery";
import { isRateLimitedError, isValidationError } from "~/services/errors";
import { lookUpAddress } from "~/services/lookups.server";
import { requireUser } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Look up an instance or organisation · Badge Commons" }];

type Result = { address: string; discovery: Discovery | null; error: string | null };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<Result> {
  const user = await requireUser(request, context);
  const address = (new URL(request.url).searchParams.get("address") ?? "").slice(0, 2000);
  if (!address.trim()) return { address, discovery: null, error: null };
  try {
    const discovery = await lookUpAddress(context.federation, user.id, address);
    if (discovery.kind === "local") throw redirect(discovery.path);
    return { address, discovery, error: null };
  } catch (e) {
    if (isValidationError(e)) return { address, discovery: null, error: Object.values(e.fieldErrors ?? {}).flat()[0] ?? e.message };
    if (isRateLimitedError(e)) return { address, discovery: null, error: "You have looked up many addresses in a short time; wait a minute and try again." };
    throw e;
  }
}

const lookUpHref = (address: string) => `/explore?address=${encodeURIComponent(address)}`;

export default function Explore() {
  const { address, discovery, error } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "loading";
  return (
    <section className="stack">
      <h1>Look up an instance or organisation</h1>
      <p className="muted">
        See what another Badge Commons instance, or an organisation anywhere in the network, offers, without following it.
        Type an organisation as <code>@handle@host</code>, paste a URL of it or of one of its badges, or give an instance’s
        address (for example <code>badges.example.org</code>).
      </p>
      {/* Remounted per address, so the field shows the address looked up (links change it). */}
      <Form method="get" className="row lookup-form" aria-busy={busy || undefined} key={address}>
        <label htmlFor="address" className="visually-hidden">
          Address to look up
        </label>
        <input
          id="address"
          name="address"
          type="text"
          defaultValue={address}
          placeholder="@changemakers@badges.example.org"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "address-error" : undefined}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <button type="submit">{busy ? "Looking up…" : "Look up"}</button>
      </Form>
      {error ? (
        <p id="address-error" className="notice bad" role="alert">
          {error}
        </p>
      ) : null}
      {discovery?.kind === "organisation" ? <OrganisationFound discovery={discovery} /> : null}
      {discovery?.kind === "instance" ? <InstanceFound discovery={discovery} /> : null}
    </section>
  );
}

function OrganisationFound({ discovery }: { discovery: Extract<Discovery, { kind: "organisation" }> }) {
  const { organisation: o, badges } = discovery;
  return (
    <section aria-labelledby="found-heading" className="stack">
      <div className="card">
        <h2 id="found-heading">{o.name}</h2>
        <p className="muted">
          @{o.handle}@{o.host}
          {o.kind ? ` · ${KIND_LABELS[o.kind as keyof typeof KIND_LABELS] ?? o.kind}` : null}
        </p>
        {o.summary ? <p>{o.summary}</p> : null}
        <p className="small muted">
          To have its new badges arrive in this catalogue, an admin of one of your organisations follows it from the
          organisation’s “Following” page.
        </p>
      </div>
      <h3>
        {badges.length ? `Badges it publishes (${badges.length}${discovery.badgesTruncated ? "+" : ""})` : "It has published no badges yet."}
      </h3>
      {badges.length ? (
        <ul className="plain-list stack found-list">
          {badges.map((b) => (
            <li key={b.uri} className="card">
              <h4>
                {b.heldHereId ? <Link to={`/badges/${b.heldHereId}`}>{b.name}</Link> : <a href={b.url}>{b.name}</a>}{" "}
                <span className="muted small">version {b.versionNumber}</span>
                {b.status === "deprecated" ? <span className="pill deprecated">Deprecated</span> : null}
              </h4>
              {b.summary ? <p>{b.summary}</p> : null}
              {b.tags.length ? <p className="small muted">{b.tags.map((t) => `#${t}`).join(" ")}</p> : null}
              <p className="small">
                {b.heldHereId ? "In this catalogue. " : null}
                <a href={b.url}>See it on {o.host}</a>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function InstanceFound({ discovery: d }: { discovery: Extract<Discovery, { kind: "instance" }> }) {
  return (
    <section aria-labelledby="found-heading" className="stack">
      <div className="card">
        <h2 id="found-heading">{d.host}</h2>
        <p>
          Runs {d.software.name}
          {d.software.version ? ` ${d.software.version}` : null}
          {d.users !== null ? ` · ${d.users} ${d.users === 1 ? "account" : "accounts"}` : null}
          {d.publishedBadges !== null ? ` · ${d.publishedBadges} published ${d.publishedBadges === 1 ? "badge" : "badges"}` : null}.
        </p>
      </div>
      <h3>{d.organisations.length ? `Organisations on ${d.host} (${d.organisations.length})` : `${d.host} lists no organisations.`}</h3>
      {d.organisations.length ? (
        <ul className="plain-list stack found-list">
          {d.organisations.map((o) => (
            <li key={o.uri} className="card">
              <h4>
                <Link to={lookUpHref(`@${o.handle}@${o.host}`)}>{o.name}</Link>{" "}
                <span className="muted small">
                  @{o.handle}@{o.host}
                  {o.kind ? ` · ${KIND_LABELS[o.kind as keyof typeof KIND_LABELS] ?? o.kind}` : null}
                </span>
              </h4>
              {o.summary ? <p>{o.summary}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
