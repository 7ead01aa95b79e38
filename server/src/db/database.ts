import pg from 'pg';
import { startEmbeddedDatabase } from './embedded.js';

export type DatabaseMode = 'embedded' | 'external';

/**
 * What the connected PostGIS can do. This is the one place where the embedded and the real
 * database differ; everything else asks these flags, never "which mode am I in".
 */
export interface DatabaseCapabilities {
  /** `ST_AsMVT`/`ST_AsMVTGeom` exist (PostGIS built with protobuf-c). */
  mvt: boolean;
  postgisVersion: string;
  serverVersion: string;
}

export interface DatabaseProfile {
  mode: DatabaseMode;
  connectionString: string;
  /** Largest useful pool: the embedded socket serves one connection at a time. */
  poolSize: number;
  /** How long an idle pooled connection is kept; 0 keeps it for good. */
  idleTimeoutMillis: number;
  /**
   * SQL to run first on every new connection. PGlite is a single backend session behind all
   * socket connections, so what an earlier connection prepared is still there: a new connection
   * must forget it before preparing statements of the same names.
   */
  connectSql?: string;
  /**
   * Whether PostgreSQL's `statement_timeout` can stop a statement here (not in PGlite, which runs
   * one statement at a time in this process); the app sets it from `DATABASE_STATEMENT_TIMEOUT_MS`.
   */
  statementTimeouts: boolean;
  /**
   * How long a request may wait for a pooled connection (pg-pool counts both opening one and
   * waiting for a busy pool) before it is answered 503; 0 waits as long as it takes. A real server
   * may be unreachable, so requests give up; the embedded socket is in this process and its pool
   * of one is always busy while a slow query runs, so its requests wait their turn.
   */
  connectionTimeoutMillis: number;
  close(): Promise<void>;
}

/** Opens the configured database: `databaseUrl` when given, otherwise the embedded PGlite. */
export async function openDatabase(opts: {
  databaseUrl?: string;
  embeddedDataDir: string;
  poolSize?: number;
}): Promise<DatabaseProfile> {
  if (opts.databaseUrl) {
    return {
      mode: 'external',
      connectionString: opts.databaseUrl,
      poolSize: opts.poolSize ?? 10,
      idleTimeoutMillis: 10_000,
      // No JIT compilation: PostGIS functions are costed high (ST_IsValid at 10 000 a row), so
      // ordinary queries of this application crossed the JIT thresholds and spent more time
      // compiling than running (the upload statistics of 20 000 polygons 0.25 s instead of 0.07 s,
      // the sewer dashboard on the 10× copy 0.43 s of 1.2 s).
      connectSql: 'SET jit = off',
      statementTimeouts: true,
      connectionTimeoutMillis: 10_000,
      close: async () => {},
    };
  }
  const embedded = await startEmbeddedDatabase(opts.embeddedDataDir);
  return {
    mode: 'embedded',
    connectionString: embedded.connectionString,
    poolSize: 1,
    idleTimeoutMillis: 0,
    connectSql: 'DEALLOCATE ALL',
    statementTimeouts: false,
    connectionTimeoutMillis: 0,
    close: embedded.close,
  };
}

/** Probes the database once at start. */
export async function detectCapabilities(db: pg.Pool | pg.PoolClient): Promise<DatabaseCapabilities> {
  const { rows } = await db.query<{ postgis: string; server: string }>(
    `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS server`,
  );
  let mvt = true;
  try {
    await db.query(
      `SELECT ST_AsMVT(t) FROM (SELECT ST_AsMVTGeom('POINT(1 1)'::geometry, ST_MakeEnvelope(0, 0, 2, 2)) AS geom) t`,
    );
  } catch {
    mvt = false;
  }
  return { mvt, postgisVersion: rows[0].postgis, serverVersion: rows[0].server };
}
