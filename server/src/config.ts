import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, so paths work whatever the working directory. */
export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppConfig {
  port: number;
  host: string;
  /** A real PostgreSQL + PostGIS; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where the embedded database keeps its files. */
  embeddedDataDir: string;
  /** Seed the demo municipality when the database has no municipality yet. */
  seedDemoWhenEmpty: boolean;
  logLevel: string;
  /** Directory with the built client; served at / when present. */
  clientDir: string;
  /** Seconds a vector tile may be cached by browsers and HTTP caches. */
  tileMaxAge: number;
  /** Bytes of encoded vector tiles kept in memory (`TILE_CACHE_MB`, default 64); 0 turns the cache off. */
  tileCacheBytes: number;
}

/** Reads configuration from the environment (see README "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedDataDir: path.resolve(rootDir, env.EMBEDDED_DATA_DIR ?? 'data/db'),
    seedDemoWhenEmpty: (env.SEED_DEMO ?? 'auto') !== 'never',
    logLevel: env.LOG_LEVEL ?? 'info',
    clientDir: path.resolve(rootDir, env.CLIENT_DIR ?? 'client/dist'),
    tileMaxAge: Number(env.TILE_MAX_AGE ?? 60),
    tileCacheBytes: Number(env.TILE_CACHE_MB ?? 64) * 1024 * 1024,
  };
}
