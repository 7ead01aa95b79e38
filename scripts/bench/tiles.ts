// npm run bench:tiles — vector tile throughput through the API against the same SQL run directly.
//
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gis_bench) must be a real PostGIS; the
// database is created, migrated and given the demo municipality when missing. Then, for 500
// distinct z12–z16 tiles over the demo area that hold data:
//   1. the API (the real server entry in its own process, tile cache off), 8 requests in flight,
//   2. the same tile SQL run by `pgbench -M prepared` with 2 clients, and
//   3. a second server process with the tile cache on, serving the same (now repeated) tiles,
//      in alternating short rounds so that other load on the machine weighs on each alike;
//   4. the embedded PGlite database (a server process on a new temp dir, which migrates and seeds
//      the demo on first start, as `npm start` does), API, cache off.
// Options: --reseed (drop and seed the demo again), --seconds=N (API and pgbench time per
// comparison, default 8), --dense (also compare on a synthetic dense municipality, created once
// in the benchmark database: 100k points and 20k polygons, FIELD-NOTES' yardstick load).
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../server/src/db/migrations.js';
import { seedDemoMunicipality } from '../../server/src/demo/seed.js';
import { LayerRegistry } from '../../server/src/layers/registry.js';
import { migrationsDir } from '../../server/src/plugins/database.js';
import { runHttpLoad, type LoadResult } from './httpLoad.js';
import { runPgbenchTiles } from './pgbenchTiles.js';
import { startServerProcess } from './serverProcess.js';
import { ensureDenseMunicipality } from './denseData.js';
import { sampleTilesWithData, type SampledTile } from './tileSample.js';

const demoCode = 'marupe';
const tileCount = 500;
const zooms = [12, 13, 14, 15, 16];
// FIELD-NOTES measured its dense yardstick at z12–z14.
const denseZooms = [12, 13, 14];
const rounds = 4;
const concurrency = 8;
const pgbenchClients = 2;
const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 8);
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gis_bench';
const log = (message: string) => console.log(`· ${message}`);

const started = Date.now();
const work = await mkdtemp(path.join(tmpdir(), 'bench-tiles-'));
try {
  await main();
} catch (err) {
  console.error('bench:tiles failed:', err instanceof Error ? err.message : err, (err as Error)?.cause ?? '');
  process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}

interface Comparison {
  api: LoadResult;
  /** pgbench tiles/s over all rounds, and its transactions and failures. */
  direct: { tps: number; transactions: number; failed: number; latencyMs: number; command: string };
  ratios: number[];
  /** The caching API over the same rounds (demo tiles only). */
  cached?: LoadResult;
}

