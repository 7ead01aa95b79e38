import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { stagingTables } from '../../../server/src/uploads/load/directStage.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { publishAsEditor, uploadAsEditor } from '../../helpers/uploads.js';
import { editorHeaders } from '../../helpers/users.js';

const external = path.join(rootDir, 'tests/fixtures/external');

interface Job {
  id: string;
  status: string;
  layers: { name: string; geometryType: string | null; featureCount: number; crs: string | null; crsProblem?: string }[];
  warnings: { code?: string; message: string }[];
  errors: { code?: string; message: string }[];
  layerId?: string;
}

const upload = (app: FastifyInstance, file: string, fields: Record<string, string> = {}) => uploadAsEditor<Job>(app, file, fields);
const publish = (app: FastifyInstance, job: Job, body: object) => publishAsEditor<Job>(app, job.id, body);

const expectedCount = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { features: unknown[] }).features.length;

describeEachDatabase(
  'uploads of real files with quirks',
  (ctx) => {
    it('reads a shapefile sent without its .shx, or with neither .shx nor .dbf, and says the index was rebuilt', async () => {
      const { app } = ctx();
      for (const [zip, expected] of [['singleton_without_shx.zip', 'singleton.json'], ['pointm_shp_only.zip', 'pointm.json']]) {
        const job = await upload(app, path.join(external, 'mbostock-shapefile', zip));
        expect(job.status, `${zip}: ${JSON.stringify(job.errors)}`).toBe('ready');
        expect(job.layers[0].featureCount, zip).toBe(expectedCount(path.join(external, 'mbostock-shapefile', expected)));
        expect(job.warnings.map((w) => w.code), zip).toContain('file.shxRestored');
      }
    });

    it('reads every placemark of a KML that has them straight under <kml>, saying the simpler reader was used', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'mapbox-togeojson/twopoints.kml'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      // GDAL's LIBKML driver keeps only the second; its KML driver reads both.
      expect(job.layers.map((l) => [l.name, l.featureCount])).toEqual([['twopoints', expectedCount(path.join(external, 'mapbox-togeojson/twopoints.kml.geojson'))]]);
      expect(job.warnings.find((w) => w.code === 'file.kmlSimpleDriver')?.message).toMatch(/has 2 placemarks, of which .* kept only 1 .* which kept 2/);
      // (In California: publishing is refused as outside Latvia, so the names are read from the staging.)
      const [table] = await stagingTables(app.pg.pool, job.id);
      const { rows: names } = table
        ? await app.pg.pool.query(`SELECT "Name" AS name FROM "${table}" ORDER BY _upload_fid`)
        : await app.pg.pool.query(`SELECT properties->>'Name' AS name FROM upload_feature WHERE job_id = $1 ORDER BY feature_index`, [job.id]);
      expect(names.map((r: { name: string }) => r.name)).toEqual(['Simple placemark', 'Simple placemark two']);
    });

    it('reads a KML folder whose name has spaces around it, leaving out the placemarks with empty tracks', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'mapbox-togeojson/addresses.kml'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      // 15 placemarks (addresses.kml.geojson), 8 of them with an empty point and an empty track.
      expect(expectedCount(path.join(external, 'mapbox-togeojson/addresses.kml.geojson'))).toBe(15);
      expect(job.layers.map((l) => [l.name, l.featureCount])).toEqual([['Location history from 2015-08-01 to 2015-08-08', 7]]);
      expect(job.warnings.find((w) => w.code === 'geometry.missing')?.message).toMatch(/^8 of 15 features/);
      // The file's own data is kept (its TimeSpans too); the columns LIBKML adds to every layer are offered unticked when empty.
      const fields = (job.layers[0] as unknown as { fields: { sourceName: string; suggestDrop?: boolean }[] }).fields;
      expect(fields.filter((f) => !f.suggestDrop).map((f) => f.sourceName)).toEqual(expect.arrayContaining(['Name', 'description', 'Category', 'Distance', 'begin', 'end']));
      expect(fields.filter((f) => f.suggestDrop).map((f) => f.sourceName)).toEqual(expect.arrayContaining(['altitudeMode', 'drawOrder', 'icon']));
    });

    it('names the layers of a KML document without a name after the file', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'mapbox-togeojson/gxmultitrack.kml'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers.map((l) => l.name).sort()).toEqual(['gxmultitrack_lines', 'gxmultitrack_points']);
    });

    it('publishes a collection of a point and a line with the lines, and says the point is left out', async () => {
      const { app } = ctx();
      for (const file of ['mapbox-togeojson/multigeometry_discrete.kml', 'mapbox-geojsonhint/good/good-geometrycollection.geojson']) {
        const job = await upload(app, path.join(external, file));
        expect(job.status, `${file}: ${JSON.stringify(job.errors)}`).toBe('ready');
        expect(job.layers[0], file).toMatchObject({ geometryType: 'MultiLineString', featureCount: 1 });
        expect(job.warnings.map((w) => w.code), file).toContain('geometry.collections');
        const done = await publish(app, job, { title: { lv: `Kolekcija ${path.basename(file)}` }, crs: 'EPSG:4326' });
        expect(done.status, `${file}: ${JSON.stringify(done.errors)}`).toBe('done');
        const items = (await app.inject({ url: `/ogc/collections/${done.layerId}/items`, headers: await editorHeaders(app) })).json();
        expect(items.features.map((f: { geometry: { type: string } }) => f.geometry.type), file).toEqual(['MultiLineString']);
      }
    });

    it('asks for the CRS of GeoPackage layers whose SRS is "undefined" (srs_id 0) instead of guessing', async () => {
      const { app } = ctx();
      const job = await upload(app, path.join(external, 'ngageoint-geopackage-js/gdal_sample.gpkg'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers.find((l) => l.name === 'point2d')).toMatchObject({ crs: null, crsProblem: expect.stringMatching(/no CRS/) });
      expect(job.layers.find((l) => l.name === 'linestring2d')).toMatchObject({ crs: 'EPSG:4326' });
      expect(job.warnings.some((w) => w.code === 'crs.unusual' && /Undefined/.test(w.message))).toBe(false);
    });

    it('explains a publish that PROJ cannot transform, naming the layer and the CRS, and what to do', async () => {
      const { app } = ctx();
      // Latitude −142: no CRS puts that in Latvia, and WGS-84 cannot transform it.
      const job = await upload(app, path.join(external, 'mapbox-geojsonhint/good/issue82.geojson'));
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      const failed = await publish(app, job, { title: { lv: 'Neiespējamas koordinātas' }, crs: 'EPSG:4326' });
      expect(failed.status).toBe('failed');
      expect(failed.errors[0]).toMatchObject({ code: 'publish.transformFailed', message: expect.stringMatching(/cannot be transformed from EPSG:4326 .* Check the CRS chosen/) });
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
