import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { wgs84ToLks92 } from '../../../server/src/geo/lks92.js';
import { detectDialect, importAddressRegister, parseAddressRegister } from '../../../server/src/importers/addressRegister.js';
import { ImportError } from '../../../server/src/importers/importError.js';
import { databaseKinds, openTestDatabase } from '../../helpers/testApp.js';

const fixture = (name: string) => readFileSync(path.join(rootDir, 'tests/fixtures/aw_eka', name));
const commaFile = fixture('aw_eka_komati.csv');
const semicolonFile = fixture('aw_eka_semikoli_1257.csv');
const badRowsFile = fixture('aw_eka_kludainas_rindas.csv');

describe('parseAddressRegister', () => {
  it('tells the two AW_EKA dialects apart by the header line', () => {
    expect(detectDialect('"KODS","TIPS_CD","STATUSS","STD"')).toEqual({ delimiter: ',', quote: '"' });
    expect(detectDialect('#KODS#;#TIPS_CD#;#STATUSS#;#STD#')).toEqual({ delimiter: ';', quote: '#' });
    expect(detectDialect('KODS;TIPS_CD;STATUSS;STD')).toEqual({ delimiter: ';', quote: '#' });
  });

  it('reads the current dialect: commas, double quotes, UTF-8', () => {
    const parsed = parseAddressRegister(commaFile);
    expect(parsed).toMatchObject({ encoding: 'utf-8', dialect: { delimiter: ',', quote: '"' }, rows: 8, skipped: [] });
    expect(parsed.records.map((r) => r.fullAddress)).toContain('Ķekavas iela 15, Jaunmārupe, Mārupes pag., Mārupes nov., LV-2166');
    expect(parsed.records.find((r) => r.code === '105200008')).toMatchObject({
      name: 'Ūdri "Vecie"',
      typeCode: 107,
      fullAddress: 'Ūdri "Vecie", Babīte, Babītes pag., Mārupes nov., LV-2101',
    });
  });

  it('reads the older dialect: semicolons, # quotes, Windows-1257, decimal commas — to the same records', () => {
    const old = parseAddressRegister(semicolonFile);
    expect(old).toMatchObject({ encoding: 'windows-1257', dialect: { delimiter: ';', quote: '#' }, rows: 8, skipped: [] });
    const current = parseAddressRegister(commaFile);
    expect(old.records.map(({ line: _, ...r }) => r)).toEqual(current.records.map(({ line: _, ...r }) => r));
  });

  it('takes KOORD_X as the northing and KOORD_Y as the easting, and DD_N/DD_E when KOORD is empty', () => {
    const records = parseAddressRegister(commaFile).records;
    expect(records.find((r) => r.code === '105200001')).toMatchObject({ x: 503056.89, y: 307379.87, srid: 3059 });
    expect(records.find((r) => r.code === '105200007')).toMatchObject({ x: 24.0351, y: 56.8712, srid: 4326 });
  });

  it('reports every unusable row with its line and what is wrong', () => {
    const parsed = parseAddressRegister(badRowsFile);
    expect(parsed.skipped.map((s) => [s.line, s.problem])).toEqual([
      [2, 'duplicate KODS'],
      [3, 'bad KODS'],
      [4, 'bad STATUSS'],
      [5, 'empty STD'],
      [6, 'no coordinates'],
      [7, 'coordinates outside Latvia'],
      [8, 'wrong number of fields'],
      [9, 'bad TIPS_CD'],
      [13, 'malformed CSV'],
    ]);
    expect(parsed.skipped.find((s) => s.line === 7)?.detail).toMatch(/KOORD_X is the LKS-92 northing/);
    expect(parsed.records.map((r) => r.code)).toEqual(['105300001', '105300009', '105300011']);
    expect(parsed.records[0].name).toBe('1A');
  });

  it('refuses a file that is not AW_EKA, naming the columns it lacks', () => {
    const notAwEka = new TextEncoder().encode('id,adrese,x,y\n1,"Lielā iela 1",503000,307000\n');
    expect(() => parseAddressRegister(notAwEka)).toThrow(ImportError);
    expect(() => parseAddressRegister(notAwEka)).toThrow(/no KODS, STD, KOORD_X and KOORD_Y \(or DD_N and DD_E\) column/);
  });
});

