// What happened that an organisation's admins should hear about: endorsements of its badges
// arriving or withdrawn (from this instance or another), and stewards' decisions on its
// own endorsements. Opening the page leaves them unread; "Mark all as read" clears them.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listNotifications, markNotificationsRead, type NotificationView } from "~/services/notifications.server";
import { requireUser } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return { notifications: listNotifications(context.services.db, user.id) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  markNotificationsRead(context.services.db, user.id);
  return redirect("/notifications");
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

function who(n: Pick<NotificationView, "endorser">): string {
  if (!n.endorser) return "An organisation";
  return n.endorser.host ? `${n.endorser.name} (${n.endorser.host})` : n.endorser.name;
}

function Sentence({ n }: { n: Omit<NotificationView, "createdAt"> }) {
  const badge = n.badge ? <Link to={`/badges/${n.badge.id}#endorsements`}>{n.badge.name}</Link> : "a badge";
  switch (n.kind) {
    case "endorsement_received":
      return (
        <>
          {who(n)} endorses {badge}, stewarded by {n.organisation.name}.
        </>
      );
    case "endorsement_withdrawn":
      return (
        <>
          {who(n)} withdrew its endorsement of {badge}.
        </>
      );
    case "endorsement_accepted":
      return (
        <>
          The steward accepted {n.organisation.name}’s endorsement of {badge}: it is shown with the badge.
        </>
      );
    case "endorsement_declined":
      return (
        <>
          The steward declined {n.organisation.name}’s endorsement of {badge}: it is not shown.
        </>
      );
  }
}

export default function Notifications() {
  const { notifications } = useLoaderData<typeof loader>();
  const unread = notifications.filter((n) => n.unread).length;
  return (
    <section className="stack">
      <div className="row space-between">
        <h1>Notifications</h1>
        {unread ? (
          <Form method="post">
            <button type="submit" className="button small">
              Mark all as read
            </button>
          </Form>
        ) : null}
      </div>
      <p className="muted">For the organisations you administer. {unread ? `${unread} unread.` : "Nothing unread."}</p>
      {notifications.length ? (
        <ul className="notifications">
          {notifications.map((n) => (
            <li key={n.id} className={n.unread ? "unread" : undefined}>
              {n.unread ? <span className="visually-hidden">Unread: </span> : null}
              <Sentence n={n} />{" "}
              <time className="when" dateTime={new Date(n.createdAt).toISOString()}>
                {dateFormat.format(new Date(n.createdAt))}
              </time>
              {n.kind === "endorsement_received" && n.statement ? <blockquote>{n.statement}</blockquote> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing yet. You will hear here when an organisation endorses one of your badges, or a steward decides on one of your endorsements.</p>
      )}
    </section>
  );
}
