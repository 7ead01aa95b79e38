import type pg from 'pg';
import type { ResolvedLayer } from '../layers/registry.js';
import { orderByClause, SqlParams, whereClause, type FilterCondition, type SortOrder } from './filterSql.js';

/**
 * Reads a layer's features for the attribute table, a single feature and exports. Table and column
 * names come from the layer registry; user input reaches SQL only through `filterSql` as `$n`
 * parameters.
 */

/** [west, south, east, north] in WGS-84. */
export type BBox = [number, number, number, number];

/** Which rows and in which order: the table's filter and sort. */
export interface FeatureSelection {
  conditions: FilterCondition[];
  sort?: string;
  order?: SortOrder;
}

export interface FeatureRow {
  id: number | string;
  properties: Record<string, unknown>;
  bbox: BBox | null;
}

/** A GeoJSON geometry object. */
export interface GeoJsonGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: unknown[];
}

export interface FeatureDetail extends FeatureRow {
  /** GeoJSON geometry in WGS-84. */
  geometry: GeoJsonGeometry | null;
}

/** A feature as an export writes it. */
export interface ExportRow {
  id: number | string;
  properties: Record<string, unknown>;
  /** GeoJSON text of the geometry in WGS-84 (GeoJSON exports). */
  geometry?: string | null;
  /** A point on the feature (the point itself for points) in LKS-92 and WGS-84 (CSV exports). */
  anchor?: { x: number; y: number; lon: number; lat: number } | null;
}

/** A selection checked against the layer and turned into SQL, ready to run. */
export interface CompiledSelection {
  where: string;
  orderBy: string;
  values: unknown[];
}

/** GeoJSON coordinates to 7 decimals: about a centimetre. */
const DIGITS = 7;

/**
 * Checks the filter and sort against the layer (400 on anything wrong) and builds their SQL.
 * Call it before touching the database, so bad input never costs a query.
 */
export function compileSelection(layer: ResolvedLayer, selection: FeatureSelection): CompiledSelection {
  const params = new SqlParams();
  const where = whereClause(layer, selection.conditions, params);
  const orderBy = orderByClause(layer, selection.sort, selection.order);
  return { where, orderBy, values: params.values };
}

/**
 * The public fields as one JSON object, built by PostgreSQL's `to_json` of a row: dates come out as
 * ISO strings and numerics as JSON numbers, and any number of columns fits. A scalar subquery keeps
 * the FROM to one table, so the registry's bare column names in WHERE stay unambiguous.
 */
function propertiesSql(layer: ResolvedLayer): string {
  return `(SELECT to_json(p) FROM (SELECT ${layer.sql.publicColumns.map((c) => `t.${c}`).join(', ')}) p)`;
}

/** The WGS-84 bounding box, from the transformed 3059 envelope: one small transform per row. */
function bboxSql(layer: ResolvedLayer): string {
  return `(SELECT ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
             FROM (SELECT ST_Transform(ST_Envelope(t.${layer.sql.geom}), 4326)::box2d AS b) e)`;
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;

function toBBox(values: (number | null)[] | null): BBox | null {
  if (!values || values.some((v) => v === null || !Number.isFinite(v))) return null;
  return values.map((v) => round(v as number)) as BBox;
}

interface RawRow {
  id: number | string;
  properties: Record<string, unknown> | null;
  bbox: (number | null)[] | null;
}

/** How many features match the selection. */
export async function countFeatures(db: pg.Pool, layer: ResolvedLayer, compiled: CompiledSelection): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${layer.sql.table} t ${compiled.where}`,
    compiled.values,
  );
  return Number(rows[0].n);
}

/** One page of matching features in the selection's order. */
export async function listFeatures(
  db: pg.Pool,
  layer: ResolvedLayer,
  compiled: CompiledSelection,
  page: { limit: number; offset: number },
): Promise<FeatureRow[]> {
  const n = compiled.values.length;
  const { rows } = await db.query<RawRow>(
    `SELECT t.${layer.sql.id} AS id, ${propertiesSql(layer)} AS properties, ${bboxSql(layer)} AS bbox
       FROM ${layer.sql.table} t ${compiled.where} ${compiled.orderBy}
      LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...compiled.values, page.limit, page.offset],
  );
  return rows.map((r) => ({ id: r.id, properties: r.properties ?? {}, bbox: toBBox(r.bbox) }));
}