async function main() {
  await ensureDatabase(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const demo = await ensureDemo(pool, args.includes('--reseed'));
  const denseId = args.includes('--dense') ? await withClient(pool, ensureDenseMunicipality) : undefined;
  const versions = (await pool.query<{ v: string }>(`SELECT 'PostgreSQL ' || current_setting('server_version') || ', PostGIS ' || postgis_lib_version() AS v`)).rows[0].v;
  const registry = await new LayerRegistry(pool).list();
  const layersOf = (municipalityId: number) => registry.filter((l) => l.municipalityId === municipalityId && !l.restricted);
  const layers = layersOf(demo.id);
  const tiles = await sampleTilesWithData(pool, layers, { count: tileCount, zooms });
  const denseTiles = denseId ? await sampleTilesWithData(pool, layersOf(denseId), { count: tileCount, zooms: denseZooms }) : [];
  await pool.end();

  console.log(`\nVector tile benchmark — demo municipality "${demoCode}" (${demo.features} features in ${layers.length} public layers)`);
  console.log(`database ${redact(databaseUrl)}: ${versions}; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at start`);
  if (!tiles.length) {
    console.log('The demo municipality has no features, so there are no tiles with data to measure. Seed it (npm run seed) and run again.');
    return;
  }
  console.log(`${tiles.length} distinct tiles with data: ${zooms.map((z) => `z${z} ${tiles.filter((t) => t.z === z).length}`).join(', ')}`);

  let demoRun: Comparison;
  let denseRun: Comparison | undefined;
  // Two apps on the same database, one without and one with the tile cache, measured in turns.
  const uncachedApi = await startServerProcess({ DATABASE_URL: databaseUrl, TILE_CACHE_MB: '0', SEED_DEMO: 'never' });
  const cachedApi = await startServerProcess({ DATABASE_URL: databaseUrl, SEED_DEMO: 'never' });
  try {
    log('warm-up: one pass over the tiles through each app (prepares statements, fills the cache of the caching app)');
    checkStatuses(await runHttpLoad(uncachedApi.url, paths(tiles), { concurrency }), 'warm-up');
    checkStatuses(await runHttpLoad(cachedApi.url, paths(tiles), { concurrency }), 'warm-up');
    log(`demo tiles: API (cache off, ${concurrency} in flight), pgbench (${pgbenchClients} clients) and API (cache on) in ${rounds} alternating rounds of ${seconds / rounds} s`);
    demoRun = await compareApiWithSql(uncachedApi.url, tiles, cachedApi.url);
    if (denseTiles.length) {
      checkStatuses(await runHttpLoad(uncachedApi.url, paths(denseTiles), { concurrency }), 'warm-up');
      log(`dense tiles: API (cache off) and pgbench, ${denseTiles.length} tiles z${denseZooms[0]}–z${denseZooms.at(-1)}`);
      denseRun = await compareApiWithSql(uncachedApi.url, denseTiles);
    }
  } finally {
    await uncachedApi.close();
    await cachedApi.close();
  }
  const cached = demoRun.cached!;

  log('embedded PGlite: first start of a server on a temp dir (migrations and demo seed)');
  const embedded = await measureEmbedded(paths(tiles));

  const table: string[][] = [['', 'load', 'tiles/s', 'p50 / p95 ms', 'tiles']];
  const add = (label: string, load: string, r: LoadResult) =>
    table.push([label, load, fmt(r.perSecond), `${r.p50Ms.toFixed(1)} / ${r.p95Ms.toFixed(1)}`, String(r.requests)]);
  const addComparison = (title: string, run: Comparison) => {
    table.push([title]);
    add('  API, real PostGIS, cache off', `${concurrency} in flight`, run.api);
    table.push(['  pgbench -M prepared, same SQL', `${pgbenchClients} clients`, fmt(run.direct.tps), `${run.direct.latencyMs.toFixed(1)} (avg)`, String(run.direct.transactions)]);
    const ratio = run.api.perSecond / run.direct.tps;
    table.push([`  API ÷ direct SQL`, '', ratio.toFixed(2), `rounds ${Math.min(...run.ratios).toFixed(2)}–${Math.max(...run.ratios).toFixed(2)}`, ratio >= 0.8 ? '≥ 0.80 ✓' : '< 0.80 ✗']);
  };
  addComparison(`demo data, ${tiles.length} tiles z${zooms[0]}–z${zooms.at(-1)}`, demoRun);
  add('  API, repeated tiles from cache', `${concurrency} in flight`, cached);
  add('  API, embedded PGlite, cache off', `${concurrency} in flight`, embedded.load);
  if (denseRun) addComparison(`dense synthetic data (100k points, 20k polygons), ${denseTiles.length} tiles z${denseZooms[0]}–z${denseZooms.at(-1)}`, denseRun);
  printTable(table);

  console.log(`\ncached ÷ uncached API: ${(cached.perSecond / demoRun.api.perSecond).toFixed(1)}×; embedded ÷ real API: ${(embedded.load.perSecond / demoRun.api.perSecond).toFixed(2)} (embedded first start with migrations and demo seed ${embedded.startSeconds.toFixed(1)} s)`);
  console.log(`average demo tile ${(demoRun.api.bytes / demoRun.api.requests / 1024).toFixed(1)} KiB${denseRun ? `, dense tile ${(denseRun.api.bytes / denseRun.api.requests / 1024).toFixed(1)} KiB` : ''}; pgbench failed transactions: ${demoRun.direct.failed + (denseRun?.direct.failed ?? 0)}`);
  console.log(`pgbench command (one round): ${demoRun.direct.command.replaceAll(work, '$TMP')}`);
  console.log(`load average ${os.loadavg()[0].toFixed(1)} at the end; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * API and pgbench (and the caching API, when given) in alternating short rounds, so that whatever
 * else runs on the machine weighs on each alike; the figures are totals over the rounds.
 */
async function compareApiWithSql(baseUrl: string, tiles: SampledTile[], cachedUrl?: string): Promise<Comparison> {
  const roundSeconds = seconds / rounds;
  const api: LoadResult[] = [];
  const cached: LoadResult[] = [];
  const direct = { tps: 0, transactions: 0, failed: 0, latencyMs: 0, command: '' };
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const load = await runHttpLoad(baseUrl, paths(tiles), { concurrency, minSeconds: roundSeconds });
    checkStatuses(load, 'API');
    const sql = await runPgbenchTiles({ databaseUrl, tiles, encoding: 'postgis', clients: pgbenchClients, seconds: roundSeconds, workDir: work });
    if (cachedUrl) {
      const repeated = await runHttpLoad(cachedUrl, paths(tiles), { concurrency, minSeconds: roundSeconds });
      checkStatuses(repeated, 'cached API');
      cached.push(repeated);
    }
    api.push(load);
    direct.tps += sql.tps / rounds;
    direct.transactions += sql.transactions;
    direct.failed += sql.failed;
    direct.latencyMs += sql.latencyMs / rounds;
    direct.command = sql.command;
    ratios.push(load.perSecond / sql.tps);
  }
  return { api: combine(api), direct, ratios, ...(cached.length ? { cached: combine(cached) } : {}) };
}

/** Totals of several load runs; latency percentiles as the median of the runs'. */
function combine(runs: LoadResult[]): LoadResult {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const statuses: Record<number, number> = {};
  for (const r of runs) for (const [status, n] of Object.entries(r.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
  return {
    requests,
    seconds,
    perSecond: requests / seconds,
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p95Ms: median(runs.map((r) => r.p95Ms)),
    bytes: runs.reduce((n, r) => n + r.bytes, 0),
    statuses,
  };
}

function printTable(rows: string[][]) {
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.filter((r) => r.length > 1).map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(rows[0])}\n${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const r of rows.slice(1)) console.log(r.length === 1 ? r[0] : line(r));
}

function paths(tiles: SampledTile[]): string[] {
  return tiles.map((t) => `/api/tiles/${t.layer.id}/${t.z}/${t.x}/${t.y}.mvt`);
}

async function withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await use(client);
  } finally {
    client.release();
  }
}

async function measureEmbedded(paths: string[]) {
  const server = await startServerProcess({ DATABASE_URL: '', EMBEDDED_DATA_DIR: path.join(work, 'embedded-db'), TILE_CACHE_MB: '0' });
  try {
    log('embedded PGlite: API, cache off, one pass over the same tiles');
    const load = await runHttpLoad(server.url, paths, { concurrency });
    checkStatuses(load, 'embedded');
    return { load, startSeconds: server.startSeconds };
  } finally {
    await server.close();
  }
}

/** Creates the database (with PostGIS) on its server when it does not exist yet. */
async function ensureDatabase(url: string) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) {
      log(`creating database ${name}`);
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
    const applied = (await runMigrations(db, migrationsDir)).filter((m) => m.applied);
    if (applied.length) log(`applied migrations ${applied.map((m) => m.id).join(', ')}`);
  } finally {
    await db.end();
  }
}

/** The demo municipality, seeded when absent (or empty, as the placeholder seed left it, or --reseed). */
async function ensureDemo(pool: pg.Pool, reseed: boolean): Promise<{ id: number; features: number }> {
  const find = async () =>
    (await pool.query<{ id: number }>('SELECT id FROM municipality WHERE code = $1', [demoCode])).rows[0] as { id: number } | undefined;
  let demo = await find();
  if (demo && (reseed || (await featureCount(pool, demo.id)) === 0)) {
    log(`dropping the demo municipality to seed it again${reseed ? ' (--reseed)' : ' (it has no features)'}`);
    await pool.query('DELETE FROM municipality WHERE id = $1', [demo.id]);
    demo = undefined;
  }
  if (!demo) {
    log('seeding the demo municipality');
    const client = await pool.connect();
    try {
      await seedDemoMunicipality(client);
    } finally {
      client.release();
    }
    demo = await find();
    if (!demo) throw new Error(`seeding did not create the municipality "${demoCode}"`);
  }
  // Fresh statistics for the API and pgbench alike: with the demo just seeded (or another
  // benchmark's municipality in the same tables) and autovacuum not yet round, the planner
  // believes a municipality has one row and scans all its rows instead of the GiST index.
  await pool.query('ANALYZE');
  return { id: demo.id, features: await featureCount(pool, demo.id) };
}

async function featureCount(pool: pg.Pool, municipalityId: number): Promise<number> {
  const tables = ['territorial_unit', 'address', 'sewer_main', 'sewer_manhole', 'sewer_connection', 'street_transfer', 'accommodation_site', 'facility'];
  const { rows } = await pool.query<{ n: string }>(
    `SELECT (${tables.map((t) => `(SELECT count(*) FROM ${t} WHERE municipality_id = $1)`).join(' + ')}) AS n`,
    [municipalityId],
  );
  return Number(rows[0].n);
}

function checkStatuses(result: LoadResult, what: string) {
  const bad = Object.entries(result.statuses).filter(([status]) => status !== '200' && status !== '204');
  if (bad.length) throw new Error(`${what}: unexpected responses ${JSON.stringify(result.statuses)}`);
}

function fmt(n: number): string {
  return n.toFixed(0);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
