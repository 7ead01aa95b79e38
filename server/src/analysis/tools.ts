import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { rootDir } from '../config.js';
import type { ResolvedLayer } from '../layers/registry.js';
import { badRequest } from '../plugins/errors.js';
import type { AnalysisLayer } from './layers.js';
import {
  MAX_RESULT_FEATURES,
  type AggregateRequest,
  type AnalysisResult,
  type AnalysisTool,
  type NearestRequest,
  type ResultFeature,
  type Where,
  type WithinDistanceRequest,
} from './types.js';
import { quoteIdentifier as quote } from '../db/identifier.js';

const read = (name: string) => readFileSync(path.join(rootDir, 'sql/analysis', `${name}.sql`), 'utf8');
const templates = {
  withinDistance: read('within_distance'),
  buffer: read('buffer'),
  aggregate: read('aggregate'),
  aggregateOutside: read('aggregate_outside'),
  nearest: read('nearest'),
  pointInPolygon: read('point_in_polygon'),
  stageOther: read('stage_other'),
};

type Db = pg.Pool | pg.PoolClient;

/** Fills `{{name}}` placeholders; every value comes from the registry or from this module. */
function fill(template: string, parts: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in parts)) throw new Error(`analysis SQL placeholder {{${key}}} has no value`);
    return parts[key];
  });
}

/**
 * The conditions selecting a layer's rows (its registry filter and any `where`), as ` AND a."col" = $n`
 * text, with their values; placeholders are numbered from `first`.
 */
function conditions(l: ResolvedLayer, alias: string, first: number, where: Where = {}): { sql: string; values: unknown[] } {
  const own = l.sql.filter(first);
  const parts = own.conditions.map((c) => ` AND ${alias}.${c}`);
  const values = [...own.values];
  for (const [name, value] of Object.entries(where)) {
    const field = l.fields.find((f) => f.name === name && !f.restricted);
    if (!field) {
      throw badRequest(
        `"where" names the field "${name}", which "${l.id}" does not have; its fields are ${l.fields.filter((f) => !f.restricted).map((f) => f.name).join(', ')}.`,
      );
    }
    values.push(value);
    parts.push(` AND ${alias}.${quote(name)}::text = $${first + values.length - 1}::text`);
  }
  return { sql: parts.join(''), values };
}

/** A JSON object of the public fields of a layer view (jsonb_build_object takes at most 50 pairs). */
function propertiesSql(view: ResolvedLayer, alias: string): string {
  const fields = view.fields.filter((f) => !f.restricted);
  if (!fields.length) return `'{}'::jsonb`;
  const chunks: string[] = [];
  for (let i = 0; i < fields.length; i += 40) {
    const pairs = fields.slice(i, i + 40).map((f) => `'${f.name.replace(/'/g, "''")}', ${alias}.${quote(f.name)}`);
    chunks.push(`jsonb_build_object(${pairs.join(', ')})`);
  }
  return chunks.join(' || ');
}

/** The display name of a feature: its public `name` field, else its id. */
function nameSql(view: ResolvedLayer, alias: string): string {
  const name = view.fields.find((f) => f.name === 'name' && !f.restricted);
  return name ? `${alias}.${quote('name')}::text` : `${alias}.${view.sql.id}::text`;
}

interface Row {
  id: string | number;
  properties: Record<string, unknown>;
  geometry: Record<string, unknown>;
  total: string | number;
  [extra: string]: unknown;
}

function result(tool: AnalysisTool, started: number, features: ResultFeature[], total: number, summary: Record<string, unknown>): AnalysisResult {
  return {
    tool,
    summary: { count: total, truncated: total > features.length, ...summary },
    features: { type: 'FeatureCollection', features },
    computedAt: new Date().toISOString(),
    elapsedMs: Math.round(performance.now() - started),
  };
}

const feature = (id: string | number, geometry: Record<string, unknown>, properties: Record<string, unknown>): ResultFeature => ({
  type: 'Feature',
  id,
  geometry,
  properties,
});

/**
 * Copies the features of the layer a tool measures to (optionally only those matching `where`)
 * into the transaction's temporary table `analysis_other` with a GiST index (see stage_other.sql).
 * Call inside a transaction; the table is dropped at its end.
 */
