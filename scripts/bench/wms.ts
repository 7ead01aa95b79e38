// npm run bench:wms — WMS tile proxy latency, cache miss vs cache hit, against a local MapServer.
//
// Starts the test MapServer (tests/helpers/mapserver.ts; needs mapserv and gdal_translate) on
// 127.0.0.1, points a temporary catalog and tile cache at it and runs the app on 127.0.0.1. Then:
//   1. MapServer GetMap directly, for reference (what every miss pays);
//   2. misses: distinct z14–z15 tiles over the orthophoto, one at a time, through /wms;
//   3. hits: the same tiles again, several rounds, one at a time;
//   4. hits with 8 requests in flight, for throughput.
// Bounded: --tiles=N (default 60) tiles, --rounds=N (default 5) hit rounds. Localhost only.
// The database is DATABASE_URL when set, otherwise a throwaway embedded one (slower to start).
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase, type DatabaseProfile } from '../../server/src/db/database.js';
import { tileBounds3857, type TileAddress } from '../../server/src/wms/tileGrid.js';
import { startMapServer, type MapServerHarness } from '../../tests/helpers/mapserver.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const tileCount = Math.min(option('tiles', 60), 400);
const rounds = Math.min(option('rounds', 5), 20);
const concurrency = 8;
const log = (message: string) => console.log(`· ${message}`);

const work = await mkdtemp(path.join(tmpdir(), 'bench-wms-'));
let mapserver: MapServerHarness | undefined;
let app: FastifyInstance | undefined;
let database: DatabaseProfile | undefined;
try {
  await main();
} catch (err) {
  console.error('bench:wms failed:', err instanceof Error ? err.message : err, (err as Error)?.cause ?? '');
  process.exitCode = 1;
} finally {
  await app?.close();
  await database?.close();
  await mapserver?.close();
  await rm(work, { recursive: true, force: true });
}

async function main() {
  mapserver = await startMapServer();
  const catalog = path.join(work, 'wms-sources.json');
  await writeFile(
    catalog,
    JSON.stringify({
      sources: [
        {
          id: 'bench',
          title: { lv: 'Bench' },
          url: mapserver.urls.ortho,
          version: '1.3.0',
          format: 'image/png',
          attribution: '',
          layers: [{ name: 'ortho', title: { lv: 'Ortofoto' }, kind: 'orthophoto' }],
        },
      ],
    }),
  );
  const config = {
    ...loadConfig({ ...process.env, WMS_SOURCES_FILE: catalog, WMS_CACHE_DIR: path.join(work, 'cache'), LOG_LEVEL: 'warn' }),
    port: 0,
    host: '127.0.0.1',
  };
  log(config.databaseUrl ? 'database: DATABASE_URL' : 'database: throwaway embedded PGlite (starting, ~10 s)');
  database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDataDir: path.join(work, 'db') });
  app = await buildApp({ config, database, logger: { level: 'warn' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const tiles = tilesOverOrthophoto(tileCount);
  const tileUrl = (t: TileAddress) => `${base}/wms/bench/ortho/${t.z}/${t.x}/${t.y}.png`;
  // Warm up connections and code paths on tiles outside the sample.
  for (const t of tilesOverOrthophoto(3, 13)) await timed(tileUrl(t), 'miss');

  const direct = [];
  for (const t of tiles.slice(0, 30)) {
    const bbox = tileBounds3857(t).map((n) => n.toFixed(2)).join(',');
    direct.push(await timed(`${mapserver.urls.ortho}&SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=ortho&STYLES=&CRS=EPSG:3857&BBOX=${bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png`));
  }
  const upstreamBefore = mapserver.getMapCount();
  const misses = [];
  for (const t of tiles) misses.push(await timed(tileUrl(t), 'miss'));
  const hits = [];
  for (let r = 0; r < rounds; r++) for (const t of tiles) hits.push(await timed(tileUrl(t), 'hit'));
  const upstreamCalls = mapserver.getMapCount() - upstreamBefore;

  const queue = Array.from({ length: rounds }, () => tiles).flat();
  const parallelStarted = performance.now();
  const parallel: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let t = queue.pop(); t; t = queue.pop()) parallel.push(await timed(tileUrl(t), 'hit'));
    }),
  );
  const parallelSeconds = (performance.now() - parallelStarted) / 1000;

  console.log(`\nWMS tile proxy, ${tiles.length} distinct 256 px tiles (z14–z15), one client unless noted; times in ms`);
  console.log(row('MapServer GetMap direct', direct));
  console.log(row('proxy miss (GetMap + cache write)', misses));
  console.log(row(`proxy hit (disk cache, ${rounds} rounds)`, hits));
  console.log(row(`proxy hit, ${concurrency} in flight`, parallel));
  console.log(`hit throughput with ${concurrency} in flight: ${(parallel.length / parallelSeconds).toFixed(0)} tiles/s`);
  console.log(`upstream GetMap calls during the miss + hit runs: ${upstreamCalls} (expected ${tiles.length})`);
}

/** GETs a URL, reads the whole body and returns the milliseconds; checks X-Tile-Status when given. */
async function timed(url: string, expectStatus?: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const status = res.headers.get('x-tile-status');
  if (expectStatus && status !== expectStatus) throw new Error(`${url} answered X-Tile-Status ${status}, expected ${expectStatus}`);
  return ms;
}

/** Distinct tiles inside the generated orthophoto (EPSG:3059 490–520 km E, 295–325 km N ≈ 23.84–24.33 E, 56.80–57.07 N). */
function tilesOverOrthophoto(count: number, only?: number): TileAddress[] {
  const out: TileAddress[] = [];
  for (const z of only ? [only] : [14, 15]) {
    const [x0, y0] = lonLatToTile(23.9, 57.03, z);
    const [x1, y1] = lonLatToTile(24.27, 56.84, z);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push({ z, x, y });
  }
  // Spread the sample over the area rather than taking one corner.
  const step = Math.max(1, Math.floor(out.length / count));
  return out.filter((_, i) => i % step === 0).slice(0, count);
}

function lonLatToTile(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n)];
}

function row(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `${label.padEnd(40)} n=${String(samples.length).padStart(4)}  p50 ${at(0.5).toFixed(1).padStart(6)}  p95 ${at(0.95).toFixed(1).padStart(6)}  mean ${mean.toFixed(1).padStart(6)}`;
}
