import type pg from 'pg';
import { pgConnection, type PgConnection, type VectorBackend } from '../gdal/index.js';
import type { TranslateOptions } from '../gdal/types.js';

/**
 * Where a native ogr2ogr may write a layer directly, or undefined when it may not: the WebAssembly
 * GDAL has no network, and the embedded database serves one connection at a time (a second one,
 * ogr2ogr's, would wait for ever behind the pipeline's own).
 */
export function directTarget(pool: pg.Pool, backend: VectorBackend): PgConnection | undefined {
  if (!backend.toPostgres || process.env.UPLOAD_DIRECT_STAGE === 'no') return undefined;
  const options = (pool as unknown as { options?: { connectionString?: string; max?: number } }).options;
  if (!options?.connectionString || (options.max ?? 10) < 2) return undefined;
  return pgConnection(options.connectionString);
}

/**
 * Stages one layer with ogr2ogr writing by COPY into a scratch table, then moves it into
 * `upload_feature` in one INSERT … SELECT (geometry with SRID 0 as the staging contract says,
 * attributes as JSON under their source names). Nothing passes through this process, so memory
 * stays flat whatever the file size. The scratch table is dropped whatever happens.
 * @returns the number of features staged
 */
export async function stageDirect(
  pool: pg.Pool,
  backend: VectorBackend,
  target: PgConnection,
  jobId: string,
  layer: string,
  dataset: string,
  sourceLayer: string,
  opts: TranslateOptions,
): Promise<number> {
  const table = `upload_scratch_${jobId.replace(/-/g, '')}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await backend.toPostgres!(dataset, sourceLayer, target, table, opts);
    await pool.query('DELETE FROM upload_feature WHERE job_id = $1 AND source_layer = $2', [jobId, layer]);
    // Not to_jsonb(row): that would turn every geometry into GeoJSON text only to drop it again.
    const { rows: columns } = await pool.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
          AND attname NOT IN ('_upload_fid', '_upload_geom') ORDER BY attnum`,
      [`"${table}"`],
    );
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const literal = (name: string) => `'${name.replace(/'/g, "''")}'`;
    // jsonb_build_object takes at most 100 arguments: 50 fields per call.
    const parts: string[] = [];
    for (let i = 0; i < columns.length; i += 50) {
      parts.push(`jsonb_build_object(${columns.slice(i, i + 50).map((c) => `${literal(c.name)}, s.${quote(c.name)}`).join(', ')})`);
    }
    const { rowCount } = await pool.query(
      `INSERT INTO upload_feature (job_id, source_layer, feature_index, geom, properties)
       SELECT $1, $2, s._upload_fid - 1, ST_SetSRID(s._upload_geom, 0), ${parts.join(' || ') || `'{}'::jsonb`}
         FROM "${table}" s`,
      [jobId, layer],
    );
    return rowCount ?? 0;
  } finally {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
  }
}
