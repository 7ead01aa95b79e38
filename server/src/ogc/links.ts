/** Media types the OGC API answers in or points to. */
export const mediaType = {
  json: 'application/json',
  geojson: 'application/geo+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  jsonSchema: 'application/schema+json',
  html: 'text/html',
} as const;

/** A link as OGC API – Features Part 1 defines it (RFC 8288 fields). */
export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** Builds a link; absent fields are left out of the JSON. */
export function link(href: string, rel: string, type?: string, title?: string): Link {
  return { href, rel, ...(type ? { type } : {}), ...(title ? { title } : {}) };
}

/** URL of the OGC API root for a server base URL such as `http://127.0.0.1:3000`. */
export const ogcRoot = (base: string) => `${base}/ogc`;

/** URL of a collection, its id encoded as a path segment. */
export const collectionUrl = (base: string, collectionId: string) =>
  `${ogcRoot(base)}/collections/${encodeURIComponent(collectionId)}`;

/**
 * URL of a collection's items with the given query parameters (undefined ones left out), in a
 * fixed order so that next/prev/self links of one page differ only where they must.
 */
export function itemsUrl(base: string, collectionId: string, query: Record<string, string | number | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return `${collectionUrl(base, collectionId)}/items${text ? `?${text}` : ''}`;
}

/** URL of one feature. */
export const featureUrl = (base: string, collectionId: string, featureId: string | number) =>
  `${collectionUrl(base, collectionId)}/items/${encodeURIComponent(String(featureId))}`;

/** The parameters that select a sequence of pages; they are repeated in every page link. */
export interface PageSelection {
  bbox?: string;
  bboxCrs?: string;
  crs?: string;
  lang?: string;
}

/**
 * self / next / prev / collection links of one items page. `next` appears while features remain
 * after this page, `prev` when the page does not start at the first feature.
 */
export function pageLinks(
  base: string,
  collectionId: string,
  selection: PageSelection,
  page: { limit: number; offset: number; returned: number; matched: number },
): Link[] {
  const url = (offset: number) =>
    itemsUrl(base, collectionId, {
      bbox: selection.bbox,
      'bbox-crs': selection.bboxCrs,
      crs: selection.crs,
      lang: selection.lang,
      limit: page.limit,
      offset: offset || undefined,
    });
  const links = [link(url(page.offset), 'self', mediaType.geojson)];
  if (page.offset + page.returned < page.matched) links.push(link(url(page.offset + page.limit), 'next', mediaType.geojson));
  if (page.offset > 0) links.push(link(url(Math.max(0, page.offset - page.limit)), 'prev', mediaType.geojson));
  links.push(link(collectionUrl(base, collectionId), 'collection', mediaType.json));
  return links;
}