export async function stageOther(db: Db, of: AnalysisLayer, where?: Where): Promise<void> {
  const o = conditions(of.layer, 'o', 1, where);
  const sql = fill(templates.stageOther, { id: of.view.sql.id, name: nameSql(of.view, 'o'), geom: of.view.sql.geom, table: of.view.sql.table, filter: o.sql });
  // JIT compiling costs more than these queries take; the planner's estimates of spatial joins invite it.
  await db.query('SET LOCAL jit = off');
  await db.query(sql, o.values);
  await db.query('CREATE INDEX ON analysis_other USING gist (geom)');
  await db.query('ANALYZE analysis_other');
}

/**
 * SQL and parameters for "features of `layer` within `distance` of `of`", to run after
 * `stageOther(db, of)` in the same transaction (exported for the benchmark).
 */
export function withinDistanceStatement(layer: AnalysisLayer, distance: number, outside: boolean, limit = MAX_RESULT_FEATURES) {
  const f = conditions(layer.layer, 'f', 3);
  const sql = fill(templates.withinDistance, {
    id: layer.view.sql.id,
    geom: layer.view.sql.geom,
    table: layer.view.sql.table,
    properties: propertiesSql(layer.view, 'f'),
    filter: f.sql,
    exists: outside ? 'NOT EXISTS' : 'EXISTS',
  });
  return { sql, values: [distance, limit, ...f.values] };
}

