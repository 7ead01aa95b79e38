import type pg from 'pg';
import type { ResolvedLayer } from '../layers/registry.js';
import { badRequest } from '../plugins/errors.js';
import { parseCadastre } from './cadastre.js';
import { parseCoordinates } from './coordinates.js';
import { addressSources, cadastreSources, findAddresses, findCadastre, type AddressHit } from './repository.js';

/**
 * The map's search box: coordinates, cadastre designations and addresses, in that order.
 *
 * Addresses match ignoring case and Latvian diacritics ("marupes iela 3" finds "Mārupes iela 3,
 * …"). First come addresses that start with the whole query (the index on `address.search_text`
 * serves these); then, while there is room, addresses in which every word of the query starts a
 * word, in any order ("3 marupes" and "jaunciems daugavas" match too). Within each group shorter
 * addresses come first. SQL and regex characters are plain text throughout.
 */

export interface SearchResult {
  kind: 'address' | 'cadastre' | 'coordinates';
  label: string;
  /** [lon, lat] in WGS-84. */
  center: [number, number];
  /** [west, south, east, north] in WGS-84. */
  bbox?: [number, number, number, number];
  layerId?: string;
  featureId?: number | string;
}

export interface SearchAnswer {
  results: SearchResult[];
  /** Advice when the query looks like something it is not quite, e.g. a designation of 12 digits. */
  hints?: string[];
}

export const MAX_QUERY_LENGTH = 200;
export const MAX_WORDS = 12;

const round = (v: number) => Math.round(v * 1e7) / 1e7;

/**
 * Answers a search query.
 * @param text the query as typed (1–200 characters)
 * @param limit the most results to return
 * @param layers the layers to search (their address and cadastre sources), read before the transaction
 */
export async function search(db: pg.Pool | pg.PoolClient, layers: ResolvedLayer[], text: string, limit: number): Promise<SearchAnswer> {
  const query = text.replace(/\s+/g, ' ').trim();
  if (query === '') {
    throw badRequest('The search query is empty. Type an address, a cadastre designation or coordinates, e.g. "Daugavas iela 2".');
  }
  if (query.length > MAX_QUERY_LENGTH) {
    throw badRequest(`The search query has ${query.length} characters; at most ${MAX_QUERY_LENGTH} are allowed.`);
  }
  const results: SearchResult[] = [];
  const hints: string[] = [];

  const coordinates = parseCoordinates(query);
  if (coordinates && 'hint' in coordinates) hints.push(coordinates.hint);
  else if (coordinates) {
    results.push({ kind: 'coordinates', label: coordinates.label, center: [round(coordinates.lon), round(coordinates.lat)] });
  }

  // Digits of coordinates ("306000 503000") are not a mistyped designation.
  const cadastre = coordinates ? undefined : parseCadastre(query);
  if (cadastre && 'hint' in cadastre) hints.push(cadastre.hint);
  else if (cadastre) {
    const hits = await findCadastre(db, cadastreSources(layers), cadastre.lookups, limit);
    for (const hit of hits) {
      results.push({
        kind: 'cadastre',
        label: hit.description ? `${hit.designation} — ${hit.description}` : hit.designation,
        center: [round(hit.lon), round(hit.lat)],
        bbox: hit.bbox.map(round) as SearchResult['bbox'],
        layerId: hit.layerId,
        featureId: hit.featureId,
      });
    }
  }

  if (!coordinates && !(cadastre && !('hint' in cadastre))) {
    const room = limit - results.length;
    if (room > 0) results.push(...(await addressResults(db, layers, query, room)));
  }
  return { results: results.slice(0, limit), ...(hints.length ? { hints } : {}) };
}

async function addressResults(db: pg.Pool | pg.PoolClient, layers: ResolvedLayer[], query: string, limit: number): Promise<SearchResult[]> {
  const sources = addressSources(layers);
  const hits = await findAddresses(db, sources, { kind: 'prefix', query }, limit);
  const words = [...new Set(query.split(/[\s,]+/).filter(Boolean))].slice(0, MAX_WORDS);
  if (hits.length < limit && words.length > 0) {
    const seen = new Set(hits.map(key));
    const more = await findAddresses(db, sources, { kind: 'words', words }, limit);
    for (const hit of more) {
      if (hits.length >= limit) break;
      if (!seen.has(key(hit))) hits.push(hit);
    }
  }
  return hits.map((h) => ({
    kind: 'address',
    label: h.label,
    center: [round(h.lon), round(h.lat)],
    layerId: h.layerId,
    featureId: h.featureId,
  }));
}

const key = (hit: AddressHit) => `${hit.layerId}\u0000${hit.featureId}`;
