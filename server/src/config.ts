import { isIP } from 'node:net';
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
  /**
   * When to seed the demo municipality into a database without municipalities: `auto` (default)
   * only for the embedded database, `always` also for a real one, `never`.
   */
  seedDemo: 'auto' | 'always' | 'never';
  logLevel: string;
  /** Directory with the built client; served at / when present. */
  clientDir: string;
  /** Seconds a vector tile may be cached by browsers and HTTP caches. */
  tileMaxAge: number;
  /** Bytes of encoded vector tiles kept in memory (`TILE_CACHE_MB`, default 64); 0 turns the cache off. */
  tileCacheBytes: number;
  /** WMS basemaps (issue 3). */
  wms: WmsConfig;
  /**
   * Bearer token for automation of platform admin actions without a browser session
   * (`ADMIN_TOKEN`, optional); administrators signed in with their accounts need none.
   */
  adminToken?: string;
  /**
   * The municipality (code) of requests that name none by header or subdomain
   * (`DEFAULT_MUNICIPALITY`); unset: the demo municipality, else the first one.
   */
  defaultMunicipality?: string;
  /** Sign-in and password-reset requests per minute from one IP address (`AUTH_RATE_LIMIT`, default 10). */
  authRateLimit: number;
  /** Dataset uploads (issue 4). */
  uploads: UploadConfig;
  /**
   * Which peers may speak for the client in `X-Forwarded-For/-Host/-Proto` (`TRUST_PROXY`):
   * false (default) trusts nobody, so the client's address is the socket's; a list of addresses
   * and CIDRs (`127.0.0.1,10.0.0.0/8`, or `loopback`) trusts those proxies; a number trusts that
   * many hops. Passed to Fastify's `trustProxy`.
   */
  trustProxy: false | number | string[];
  /**
   * Milliseconds one statement of a request may run on a real PostgreSQL before it is stopped and
   * answered with 503 (`DATABASE_STATEMENT_TIMEOUT_MS`, default 30000; 0 turns it off).
   */
  statementTimeoutMs: number;
  /**
   * Milliseconds a heavy request (work list, dashboard, analysis, export) waits for its share of the
   * database connections before it is answered 503 with Retry-After (`HEAVY_REQUEST_WAIT_MS`, default 15000).
   */
  heavyRequestWaitMs: number;
}

/** Limits and places of dataset uploads. */
export interface UploadConfig {
  /** Largest accepted upload in bytes (`UPLOAD_MAX_MB`, default 500); larger ones get 413. */
  maxBytes: number;
  /** Largest total of the files unpacked from one archive (`UPLOAD_MAX_UNZIPPED_MB`, default 2048). */
  maxUnzippedBytes: number;
  /** Most entries in one archive (`UPLOAD_MAX_ZIP_ENTRIES`, default 10000). */
  maxZipEntries: number;
  /** Where uploaded files wait until they are published (`UPLOAD_DIR`, default data/uploads). */
  dir: string;
  /** How long an upload's file and staged features wait to be published (`UPLOAD_KEEP_HOURS`, default 72). */
  keepHours: number;
  /**
   * Versions of an uploaded dataset kept for restoring (`DATASET_KEEP_VERSIONS`, default 10, the
   * current one included); publishing a new version drops the tables of older ones in its transaction.
   */
  keepVersions: number;
}

