import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import {
  boundaryFilesFromPath,
  dbfEncoding,
  readBoundarySource,
  sridFromGeoJsonCrs,
  sridFromPrj,
} from '../../../server/src/importers/boundaryFiles.js';
import { ImportError } from '../../../server/src/importers/importError.js';
import { importTerritorialUnits } from '../../../server/src/importers/territorialUnits.js';
import { unzip, type NamedFile } from '../../../server/src/importers/zip.js';
import { databaseKinds, openTestDatabase } from '../../helpers/testApp.js';

const fixtureDir = path.join(rootDir, 'tests/fixtures/boundaries');
const file = (name: string): NamedFile => ({ name: path.basename(name), data: readFileSync(path.join(fixtureDir, name)) });
const parishesGeoJson = file('pagasti_crs84.geojson');
const villagesGeoJson = file('ciemi_lks92.geojson');
const villagesZip = file('ciemi_lks92.zip');
const VILLAGES = ['Jaunmārupe', 'Tīraine', 'Piņķi', 'Dzilnuciems'];

describe('boundary files', () => {
  it('unzips a zipped shapefile', async () => {
    expect((await unzip(villagesZip.data)).map((f) => f.name).sort()).toEqual(
      ['ciemi_lks92.cpg', 'ciemi_lks92.dbf', 'ciemi_lks92.prj', 'ciemi_lks92.shp', 'ciemi_lks92.shx'],
    );
  });

  it('recognises LKS-92 / Latvia TM in ESRI and OGC .prj files', () => {
    const esri = readFileSync(path.join(fixtureDir, 'ciemi_bez_cpg/ciemi.prj'), 'utf8');
    expect(sridFromPrj(esri)).toBe(3059);
    expect(sridFromPrj('PROJCS["LKS92 / Latvia TM",GEOGCS["LKS92",AUTHORITY["EPSG","4661"]],AUTHORITY["EPSG","3059"]]')).toBe(3059);
    expect(sridFromPrj('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]]')).toBe(4326);
    expect(sridFromPrj('PROJCS["ETRS89_LAEA_Europe",GEOGCS["GCS_ETRS_1989"]]')).toBeNull();
  });

  it('reads the GeoJSON crs member, CRS84 when there is none', () => {
    expect(sridFromGeoJsonCrs(undefined)).toBe(4326);
    expect(sridFromGeoJsonCrs({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3059' } })).toBe(3059);
    expect(sridFromGeoJsonCrs({ type: 'name', properties: { name: 'EPSG:3059' } })).toBe(3059);
    expect(sridFromGeoJsonCrs({ type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } })).toBe(4326);
    expect(sridFromGeoJsonCrs({ type: 'name', properties: { name: 'LKS92 local' } })).toBeNull();
  });

  it('takes the DBF character set from the .cpg, or recognises Windows-1257 without one', () => {
    const dbf = readFileSync(path.join(fixtureDir, 'ciemi_bez_cpg/ciemi.dbf'));
    expect(dbfEncoding(dbf, 'CP1257')).toBe('windows-1257');
    expect(dbfEncoding(dbf, 'UTF-8')).toBe('utf-8');
    expect(dbfEncoding(dbf)).toBe('windows-1257');
    expect(dbfEncoding(new TextEncoder().encode('\u0003\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u000a\u0000 Jaunmārupe'))).toBe('utf-8');
  });

  it('reads Latvian names intact from a zipped shapefile in Windows-1257', async () => {
    const source = await readBoundarySource([villagesZip]);
    expect(source).toMatchObject({ format: 'Shapefile', srid: 3059, encoding: 'windows-1257' });
    expect(source.features.map((f) => f.properties.NOSAUKUMS)).toEqual(VILLAGES);
  });

  it('finds the side files of a .shp on disk', async () => {
    const files = await boundaryFilesFromPath(path.join(fixtureDir, 'ciemi_bez_cpg/ciemi.shp'));
    expect(files.map((f) => f.name).sort()).toEqual(['ciemi.dbf', 'ciemi.prj', 'ciemi.shp', 'ciemi.shx']);
  });

  it('asks for a proper file when given something else', async () => {
    await expect(readBoundarySource([{ name: 'notes.txt', data: new Uint8Array(3) }])).rejects.toThrow(/Give a \.geojson, a \.shp with its \.dbf, or a \.zip/);
    await expect(readBoundarySource([{ name: 'x.zip', data: new TextEncoder().encode('not a zip at all, just text') }])).rejects.toThrow(ImportError);
  });
});

for (const kind of databaseKinds()) {
  describe(`importTerritorialUnits [${kind}]`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let pool: pg.Pool;
    let db: pg.PoolClient;
    let municipalityId: number;

    async function freshMunicipality(code: string): Promise<number> {
      await db.query('DELETE FROM municipality WHERE code = $1', [code]);
      const { rows } = await db.query<{ id: number }>(`INSERT INTO municipality (code, name) VALUES ($1, 'Robežu importa pārbaude') RETURNING id`, [code]);
      return rows[0].id;
    }

    const unit = async (name: string) =>
      (
        await db.query(
          `SELECT u.kind, u.atvk_code, p.name AS parent, ST_SRID(u.geom) AS srid, ST_GeometryType(u.geom) AS type,
                  ST_NumGeometries(u.geom) AS parts, ST_IsValid(u.geom) AS valid, ST_NumInteriorRings(ST_GeometryN(u.geom, 1)) AS holes,
                  ST_X(ST_Transform(ST_Centroid(u.geom), 4326)) AS lon, ST_Y(ST_Transform(ST_Centroid(u.geom), 4326)) AS lat
             FROM territorial_unit u LEFT JOIN territorial_unit p ON p.id = u.parent_id
            WHERE u.municipality_id = $1 AND u.name = $2`,
          [municipalityId, name],
        )
      ).rows[0];

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      pool = new pg.Pool({ connectionString: database.connectionString, max: 1 });
      db = await pool.connect();
      municipalityId = await freshMunicipality('boundaries-tests');
    });

    afterAll(async () => {
      db?.release();
      await pool?.end();
      await database?.close();
      await database?.cleanup();
    });

    it('imports parishes and a town from CRS84 GeoJSON, reprojected to LKS-92 and made valid', async () => {
      const report = await importTerritorialUnits(db, municipalityId, [parishesGeoJson]);
      expect(report).toMatchObject({ format: 'GeoJSON', srid: 4326, nameField: 'nosaukums', features: 6, inserted: 3, updated: 0, skipped: 3 });
      expect(report.problems).toEqual({ 'no geometry': 1, 'not a polygon': 1, 'unknown kind': 1 });
      expect(report.skippedFeatures.find((s) => s.problem === 'unknown kind')).toMatchObject({ feature: 6, name: 'Ķekavas pagasts' });
      const babite = await unit('Babītes pagasts');
      expect(babite).toMatchObject({ kind: 'parish', atvk_code: '0807602', srid: 3059, type: 'ST_MultiPolygon', valid: true });
      expect(babite.lon).toBeGreaterThan(23.9);
      expect(babite.lon).toBeLessThan(24.03);
      expect(babite.lat).toBeGreaterThan(56.92);
      expect(babite.lat).toBeLessThan(56.97);
      // The self-intersecting "bow tie" became two valid triangles.
      expect(await unit('Salas pagasts')).toMatchObject({ valid: true, parts: 2 });
      expect((await unit('Mārupe')).kind).toBe('town');
    });

    it('imports villages from a zipped Windows-1257 shapefile and links them to the parish they lie in', async () => {
      const report = await importTerritorialUnits(db, municipalityId, [villagesZip]);
      expect(report).toMatchObject({ format: 'Shapefile', srid: 3059, encoding: 'windows-1257', inserted: 4, updated: 0, skipped: 0 });
      expect(report.units.map((u) => [u.kind, u.name])).toEqual(VILLAGES.map((n) => ['village', n]));
      expect(await unit('Piņķi')).toMatchObject({ kind: 'village', atvk_code: '0807602001', parent: 'Babītes pagasts', parts: 2 });
      expect(await unit('Tīraine')).toMatchObject({ holes: 1, valid: true });
      expect(await unit('Dzilnuciems')).toMatchObject({ valid: true, type: 'ST_MultiPolygon' });
      expect((await unit('Jaunmārupe')).parent).toBeNull();
    });

    it('updates the same units from the shapefile without .cpg, recognising its character set', async () => {
      const files = await boundaryFilesFromPath(path.join(fixtureDir, 'ciemi_bez_cpg/ciemi.shp'));
      const report = await importTerritorialUnits(db, municipalityId, files);
      expect(report).toMatchObject({ encoding: 'windows-1257', inserted: 0, updated: 4 });
      const { rows } = await db.query(`SELECT name FROM territorial_unit WHERE municipality_id = $1 AND kind = 'village' ORDER BY id`, [municipalityId]);
      expect(rows.map((r) => r.name)).toEqual(VILLAGES);
    });

    it('keeps LKS-92 GeoJSON coordinates as they are', async () => {
      const report = await importTerritorialUnits(db, municipalityId, [villagesGeoJson]);
      expect(report).toMatchObject({ srid: 3059, updated: 4 });
      const { rows } = await db.query(
        `SELECT ST_Equals(geom, ST_MakeEnvelope(501300, 302300, 503000, 304000, 3059)) AS same
           FROM territorial_unit WHERE municipality_id = $1 AND name = 'Jaunmārupe'`,
        [municipalityId],
      );
      expect(rows[0].same).toBe(true);
    });

    it('asks for a CRS when the shapefile has no .prj, and uses the one given', async () => {
      const withoutPrj = (await unzip(villagesZip.data)).filter((f) => !f.name.endsWith('.prj'));
      await expect(importTerritorialUnits(db, municipalityId, withoutPrj)).rejects.toThrow(
        'The file has no .prj and no CRS was given; choose one, e.g. EPSG:3059 (--srid 3059) for LKS-92 / Latvia TM.',
      );
      const report = await importTerritorialUnits(db, municipalityId, withoutPrj, { srid: 3059 });
      expect(report.updated).toBe(4);
    });

    it('refuses metres read as degrees, and names the attributes when a field is wrong', async () => {
      await expect(importTerritorialUnits(db, municipalityId, [villagesGeoJson], { srid: 4326 })).rejects.toThrow(/look like metres .* give --srid 3059/);
      await expect(importTerritorialUnits(db, municipalityId, [villagesZip], { nameField: 'VARDS' })).rejects.toThrow(
        'The file has no name attribute "VARDS"; its attributes are: NOSAUKUMS, TIPS_CD, ATVK.',
      );
    });

    it('leaves nothing behind when the import fails part-way', async () => {
      const id = await freshMunicipality('boundaries-rollback');
      await importTerritorialUnits(db, id, [parishesGeoJson]);
      // Fail when the villages, already inserted, are being linked to their parish.
      await db.query(`CREATE FUNCTION boundaries_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                          IF NEW.municipality_id = ${id} AND NEW.parent_id IS NOT NULL THEN RAISE EXCEPTION 'link refused by the test'; END IF;
                          RETURN NEW;
                        END $$`);
      await db.query('CREATE TRIGGER boundaries_test_fail BEFORE UPDATE ON territorial_unit FOR EACH ROW EXECUTE FUNCTION boundaries_test_fail()');
      try {
        const error = await importTerritorialUnits(db, id, [villagesZip]).catch((e: Error) => e);
        expect((error as Error).message).toBe('importing territorial units');
        expect(((error as Error).cause as Error).message).toMatch(/refused by the test/);
      } finally {
        await db.query('DROP TRIGGER boundaries_test_fail ON territorial_unit; DROP FUNCTION boundaries_test_fail()');
      }
      const { rows } = await db.query(`SELECT kind, count(*)::int AS n FROM territorial_unit WHERE municipality_id = $1 GROUP BY kind ORDER BY kind`, [id]);
      expect(rows).toEqual([
        { kind: 'parish', n: 2 },
        { kind: 'town', n: 1 },
      ]);
    });
  });
}
