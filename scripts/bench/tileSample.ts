import type pg from 'pg';
import type { ResolvedLayer } from '../../server/src/layers/registry.js';

export interface SampledTile {
  layer: ResolvedLayer;
  z: number;
  x: number;
  y: number;
}

const worldHalf = 20037508.342789244;

/**
 * Picks up to `count` distinct (layer, z/x/y) tiles that hold at least one feature, spread evenly
 * over the zoom levels and deterministically (same data → same tiles). A feature's point on
 * surface names the tile it certainly reaches.
 */
export async function sampleTilesWithData(
  pool: pg.Pool,
  layers: ResolvedLayer[],
  opts: { count: number; zooms: number[]; pointsPerLayer?: number },
): Promise<SampledTile[]> {
  const byZoom = new Map<number, Map<string, SampledTile>>(opts.zooms.map((z) => [z, new Map()]));
  for (const layer of layers) {
    const { conditions, values } = layer.sql.filter(1);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await pool.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y
         FROM (SELECT ST_Transform(ST_PointOnSurface(${layer.sql.geom}), 3857) AS p FROM ${layer.sql.table} ${where}
                ORDER BY ${layer.sql.id} LIMIT ${opts.pointsPerLayer ?? 200_000}) AS s`,
      values,
    );
    for (const z of opts.zooms) {
      if (z < layer.minZoom) continue;
      const size = (2 * worldHalf) / 2 ** z;
      const tiles = byZoom.get(z)!;
      for (const p of rows) {
        const x = Math.floor((p.x + worldHalf) / size);
        const y = Math.floor((worldHalf - p.y) / size);
        tiles.set(`${layer.id}/${z}/${x}/${y}`, { layer, z, x, y });
      }
    }
  }
  // Shuffle each zoom's candidates by a hash of their key, then take from the zooms in turn.
  const queues = [...byZoom.values()].map((tiles) => [...tiles.entries()].sort(([a], [b]) => hash(a) - hash(b)).map(([, t]) => t));
  const picked: SampledTile[] = [];
  for (let round = 0; picked.length < opts.count && queues.some((q) => q.length > round); round++) {
    for (const queue of queues) if (queue[round] && picked.length < opts.count) picked.push(queue[round]);
  }
  return picked;
}

/** FNV-1a: a stable, well-spread order that does not depend on insertion. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
