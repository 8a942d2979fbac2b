// Catalogue links (filters, pages), shared by the catalogue and badge pages. Client-safe.
export interface CatalogueLinkParams {
  q?: string | null;
  tag?: string | null;
  kind?: string | null;
  organisation?: string | null;
  instance?: string | null;
  endorser?: string | null;
  endorserKind?: string | null;
  language?: string | null;
  hoursMax?: number | null;
  page?: number | null;
}

/** The lengths a learner picks from in the catalogue: "up to N hours". */
export const HOURS_CHOICES = [2, 5, 10, 20, 40, 100] as const;

/** `/badges?…` with empty values and page 1 left out. */
export function catalogueHref(params: CatalogueLinkParams): string {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.tag) search.set("tag", params.tag);
  if (params.kind) search.set("kind", params.kind);
  if (params.organisation) search.set("organisation", params.organisation);
  if (params.instance) search.set("instance", params.instance);
  if (params.endorser) search.set("endorser", params.endorser);
  if (params.endorserKind) search.set("endorserKind", params.endorserKind);
  if (params.language) search.set("language", params.language);
  if (params.hoursMax) search.set("hoursMax", String(params.hoursMax));
  if (params.page && params.page > 1) search.set("page", String(params.page));
  const s = search.toString();
  return s ? `/badges?${s}` : "/badges";
}
