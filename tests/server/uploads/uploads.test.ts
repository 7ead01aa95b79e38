import type { FastifyInstance } from 'fastify';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { stagingTables } from '../../../server/src/uploads/load/directStage.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { multipart } from '../../helpers/multipart.js';
import { publishAsEditor, uploadAsEditor } from '../../helpers/uploads.js';
import { editorHeaders, municipalityId, signedInAs } from '../../helpers/users.js';

const fixtures = path.join(rootDir, 'tests/fixtures');
const external = path.join(fixtures, 'external');
const LATVIAN = 'ā č ē ģ ī ķ ļ ņ š ū ž';

interface UploadView {
  id: string;
  status: string;
  progress: number;
  format: string | null;
  layers: { name: string; geometryType: string | null; featureCount: number; crs: string | null; encoding: string | null; crsProblem?: string; fields: { name: string; sourceName: string; type: string }[] }[];
  warnings: { code?: string; message: string; featureIndex?: number }[];
  errors: { code?: string; message: string }[];
  layerId?: string;
}

/** Headers of an editor of the fixture municipality, who uploads into it (one per app). */
const asEditor = (app: FastifyInstance) => editorHeaders(app);

const upload = (app: FastifyInstance, file: string, fields: Record<string, string> = {}, name = path.basename(file)) => uploadAsEditor<UploadView>(app, file, fields, name);
const publish = (app: FastifyInstance, id: string, body: object) => publishAsEditor<UploadView>(app, id, body);

/**
 * What a refused job left behind: a layer, staged features or staging tables. Per job, since other
 * test files upload and publish into the same database at the same time.
 */
async function traces(app: FastifyInstance, job: { id: string; layerId?: string }) {
  const staged = await app.pg.pool.query('SELECT count(*)::int AS n FROM upload_feature WHERE job_id = $1', [job.id]);
  return { layerId: job.layerId ?? null, staged: staged.rows[0].n, tables: await stagingTables(app.pg.pool, job.id) };
}
const noTraces = { layerId: null, staged: 0, tables: [] };

