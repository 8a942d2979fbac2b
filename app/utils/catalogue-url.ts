// Catalogue links (filters, pages), shared by the catalogue and badge pages. Client-safe.
export interface CatalogueLinkParams {
  q?: string | null;
  tag?: string | null;
  kind?: string | null;
  organisation?: string | null;
  instance?: string | null;
  endorser?: string | null;
  endorserKind?: string | null;
  page?: number | null;
}

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
  if (params.page && params.page > 1) search.set("page", String(params.page));
  const s = search.toString();
  return s ? `/badges?${s}` : "/badges";
}

/** `/pathways?…`: the catalogue's pathways, searched with the same words and instance. */
export function pathwaysHref(params: Pick<CatalogueLinkParams, "q" | "instance" | "page">): string {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.instance) search.set("instance", params.instance);
  if (params.page && params.page > 1) search.set("page", String(params.page));
  const s = search.toString();
  return s ? `/pathways?${s}` : "/pathways";
}
