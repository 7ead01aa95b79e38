import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import type { UploadJob } from '../../../server/src/uploads/types.js';
import { describeWhen } from '../../helpers/requirements.js';
import { databaseKinds, startTestApp, type TestApp } from '../../helpers/testApp.js';
import { analyseFile } from '../../helpers/uploads.js';
import { municipalityId } from '../../helpers/users.js';

const fixtures = path.join(rootDir, 'tests/fixtures');
const operator = { userId: null, ip: null };
const lks92 = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3059' } };

async function publish(app: FastifyInstance, job: UploadJob, request: object = {}): Promise<UploadJob> {
  await app.uploads.publish(job.id, { title: { lv: `${path.basename(job.fileName)} ${job.id.slice(0, 6)}` }, ...request }, operator);
  await app.uploads.idle();
  const done = (await app.uploads.get(job.id))!;
  expect(done.status, JSON.stringify(done.errors)).toBe('done');
  return done;
}

/** The published table of a layer: its columns with their types, and its rows (geometry as WKT). */
async function publishedTable(app: FastifyInstance, layerId: string) {
  const { rows: [{ table }] } = await app.pg.pool.query<{ table: string }>('SELECT source_table AS table FROM layer WHERE id = $1', [layerId]);
  const { rows: columns } = await app.pg.pool.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname`,
    [`"${table}"`],
  );
  const { rows } = await app.pg.pool.query(`SELECT ST_AsText(ST_SnapToGrid(geom, 0.001)) AS wkt, to_jsonb(t) - 'geom' AS row FROM "${table}" t ORDER BY id`);
  return { table, columns, rows };
}

const wound = (x: number, y: number, clockwise: boolean) => {
  const ring = [[x, y], [x + 40, y], [x + 40, y + 30], [x, y + 30], [x, y]];
  return clockwise ? ring.reverse() : ring;
};

// Only a real PostgreSQL takes COPY FROM STDIN; the embedded database reads every GeoJSON with GDAL.
describeWhen(databaseKinds().includes('postgis'), 'GeoJSON staged by COPY [postgis]', 'TEST_DATABASE_URL is not set', () => {
  let dir = '';
  let current: TestApp;
  const ctx = () => current;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'geojson-copy-'));
    current = await startTestApp('postgis');
  });
  afterAll(async () => {
    await current?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stages a valid LKS-92 GeoJSON by COPY and publishes it without rewriting the table, rings wound by the right-hand rule', async () => {
    const { app } = ctx();
    const file = path.join(dir, 'kvartali.geojson');
    const features = [
      { type: 'Feature', properties: { nosaukums: 'Ābeļu kvartāls', skaits: 3, platiba: 12.5, aktivs: true, piezime: 'rinda\nun\ttabs \\ beigas' }, geometry: { type: 'Polygon', coordinates: [wound(500000, 300000, true)] } },
      { type: 'Feature', properties: { nosaukums: 'Ķekavas iela', skaits: null, platiba: 3, aktivs: false, piezime: null }, geometry: { type: 'MultiPolygon', coordinates: [[wound(500100, 300000, false)]] } },
    ];
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', crs: lks92, features }));
    const job = await analyseFile(app, file);
    expect(job.status, JSON.stringify(job.errors)).toBe('ready');
    const layer = job.layers[0];
    expect(layer).toMatchObject({ geometryType: 'MultiPolygon', featureCount: 2, crs: 'EPSG:3059', ringsWound: true, allValid: true, uniform: true });
    expect(layer.fields.map((f) => [f.name, f.ogrType])).toEqual([['nosaukums', 'String'], ['skaits', 'Integer'], ['platiba', 'Real'], ['aktivs', 'Boolean'], ['piezime', 'String']]);
    const { rows: [staged] } = await app.pg.pool.query(
      `SELECT c.relfilenode, c.relpersistence, format_type(a.atttypid, a.atttypmod) AS type FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_upload_geom' WHERE c.relname = $1`,
      [layer.stagingTable],
    );
    expect(staged).toMatchObject({ relpersistence: 'p', type: 'geometry(MultiPolygon,3059)' });

    const done = await publish(app, job);
    const published = await publishedTable(app, done.layerId!);
    const { rows: [after] } = await app.pg.pool.query('SELECT relfilenode FROM pg_class WHERE relname = $1', [published.table]);
    // The same file on disk: published by renaming, not by copying every row.
    expect(after.relfilenode).toBe(staged.relfilenode);
    expect(published.columns).toEqual([
      { name: 'aktivs', type: 'boolean' },
      { name: 'geom', type: 'geometry(MultiPolygon,3059)' },
      { name: 'id', type: 'integer' },
      { name: 'municipality_id', type: 'integer' },
      { name: 'nosaukums', type: 'text' },
      { name: 'piezime', type: 'text' },
      { name: 'platiba', type: 'double precision' },
      { name: 'skaits', type: 'integer' },
    ]);
    const own = await municipalityId(app, 'testa');
    expect(published.rows.map((r) => r.row)).toEqual([
      { id: 1, municipality_id: own, nosaukums: 'Ābeļu kvartāls', skaits: 3, platiba: 12.5, aktivs: true, piezime: 'rinda\nun\ttabs \\ beigas' },
      { id: 2, municipality_id: own, nosaukums: 'Ķekavas iela', skaits: null, platiba: 3, aktivs: false, piezime: null },
    ]);
    const { rows: [rings] } = await app.pg.pool.query(`SELECT bool_and(ST_IsPolygonCCW(geom)) AS ccw, count(*)::int AS n FROM "${published.table}"`);
    expect(rings).toEqual({ ccw: true, n: 2 });
    // The spatial index built during the analysis came along, under the published table's name.
    const { rows: indexes } = await app.pg.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gist%'`, [published.table]);
    expect(indexes).toEqual([{ indexname: `${published.table}_geom_gix` }]);
  });

  it('publishes the same layer from a GeoJSON whether the pipeline staged it by COPY or GDAL read it', async () => {
    const { app } = ctx();
    const mixedOrder = path.join(dir, 'seciba.geojson');
    await writeFile(
      mixedOrder,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: lks92,
        features: [
          { type: 'Feature', id: 5, properties: { z: 1, nosaukums: 'Ā' }, geometry: { type: 'Point', coordinates: [500000, 300000] } },
          { type: 'Feature', properties: { b: 3_000_000_000, nosaukums: null }, geometry: { type: 'MultiPoint', coordinates: [[500010, 300010], [500020, 300020]] } },
          { type: 'Feature', properties: { a: false, z: 2.5 }, geometry: { type: 'Point', coordinates: [500030, 300030] } },
        ],
      }),
    );
    const files = [path.join(fixtures, 'uploads/punkti_lks92.geojson'), path.join(fixtures, 'boundaries/ciemi_lks92.geojson'), mixedOrder];
    for (const file of files) {
      const ours = await analyseFile(app, file);
      const gdals = await analyseFile(app, file, { throughRows: true });
      const name = path.basename(file);
      expect(ours.layers[0].ringsWound, name).toBe(true);
      expect(gdals.layers[0].ringsWound, name).toBeUndefined();
      const shown = (job: UploadJob) => ({
        layers: job.layers.map(({ stagingTable, ringsWound, allValid, uniform, ...l }) => l),
        warnings: job.warnings.map((w) => w.code),
      });
      expect(shown(ours), name).toEqual(shown(gdals));
      const a = await publishedTable(app, (await publish(app, ours)).layerId!);
      const b = await publishedTable(app, (await publish(app, gdals)).layerId!);
      expect(a.columns, name).toEqual(b.columns);
      expect(a.rows, name).toEqual(b.rows);
    }
  });

  it('leaves a GeoJSON with dates to GDAL, which types them', async () => {
    const { app } = ctx();
    const file = path.join(dir, 'datumi.geojson');
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', crs: lks92, features: [{ type: 'Feature', properties: { datums: '2024-05-01' }, geometry: { type: 'Point', coordinates: [500000, 300000] } }] }));
    const job = await analyseFile(app, file);
    expect(job.layers[0].ringsWound).toBeUndefined();
    expect(job.layers[0].fields).toMatchObject([{ name: 'datums', ogrType: 'Date' }]);
    const published = await publishedTable(app, (await publish(app, job)).layerId!);
    expect(published.columns).toContainEqual({ name: 'datums', type: 'date' });
  });
});