describeEachDatabase(
  'dataset uploads',
  (ctx) => {
    it('imports a GeoJSON in EPSG:3059 with Latvian text intact and serves it as tiles and OGC items', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(fixtures, 'uploads/punkti_lks92.geojson'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.format).toBe('GeoJSON');
      expect(job.layers).toHaveLength(1);
      expect(job.layers[0]).toMatchObject({ geometryType: 'Point', featureCount: 4, crs: 'EPSG:3059' });
      expect(job.layers[0].fields).toContainEqual({ name: 'ipasnieks', sourceName: 'Īpašnieks', type: 'text' });
      expect(job.warnings.some((w) => w.message.includes('Īpašnieks → ipasnieks'))).toBe(true);

      const done = await publish(app, job.id, { title: { lv: 'Punkti ar garumzīmēm', en: 'Points' } });
      expect(done.status, JSON.stringify(done.errors)).toBe('done');
      const layerId = done.layerId!;
      const catalog = (await app.inject({ url: '/api/layers', headers: await editorHeaders(app) })).json();
      expect(catalog.layers.find((l: { id: string }) => l.id === layerId)).toMatchObject({ group: 'uploads', featureCount: 4 });

      const items = (await app.inject({ url: `/ogc/collections/${layerId}/items?limit=10`, headers: await editorHeaders(app) })).json();
      expect(items.features).toHaveLength(4);
      const names = items.features.map((f: { properties: { nosaukums: string } }) => f.properties.nosaukums);
      expect(names).toContain(LATVIAN);
      expect(names).toContain('Ābeļu iela');
      // Mārupe is near 24.0 E, 56.9 N: the 3059 coordinates came out in the right place.
      expect(items.features[0].geometry.coordinates[0]).toBeGreaterThan(23.9);
      expect(items.features[0].geometry.coordinates[1]).toBeGreaterThan(56.7);

      const [lon, lat] = items.features[0].geometry.coordinates as number[];
      const x = Math.floor(((lon + 180) / 360) * 4096);
      const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 4096);
      const tile = await app.inject({ url: `/api/tiles/${layerId}/12/${x}/${y}.mvt`, headers: await editorHeaders(app) });
      expect(tile.statusCode).toBe(200);
      expect(tile.rawPayload.length).toBeGreaterThan(0);
    });

    it('publishes polygons as a logged table of id, municipality, valid geometry and the chosen typed fields, leaving nothing staged', async () => {
      const { app } = ctx();
      const dir = mkdtempSync(path.join(tmpdir(), 'upload-shape-'));
      const square = (x: number, y: number) => [[[x, y], [x + 50, y], [x + 50, y + 50], [x, y + 50], [x, y]]];
      const features = [
        { type: 'Feature', properties: { Nosaukums: 'Ābeļu kvartāls', id: 7, Platība: 12.5, Piezīme: 'x' }, geometry: { type: 'Polygon', coordinates: square(500000, 300000) } },
        // A bow tie: invalid, repaired into a multipolygon of two triangles.
        { type: 'Feature', properties: { Nosaukums: 'Tauriņš', id: 8, Platība: 3, Piezīme: 'y' }, geometry: { type: 'Polygon', coordinates: [[[500100, 300000], [500150, 300050], [500150, 300000], [500100, 300050], [500100, 300000]]] } },
        { type: 'Feature', properties: { Nosaukums: 'Bez ģeometrijas', id: 9, Platība: null, Piezīme: 'z' }, geometry: null },
      ];
      const file = path.join(dir, 'kvartali.geojson');
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3059' } }, features }));
      try {
        const job = await upload(app, file);
        expect(job.status, JSON.stringify(job.errors)).toBe('ready');
        expect(job.layers[0]).toMatchObject({ geometryType: 'MultiPolygon', featureCount: 2 });
        expect(job.warnings.some((w) => /Self-intersection.*repaired with ST_MakeValid/.test(w.message) && w.featureIndex === 1)).toBe(true);
        expect(job.warnings.some((w) => /1 of 3 features .* have no geometry/.test(w.message))).toBe(true);
        const done = await publish(app, job.id, { title: { lv: 'Kvartāli' }, fields: ['Nosaukums', 'id', 'Platība'] });
        expect(done.status, JSON.stringify(done.errors)).toBe('done');
        const { rows: [table] } = await app.pg.pool.query(
          `SELECT l.source_table AS name, c.relpersistence FROM layer l JOIN pg_class c ON c.relname = l.source_table WHERE l.id = $1`,
          [done.layerId],
        );
        expect(table.relpersistence).toBe('p');
        const { rows: columns } = await app.pg.pool.query(
          `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS "notNull" FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname`,
          [`"${table.name}"`],
        );
        expect(columns).toEqual([
          { name: 'geom', type: 'geometry(MultiPolygon,3059)', notNull: true },
          { name: 'id', type: 'integer', notNull: true },
          { name: 'id_1', type: 'integer', notNull: false },
          { name: 'municipality_id', type: 'integer', notNull: true },
          { name: 'nosaukums', type: 'text', notNull: false },
          { name: 'platiba', type: 'double precision', notNull: false },
        ]);
        const { rows } = await app.pg.pool.query(
          `SELECT id, id_1, nosaukums, platiba, ST_IsValid(geom) AS valid, ST_NumGeometries(geom) AS parts, municipality_id = $1 AS own
             FROM "${table.name}" ORDER BY id`,
          [await municipalityId(app, 'testa')],
        );
        expect(rows).toEqual([
          { id: 1, id_1: 7, nosaukums: 'Ābeļu kvartāls', platiba: 12.5, valid: true, parts: 1, own: true },
          { id: 2, id_1: 8, nosaukums: 'Tauriņš', platiba: 3, valid: true, parts: 2, own: true },
        ]);
        expect((await app.pg.pool.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gist%'`, [table.name])).rows[0].n).toBe(1);
        expect((await app.pg.pool.query('SELECT count(*)::int AS n FROM upload_feature WHERE job_id = $1', [job.id])).rows[0].n).toBe(0);
        expect((await app.pg.pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE $1`, [`upload\\_stage\\_${job.id.replace(/-/g, '')}%`])).rows[0].n).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads a zipped Windows-1257 shapefile without .cpg, in a subfolder with upper-case extensions, as one layer per shapefile', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(fixtures, 'uploads/latvija_1257.zip'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.format).toBe('ESRI Shapefile');
      const byName = Object.fromEntries(job.layers.map((l) => [l.name, l]));
      expect(Object.keys(byName).sort()).toEqual(['PUNKTI', 'linijas']);
      expect(byName.PUNKTI).toMatchObject({ encoding: 'Windows-1257', featureCount: 4, crs: 'EPSG:3059', geometryType: 'Point' });
      expect(byName.linijas).toMatchObject({ encoding: 'UTF-8', featureCount: 2, geometryType: 'MultiLineString' });

      await expect(app.inject({ headers: await asEditor(app), method: 'POST', url: `/api/uploads/${job.id}/publish`, payload: { title: { lv: 'X' } } })).resolves.toMatchObject({ statusCode: 400 });
      const done = await publish(app, job.id, { layer: 'PUNKTI', title: { lv: 'Punkti 1257' }, fields: ['Nosaukums', 'ipasnieks'] });
      expect(done.status, JSON.stringify(done.errors)).toBe('done');
      const items = (await app.inject({ url: `/ogc/collections/${done.layerId}/items`, headers: await editorHeaders(app) })).json();
      expect(items.features.map((f: { properties: Record<string, string> }) => f.properties.ipasnieks)).toContain('Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž');
      expect(Object.keys(items.features[0].properties).sort()).toEqual(['ipasnieks', 'nosaukums']);
    });

    it('imports a real Mārupe GeoPackage with no file extension in EPSG:25884 and stores it in EPSG:3059', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'latvia-marupe-jaunmarupe/Forestry2_Jaunmarupe_12062026'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.format).toBe('GPKG');
      expect(job.layers[0]).toMatchObject({ crs: 'EPSG:25884', featureCount: 197, geometryType: 'MultiPolygon' });
      expect(job.errors).toEqual([]);
      const done = await publish(app, job.id, { title: { lv: 'Meža nogabali' } });
      expect(done.status, JSON.stringify(done.errors)).toBe('done');
      const layer = (await app.layers.get(done.layerId!))!;
      const { rows } = await app.pg.pool.query(`SELECT count(*)::int AS n, max(ST_YMax(geom)) AS ymax, bool_and(ST_IsValid(geom)) AS valid FROM ${layer.sql.table}`);
      expect(rows[0]).toMatchObject({ n: 197, valid: true });
      expect(rows[0].ymax).toBeLessThan(400_000); // LKS-92 northing, not TM Baltic93's 6.3 M
      const { rows: text } = await app.pg.pool.query(`SELECT count(*)::int AS n FROM ${layer.sql.table} WHERE meznieciba = 'Tīreļu'`);
      expect(text[0].n).toBeGreaterThan(0);
    });

    it('says which CRS places the data in Latvia when the declared one does not (3059 vs 25884)', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'latvia-marupe-jaunmarupe/Forestry2_Jaunmarupe_12062026'), { crs: 'EPSG:3059' }, 'forestry.gpkg');
      expect(job.status).toBe('ready');
      expect(job.errors[0].message).toMatch(/not in Latvia when read as EPSG:3059.*EPSG:25884.*6 000 000 m/);
      const res = await app.inject({ headers: await asEditor(app), method: 'POST', url: `/api/uploads/${job.id}/publish`, payload: { title: { lv: 'X' } } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/EPSG:25884/);
    });

    it('asks for a CRS when a shapefile has no .prj, and publishes with the one chosen', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(fixtures, 'uploads/bez_prj.zip'));
      expect(job.status).toBe('ready');
      expect(job.layers[0].crs).toBeNull();
      expect(job.errors[0].message).toMatch(/no CRS \(no \.prj file\).*EPSG:3059/);
      const refused = await app.inject({ headers: await asEditor(app), method: 'POST', url: `/api/uploads/${job.id}/publish`, payload: { title: { lv: 'Bez prj' } } });
      expect(refused.statusCode).toBe(400);
      const done = await publish(app, job.id, { title: { lv: 'Bez prj' }, crs: 'EPSG:3059' });
      expect(done.status, JSON.stringify(done.errors)).toBe('done');
    });

    it('lists every vector layer of a multi-layer GeoPackage (2D/3D, SRS 0/4326/32631) and drops Z with a warning', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'ngageoint-geopackage-js/gdal_sample.gpkg'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers.length).toBeGreaterThanOrEqual(14);
      expect(job.warnings.some((w) => w.code === 'geometry.dimensionsDropped' && /has Z values.*dropped/.test(w.message))).toBe(true);
      expect(job.layers.find((l) => l.name === 'polygon2d')?.crs).toBe('EPSG:32631');
    });

    it('refuses GeoPackages without a vector layer and leaves no trace', async () => {
      const { app } = ctx();
      for (const file of ['attributes.gpkg', 'test.gpkg']) {
        const job = await upload(app, path.join(external, 'ngageoint-geopackage-js', file));
        expect(job.status, file).toBe('failed');
        expect(job.errors[0].message, file).toMatch(/no vector layer/);
        expect(await traces(app, job), file).toEqual(noTraces);
      }
    });

    // About sixty uploads one after another: slow on a loaded 2-core machine, hence its own timeout.
    it('imports every geojsonhint good/ file and refuses every bad/ one with a message naming the problem', async () => {
      const { app } = ctx();
      const good = path.join(external, 'mapbox-geojsonhint/good');
      for (const f of readdirSync(good)) {
        const job = await upload(app, path.join(good, f));
        expect(job.status, `${f}: ${JSON.stringify(job.errors)}`).toBe('ready');
      }
      // Winding order and precision are warnings only; duplicate keys vanish in any JSON parser.
      const acceptable = ['bad-polygon-interiorring-rhr.geojson', 'polygon_winding_order.geojson', 'excessive_precision_truncated.geojson', 'bad-duplicate-properties.geojson'];
      const bad = path.join(external, 'mapbox-geojsonhint/bad');
      for (const f of readdirSync(bad).filter((f) => !acceptable.includes(f))) {
        const job = await upload(app, path.join(bad, f));
        expect(job.status, f).toBe('failed');
        expect(job.errors[0].message.length, f).toBeGreaterThan(20);
        // Each problem has a code, so the Data page can word it in Latvian or Ukrainian.
        expect(job.errors.every((e) => e.code && e.message), f).toBe(true);
        // Nor a staging table (ogr2ogr may have staged it while it was checked).
        expect(await traces(app, job), f).toEqual(noTraces);
      }
      const rhr = await upload(app, path.join(bad, 'polygon_winding_order.geojson'));
      expect(rhr.status).toBe('ready');
      expect(rhr.warnings[0].message).toMatch(/right-hand rule/);
      expect((await app.inject({ headers: await asEditor(app), url: '/api/uploads/' + 'not-a-uuid' })).statusCode).toBe(400);
    }, 120_000);

    it('reads KML with ExtendedData', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'mapbox-togeojson/extended_data.kml'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.format).toMatch(/KML/);
      expect(job.layers[0].featureCount).toBeGreaterThan(0);
    });

    it('replaces an uploaded layer with a new version in one go and restores the previous one', async () => {
      const { app } = ctx();
      const first = await publish(app, (await upload(app, path.join(fixtures, 'uploads/punkti_lks92.geojson'))).id, { title: { lv: 'Versijas' } });
      const layerId = first.layerId!;
      const second = await upload(app, path.join(fixtures, 'uploads/latvija_1257.zip'), { layer: 'linijas' });
      expect(second.layers.map((l) => l.name)).toEqual(['linijas']);
      const replaced = await publish(app, second.id, { title: { lv: 'Versijas' }, replaceLayerId: layerId });
      expect(replaced.status, JSON.stringify(replaced.errors)).toBe('done');
      expect(replaced.layerId).toBe(layerId);
      expect((await app.inject({ url: `/ogc/collections/${layerId}/items`, headers: await editorHeaders(app) })).json().features).toHaveLength(2);

      const list = (await app.inject({ headers: await asEditor(app), url: '/api/datasets' })).json();
      const dataset = list.datasets.find((d: { layerId: string }) => d.layerId === layerId);
      expect(dataset).toMatchObject({ currentVersion: 2, geometryType: 'MultiLineString' });
      expect(dataset.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

      const restored = await app.inject({ headers: await asEditor(app), method: 'POST', url: `/api/datasets/${layerId}/restore`, payload: { version: 1 } });
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json()).toMatchObject({ currentVersion: 1, geometryType: 'Point' });
      expect((await app.inject({ url: `/ogc/collections/${layerId}/items`, headers: await editorHeaders(app) })).json().features).toHaveLength(4);

      const deleted = await app.inject({ headers: await asEditor(app), method: 'DELETE', url: `/api/datasets/${layerId}` });
      expect(deleted.statusCode).toBe(204);
      expect((await app.inject({ url: `/ogc/collections/${layerId}` })).statusCode).toBe(404);
      const { rows } = await app.pg.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'upl\\_versijas%'`);
      expect(rows[0].n).toBe(0);
    });

    it('leaves existing layers exactly as they were when publishing fails mid-import', async () => {
      const { app } = ctx();
      const first = await publish(app, (await upload(app, path.join(fixtures, 'uploads/punkti_lks92.geojson'))).id, { title: { lv: 'Nemainīgs' } });
      const layerId = first.layerId!;
      // This layer's own tables and layer rows only: other suites publish into the shared database meanwhile.
      const own = async () => ({
        tables: (await app.pg.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE $1`, [`upl\\_${layerId.replace(/^upload-/, '').replace(/-/g, '\\_')}\\_v%`])).rows[0].n,
        layers: (await app.pg.pool.query(`SELECT count(*)::int AS n FROM layer WHERE id LIKE 'upload-nemainigs%'`)).rows[0].n,
      });
      const before = await own();
      const layerRow = (await app.pg.pool.query('SELECT source_table, data_version, fields FROM layer WHERE id = $1', [layerId])).rows[0];
      const second = await upload(app, path.join(fixtures, 'uploads/latvija_1257.zip'), { layer: 'linijas' });
      app.uploads.hooks.beforeCommit = () => {
        throw new Error('injected failure');
      };
      try {
        const failed = await publish(app, second.id, { title: { lv: 'Nemainīgs' }, replaceLayerId: layerId });
        expect(failed.status).toBe('failed');
        expect(failed.errors[0].message).toMatch(/nothing was changed/);
      } finally {
        delete app.uploads.hooks.beforeCommit;
      }
      expect((await app.pg.pool.query('SELECT source_table, data_version, fields FROM layer WHERE id = $1', [layerId])).rows[0]).toEqual(layerRow);
      expect(await own()).toEqual(before);
      // The analysis survived: a retry makes it publishable again.
      const retried = await app.inject({ headers: await asEditor(app), method: 'POST', url: `/api/uploads/${second.id}/retry` });
      expect(retried.json().status).toBe('ready');
      const done = await publish(app, second.id, { title: { lv: 'Nemainīgs' }, replaceLayerId: layerId });
      expect(done.status).toBe('done');
    });

    it('answers 413 naming the limit for a file over the upload size limit', async () => {
      const { app } = ctx();
      const body = multipart('big.geojson', Buffer.alloc(3 * 1024 * 1024, 32));
      const res = await app.inject({ method: 'POST', url: '/api/uploads', payload: body.payload, headers: { ...body.headers, ...(await asEditor(app)) } });
      expect(res.statusCode).toBe(413);
      expect(res.json().message).toMatch(/upload limit of 2 MB/);
    });

    it('refuses zip bombs and archive entries that climb out of the archive', async () => {
      const { app } = ctx();
      const bomb = await upload(app, path.join(fixtures, 'uploads/zip_bomb.zip'));
      expect(bomb.status).toBe('failed');
      expect(bomb.errors[0].message).toMatch(/unpacks to more than 16 MB/);
      const traversal = await upload(app, path.join(fixtures, 'uploads/path_traversal.zip'));
      expect(traversal.status).toBe('failed');
      expect(traversal.errors[0].message).toMatch(/points outside the archive/);
    });

    it('publishes each layer of a multi-layer upload from the one upload, and refuses one published twice', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(fixtures, 'uploads/latvija_1257.zip'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      const names = job.layers.map((l) => l.name);
      expect(names.length).toBeGreaterThan(1);
      const published: string[] = [];
      for (const [i, layer] of names.entries()) {
        const done = await publish(app, job.id, { layer, title: { lv: `Vairāki slāņi ${i + 1}` } });
        expect(done.status, JSON.stringify(done.errors)).toBe('done');
        published.push(done.layerId!);
        // The file stays on the server while layers are left to publish.
        expect(!!(await app.uploads.get(job.id))!.filePath, layer).toBe(i < names.length - 1);
      }
      expect(new Set(published).size).toBe(names.length);
      const twice = await app.inject({ headers: await asEditor(app), method: 'POST', url: `/api/uploads/${job.id}/publish`, payload: { layer: names[0], title: { lv: 'Vēlreiz' } } });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().details.code).toBe('publish.notReady');
      expect(await traces(app, { id: job.id })).toEqual(noTraces);
    });

    it('clears the file and staged features of an upload left unpublished past UPLOAD_KEEP_HOURS, saying so', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(fixtures, 'uploads/punkti_lks92.geojson'));
      expect(job.status).toBe('ready');
      const filePath = (await app.uploads.get(job.id))!.filePath!;
      await app.pg.pool.query(`UPDATE upload_job SET updated_at = now() - interval '100 hours' WHERE id = $1`, [job.id]);
      expect(await app.uploads.expireStale()).toBeGreaterThanOrEqual(1);
      const expired = (await app.inject({ headers: await asEditor(app), url: `/api/uploads/${job.id}` })).json();
      expect(expired.status).toBe('failed');
      expect(expired.errors[0].code).toBe('job.expired');
      expect(await traces(app, { id: job.id })).toEqual(noTraces);
      expect(existsSync(filePath)).toBe(false);
    });

    it('marks a job a restart interrupted as failed, with a message', async () => {
      const { app } = ctx();
      const { rows } = await app.pg.pool.query(
        `INSERT INTO upload_job (file_name, status, municipality_id) VALUES ('katrs.zip', 'importing', $1) RETURNING id`,
        [await municipalityId(app, 'testa')],
      );
      expect(await app.uploads.recover()).toBeGreaterThanOrEqual(1);
      const job = (await app.inject({ headers: await asEditor(app), url: `/api/uploads/${rows[0].id}` })).json();
      expect(job.status).toBe('failed');
      expect(job.errors[0].message).toMatch(/server stopped.*Retry/);
    });

    it('is open only to editors: anonymous visitors get 401, viewers 403', async () => {
      const { app } = ctx();
      expect((await app.inject({ url: '/api/uploads' })).statusCode).toBe(401);
      const viewer = await signedInAs(app, 'viewer', await municipalityId(app, 'testa'));
      expect((await app.inject({ url: '/api/uploads', headers: { ...viewer.headers, 'x-municipality': 'testa' } })).statusCode).toBe(403);
      expect((await app.inject({ url: '/api/uploads', headers: await asEditor(app) })).statusCode).toBe(200);
    });
  },
  { env: { UPLOAD_MAX_MB: '2', UPLOAD_MAX_UNZIPPED_MB: '16', AUTH_RATE_LIMIT: '1000' } },
);
