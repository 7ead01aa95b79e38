import { TENANT_SCOPE_SQL } from '../tenancy/scope.js';
import type pg from 'pg';
import { lks92ToWgs84 } from '../geo/lks92.js';
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
 * The public fields as one JSON object built by PostgreSQL, so dates come out as ISO strings and
 * numerics as JSON numbers whatever `pg`'s type parsers do. `json_build_object` takes at most 100
 * arguments; a layer with more than 50 fields (an upload) uses `to_json` of a row, which fits any
 * number but costs about twice as much per row. The keys are registry field names (checked against
 * the table's columns when the registry loads), written as SQL literals with quotes doubled.
 */
function propertiesSql(layer: ResolvedLayer): string {
  const fields = layer.fields.filter((f) => !f.restricted);
  const columns = layer.sql.publicColumns.map((c) => `t.${c}`);
  if (fields.length > 50) return `(SELECT to_json(p) FROM (SELECT ${columns.join(', ')}) p)`;
  const pairs = fields.map((f, i) => `'${f.name.replace(/'/g, "''")}', ${columns[i]}`);
  return `json_build_object(${pairs.join(', ')})`;
}

/**
 * The WGS-84 bounding box, from the transformed 3059 envelope: one small transform per row, as a
 * plain expression (a scalar subquery around ST_Transform costs twice as much in the embedded build).
 */
function bboxSql(layer: ResolvedLayer): string {
  return `ST_Transform(ST_Envelope(t.${layer.sql.geom}), 4326)::box2d::text`;
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;

/** Reads PostGIS's `BOX(xmin ymin,xmax ymax)` text. */
function parseBox(text: string | null | undefined): [number, number, number, number] | null {
  const m = text ? /^BOX\(([^ ,]+) ([^ ,]+),([^ ,]+) ([^ ,)]+)\)$/.exec(text) : null;
  if (!m) return null;
  const box = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  return box.every(Number.isFinite) ? box : null;
}

function toBBox(text: string | null): BBox | null {
  const box = parseBox(text);
  return box && (box.map(round) as BBox);
}

interface RawRow {
  id: number | string;
  properties: Record<string, unknown> | null;
  bbox: string | null;
}

/** How many features match the selection. */
export async function countFeatures(db: pg.Pool | pg.PoolClient, layer: ResolvedLayer, compiled: CompiledSelection): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${layer.sql.table} t ${compiled.where}`,
    compiled.values,
  );
  return Number(rows[0].n);
}

/** One page of matching features in the selection's order. */
export async function listFeatures(
  db: pg.Pool | pg.PoolClient,
  layer: ResolvedLayer,
  compiled: CompiledSelection,
  page: { limit: number; offset: number },
): Promise<FeatureRow[]> {
  const n = compiled.values.length;
  // The page is cut first, so properties and boxes are built for its rows only, not for every
  // row the sort reads.
  const { rows } = await db.query<RawRow>(
    `SELECT t.${layer.sql.id} AS id, ${propertiesSql(layer)} AS properties, ${bboxSql(layer)} AS bbox
       FROM (SELECT * FROM ${layer.sql.table} t ${compiled.where} ${compiled.orderBy}
              LIMIT $${n + 1} OFFSET $${n + 2}) t
      ${compiled.orderBy}`,
    [...compiled.values, page.limit, page.offset],
  );
  return rows.map((r) => ({ id: r.id, properties: r.properties ?? {}, bbox: toBBox(r.bbox) }));
}

/**
 * One feature of the layer with its WGS-84 geometry, or undefined when the layer has no such
 * feature (an id that cannot be one, such as "abc" for a numeric id column, included).
 */
export async function getFeature(db: pg.Pool | pg.PoolClient, layer: ResolvedLayer, featureId: string): Promise<FeatureDetail | undefined> {
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
  // CSV: a point on the feature (the point itself for points) in 3059; its WGS-84 position is
  // computed in Node with proj4, which saves a transform per row.
  const extra =
    include === 'geometry'
      ? `ST_AsGeoJSON(ST_Transform(${geom}, 4326), ${DIGITS}) AS geometry`
      : // Transforming to the storage CRS is free (PostGIS skips it) and guards the proj4 step.
        `ST_PointOnSurface(ST_Transform(${geom}, 3059))::box2d::text AS anchor`;
  const client = await db.connect();
  let open = false;
  let broken = false;
  try {
    await client.query('BEGIN READ ONLY');
    open = true;
    // The same municipality scope as withMunicipality(), for the life of the cursor's transaction.
    if (layer.municipalityId !== null) {
      await client.query(TENANT_SCOPE_SQL, [String(layer.municipalityId)]);
    }
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
        anchor?: string | null;
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

function toAnchor(text: string | null | undefined): ExportRow['anchor'] {
  const box = parseBox(text);
  if (!box) return null;
  const [x, y] = box;
  const [lon, lat] = lks92ToWgs84([x, y]);
  return { x, y, lon, lat };
}
