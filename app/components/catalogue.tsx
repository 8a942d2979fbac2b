// Pieces the catalogue and badge pages share: highlighted text, badge images, author lists.
// Presentation only: no data access.
import { Link } from "@remix-run/react";
import { catalogueHref, pathwaysHref } from "~/utils/catalogue-url";
import { splitHighlights } from "~/utils/highlight";

/** Text with search matches marked; the text is never parsed as HTML. */
export function Highlighted({ text }: { text: string }) {
  return (
    <>
      {splitHighlights(text).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  );
}

/** The badge's image, or a neutral placeholder with its initial. */
export function BadgeImage({
  imageId,
  name,
  size = "small",
  alt = "",
}: {
  imageId: string | null;
  name: string;
  size?: "small" | "large";
  alt?: string;
}) {
  const className = size === "large" ? "badge-image-large" : "badge-image";
  if (imageId)
    return <img className={className} src={`/images/${encodeURIComponent(imageId)}`} alt={alt} width={size === "large" ? 160 : 72} height={size === "large" ? 160 : 72} />;
  return (
    <span className={`${className} badge-placeholder`} role={alt ? "img" : undefined} aria-label={alt || undefined} aria-hidden={alt ? undefined : true}>
      {[...name.trim()][0]?.toUpperCase() ?? "?"}
    </span>
  );
}

export interface AuthorView {
  handle: string;
  host: string | null;
  name: string;
  kind: string;
}

export const KIND_LABELS: Record<string, string> = {
  nonprofit: "Nonprofit",
  business: "Business",
  school: "School",
  community: "Community group",
};

export function organisationParam(o: { handle: string; host: string | null }) {
  return o.host ? `${o.handle}@${o.host}` : o.handle;
}

/** "Stewarded by X (nonprofit), with Y (school) and Z (business)", each linking to their badges. */
export function Authors({ steward, coAuthors }: { steward: AuthorView; coAuthors: AuthorView[] }) {
  const org = (o: AuthorView) => (
    <>
      <Link to={catalogueHref({ organisation: organisationParam(o) })}>{o.name}</Link>{" "}
      <span className="kind">
        ({KIND_LABELS[o.kind]?.toLowerCase() ?? o.kind}
        {o.host ? <> · on <span className="instance">{o.host}</span></> : null})
      </span>
    </>
  );
  return (
    <p className="authors">
      Stewarded by {org(steward)}
      {coAuthors.length ? (
        <>
          , with{" "}
          {coAuthors.map((o, i) => (
            <span key={`${o.handle}@${o.host ?? ""}`}>
              {i > 0 ? (i === coAuthors.length - 1 ? " and " : ", ") : null}
              {org(o)}
            </span>
          ))}
        </>
      ) : null}
    </p>
  );
}

const DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });

/** A date that renders the same on the server and in the browser. */
export function DateText({ date }: { date: Date | string }) {
  const d = new Date(date);
  return <time dateTime={d.toISOString()}>{DATE.format(d)}</time>;
}

/** "CertificateOfCompletion" → "Certificate of completion". */
export function humanise(type: string) {
  const words = type.replace(/([a-z])([A-Z])/g, "$1 $2").split(" ");
  return words.map((w, i) => (i === 0 ? w : w.toLowerCase())).join(" ");
}

/** The catalogue's two lists, badges and pathways, each linking to the other with the same search. */
export function CatalogueTabs({
  current,
  q,
  instance,
  badgeCount,
  pathwayCount,
}: {
  current: "badges" | "pathways";
  q: string;
  instance: string | null;
  badgeCount: number | null;
  pathwayCount: number | null;
}) {
  const figure = (n: number | null) => (n === null ? null : <span className="count"> {n.toLocaleString("en-GB")}</span>);
  return (
    <nav aria-label="Catalogue" className="catalogue-tabs">
      <Link to={catalogueHref({ q, instance })} aria-current={current === "badges" ? "page" : undefined}>
        Badges{figure(badgeCount)}
      </Link>
      <Link to={pathwaysHref({ q, instance })} aria-current={current === "pathways" ? "page" : undefined}>
        Pathways{figure(pathwayCount)}
      </Link>
    </nav>
  );
}