/** Features of a layer within (or beyond) a distance of any feature of another, or the dissolved buffer. */
export async function withinDistance(db: Db, layer: AnalysisLayer, of: AnalysisLayer, req: WithinDistanceRequest): Promise<AnalysisResult> {
  const started = performance.now();
  if (req.output === 'buffer') {
    const o = conditions(of.layer, 'o', 2);
    const sql = fill(templates.buffer, { ofTable: of.layer.sql.table, ofGeom: of.layer.sql.geom, ofFilter: o.sql });
    const { rows } = await db.query<{ geometry: Record<string, unknown>; area_ha: number; sources: string }>(sql, [req.distance, ...o.values]);
    const features = rows.map((r) => feature(`buffer-${of.layer.id}`, r.geometry, { layer: of.layer.id, distance_m: req.distance, area_ha: round(r.area_ha, 2) }));
    return result('within-distance', started, features, features.length, {
      output: 'buffer',
      distance: req.distance,
      areaHa: rows.length ? round(rows[0].area_ha, 2) : 0,
      sourceFeatures: rows.length ? Number(rows[0].sources) : 0,
    });
  }
  await stageOther(db, of);
  const { sql, values } = withinDistanceStatement(layer, req.distance, req.outside ?? false);
  const { rows } = await db.query<Row>(sql, values);
  const features = rows.map((r) => feature(r.id, r.geometry, r.properties));
  return result('within-distance', started, features, rows.length ? Number(rows[0].total) : 0, {
    output: 'features',
    distance: req.distance,
    outside: req.outside ?? false,
  });
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Per polygon of `by`: the count, sum, length (km) or area (ha) of the features of `layer` inside it. */
export async function aggregate(db: Db, layer: AnalysisLayer, by: AnalysisLayer, req: AggregateRequest): Promise<AnalysisResult> {
  const started = performance.now();
  let value: string;
  if (req.stat === 'sum') {
    const field = layer.view.fields.find((f) => f.name === req.field && !f.restricted);
    const numeric = layer.view.fields.filter((f) => !f.restricted && (f.type === 'integer' || f.type === 'number')).map((f) => f.name);
    if (!req.field) throw badRequest(`"stat": "sum" needs "field", a numeric field of "${layer.layer.id}": ${numeric.join(', ') || 'it has none'}.`);
    if (!field || !numeric.includes(field.name)) {
      throw badRequest(`"${req.field}" is not a numeric field of "${layer.layer.id}"; its numeric fields are ${numeric.join(', ') || 'none'}.`);
    }
    value = `sum(f.${quote(field.name)})`;
  } else if (req.stat === 'length') {
    value = `sum(ST_Length(ST_Intersection(f.${layer.layer.sql.geom}, o.geom))) / 1000`;
  } else if (req.stat === 'area') {
    value = `sum(ST_Area(ST_Intersection(f.${layer.layer.sql.geom}, o.geom))) / 10000`;
  } else {
    value = 'count(*)';
  }
  await stageOther(db, by);
  const b = conditions(by.layer, 'b', 2);
  const f = conditions(layer.layer, 'f', 2 + b.values.length, req.where);
  const sql = fill(templates.aggregate, {
    byId: by.view.sql.id,
    byGeom: by.view.sql.geom,
    byTable: by.view.sql.table,
    byProperties: propertiesSql(by.view, 'b'),
    byFilter: b.sql,
    value,
    table: layer.layer.sql.table,
    geom: layer.layer.sql.geom,
    filter: f.sql,
  });
  const { rows } = await db.query<Row & { value: number; features: number }>(sql, [MAX_RESULT_FEATURES, ...b.values, ...f.values]);
  const digits = req.stat === 'count' ? 0 : 3;
  const features = rows.map((r) => feature(r.id, r.geometry, { ...r.properties, value: round(Number(r.value), digits), features: Number(r.features) }));
  const values = features.map((x) => Number(x.properties.value));
  // What lies in no polygon, for a count or a sum (lengths and areas are clipped to the polygons).
  let outside: { value: number; features: number } | null = null;
  if (req.stat === 'count' || req.stat === 'sum') {
    const o = conditions(layer.layer, 'f', 1, req.where);
    const { rows: out } = await db.query<{ value: number; features: number }>(
      fill(templates.aggregateOutside, { value, table: layer.layer.sql.table, geom: layer.layer.sql.geom, filter: o.sql }),
      o.values,
    );
    outside = { value: round(Number(out[0].value), digits), features: Number(out[0].features) };
  }
  return result('aggregate', started, features, rows.length ? Number(rows[0].total) : 0, {
    stat: req.stat,
    ...(req.field ? { field: req.field } : {}),
    ...(req.where ? { where: req.where } : {}),
    unit: { count: null, sum: null, length: 'km', area: 'ha' }[req.stat],
    total: round(values.reduce((a, v) => a + v, 0), digits),
    outside,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
  });
}

/** Each feature of `layer` with its nearest feature of `of` (optionally filtered) and the distance. */
export async function nearest(db: Db, layer: AnalysisLayer, of: AnalysisLayer, req: NearestRequest): Promise<AnalysisResult> {
  const started = performance.now();
  await stageOther(db, of, req.where);
  const f = conditions(layer.layer, 'f', 3);
  const sql = fill(templates.nearest, {
    id: layer.view.sql.id,
    geom: layer.view.sql.geom,
    table: layer.view.sql.table,
    properties: propertiesSql(layer.view, 'f'),
    filter: f.sql,
  });
  const points = req.output === 'points';
  const { rows } = await db.query<Row & { nearest_id: unknown; nearest_name: string | null; distance_m: number | null }>(sql, [
    MAX_RESULT_FEATURES,
    points,
    ...f.values,
  ]);
  const features = rows.map((r) =>
    feature(r.id, r.geometry ?? null, {
      ...r.properties,
      nearest_id: r.nearest_id ?? null,
      nearest_name: r.nearest_name,
      distance_m: r.distance_m === null ? null : round(Number(r.distance_m), 1),
    }),
  );
  const distances = features.map((x) => x.properties.distance_m).filter((d): d is number => typeof d === 'number');
  const sorted = [...distances].sort((a, b) => a - b);
  return result('nearest', started, features, rows.length ? Number(rows[0].total) : 0, {
    output: points ? 'points' : 'lines',
    minDistance: sorted.length ? sorted[0] : null,
    maxDistance: sorted.length ? sorted[sorted.length - 1] : null,
    medianDistance: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null,
    withoutNearest: features.length - distances.length,
  });
}

/** Each feature of `layer` with the id and name of the polygon of `by` it falls in. */
export async function pointInPolygon(db: Db, layer: AnalysisLayer, by: AnalysisLayer): Promise<AnalysisResult> {
  const started = performance.now();
  await stageOther(db, by);
  const f = conditions(layer.layer, 'f', 2);
  const sql = fill(templates.pointInPolygon, {
    id: layer.view.sql.id,
    geom: layer.view.sql.geom,
    table: layer.view.sql.table,
    properties: propertiesSql(layer.view, 'f'),
    filter: f.sql,
  });
  const { rows } = await db.query<Row & { unit_id: unknown; unit_name: string | null; unmatched: string }>(sql, [MAX_RESULT_FEATURES, ...f.values]);
  const features = rows.map((r) => feature(r.id, r.geometry, { ...r.properties, unit_id: r.unit_id ?? null, unit_name: r.unit_name }));
  const total = rows.length ? Number(rows[0].total) : 0;
  const unmatched = rows.length ? Number(rows[0].unmatched) : 0;
  return result('point-in-polygon', started, features, total, { matched: total - unmatched, unmatched });
}
