import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormMessage } from "~/components/forms";
import { formatTime } from "~/components/format";
import { ValidationError } from "~/services/errors";
import { deliveryQueueSummary, requireInstanceAdmin, retryDeadDeliveries } from "~/services/federation-admin.server";
import { addRelay, listRelays, removeRelay } from "~/services/relays.server";
import { checkRemoteBadgeNow, remoteBadgeCachePolicy, remoteBadgeCacheSummary } from "~/services/remote-badge-cache.server";
import { formAction, handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Federation deliveries, fetched badges and relays · Badge Commons" }];

const RetrySchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry-host"), host: z.string().trim().min(1).max(300) }),
  z.object({ intent: z.literal("retry-delivery"), deliveryId: z.coerce.number().int().positive() }),
]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return handle(() => {
    requireInstanceAdmin(context.env.ADMIN_EMAILS, user);
    const db = context.services.db;
    return {
      ...deliveryQueueSummary(db),
      relays: listRelays(db),
      cache: remoteBadgeCacheSummary(db, new Date(), remoteBadgeCachePolicy(context.env.REMOTE_BADGE_STALE_HOURS)),
      cacheStaleHours: context.env.REMOTE_BADGE_STALE_HOURS,
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await handle(() => requireInstanceAdmin(context.env.ADMIN_EMAILS, user));
  const form = await request.formData();
  const values = {
    intent: String(form.get("intent") ?? ""),
    host: String(form.get("host") ?? ""),
    deliveryId: String(form.get("deliveryId") ?? ""),
    inboxUrl: String(form.get("inboxUrl") ?? ""),
    badgeId: String(form.get("badgeId") ?? ""),
  };
  if (values.intent === "check-remote-badge") {
    return formAction(values, async () => {
      const badgeId = z.string().trim().min(1).max(100).safeParse(values.badgeId);
      if (!badgeId.success) throw new ValidationError("Choose which remote badge to check.");
      const { uri, answer } = await checkRemoteBadgeNow(context.services, badgeId.data);
      const said =
        answer.status === "found"
          ? `${answer.name} was fetched again from its instance${answer.restored ? " and is available again" : ""}.`
          : answer.status === "gone"
            ? `${uri} is gone from its instance (${answer.reason}); it shows as unavailable and is checked again later.`
            : `${uri} could not be fetched now (${answer.reason}); what is shown stays as it was, and it is tried again later.`;
      return { ok: true as const, message: said };
    });
  }
  if (values.intent === "add-relay" || values.intent === "remove-relay") {
    const ctx = context.services;
    return formAction(values, () => {
      if (values.intent === "add-relay") {
        addRelay(ctx, values);
        return { ok: true as const, message: `Asked ${values.inboxUrl.trim()} to relay to this instance; it shows as accepted once the relay answers.` };
      }
      removeRelay(ctx, values);
      return { ok: true as const, message: `Stopped following the relay ${values.inboxUrl}.` };
    });
  }
  return formAction(values, () => {
    const parsed = RetrySchema.safeParse(values);
    if (!parsed.success) throw new ValidationError("Choose which dead deliveries to retry.", parsed.error.flatten().fieldErrors);
    const input = parsed.data;
    const revived = retryDeadDeliveries(context.services.db, input.intent === "retry-host" ? { host: input.host } : { deliveryId: input.deliveryId });
    const where = input.intent === "retry-host" ? ` to ${input.host}` : "";
    return { ok: true as const, message: `${revived} dead ${revived === 1 ? "delivery" : "deliveries"}${where} queued again.` };
  });
}

const when = (ms: number | null) => (ms === null ? "never" : formatTime(new Date(ms)));

export default function FederationAdmin() {
  const q = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failed = result && "fieldErrors" in result ? result : null;
  const done = result && "ok" in result && result.ok ? result : null;
  return (
    <section className="stack">
      <h1>Federation deliveries</h1>
      <FormMessage message={failed?.message} />
      {done ? (
        <p className="notice ok" role="status">
          {done.message}
        </p>
      ) : null}
      <p className="muted">
        Activities this instance sends to others wait here until each inbox accepts them. Failed deliveries are
        retried for over three days, then marked dead; a dead delivery can be sent again.
      </p>

      <dl className="queue-figures" aria-label="Queue depth">
        <div>
          <dt>Pending</dt>
          <dd>{q.pending}</dd>
        </div>
        <div>
          <dt>Due now</dt>
          <dd>{q.dueNow}</dd>
        </div>
        <div>
          <dt>Being sent</dt>
          <dd>{q.inFlight}</dd>
        </div>
        <div>
          <dt>Dead</dt>
          <dd>{q.dead}</dd>
        </div>
        <div>
          <dt>Delivered</dt>
          <dd>{q.delivered}</dd>
        </div>
      </dl>

      <h2>By host</h2>
      {q.hosts.length === 0 ? (
        <p>Nothing has been sent to another instance yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="deliveries">
            <caption className="visually-hidden">Deliveries per remote host</caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Pending</th>
                <th scope="col">Delivered</th>
                <th scope="col">Dead</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Last status</th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.hosts.map((h) => (
                <tr key={h.host}>
                  <th scope="row">{h.host}</th>
                  <td>{h.pending}</td>
                  <td>{h.delivered}</td>
                  <td>{h.dead}</td>
                  <td>{when(h.lastAttemptAt)}</td>
                  <td>{h.lastStatusCode ?? "—"}</td>
                  <td className="error-text">{h.lastError ?? ""}</td>
                  <td>
                    {h.dead > 0 ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="retry-host" />
                        <input type="hidden" name="host" value={h.host} />
                        <button type="submit" className="small">
                          Retry dead<span className="visually-hidden"> deliveries to {h.host}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Dead deliveries</h2>
      {q.deadDeliveries.length === 0 ? (
        <p>No dead deliveries.</p>
      ) : (
        <div className="table-wrap">
          <table className="deliveries">
            <caption className="visually-hidden">The most recent dead deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Activity</th>
                <th scope="col">Inbox</th>
                <th scope="col">Attempts</th>
                <th scope="col">Why</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.deadDeliveries.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.activityType} <span className="muted small">{d.activityUri}</span>
                  </td>
                  <td>{d.inboxUrl}</td>
                  <td>{d.attempts}</td>
                  <td className="error-text">
                    {d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "")}
                    <div className="muted small">{when(d.lastAttemptAt)}</div>
                  </td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="retry-delivery" />
                      <input type="hidden" name="deliveryId" value={d.id} />
                      <button type="submit" className="small secondary">
                        Retry<span className="visually-hidden"> delivery {d.id}</span>
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="fetched-heading">Remote badges fetched here</h2>
      <section aria-labelledby="fetched-heading" className="stack">
        <p className="muted">
          Badges of other instances named as prerequisites are fetched and kept here. Those of organisations followed
          here stay current through their activities; the others are fetched again once they are {q.cacheStaleHours}{" "}
          hours old. One whose instance answers that it is gone shows as unavailable and is checked again less and less
          often, and comes back if it answers again; a timeout or server error changes nothing shown.
        </p>
        <dl className="queue-figures" aria-label="Fetched remote badges">
          <div>
            <dt>Fresh</dt>
            <dd>{q.cache.fresh}</dd>
          </div>
          <div>
            <dt>Stale</dt>
            <dd>{q.cache.stale}</dd>
          </div>
          <div>
            <dt>Unavailable</dt>
            <dd>{q.cache.unavailable}</dd>
          </div>
          <div>
            <dt>Kept by following</dt>
            <dd>{q.cache.followed}</dd>
          </div>
        </dl>
        <p>
          {q.cache.lastPass ? (
            <>
              Last refresh {when(q.cache.lastPass.startedAt)}: {q.cache.lastPass.checked} checked,{" "}
              {q.cache.lastPass.refreshed} refreshed, {q.cache.lastPass.restored} available again,{" "}
              {q.cache.lastPass.gone} gone, {q.cache.lastPass.failed} failed for now.
            </>
          ) : (
            "No refresh has run yet."
          )}
        </p>
        {q.cache.attention.length ? (
          <div className="table-wrap">
            <table className="deliveries">
              <caption className="visually-hidden">Fetched remote badges that are unavailable, stale or failing</caption>
              <thead>
                <tr>
                  <th scope="col">Badge</th>
                  <th scope="col">State</th>
                  <th scope="col">Last fetched</th>
                  <th scope="col">Next check</th>
                  <th scope="col">Last error</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {q.cache.attention.map((b) => (
                  <tr key={b.badgeId}>
                    <td>
                      {b.name ?? b.uri} <span className="muted small">{b.host}</span>
                      <div className="muted small">{b.uri}</div>
                    </td>
                    <td>
                      {b.state === "unavailable" ? (
                        <span className="pill withdrawn">unavailable since {when(b.goneSince)}</span>
                      ) : (
                        b.state
                      )}
                      {b.failures > 0 ? <div className="muted small">{b.failures} failed in a row</div> : null}
                    </td>
                    <td>{when(b.fetchedAt)}</td>
                    <td>{when(b.nextCheckAt)}</td>
                    <td className="error-text">{b.lastError ?? ""}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="check-remote-badge" />
                        <input type="hidden" name="badgeId" value={b.badgeId} />
                        <button type="submit" className="small secondary">
                          Check now<span className="visually-hidden"> {b.name ?? b.uri}</span>
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>None is unavailable, stale or failing.</p>
        )}
      </section>

      <h2 id="relays-heading">Relays</h2>
      <section aria-labelledby="relays-heading" className="stack">
        <p className="muted">
          A relay passes public activities between the instances that subscribe to it: badges published on instances
          nobody here follows arrive in the catalogue, and this instance's badges reach theirs. Give the relay's inbox
          address, as for Mastodon (for example https://relay.example/inbox).
        </p>
        {q.relays.length ? (
          <ul className="plain-list stack">
            {q.relays.map((r) => (
              <li key={r.inboxUrl} className="card row space-between">
                <div>
                  <strong>{r.inboxUrl}</strong>{" "}
                  <span className={`pill ${r.status === "accepted" ? "published" : r.status === "rejected" ? "withdrawn" : "draft"}`}>
                    {r.status === "accepted" ? "Relaying" : r.status === "rejected" ? "Refused" : "Waiting for the relay to accept"}
                  </span>
                  {r.actorUri ? <div className="muted small">Relay actor: {r.actorUri}</div> : null}
                </div>
                <Form method="post">
                  <input type="hidden" name="intent" value="remove-relay" />
                  <input type="hidden" name="inboxUrl" value={r.inboxUrl} />
                  <button type="submit" className="small secondary">
                    Stop following<span className="visually-hidden"> the relay {r.inboxUrl}</span>
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>This instance follows no relay.</p>
        )}
        <Form method="post" className="stack narrow">
          <input type="hidden" name="intent" value="add-relay" />
          <label htmlFor="relay-inbox">Relay inbox address</label>
          <input
            id="relay-inbox"
            name="inboxUrl"
            type="url"
            required
            placeholder="https://relay.example/inbox"
            defaultValue={failed && failed.values?.intent === "add-relay" ? String(failed.values.inboxUrl ?? "") : ""}
            aria-invalid={failed?.fieldErrors?.inboxUrl ? true : undefined}
            aria-describedby={failed?.fieldErrors?.inboxUrl ? "relay-inbox-error" : undefined}
          />
          {failed?.fieldErrors?.inboxUrl ? (
            <p id="relay-inbox-error" className="field-error">
              {failed.fieldErrors.inboxUrl[0]}
            </p>
          ) : null}
          <button type="submit">Follow relay</button>
        </Form>
      </section>
    </section>
  );
}