/**
 * One feature of the layer with its WGS-84 geometry, or undefined when the layer has no such
 * feature (an id that cannot be one, such as "abc" for a numeric id column, included).
 */
export async function getFeature(db: pg.Pool, layer: ResolvedLayer, featureId: string): Promise<FeatureDetail | undefined> {
  const params = new SqlParams();
  const where = whereClause(layer, [], params);
  const idCondition = `t.${layer.sql.id} = ${params.add(featureId)}`;
  try {
    const { rows } = await db.query<RawRow & { geometry: GeoJsonGeometry | null }>(
      `SELECT t.${layer.sql.id} AS id, ${propertiesSql(layer)} AS properties, ${bboxSql(layer)} AS bbox,
              ST_AsGeoJSON(ST_Transform(t.${layer.sql.geom}, 4326), ${DIGITS})::json AS geometry
         FROM ${layer.sql.table} t
        ${where ? `${where} AND ${idCondition}` : `WHERE ${idCondition}`}`,
      params.values,
    );
    const r = rows[0];
    return r && { id: r.id, properties: r.properties ?? {}, geometry: r.geometry, bbox: toBBox(r.bbox) };
  } catch (err) {
    // 22P02: not a valid value of the id column's type; 22003: out of its range. Either way, no such feature.
    const code = (err as { code?: string }).code;
    if (code === '22P02' || code === '22003') return undefined;
    throw new Error(`reading feature ${featureId} of layer ${layer.id}`, { cause: err });
  }
}

/**
 * Every matching feature in the selection's order, read through a server-side cursor in batches,
 * so a large export never holds all rows as objects at once.
 * @param include `geometry` for GeoJSON text, `anchor` for a point in LKS-92 and WGS-84 (CSV)
 */
export async function* exportFeatures(
  db: pg.Pool,
  layer: ResolvedLayer,
  compiled: CompiledSelection,
  include: 'geometry' | 'anchor',
  batchSize = 2000,
): AsyncGenerator<ExportRow[]> {
  const geom = `t.${layer.sql.geom}`;
  const extra =
    include === 'geometry'
      ? `ST_AsGeoJSON(ST_Transform(${geom}, 4326), ${DIGITS}) AS geometry`
      : // ST_PointOnSurface: the point itself for points, a point inside a polygon or on a line otherwise.
        `(SELECT ARRAY[ST_X(c), ST_Y(c), ST_X(w), ST_Y(w)]
            FROM (SELECT ST_PointOnSurface(${geom}) AS c) s
            CROSS JOIN LATERAL (SELECT ST_Transform(c, 4326) AS w) ww) AS anchor`;
  const client = await db.connect();
  let open = false;
  let broken = false;
  try {
    await client.query('BEGIN READ ONLY');
    open = true;
    await client.query(
      `DECLARE feature_export NO SCROLL CURSOR FOR
       SELECT t.${layer.sql.id} AS id, ${propertiesSql(layer)} AS properties, ${extra}
         FROM ${layer.sql.table} t ${compiled.where} ${compiled.orderBy}`,
      compiled.values,
    );
    for (;;) {
      const { rows } = await client.query<{
        id: number | string;
        properties: Record<string, unknown> | null;
        geometry?: string | null;
        anchor?: (number | null)[] | null;
      }>(`FETCH ${Math.trunc(batchSize)} FROM feature_export`);
      if (rows.length === 0) break;
      yield rows.map((r) => ({
        id: r.id,
        properties: r.properties ?? {},
        ...(include === 'geometry' ? { geometry: r.geometry ?? null } : { anchor: toAnchor(r.anchor) }),
      }));
    }
    await client.query('COMMIT');
    open = false;
  } catch (err) {
    throw new Error(`exporting layer ${layer.id}`, { cause: err });
  } finally {
    // Also reached when the consumer stops early: end the transaction before handing the client back.
    if (open) await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken);
  }
}

function toAnchor(values: (number | null)[] | null | undefined): ExportRow['anchor'] {
  if (!values || values.some((v) => v === null || !Number.isFinite(v))) return null;
  const [x, y, lon, lat] = values as number[];
  return { x, y, lon, lat };
}
