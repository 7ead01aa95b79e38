import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { hasNativeGdal } from '../../../server/src/uploads/gdal/probe.js';
import { stagingTables } from '../../../server/src/uploads/load/directStage.js';
import { describeWhen } from '../../helpers/requirements.js';
import { databaseKinds, startTestApp, type TestApp } from '../../helpers/testApp.js';
import { analyseFile } from '../../helpers/uploads.js';

const uploads = path.join(rootDir, 'tests/fixtures/uploads');

/** The file a table's rows are in, and whether it is logged: a rewrite gives a new file. */
const storage = async (app: FastifyInstance, table: string) =>
  (await app.pg.pool.query('SELECT relfilenode, relpersistence FROM pg_class WHERE relname = $1', [table])).rows[0] as { relfilenode: number; relpersistence: string };

// ogr2ogr stages a shapefile straight into a table of a real PostgreSQL; the embedded one has no second connection.
describeWhen(hasNativeGdal() && databaseKinds().includes('postgis'), 'shapefiles staged by ogr2ogr [postgis]', 'needs ogr2ogr and TEST_DATABASE_URL', () => {
  let current: TestApp;
  beforeAll(async () => {
    current = await startTestApp('postgis');
  });
  afterAll(() => current?.close());

  it('stages points and lines by their header type in logged tables, and publishes them without rewriting', async () => {
    const { app } = current;
    const job = await analyseFile(app, path.join(uploads, 'latvija_1257.zip'));
    expect(job.status, JSON.stringify(job.errors)).toBe('ready');
    for (const layer of job.layers) {
      const staged = await storage(app, layer.stagingTable!);
      expect(staged.relpersistence, layer.name).toBe('p');
      await app.uploads.publish(job.id, { layer: layer.name, title: { lv: `${layer.name} ${job.id.slice(0, 6)}` } }, { userId: null, ip: null });
      await app.uploads.idle();
      const done = (await app.uploads.get(job.id))!;
      expect(done.status, JSON.stringify(done.errors)).toBe('done');
      const { rows: [{ table }] } = await app.pg.pool.query('SELECT source_table AS table FROM layer WHERE id = $1', [done.layers.find((l) => l.name === layer.name)!.publishedAs]);
      expect((await storage(app, table)).relfilenode, layer.name).toBe(staged.relfilenode);
      const { rows: indexes } = await app.pg.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gist%'`, [table]);
      expect(indexes, layer.name).toEqual([{ indexname: `${table}_geom_gix` }]);
    }
  });

  it('winds a shapefile\'s clockwise polygons by the right-hand rule while it is analysed, and publishes them without rewriting, holes and parts kept', async () => {
    const { app } = current;
    const job = await analyseFile(app, path.join(uploads, 'kvartali_lks92.zip'));
    expect(job.layers[0]).toMatchObject({ geometryType: 'MultiPolygon', featureCount: 2, crs: 'EPSG:3059', ringsWound: true });
    const staged = await storage(app, job.layers[0].stagingTable!);
    expect(staged.relpersistence).toBe('p');
    await app.uploads.publish(job.id, { title: { lv: `Kvartāli ${job.id.slice(0, 6)}` } }, { userId: null, ip: null });
    await app.uploads.idle();
    const done = (await app.uploads.get(job.id))!;
    expect(done.status, JSON.stringify(done.errors)).toBe('done');
    const { rows: [{ table }] } = await app.pg.pool.query('SELECT source_table AS table FROM layer WHERE id = $1', [done.layerId]);
    expect((await storage(app, table)).relfilenode).toBe(staged.relfilenode);
    // Nothing of the job is left staged: the clockwise original went when its wound copy took its place.
    expect(await stagingTables(app.pg.pool, job.id)).toEqual([]);
    const { rows } = await app.pg.pool.query(
      `SELECT nosaukums, ST_IsPolygonCCW(geom) AS ccw, ST_NumGeometries(geom) AS parts, ST_NumInteriorRings(ST_GeometryN(geom, 1)) AS holes, ST_Area(geom) AS area FROM "${table}" ORDER BY id`,
    );
    expect(rows).toEqual([
      { nosaukums: 'Ābeļu kvartāls', ccw: true, parts: 1, holes: 1, area: 1100 },
      { nosaukums: 'Ķiršu kvartāls', ccw: true, parts: 2, holes: 0, area: 1200 },
    ]);
  });
});