/** Settings of the WMS basemap proxy. */
export interface WmsConfig {
  /** The shipped WMS source catalog (`WMS_SOURCES_FILE`, default data/wms-sources.json). */
  sourcesFile: string;
  /** On-disk tile cache (`WMS_CACHE_DIR`, default data/cache/wms). */
  cacheDir: string;
  /** Seconds a cached tile is served before it is fetched again (`WMS_CACHE_TTL`, default 7 days). */
  cacheTtl: number;
  /** Milliseconds to wait for an upstream WMS answer (`WMS_TIMEOUT_MS`, default 8000). */
  timeoutMs: number;
  /**
   * Allow WMS sources on loopback/private addresses when an admin adds one (`WMS_ALLOW_PRIVATE_HOSTS=true`).
   * Off by default so the add-source endpoint cannot be used to probe the server's network;
   * tests turn it on for their local MapServer.
   */
  allowPrivateHosts: boolean;
  /**
   * The service key held in environment variable `envName`, which must end in `_WMS_KEY`
   * (e.g. `LGIA_WMS_KEY`); a catalog entry names its variable in `keyEnv`. A function rather
   * than a map so that logging or serialising the config never prints a key.
   */
  key(envName: string): string | undefined;
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
    seedDemo: oneOf(env, 'SEED_DEMO', ['auto', 'always', 'never'] as const, 'auto'),
    logLevel: env.LOG_LEVEL ?? 'info',
    clientDir: path.resolve(rootDir, env.CLIENT_DIR ?? 'client/dist'),
    tileMaxAge: Number(env.TILE_MAX_AGE ?? 60),
    tileCacheBytes: Number(env.TILE_CACHE_MB ?? 64) * 1024 * 1024,
    wms: {
      sourcesFile: path.resolve(rootDir, env.WMS_SOURCES_FILE ?? 'data/wms-sources.json'),
      cacheDir: path.resolve(rootDir, env.WMS_CACHE_DIR ?? 'data/cache/wms'),
      cacheTtl: positiveNumber(env, 'WMS_CACHE_TTL', 7 * 24 * 3600),
      timeoutMs: positiveNumber(env, 'WMS_TIMEOUT_MS', 8000),
      allowPrivateHosts: env.WMS_ALLOW_PRIVATE_HOSTS === 'true',
      key: wmsKeyReader(env),
    },
    adminToken: env.ADMIN_TOKEN || undefined,
    defaultMunicipality: env.DEFAULT_MUNICIPALITY?.trim().toLowerCase() || undefined,
    authRateLimit: positiveNumber(env, 'AUTH_RATE_LIMIT', 10),
    trustProxy: trustProxy(env.TRUST_PROXY),
    uploads: {
      maxBytes: positiveNumber(env, 'UPLOAD_MAX_MB', 500) * 1024 * 1024,
      maxUnzippedBytes: positiveNumber(env, 'UPLOAD_MAX_UNZIPPED_MB', 2048) * 1024 * 1024,
      maxZipEntries: positiveNumber(env, 'UPLOAD_MAX_ZIP_ENTRIES', 10000),
      dir: path.resolve(rootDir, env.UPLOAD_DIR ?? 'data/uploads'),
      keepHours: positiveNumber(env, 'UPLOAD_KEEP_HOURS', 72),
      keepVersions: positiveInteger(env, 'DATASET_KEEP_VERSIONS', 10),
    },
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS === '0' ? 0 : positiveNumber(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000),
    heavyRequestWaitMs: positiveNumber(env, 'HEAVY_REQUEST_WAIT_MS', 15_000),
  };
}

/** Names proxy-addr (Fastify's trustProxy) understands besides addresses and CIDRs. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Parses `TRUST_PROXY`: empty or `false` trusts nobody; a whole number is a hop count; otherwise a
 * comma list of IP addresses, CIDRs (`10.0.0.0/8`) or the names loopback/linklocal/uniquelocal.
 * `true` (trust every peer) is refused: anyone could then choose their own IP address.
 */
export function trustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const validPrefix = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(PROXY_NAMES.has(entry) || (family !== 0 && validPrefix && rest.length === 0))) {
      throw new Error(
        `TRUST_PROXY must be a hop count or a comma list of proxy addresses/CIDRs (e.g. "127.0.0.1,10.0.0.0/8"), got "${entry}"`,
      );
    }
  }
  return entries;
}

function wmsKeyReader(env: NodeJS.ProcessEnv): (envName: string) => string | undefined {
  const keys = new Map(Object.entries(env).filter((e): e is [string, string] => e[0].endsWith('_WMS_KEY') && !!e[1]));
  return (envName) => keys.get(envName);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = positiveNumber(env, name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${env[name]}"`);
  return value;
}
