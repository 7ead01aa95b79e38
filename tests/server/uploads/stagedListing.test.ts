import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { epsgFromWkt } from '../../../server/src/uploads/crs.js';
import { vectorBackend } from '../../../server/src/uploads/gdal/index.js';
import { hasNativeGdal } from '../../../server/src/uploads/gdal/probe.js';
import { checkGeoJson } from '../../../server/src/uploads/geojsonCheck.js';
import { directTarget, dropStaging, stageDirect } from '../../../server/src/uploads/load/directStage.js';
import { stagedGeoJsonListing } from '../../../server/src/uploads/load/stagedListing.js';
import { describeWhen } from '../../helpers/requirements.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

const fixtures = path.join(rootDir, 'tests/fixtures');
const good = path.join(fixtures, 'external/mapbox-geojsonhint/good');
/** Every valid GeoJSON of the fixtures: the geojsonhint corpus, shapefile.js's JSON twins, our own. */
const files = [
  ...readdirSync(good).map((f) => path.join(good, f)),
  ...['points.json', 'polygons.json', 'utf8-property.json'].map((f) => path.join(fixtures, 'external/mbostock-shapefile', f)),
  path.join(fixtures, 'external/mapbox-togeojson/extended_data.kml.geojson'),
  path.join(fixtures, 'uploads/punkti_lks92.geojson'),
];

describeWhen(hasNativeGdal(), 'a GeoJSON listed from its staging table', 'ogr2ogr/ogrinfo are not on the PATH', () => {
  describeEachDatabase('staged listing', (ctx) => {
    it('names the layer, its CRS and its fields with their types as ogrinfo does, for every valid GeoJSON fixture', async () => {
      const pool = ctx().app.pg.pool;
      const backend = await vectorBackend('native');
      const target = directTarget(pool, backend);
      if (!target) return; // The embedded database takes no second connection: ogrinfo lists there.
      const { rows } = await pool.query<{ id: string }>(`INSERT INTO upload_job (file_name) VALUES ('listing') RETURNING id`);
      const jobId = rows[0].id;
      let compared = 0;
      try {
        for (const file of files) {
          const { summary, errors } = checkGeoJson(await readFile(file, 'utf8'));
          if (errors.length) continue;
          const ogrinfo = (await backend.info(file)).layers[0];
          const table = await stageDirect(pool, backend, target, jobId, file, '', {});
          const listed = (await stagedGeoJsonListing(pool, table, summary!, path.basename(file)))?.layers[0];
          const name = path.basename(file);
          expect(listed, name).toBeDefined();
          expect(listed!.name, name).toBe(ogrinfo.name);
          expect(listed!.epsg, name).toBe(epsgFromWkt(ogrinfo.wkt!));
          expect(listed!.fields, name).toEqual(ogrinfo.fields);
          compared++;
        }
      } finally {
        await dropStaging(pool, jobId);
        await pool.query('DELETE FROM upload_job WHERE id = $1', [jobId]);
      }
      expect(compared).toBeGreaterThan(8);
    });

    it('leaves a CRS that is not a plain EPSG name to ogrinfo', async () => {
      const summary = checkGeoJson(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'link', properties: { href: 'x.prj' } }, features: [] })).summary!;
      expect(summary.epsg).toBeUndefined();
      expect(await stagedGeoJsonListing(ctx().app.pg.pool, 'unused', summary, 'x.geojson')).toBeUndefined();
      const named = (crs: string) => checkGeoJson(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: crs } }, features: [] })).summary!.epsg;
      expect(named('urn:ogc:def:crs:EPSG::3059')).toBe(3059);
      expect(named('EPSG:25884')).toBe(25884);
      expect(named('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(4326);
      expect(named('urn:ogc:def:crs:ESRI::102100')).toBeUndefined();
    });
  });
});
