// npm run bench:import — generated 100 000 points and 20 000 polygons, as GeoJSON and as zipped
// Shapefile, imported through our upload pipeline and with `ogr2ogr -f PostgreSQL` into the same
// real PostGIS (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gis_bench_import,
// created when missing; localhost only). Prints both times, the ratio and peak RSS.
// `-- --large N`: also N points as one big GeoJSON, to show memory stays bounded (run it under
// `/usr/bin/time -v` to see GDAL's own peak too). `-- --runs N`: turns per file (3; the machine's
// speed moves, so medians are printed). UPLOAD_PROFILE=1 prints the pipeline's phases.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gis_bench_import';
const target = new URL(url);
if (!['127.0.0.1', 'localhost', '::1'].includes(target.hostname)) {
  console.error(`bench:import writes to the database; it runs only against localhost, not ${target.hostname}.`);
  process.exit(2);
}
if (spawnSync('ogr2ogr', ['--version']).status !== 0) {
  console.error('bench:import compares with ogr2ogr, which is not on the PATH (apt-get install gdal-bin).');
  process.exit(2);
}

async function ensureDatabase() {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const name = target.pathname.slice(1);
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rows.length) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  await admin.end();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
  await db.end();
}

/** Writes a GeoJSON in EPSG:3059 feature by feature (never the whole text in memory). */
async function writeGeoJson(file: string, count: number, kind: 'point' | 'polygon') {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3059"}},"features":[\n');
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < count; i++) {
    const x = 485000 + rnd() * 30000;
    const y = 290000 + rnd() * 30000;
    const geometry =
      kind === 'point'
        ? { type: 'Point', coordinates: [x, y] }
        : { type: 'Polygon', coordinates: [[[x, y], [x + 40, y], [x + 40, y + 30], [x + 20, y + 45], [x, y + 30], [x, y]]] };
    const properties = { nosaukums: `Objekts ${i} — Mārupe`, kategorija: ['ā', 'č', 'ē', 'ģ'][i % 4], platiba: Math.round(rnd() * 10000) / 100, numurs: i };
    await write(`${i ? ',\n' : ''}${JSON.stringify({ type: 'Feature', properties, geometry })}`);
  }
  await write('\n]}\n');
  await new Promise<void>((r) => out.end(r));
}

