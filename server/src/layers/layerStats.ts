import type pg from 'pg';
import type { ResolvedLayer } from './registry.js';

export interface LayerStats {
  featureCount: number;
  /** [west, south, east, north] in WGS-84, or null for an empty layer. */
  extent: [number, number, number, number] | null;
}

const cache = new Map<string, { version: number; stats: LayerStats }>();

/** Feature count and WGS-84 extent of a layer, computed in PostGIS and kept until its data changes. */
export async function layerStats(db: pg.Pool | pg.PoolClient, layer: ResolvedLayer): Promise<LayerStats> {
  const hit = cache.get(layer.id);
  if (hit && hit.version === layer.dataVersion) return hit.stats;
  const { conditions, values } = layer.sql.filter(1);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  // Transform the 3059 bounding box rather than every geometry: one transform per layer.
  const { rows } = await db.query<{ n: string; w: number | null; s: number; e: number; nn: number }>(
    `SELECT n, ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS nn
       FROM (SELECT count(*) AS n,
                    ST_Transform(ST_SetSRID(ST_Extent(${layer.sql.geom})::geometry, 3059), 4326) AS b
               FROM ${layer.sql.table} ${where}) s`,
    values,
  );
  const r = rows[0];
  const stats: LayerStats = {
    featureCount: Number(r?.n ?? 0),
    extent: r && r.w !== null ? ([r.w, r.s, r.e, r.nn].map((v) => Math.round(Number(v) * 1e6) / 1e6) as LayerStats['extent']) : null,
  };
  cache.set(layer.id, { version: layer.dataVersion, stats });
  return stats;
}
