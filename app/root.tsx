import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import "./context";
import { SectionLink } from "~/components/site-nav";
import stylesHref from "./styles.css";
import { unreadNotificationCount } from "~/services/notifications.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Badge Commons" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await context.auth.getSession(request);
  // Unread notifications of the organisations the user administers, shown in the navigation.
  const unreadNotifications = user ? unreadNotificationCount(context.services.db, user.id) : 0;
  return { user, unreadNotifications };
}

function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main" className="container nav">
            <Link to="/" className="brand">
              <span aria-hidden="true" className="brand-mark">◈</span> Badge Commons
            </Link>
            <ul className="nav-links">
              <li>
                <SectionLink section="catalogue">Catalogue</SectionLink>
              </li>
              {user ? (
                <>
                  <li>
                    <SectionLink section="learning">My learning</SectionLink>
                  </li>
                  <li>
                    <SectionLink section="work">My work</SectionLink>
                  </li>
                  <li>
                    <SectionLink section="organisations">Organisations</SectionLink>
                  </li>
                  {data?.unreadNotifications ? (
                    <li>
                      <NavLink to="/notifications">
                        Notifications <span className="count-pill">{data.unreadNotifications}</span>
                        <span className="visually-hidden"> unread</span>
                      </NavLink>
                    </li>
                  ) : null}
                  <li>
                    <Form method="post" action="/signout">
                      <button type="submit" className="link-button">
                        Sign out <span className="visually-hidden">{user.displayName}</span>
                      </button>
                    </Form>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink to="/signin">Sign in</NavLink>
                  </li>
                  <li>
                    <Link to="/signup" className="button small">
                      Sign up
                    </Link>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </header>
        <main id="main" className="container">
          {children}
        </main>
        <footer className="site-footer container">
          <p>
            Badge Commons — shared badge definitions on open standards (Open Badges 3.0, ActivityPub).
          </p>
        </footer>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return (
    <Layout>
      <Outlet />
    </Layout>
  );
}

const MESSAGES: Record<number, string> = {
  400: "That request could not be understood.",
  401: "Please sign in to continue.",
  403: "You do not have permission to do that.",
  404: "We could not find that page.",
  409: "Someone else changed this at the same time.",
  429: "Too many attempts. Please wait a little and try again.",
};

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "An unexpected error happened. It has been logged; please try again.";
  if (isRouteErrorResponse(error)) {
    title = `${error.status} ${error.statusText || ""}`.trim();
    const fromServer = (error.data as { message?: string } | null)?.message;
    message = fromServer ?? MESSAGES[error.status] ?? message;
  }
  return (
    <Layout>
      <section className="error-page" role="alert">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <Link to="/">Back to the start page</Link>
        </p>
      </section>
    </Layout>
  );
}