for (const kind of databaseKinds()) {
  describe(`importAddressRegister [${kind}]`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let pool: pg.Pool;
    let db: pg.PoolClient;
    let municipalityId: number;
    let jaunmarupeId: number;

    /** A municipality of this test file's own, so other suites' data never interferes. */
    async function freshMunicipality(code: string): Promise<number> {
      await db.query('DELETE FROM municipality WHERE code = $1', [code]);
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO municipality (code, name, boundary)
         VALUES ($1, 'Adrešu importa pārbaude', ST_Multi(ST_MakeEnvelope(490000, 298000, 510000, 316000, 3059))) RETURNING id`,
        [code],
      );
      return rows[0].id;
    }

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      pool = new pg.Pool({ connectionString: database.connectionString, max: 1 });
      db = await pool.connect();
      municipalityId = await freshMunicipality('aw-eka-tests');
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO territorial_unit (municipality_id, kind, name, geom)
         VALUES ($1, 'village', 'Jaunmārupe', ST_Multi(ST_MakeEnvelope(501300, 302300, 503000, 304000, 3059))) RETURNING id`,
        [municipalityId],
      );
      jaunmarupeId = rows[0].id;
    });

    afterAll(async () => {
      db?.release();
      await pool?.end();
      await database?.close();
      await database?.cleanup();
    });

    const addresses = async () =>
      (
        await db.query(
          `SELECT code::text, type_code, status, name, full_address, postcode, village_id,
                  round(ST_X(geom)::numeric, 2)::float AS x, round(ST_Y(geom)::numeric, 2)::float AS y
             FROM address WHERE municipality_id = $1 ORDER BY code`,
          [municipalityId],
        )
      ).rows;

    it('imports the comma dialect with each point at (KOORD_Y, KOORD_X)', async () => {
      const report = await importAddressRegister(db, municipalityId, commaFile);
      expect(report).toMatchObject({ rows: 8, inserted: 8, updated: 0, skipped: 0 });
      const rows = await addresses();
      expect(rows[0]).toEqual({
        code: '105200001',
        type_code: 108,
        status: 'EKS',
        name: '2',
        full_address: 'Daugavas iela 2, Mārupe, Mārupes nov., LV-2167',
        postcode: 'LV-2167',
        village_id: null,
        x: 503056.89,
        y: 307379.87,
      });
      expect(rows.find((r) => r.code === '105200002')).toMatchObject({ village_id: jaunmarupeId, x: 502157.85, y: 303149.39 });
      expect(rows.find((r) => r.code === '105200005')?.status).toBe('DEL');
      // The DD_N/DD_E row was transformed from WGS-84 by PostGIS: it agrees with proj4 to the centimetre.
      const [x, y] = wgs84ToLks92([24.0351, 56.8712]);
      const dd = rows.find((r) => r.code === '105200007')!;
      expect(Math.abs(dd.x - x)).toBeLessThan(0.02);
      expect(Math.abs(dd.y - y)).toBeLessThan(0.02);
      expect(dd.village_id).toBe(jaunmarupeId);
    });

    it('re-imports the older Windows-1257 dialect as updates, with the very same text', async () => {
      const before = await addresses();
      const report = await importAddressRegister(db, municipalityId, semicolonFile);
      expect(report).toMatchObject({ encoding: 'windows-1257', dialect: { delimiter: ';', quote: '#' }, inserted: 0, updated: 8, skipped: 0 });
      expect(await addresses()).toEqual(before);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM address WHERE municipality_id = $1 AND search_text LIKE 'sk%unu iela 4 k-2, marupe%'`, [
        municipalityId,
      ]);
      expect(rows[0].n).toBe(1);
    });

    it('imports the good rows and reports the bad ones, including points outside the municipality', async () => {
      const report = await importAddressRegister(db, municipalityId, badRowsFile);
      expect(report).toMatchObject({ rows: 12, inserted: 2, updated: 0, skipped: 10 });
      expect(report.problems).toEqual({
        'duplicate KODS': 1,
        'bad KODS': 1,
        'bad STATUSS': 1,
        'empty STD': 1,
        'no coordinates': 1,
        'coordinates outside Latvia': 1,
        'wrong number of fields': 1,
        'bad TIPS_CD': 1,
        'outside the municipality': 1,
        'malformed CSV': 1,
      });
      expect(report.skippedRows.find((s) => s.problem === 'outside the municipality')).toMatchObject({ line: 12, code: '105300011' });
      const { rows } = await db.query(`SELECT code::text, name FROM address WHERE municipality_id = $1 AND code >= 105300000 ORDER BY code`, [
        municipalityId,
      ]);
      expect(rows).toEqual([
        { code: '105300001', name: '1A' },
        { code: '105300009', name: '9' },
      ]);
    });

    it('leaves nothing behind when the import fails part-way', async () => {
      const id = await freshMunicipality('aw-eka-rollback');
      // A database failure on the third batch, after two batches went in.
      await db.query(`CREATE FUNCTION aw_eka_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                          IF NEW.municipality_id = ${id} AND NEW.code = 105200006 THEN RAISE EXCEPTION 'address refused by the test'; END IF;
                          RETURN NEW;
                        END $$`);
      await db.query('CREATE TRIGGER aw_eka_test_fail BEFORE INSERT ON address FOR EACH ROW EXECUTE FUNCTION aw_eka_test_fail()');
      try {
        const error = await importAddressRegister(db, id, commaFile, { batchSize: 2 }).catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toBe('importing AW_EKA addresses');
        expect(((error as Error).cause as Error).message).toMatch(/refused by the test/);
      } finally {
        await db.query('DROP TRIGGER aw_eka_test_fail ON address; DROP FUNCTION aw_eka_test_fail()');
      }
      const { rows } = await db.query('SELECT count(*)::int AS n FROM address WHERE municipality_id = $1', [id]);
      expect(rows[0].n).toBe(0);
    });

    it('tells the user when the municipality does not exist', async () => {
      await expect(importAddressRegister(db, 987654, commaFile)).rejects.toThrow(/no municipality with id 987654/);
    });
  });
}
