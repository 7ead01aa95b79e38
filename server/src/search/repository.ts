import type pg from 'pg';
import { escapeLike, SqlParams } from '../features/filterSql.js';
import type { ResolvedLayer } from '../layers/registry.js';
import type { LayerField } from '../layers/types.js';

/**
 * The search box's SQL: addresses and cadastre designations across the layers of the registry.
 * Table and column names come from the registry (pre-quoted there, picked by the fields' `format`);
 * the query text travels only as `$n` parameters, with LIKE metacharacters escaped.
 */

/**
 * Tables whose rows carry a stored `search_fold()` of their address text, indexed with
 * text_pattern_ops for prefixes (migration 0002: `address.search_text`). A schema fact, not input.
 */
const FOLDED_ADDRESS_COLUMN: Record<string, string> = { address: '"search_text"' };

/** A layer the search reads addresses from, with the columns it needs. */
export interface AddressSource {
  layer: ResolvedLayer;
  /** The quoted column holding the address as people read it. */
  label: string;
  /** The quoted column holding the folded, indexed address. */
  folded: string;
}

/** A layer the search reads cadastre designations from. */
export interface CadastreSource {
  layer: ResolvedLayer;
  /** The quoted designation column. */
  designation: string;
  /** A quoted column describing the feature (its address, else its first text field), if any. */
  description?: string;
}

export interface AddressHit {
  layerId: string;
  featureId: number | string;
  label: string;
  lon: number;
  lat: number;
}

export interface CadastreHit {
  layerId: string;
  featureId: number | string;
  designation: string;
  description: string | null;
  lon: number;
  lat: number;
  bbox: [number, number, number, number];
}

/**
 * Ids are read as text so that layers with different id types can share one UNION; integer ids
 * (every domain layer's) go back to numbers.
 */
function featureId(text: string): number | string {
  const n = Number(text);
  return /^-?\d+$/.test(text) && Number.isSafeInteger(n) ? n : text;
}

/** Quoted column of a registry field, found by index in the registry's own list. */
const columnOf = (layer: ResolvedLayer, field: LayerField) => layer.sql.allColumns[layer.fields.indexOf(field)];

/** Public layers of the address register: their address field and folded search column. */
export function addressSources(layers: ResolvedLayer[]): AddressSource[] {
  const sources: AddressSource[] = [];
  for (const layer of layers) {
    const folded = FOLDED_ADDRESS_COLUMN[layer.sourceTable];
    const field = layer.fields.find((f) => f.format === 'address' && !f.restricted);
    if (layer.restricted || !folded || !field) continue;
    sources.push({ layer, label: columnOf(layer, field), folded });
  }
  return sources;
}

/** Public layers with a public text field formatted as a cadastre designation. */
export function cadastreSources(layers: ResolvedLayer[]): CadastreSource[] {
  const sources: CadastreSource[] = [];
  for (const layer of layers) {
    if (layer.restricted) continue;
    const field = layer.fields.find((f) => f.format === 'cadastre' && f.type === 'text' && !f.restricted);
    if (!field) continue;
    const describing =
      layer.fields.find((f) => f.format === 'address' && !f.restricted) ??
      layer.fields.find((f) => f.type === 'text' && !f.restricted && !f.format && !f.values);
    sources.push({ layer, designation: columnOf(layer, field), description: describing && columnOf(layer, describing) });
  }
  return sources;
}

/** How an address must match the query. */
export type AddressMatch =
  /** The folded address starts with the folded query; the index serves it. */
  | { kind: 'prefix'; query: string }
  /** Every word of the query starts a word of the address, in any order. */
  | { kind: 'words'; words: string[] };

/**
 * Addresses matching the query, shortest first (then alphabetically): one statement with a
 * branch per address layer, each ordered and limited on its own so the index does the work.
 */
