import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './dataDirLock.js';

export interface EmbeddedDatabase {
  /** A `pg` connection string to the local socket that fronts PGlite. */
  connectionString: string;
  close(): Promise<void>;
}

/**
 * Starts PGlite with PostGIS, persisted in `dataDir`, behind a PostgreSQL wire-protocol socket on
 * 127.0.0.1 so the rest of the server talks to it through `pg` like to any PostgreSQL.
 *
 * The socket server interleaves protocol messages of different connections, so callers must use
 * one connection at a time (a pool of one); see `databaseProfile`.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  // One process per data directory: `npm run backup` must not copy pages the server is writing.
  const unlock = await lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir, extensions: { postgis } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (cause) {
    await unlock();
    throw new Error(`starting the embedded PostGIS database in ${dataDir}`, { cause });
  }
  const socket = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await socket.start();
  return {
    connectionString: `postgres://postgres@${socket.getServerConn()}/postgres?sslmode=disable`,
    async close() {
      await socket.stop();
      await db.close();
      await unlock();
    },
  };
}
