/**
 * Which page the URL shows. The map explorer owns the hash for its permalink (`#map=…&layers=…`),
 * so other pages live under `#/<page>`: a hash starting with "#/" is a route, never a permalink,
 * and every other hash (empty, `#map=…`, even a malformed one) belongs to the map.
 */
export const pages = ['map', 'dashboards', 'data', 'admin'] as const;
export type Page = (typeof pages)[number];

/** The page a hash shows; unknown routes fall back to the map. */
export function pageOf(hash: string): Page {
  const route = hash.replace(/^#/, '');
  if (!route.startsWith('/')) return 'map';
  const name = route.replace(/^\/+/, '').split(/[/?&]/)[0];
  return (pages as readonly string[]).includes(name) ? (name as Page) : 'map';
}

/** Whether a hash is a route (a page other than the map's permalink). */
export const isRoute = (hash: string) => hash.replace(/^#/, '').startsWith('/');

/** The hash of a page: `#/data`, `#/admin`; the map's is its last permalink (or empty). */
export const pageHash = (page: Exclude<Page, 'map'>) => `#/${page}`;