export async function findAddresses(db: pg.Pool | pg.PoolClient, sources: AddressSource[], match: AddressMatch, limit: number): Promise<AddressHit[]> {
  if (sources.length === 0) return [];
  const params = new SqlParams();
  const lim = params.add(limit);
  const branches = sources.map(({ layer, label, folded }) => {
    const own = layer.sql.filter(params.values.length + 1);
    params.values.push(...own.values);
    const col = `t.${folded}`;
    const condition =
      match.kind === 'prefix'
        ? `${col} LIKE search_fold(${params.add(escapeLike(match.query))}::text) || '%'`
        : // A leading space lets "% word%" match the first word too.
          `(' ' || ${col}) LIKE ALL (ARRAY(SELECT '% ' || search_fold(u.word) || '%'
                                         FROM unnest(${params.add(match.words.map(escapeLike))}::text[]) AS u(word)))`;
    return `(SELECT ${params.add(layer.id)}::text AS layer_id, t.${layer.sql.id}::text AS id, t.${label}::text AS label,
                    ${col} AS folded, t.${layer.sql.geom} AS geom
               FROM ${layer.sql.table} t
              WHERE ${[...own.conditions, condition].join(' AND ')}
              ORDER BY length(${col}), ${col}
              LIMIT ${lim})`;
  });
  const { rows } = await db.query<{ layer_id: string; id: string; label: string; lon: number; lat: number }>(
    `SELECT r.layer_id, r.id, r.label, ST_X(w.p) AS lon, ST_Y(w.p) AS lat
       FROM (${branches.join('\n UNION ALL \n')}) r
       CROSS JOIN LATERAL (SELECT ST_Transform(ST_PointOnSurface(r.geom), 4326) AS p) w
      ORDER BY length(r.folded), r.folded, r.layer_id, r.id
      LIMIT ${lim}`,
    params.values,
  );
  return rows.map((r) => ({ layerId: r.layer_id, featureId: featureId(r.id), label: r.label, lon: r.lon, lat: r.lat }));
}

/**
 * Features whose cadastre designation is one of `designations` (the typed one first), exact
 * matches of the first designation before matches of its building or parcel.
 */
export async function findCadastre(
  db: pg.Pool | pg.PoolClient,
  sources: CadastreSource[],
  designations: string[],
  limit: number,
): Promise<CadastreHit[]> {
  if (sources.length === 0 || designations.length === 0) return [];
  const params = new SqlParams();
  const lim = params.add(limit);
  const codes = params.add(designations);
  const branches = sources.map(({ layer, designation, description }) => {
    const own = layer.sql.filter(params.values.length + 1);
    params.values.push(...own.values);
    const col = `t.${designation}`;
    return `(SELECT ${params.add(layer.id)}::text AS layer_id, t.${layer.sql.id}::text AS id, ${col}::text AS designation,
                    ${description ? `t.${description}::text` : 'NULL::text'} AS description, t.${layer.sql.geom} AS geom
               FROM ${layer.sql.table} t
              WHERE ${[...own.conditions, `${col} = ANY(${codes}::text[])`].join(' AND ')}
              ORDER BY ${col}
              LIMIT ${lim})`;
  });
  const { rows } = await db.query<{
    layer_id: string;
    id: string;
    designation: string;
    description: string | null;
    box: number[];
  }>(
    `SELECT r.layer_id, r.id, r.designation, r.description,
            ARRAY[ST_X(w.p), ST_Y(w.p), ST_XMin(w.b), ST_YMin(w.b), ST_XMax(w.b), ST_YMax(w.b)] AS box
       FROM (${branches.join('\n UNION ALL \n')}) r
       CROSS JOIN LATERAL (SELECT ST_Transform(ST_PointOnSurface(r.geom), 4326) AS p,
                                  ST_Transform(ST_Envelope(r.geom), 4326)::box2d AS b) w
      ORDER BY array_position(${codes}::text[], r.designation), r.layer_id, r.id
      LIMIT ${lim}`,
    params.values,
  );
  return rows.map((r) => ({
    layerId: r.layer_id,
    featureId: featureId(r.id),
    designation: r.designation,
    description: r.description,
    lon: r.box[0],
    lat: r.box[1],
    bbox: [r.box[2], r.box[3], r.box[4], r.box[5]],
  }));
}