function ogr2ogrSeconds(file: string, table: string): number {
  const t = target;
  const pgConn = `PG:host=${t.hostname} port=${t.port || 5432} dbname=${t.pathname.slice(1)} user=${decodeURIComponent(t.username || 'postgres')}${t.password ? ` password=${decodeURIComponent(t.password)}` : ''}`;
  const source = file.endsWith('.zip') ? `/vsizip/${file}` : file;
  const start = performance.now();
  execFileSync('ogr2ogr', ['-f', 'PostgreSQL', pgConn, source, '-nln', table, '-t_srs', 'EPSG:3059', '-lco', 'GEOMETRY_NAME=geom', '-nlt', 'PROMOTE_TO_MULTI', '-overwrite'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return (performance.now() - start) / 1000;
}

async function main() {
  await ensureDatabase();
  const work = await mkdtemp(path.join(tmpdir(), 'bench-import-'));
  const config = { ...loadConfig({ ...process.env, DATABASE_URL: url, SEED_DEMO: 'never', UPLOAD_DIR: path.join(work, 'uploads') }), logLevel: 'warn' };
  const database = await openDatabase({ databaseUrl: url, embeddedDataDir: '' });
  const app = await buildApp({ config, database, logger: false });
  try {
    await app.ready();
    const { rows } = await app.pg.pool.query('SELECT count(*)::int AS n FROM municipality');
    if (!rows[0].n) await app.pg.pool.query(`INSERT INTO municipality (code, name) VALUES ('bench', 'Bench novads')`);
    const municipalityId = (await app.municipalities.fallback())!.id;
    const operator = { userId: null, ip: null };
    const files: { name: string; file: string; count: number }[] = [];
    const largeAt = process.argv.indexOf('--large');
    const runsAt = process.argv.indexOf('--runs');
    const runs = runsAt > 0 ? Math.max(1, Number(process.argv[runsAt + 1])) : 3;
    const large = largeAt > 0 ? Number(process.argv[largeAt + 1]) : 0;
    for (const [kind, count] of [['point', 100_000], ['polygon', 20_000]] as const) {
      const geojson = path.join(work, `${kind}s.geojson`);
      await writeGeoJson(geojson, count, kind);
      execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', path.join(work, `${kind}s.shp`), geojson]);
      execFileSync('zip', ['-q', '-j', path.join(work, `${kind}s.zip`), ...['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => path.join(work, `${kind}s.${e}`))]);
      files.push({ name: `${count / 1000}k ${kind}s GeoJSON`, file: geojson, count }, { name: `${count / 1000}k ${kind}s zipped Shapefile`, file: path.join(work, `${kind}s.zip`), count });
    }
    if (large > 0) {
      const file = path.join(work, 'large-points.geojson');
      await writeGeoJson(file, large, 'point');
      const { size } = await (await import('node:fs/promises')).stat(file);
      files.push({ name: `${large / 1000}k points GeoJSON (${Math.round(size / 1024 / 1024)} MB)`, file, count: large });
    }
    const backend = await (await import('../../server/src/uploads/gdal/index.js')).vectorBackend();
    const { directTarget } = await import('../../server/src/uploads/load/directStage.js');
    const staging = directTarget(app.pg.pool, backend) ? 'ogr2ogr writes the staging table by COPY' : 'GeoJSON lines inserted in batches';
    console.log(`pipeline GDAL backend: ${backend.name} ${backend.version} (${staging}); database ${target.host}${target.pathname}`);
    /** One upload of the file through the whole pipeline, analysis to published layer, in seconds. */
    const pipelineSeconds = async (f: (typeof files)[number]) => {
      const copy = await app.uploads.newFilePath(path.basename(f.file));
      await copyFile(f.file, copy);
      const start = performance.now();
      const id = await app.uploads.submit(path.basename(f.file), copy, {}, { municipalityId, userId: null });
      await app.uploads.idle();
      const analysed = await app.uploads.get(id);
      if (analysed?.status !== 'ready') throw new Error(`${f.name}: ${JSON.stringify(analysed?.errors)}`);
      // A fast import that loses features is no import: every one must be there.
      if (analysed.layers[0].featureCount !== f.count) {
        throw new Error(`${f.name}: ${analysed.layers[0].featureCount} features analysed, not ${f.count}: ${JSON.stringify(analysed.warnings).slice(0, 600)}`);
      }
      await app.uploads.publish(id, { title: { lv: `bench ${f.name}` } }, operator);
      await app.uploads.idle();
      const job = (await app.uploads.get(id))!;
      if (job.status !== 'done') throw new Error(`${f.name}: ${JSON.stringify(job.errors)}`);
      const seconds = (performance.now() - start) / 1000;
      await app.uploads.removeDataset(municipalityId, job.layerId!, operator);
      return seconds;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    console.log(`each file ${runs}× in turn (ogr2ogr, then the pipeline); medians, then the range of the ratios of each turn`);
    console.log('file                              pipeline s   ogr2ogr s   ratio   ratios of turns');
    for (const f of files) {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let run = 0; run < runs; run++) {
        // ogr2ogr first in each turn: the background work a bulk load leaves (autovacuum of the
        // new rows) then falls on our run, not on the yardstick.
        theirs.push(ogr2ogrSeconds(f.file, 'bench_ogr2ogr'));
        ours.push(await pipelineSeconds(f));
      }
      const ratios = ours.map((o, i) => o / theirs[i]);
      console.log(`${f.name.padEnd(33)} ${median(ours).toFixed(2).padStart(9)} ${median(theirs).toFixed(2).padStart(11)} ${(median(ours) / median(theirs)).toFixed(2).padStart(7)}   ${range(ratios)}`);
    }
    console.log(`peak RSS of this process (app + pipeline): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await app.close();
    await database.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
