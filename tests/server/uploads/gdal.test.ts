import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { extractZip } from '../../../server/src/importers/zip.js';
import { vectorBackend } from '../../../server/src/uploads/gdal/index.js';
import { hasNativeGdal } from '../../../server/src/uploads/gdal/probe.js';
import { epsgFromWkt } from '../../../server/src/uploads/crs.js';
import { sanitizeFieldNames } from '../../../server/src/uploads/fieldNames.js';
import { directTarget, dropStaging, stageDirect, stagingTables } from '../../../server/src/uploads/load/directStage.js';
import { describeWhen } from '../../helpers/requirements.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

const fixtures = path.join(rootDir, 'tests/fixtures');

function backendSuite(choice: 'native' | 'gdal3.js') {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gdal-test-'));
    await extractZip(path.join(fixtures, 'uploads/latvija_1257.zip'), dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists layers, geometry type, feature count, CRS and fields of a GeoPackage', async () => {
    const backend = await vectorBackend(choice);
    const info = await backend.info(path.join(fixtures, 'external/latvia-marupe-jaunmarupe/Forestry2_Jaunmarupe_12062026'));
    expect(info.driver).toBe('GPKG');
    expect(info.layers[0]).toMatchObject({ name: 'nogabali__nogabali_db', featureCount: 197 });
    expect(epsgFromWkt(info.layers[0].wkt!)).toBe(25884);
    expect(info.layers[0].fields.find((f) => f.name === 'kvartals')).toBeDefined();
  });

  it('converts a Windows-1257 shapefile to line-per-feature GeoJSON with Latvian text intact', async () => {
    const backend = await vectorBackend(choice);
    const shp = path.join(dir, 'Dati/PUNKTI.shp');
    const info = await backend.info(shp, ['ENCODING=CP1257']);
    expect(epsgFromWkt(info.layers[0].wkt!)).toBe(3059);
    const out = path.join(dir, `out-${choice}.geojson`);
    await backend.toGeoJson(shp, 'PUNKTI', out, { openOptions: ['ENCODING=CP1257'] });
    const lines = (await readFile(out, 'utf8')).split('\n').filter((l) => l.startsWith('{ "type": "Feature"'));
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).toContain('Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž');
  });

  it('reports what GDAL says about a file it cannot read', async () => {
    const backend = await vectorBackend(choice);
    await expect(backend.info(path.join(fixtures, 'external/mapbox-geojsonhint/bad/bad-json.geojson'))).rejects.toThrow(/JSON|GeoJSON/);
  });
}

describe('GDAL backend gdal3.js (WebAssembly from npm)', () => backendSuite('gdal3.js'));
describeWhen(hasNativeGdal(), 'GDAL backend native', 'ogr2ogr/ogrinfo are not on the PATH', () => backendSuite('native'));

describe('field names', () => {
  it('folds Latvian diacritics, avoids reserved words and duplicates, keeps 63 bytes', () => {
    expect(sanitizeFieldNames(['Īpašnieks', 'ID', 'geom', 'Nosaukums', 'nosaukums', '2020 gads', 'x'.repeat(80)])).toEqual([
      'ipasnieks', 'id_1', 'geom_1', 'nosaukums', 'nosaukums_2', 'f_2020_gads', 'x'.repeat(60),
    ]);
  });
});

describe('CRS from WKT', () => {
  it('recognises the Latvian CRSs in ESRI .prj files without an authority code', () => {
    expect(epsgFromWkt('PROJCS["LKS_1992_Latvia_TM",GEOGCS["GCS_LKS_1992"]]')).toBe(3059);
    expect(epsgFromWkt('PROJCS["ETRS_1989_TM_Baltic_1993",GEOGCS["GCS_ETRS_1989"]]')).toBe(25884);
    expect(epsgFromWkt('PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984"]]')).toBe(3857);
    expect(epsgFromWkt('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]')).toBe(4326);
    expect(epsgFromWkt('PROJCS["ETRS89_LAEA_Europe",GEOGCS["ETRS89"]]')).toBe(3035);
    expect(epsgFromWkt('PROJCS["Unknown",GEOGCS["x",AUTHORITY["EPSG","4258"]],AUTHORITY["EPSG","3059"]]')).toBe(3059);
  });
});

describeWhen(hasNativeGdal(), 'direct staging by native ogr2ogr', 'ogr2ogr/ogrinfo are not on the PATH', () => {
  describeEachDatabase('direct staging', (ctx) => {
    it('lets ogr2ogr COPY a layer into a staging table of its own only on a database that takes a second connection, and leaves nothing else behind', async () => {
      const { app } = ctx();
      const pool = app.pg.pool;
      const backend = await vectorBackend('native');
      const target = directTarget(pool, backend);
      if ((pool as unknown as { options: { max: number } }).options.max < 2) {
        // The embedded database serves one connection: ogr2ogr's would wait for ever.
        expect(target).toBeUndefined();
        return;
      }
      expect(target).toBeDefined();
      const dir = await mkdtemp(path.join(tmpdir(), 'direct-stage-'));
      const { rows } = await pool.query<{ id: string }>(`INSERT INTO upload_job (file_name) VALUES ('latvija_1257.zip') RETURNING id`);
      const jobId = rows[0].id;
      const trace = async () =>
        ({ srs: (await pool.query(`SELECT count(*)::int AS n FROM spatial_ref_sys`)).rows[0].n, staging: (await stagingTables(pool, jobId)).length });
      try {
        await extractZip(path.join(fixtures, 'uploads/latvija_1257.zip'), dir);
        const before = await trace();
        const staged = await stageDirect(pool, backend, target!, jobId, path.join(dir, 'Dati/PUNKTI.shp'), 'PUNKTI', { openOptions: ['ENCODING=CP1257'] });
        expect(await stagingTables(pool, jobId)).toEqual([staged]);
        const features = (await pool.query(`SELECT _upload_fid AS fid, to_jsonb(s) - '_upload_geom' - '_upload_fid' AS properties FROM "${staged}" s ORDER BY 1`)).rows;
        expect(features.map((f) => f.fid)).toEqual([1, 2, 3, 4]);
        expect(JSON.stringify(features.map((f) => f.properties))).toContain('Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž');
        // Unlogged: a staging table costs no write-ahead log.
        expect((await pool.query(`SELECT relpersistence FROM pg_class WHERE relname = $1`, [staged])).rows[0].relpersistence).toBe('u');
        await expect(
          stageDirect(pool, backend, target!, jobId, path.join(fixtures, 'external/mapbox-geojsonhint/bad/bad-json.geojson'), 'bad-json', {}),
        ).rejects.toThrow();
        // A failed load leaves no table; dropping the job's staging leaves none at all.
        expect(await stagingTables(pool, jobId)).toEqual([staged]);
        await dropStaging(pool, jobId);
        // The file's own CRS is never added to spatial_ref_sys.
        expect(await trace()).toEqual(before);
      } finally {
        await pool.query('DELETE FROM upload_job WHERE id = $1', [jobId]);
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
