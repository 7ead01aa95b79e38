import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import type { Static } from 'typebox';
import { badRequest, type UserError } from '../plugins/errors.js';
import { clipToProjectable, CRS84, parseBbox, parseCrs, type Envelope, type ServedCrs } from './crs.js';
import type { PageSelection } from './links.js';
import { DEFAULT_LIMIT, languages, MAX_LIMIT, MAX_OFFSET, type ItemsQuery, type Language } from './schemas.js';

/** What to tell a user whose parameter failed its schema, by parameter name. */
const advice: Record<string, string> = {
  limit: `The limit must be a whole number of at least 1, e.g. limit=100 (pages hold at most ${MAX_LIMIT} features).`,
  offset: `The offset must be a whole number from 0 to ${MAX_OFFSET}, e.g. offset=20.`,
  lang: `The lang must be one of ${languages.join(', ')}.`,
  f: 'Only JSON is offered here: use f=json (GeoJSON for features) or leave f out.',
};

/**
 * A route's `schemaErrorFormatter` for the OGC API: turns the first schema violation into a
 * sentence naming the parameter and a value that would work. Unknown query parameters are refused
 * (OGC API – Features Part 1, /req/core/query-param-unknown) with the list of known ones.
 * @param accepted the query parameters the route declares
 */
export function ogcErrorFormatter(accepted: string[]) {
  return (errors: FastifySchemaValidationError[], context: string): UserError => {
    const first = errors[0];
    const unknown = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    if (first?.keyword === 'additionalProperties' && unknown !== undefined) {
      const shown = unknown.length > 40 ? `${unknown.slice(0, 37)}…` : unknown;
      return badRequest(`Unknown query parameter "${shown}". This resource accepts: ${accepted.join(', ')}.`);
    }
    const name = first?.instancePath.replace(/^\//, '') ?? '';
    return badRequest(advice[name] ?? `The ${context} parameter "${name}" ${first?.message ?? 'is not valid'}.`);
  };
}

/**
 * The language of titles and descriptions: `lang` when given, else the first of Accept-Language's
 * languages (by q) that the layers have, else Latvian.
 */
export function pickLanguage(lang: Language | undefined, acceptLanguage: string | undefined): Language {
  if (lang) return lang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => /^\s*q=([\d.]+)\s*$/.exec(a)?.[1]).find(Boolean);
      return { primary: tag.toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q) };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  return (ranked.find((r) => (languages as readonly string[]).includes(r.primary))?.primary as Language) ?? 'lv';
}

/** An items request made ready for the repository, and the parameters its page links repeat. */
export interface ItemsRequest {
  crs: ServedCrs;
  /** undefined: no box; null: a box where nothing can be stored. */
  bbox: Envelope | null | undefined;
  limit: number;
  offset: number;
  selection: PageSelection;
}

/**
 * Reads the items query once the schema has passed it: CRSs and bbox are checked here (400 with
 * the reason), `limit` above the maximum is served as the maximum.
 */
export function readItemsQuery(query: Static<typeof ItemsQuery>): ItemsRequest {
  const crs = parseCrs(query.crs, 'crs');
  const bboxCrs = parseCrs(query['bbox-crs'], 'bbox-crs');
  const bbox = query.bbox === undefined ? undefined : clipToProjectable(parseBbox(query.bbox, bboxCrs));
  return {
    crs,
    bbox,
    limit: Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT),
    offset: query.offset ?? 0,
    selection: {
      bbox: query.bbox,
      bboxCrs: query.bbox !== undefined && bboxCrs !== CRS84 ? bboxCrs.uri : undefined,
      crs: crs !== CRS84 ? crs.uri : undefined,
      lang: query.lang,
    },
  };
}
