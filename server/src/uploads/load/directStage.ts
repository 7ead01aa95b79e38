import type pg from 'pg';
import { quoteIdentifier as quote } from '../../db/identifier.js';
import { inTransaction } from '../../db/transaction.js';
import { pgConnection, type PgConnection, type VectorBackend } from '../gdal/index.js';
import type { StagingOptions } from '../gdal/types.js';
import { timed } from '../profile.js';

/**
 * Where a native ogr2ogr may write a layer directly, or undefined when it may not: the WebAssembly
 * GDAL has no network, and the embedded database serves one connection at a time (a second one,
 * ogr2ogr's, would wait for ever behind the pipeline's own).
 */
export function directTarget(pool: pg.Pool, backend: VectorBackend): PgConnection | undefined {
  if (!backend.toPostgres || !takesDirectStaging(pool)) return undefined;
  return pgConnection(poolOptions(pool)!.connectionString!);
}

const poolOptions = (pool: pg.Pool) => (pool as unknown as { options?: { connectionString?: string; max?: number } }).options;

/**
 * Whether layers may be staged straight into tables of their own: a real PostgreSQL, which takes
 * COPY FROM STDIN and more than one connection (the embedded database's socket does neither), and
 * not switched off with UPLOAD_DIRECT_STAGE=no (then every layer goes through `upload_feature`).
 */
export function takesDirectStaging(pool: pg.Pool): boolean {
  const options = poolOptions(pool);
  return process.env.UPLOAD_DIRECT_STAGE !== 'no' && !!options?.connectionString && (options.max ?? 10) >= 2;
}

const stagingPrefix = (jobId: string) => `upload_stage_${jobId.replace(/-/g, '').toLowerCase()}_`;

/** A new name for a staging table of the job (the job's tables are found and dropped by the prefix). */
export const newStagingTable = (jobId: string) => `${stagingPrefix(jobId)}${Math.random().toString(36).slice(2, 10)}`;

/** SQL that is true while the job whose id is in `idColumn` has a staging table (for queries over many jobs). */
export const hasStagingTableSql = (idColumn: string) =>
  `EXISTS (SELECT 1 FROM pg_class WHERE relkind = 'r' AND starts_with(relname, 'upload_stage_' || replace(lower(${idColumn}::text), '-', '') || '_'))`;

/**
 * Stages one layer with ogr2ogr writing by COPY into a table of its own (unlogged, no index):
 * `_upload_fid` from 1 in file order, `_upload_geom` in the file's coordinates (or EPSG:3059 when
 * GDAL reprojected), the fields under their source names. That table is the layer's staging:
 * the analysis reads it, and publishing turns it into the published table in place, so no row is
 * ever copied. Nothing passes through this process, so memory stays flat whatever the file size.
 * A failed load leaves no table behind.
 * @returns the staging table's name
 */
export async function stageDirect(
  pool: pg.Pool,
  backend: VectorBackend,
  target: PgConnection,
  jobId: string,
  dataset: string,
  sourceLayer: string,
  opts: StagingOptions,
): Promise<string> {
  const table = newStagingTable(jobId);
  try {
    await timed('analyse: ogr2ogr COPY to staging table', () => backend.toPostgres!(dataset, sourceLayer, target, table, opts));
    return table;
  } catch (err) {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
    throw err;
  }
}

/** The staging tables of a job that still exist. */
export async function stagingTables(db: pg.Pool | pg.PoolClient, jobId: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relname LIKE $1 ORDER BY relname`,
    [`${stagingPrefix(jobId).replace(/_/g, '\\_')}%`],
  );
  return rows.map((r) => r.name);
}

/** Drops a job's staging tables, but `keep` (the one being published), in the caller's transaction if any. */
export async function dropStaging(db: pg.Pool | pg.PoolClient, jobId: string, keep?: string): Promise<void> {
  for (const table of await stagingTables(db, jobId)) {
    if (table !== keep) await db.query(`DROP TABLE IF EXISTS "${table}"`);
  }
}

/** The columns of a staging table in their order, with their types as `format_type` names them (no modifiers). */
export async function stagingColumns(db: pg.Pool | pg.PoolClient, table: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await db.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [quote(table)],
  );
  return rows;
}

/**
 * Builds the spatial index of a staging table in its published form (see `publishInPlace`, which
 * renames it with the table instead of building one).
 */
export async function indexStaging(db: pg.Pool | pg.PoolClient, table: string): Promise<void> {
  await db.query(`CREATE INDEX "${table}_geom_gix" ON "${table}" USING gist (_upload_geom)`);
}

/**
 * Writes a copy of an unlogged staging table of MultiPolygons (a shapefile's, rings clockwise)
 * in its published form: logged, rings wound by the right-hand rule, with its key and spatial
 * index. It reads the table as the analysis's statistics do, on a connection of its own, so the
 * two share the machine's cores; publishing then renames instead of rewriting. The caller puts the
 * copy in the table's place (`swap`) once the statistics are done, or drops it (`discard`).
 */
export async function windStaging(pool: pg.Pool, table: string): Promise<{ swap(): Promise<void>; discard(): Promise<void> }> {
  const wound = `${table}_w`;
  const columns = (await stagingColumns(pool, table)).map(({ name }) =>
    name === '_upload_geom' ? 'ST_ForcePolygonCCW(_upload_geom)::geometry(MultiPolygon, 3059) AS _upload_geom' : quote(name),
  );
  const discard = async () => {
    await pool.query(`DROP TABLE IF EXISTS "${wound}"`);
  };
  try {
    await pool.query(`CREATE TABLE "${wound}" AS SELECT ${columns.join(', ')} FROM "${table}"`);
    await pool.query(`ALTER TABLE "${wound}" ADD PRIMARY KEY (_upload_fid)`);
    await indexStaging(pool, wound);
  } catch (err) {
    await discard().catch(() => {});
    throw err;
  }
  return {
    discard,
    swap: () =>
      inTransaction(pool, async (client) => {
        await client.query(`DROP TABLE "${table}"`);
        await client.query(`ALTER TABLE "${wound}" RENAME TO "${table}"`);
      }),
  };
}
