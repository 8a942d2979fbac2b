// A published pathway version as its pages render it (dates as ISO text, organisations
// as name, handle and host). Pure; shared by the pathway page and its version pages.
import type { PathwayPageView } from "~/components/pathway-page";
import type { PathwayVersionView } from "~/services/pathway-queries.server";

export const orgView = (o: { name: string; handle: string; host: string | null }) => ({ name: o.name, handle: o.handle, host: o.host });

export function pathwayPageView(view: PathwayVersionView): PathwayPageView {
  return {
    ...view,
    steward: orgView(view.steward),
    coAuthors: view.coAuthors.map(orgView),
    version: { ...view.version, publishedAt: view.version.publishedAt.toISOString() },
    versions: view.versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() })),
  };
}
