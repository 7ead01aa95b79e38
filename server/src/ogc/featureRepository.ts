import type pg from 'pg';
import type { ResolvedLayer } from '../layers/registry.js';
import { STORAGE_SRID, type Envelope, type ServedCrs } from './crs.js';

/**
 * Reads a layer's features as GeoJSON parts. Table and column names come from the layer registry
 * (pre-quoted there); everything from the request travels as `$n` parameters.
 */

/** One feature: id, GeoJSON geometry in the requested CRS, the layer's public fields. */
export interface FeatureRecord {
  id: string | number;
  geometry: Record<string, unknown> | null;
  properties: Record<string, unknown>;
}

/**
 * Which features to read. `bbox: null` means the box lies where nothing can be stored, so the
 * answer is empty; undefined means no spatial filter.
 */
export interface FeatureFilter {
  bbox?: Envelope | null;
}

export interface FeaturePage extends FeatureFilter {
  crs: ServedCrs;
  limit: number;
  offset: number;
}

/** Collects `$n` values while SQL text is assembled, so numbering cannot drift. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function whereClause(layer: ResolvedLayer, filter: FeatureFilter, params: Params): string {
  const { conditions, values } = layer.sql.filter(params.values.length + 1);
  params.values.push(...values);
  const all = [...conditions];
  if (filter.bbox === null) all.push('false');
  else if (filter.bbox) all.push(bboxCondition(layer, filter.bbox, params));
  return all.length ? `WHERE ${all.join(' AND ')}` : '';
}

/**
 * `ST_Intersects` against the box brought into the storage CRS, so the GiST index is used. A
 * degree box is densified first: its straight edges in degrees are curves in metres.
 */
function bboxCondition(layer: ResolvedLayer, bbox: Envelope, params: Params): string {
  const corners = [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => `${params.add(v)}::float8`).join(', ');
  let envelope = `ST_MakeEnvelope(${corners}, ${params.add(bbox.crs.srid)}::integer)`;
  if (bbox.crs.srid !== STORAGE_SRID) {
    const segment = Math.max(bbox.maxX - bbox.minX, bbox.maxY - bbox.minY) / 32 || 1;
    envelope = `ST_Transform(ST_Segmentize(${envelope}, ${params.add(segment)}::float8), ${params.add(STORAGE_SRID)}::integer)`;
  }
  return `ST_Intersects(t.${layer.sql.geom}, ${envelope})`;
}

/** GeoJSON geometry in the output CRS, flipped for CRSs whose first axis is northing. */
function geometryExpression(layer: ResolvedLayer, crs: ServedCrs, params: Params): string {
  let geom = `t.${layer.sql.geom}`;
  if (crs.srid !== STORAGE_SRID) geom = `ST_Transform(${geom}, ${params.add(crs.srid)}::integer)`;
  if (crs.northingFirst) geom = `ST_FlipCoordinates(${geom})`;
  // Option 0: no "crs" member inside the geometry; the CRS travels in the Content-Crs header.
  return `ST_AsGeoJSON(${geom}, ${params.add(crs.digits)}::integer, 0)::json`;
}

/**
 * The select list and FROM of a feature read. Properties are built by PostgreSQL's `to_json` of a
 * row of the public columns: dates come out as ISO strings and numerics as JSON numbers, whatever
 * the `pg` type parsers do, and any number of columns fits (unlike `json_build_object`).
 */
function selectFeatures(layer: ResolvedLayer, crs: ServedCrs, params: Params): string {
  const columns = layer.sql.publicColumns.map((c) => `t.${c}`).join(', ');
  // A scalar subquery rather than a join, so the layer's unqualified filter columns stay unambiguous.
  return `SELECT to_json(t.${layer.sql.id}) AS id, ${geometryExpression(layer, crs, params)} AS geometry,
                 (SELECT to_json(p) FROM (SELECT ${columns}) p) AS properties
            FROM ${layer.sql.table} t`;
}

/** How many features of the layer match the filter (`numberMatched`). */
export async function countFeatures(db: pg.Pool | pg.PoolClient, layer: ResolvedLayer, filter: FeatureFilter): Promise<number> {
  if (filter.bbox === null) return 0;
  const params = new Params();
  const sql = `SELECT count(*) AS n FROM ${layer.sql.table} t ${whereClause(layer, filter, params)}`;
  try {
    const { rows } = await db.query<{ n: string }>(sql, params.values);
    return Number(rows[0].n);
  } catch (cause) {
    throw new Error(`counting features of layer ${layer.id}`, { cause });
  }
}

/** One page of features in id order, so that offsets page through a stable sequence. */
export async function findFeatures(db: pg.Pool | pg.PoolClient, layer: ResolvedLayer, page: FeaturePage): Promise<FeatureRecord[]> {
  if (page.bbox === null) return [];
  const params = new Params();
  const select = selectFeatures(layer, page.crs, params);
  const where = whereClause(layer, page, params);
  const sql = `${select} ${where} ORDER BY t.${layer.sql.id} LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`;
  try {
    return (await db.query<FeatureRecord>(sql, params.values)).rows;
  } catch (cause) {
    throw new Error(`reading features of layer ${layer.id}`, { cause });
  }
}

/** PostgreSQL errors meaning "that text cannot be a value of the id column". */
const notAnIdValue = new Set(['22P02', '22003', '22007', '22008']);

/** The feature with this id (compared as the id column's own type), or undefined. */
export async function findFeature(
  db: pg.Pool | pg.PoolClient,
  layer: ResolvedLayer,
  featureId: string,
  crs: ServedCrs,
): Promise<FeatureRecord | undefined> {
  const params = new Params();
  const select = selectFeatures(layer, crs, params);
  const where = whereClause(layer, {}, params);
  const idCondition = `t.${layer.sql.id} = ${params.add(featureId)}`;
  const sql = `${select} ${where ? `${where} AND ${idCondition}` : `WHERE ${idCondition}`}`;
  try {
    return (await db.query<FeatureRecord>(sql, params.values)).rows[0];
  } catch (err) {
    // "abc" for an integer id is not an error of ours: there is simply no such feature.
    if (notAnIdValue.has((err as { code?: string }).code ?? '')) return undefined;
    throw new Error(`reading feature ${featureId} of layer ${layer.id}`, { cause: err });
  }
}
