import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoPlan } from '../../../server/src/demo/plan.js';
import { seedDemoMunicipality, type SeedSummary } from '../../../server/src/demo/seed.js';
import { databaseKinds, openTestDatabase } from '../../helpers/testApp.js';

const asOf = new Date('2026-06-01T00:00:00Z');
const windowStart = new Date('2023-06-01T00:00:00Z');
const SEWER_STATUSES = ['not_connected', 'applied', 'technical_conditions', 'construction', 'connected', 'refused'];
const TRANSFER_STATUSES = ['application', 'document_check', 'inspection', 'council_decision', 'land_register', 'accepted', 'rejected'];

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('buildDemoPlan', () => {
  it('gives the same municipality for the same seed and date', () => {
    const a = buildDemoPlan({ asOf });
    const b = buildDemoPlan({ asOf });
    expect(hashOf(a)).toBe(hashOf(b));
    expect(a.addresses[0]).toEqual(b.addresses[0]);
  });

  it('gives another municipality for another seed', () => {
    const a = buildDemoPlan({ asOf });
    const b = buildDemoPlan({ asOf, seed: 'another-seed' });
    expect(a.addresses[0].xy).not.toEqual(b.addresses[0].xy);
  });

  it('keeps every status date inside the three years before asOf', () => {
    const plan = buildDemoPlan({ asOf });
    const dates = [
      ...plan.sewerConnections.flatMap((c) => c.steps.map((s) => s.at)),
      ...plan.streetTransfers.flatMap((t) => t.steps.map((s) => s.at)),
      ...plan.accommodationSites.flatMap((s) => s.occupancy.map((o) => o.at)),
    ].map((d) => new Date(d).getTime());
    expect(Math.min(...dates)).toBeGreaterThanOrEqual(windowStart.getTime());
    expect(Math.max(...dates)).toBeLessThan(asOf.getTime());
    for (const c of plan.sewerConnections) {
      const times = c.steps.map((s) => s.at);
      expect([...times].sort()).toEqual(times);
      expect(new Set(times).size).toBe(times.length);
    }
  });
});

/** A fingerprint of everything the seed wrote for the municipality, free of serial ids. */
async function checksum(db: pg.PoolClient, municipalityId: number): Promise<string> {
  const { rows } = await db.query<{ part: string; md5: string }>(
    `SELECT part, md5(string_agg(line, '|' ORDER BY line)) AS md5 FROM (
       SELECT 'unit' AS part, kind || name || ST_AsText(ST_SnapToGrid(geom, 0.01)) AS line FROM territorial_unit WHERE municipality_id = $1
       UNION ALL SELECT 'address', code || full_address || coalesce(postcode, '') || ST_AsText(geom) FROM address WHERE municipality_id = $1
       UNION ALL SELECT 'main', kind || diameter_mm || material || year_built || ST_AsText(geom) FROM sewer_main WHERE municipality_id = $1
       UNION ALL SELECT 'manhole', code || depth_m || ST_AsText(geom) FROM sewer_manhole WHERE municipality_id = $1
       UNION ALL SELECT 'connection', cadastre_designation || status || extract(epoch FROM status_changed_at) || concat_ws(',',
                   applied_on, technical_conditions_on, construction_started_on, connected_on, refused_on, cofinancing_eur,
                   population_equivalent, current_treatment, note) || ST_AsText(geom)
                   FROM sewer_connection WHERE municipality_id = $1
       UNION ALL SELECT 'transfer', cadastre_designation || status || concat_ws(',', decision_number, decision_date, accepted_on,
                   yearly_maintenance_eur, owner_name) || ST_AsText(geom) FROM street_transfer WHERE municipality_id = $1
       UNION ALL SELECT 'site', name || capacity || occupied || contact_person || ST_AsText(geom) FROM accommodation_site WHERE municipality_id = $1
       UNION ALL SELECT 'facility', category || name || ST_AsText(geom) FROM facility WHERE municipality_id = $1
       UNION ALL SELECT 'history', entity || coalesce(from_status, '-') || coalesce(to_status, '-') || extract(epoch FROM changed_at)
                   || coalesce(details::text, '') FROM status_history WHERE municipality_id = $1
     ) x GROUP BY part ORDER BY part`,
    [municipalityId],
  );
  return rows.map((r) => `${r.part}:${r.md5}`).join(' ');
}

for (const kind of databaseKinds()) {
  describe(`seedDemoMunicipality [${kind}]`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let pool: pg.Pool;
    let db: pg.PoolClient;
    let summary: SeedSummary;
    let firstChecksum: string;
    let seedMs: number;

    const deleteDemo = () => db.query(`DELETE FROM municipality WHERE code = 'marupe'`);

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      pool = new pg.Pool({ connectionString: database.connectionString, max: 1 });
      db = await pool.connect();
      await deleteDemo();
      const started = performance.now();
      summary = await seedDemoMunicipality(db, { asOf });
      seedMs = performance.now() - started;
      console.log(`demo seed on the ${kind} database: ${Math.round(seedMs)} ms`, JSON.stringify(summary));
      firstChecksum = await checksum(db, summary.municipalityId);
    });

    afterAll(async () => {
      db?.release();
      await pool?.end();
      await database?.close();
      await database?.cleanup();
    });

    it('is fast enough to run on first start', () => {
      expect(seedMs).toBeLessThan(20_000);
    });

    it('creates Mārupes novads (DEMO), marked as demo data, with a boundary', async () => {
      const { rows } = await db.query(`SELECT name, is_demo, ST_GeometryType(boundary) AS type FROM municipality WHERE code = 'marupe'`);
      expect(rows).toEqual([{ name: 'Mārupes novads (DEMO)', is_demo: true, type: 'ST_MultiPolygon' }]);
    });

    it('divides the municipality into a town and parishes, with villages inside their parish', async () => {
      expect(summary.territorialUnits.town).toBe(1);
      expect(summary.territorialUnits.parish).toBeGreaterThanOrEqual(3);
      expect(summary.territorialUnits.village).toBeGreaterThanOrEqual(8);
      const { rows } = await db.query(
        `SELECT v.name AS village, p.name AS parish, ST_CoveredBy(v.geom, p.geom) AS inside
           FROM territorial_unit v JOIN territorial_unit p ON p.id = v.parent_id
          WHERE v.municipality_id = $1 AND v.kind = 'village'`,
        [summary.municipalityId],
      );
      expect(rows.length).toBe(summary.territorialUnits.village);
      expect(rows.filter((r) => !r.inside)).toEqual([]);
      expect(rows).toContainEqual({ village: 'Piņķi', parish: 'Babītes pagasts', inside: true });
      // Town and parishes tile the municipality: no overlaps, no gaps (beyond rounding).
      const tiling = await db.query<{ overlap: number; gap: number }>(
        `SELECT (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM territorial_unit a JOIN territorial_unit b
                   ON a.id < b.id AND a.municipality_id = b.municipality_id
                  WHERE a.municipality_id = $1 AND a.kind <> 'village' AND b.kind <> 'village') AS overlap,
                (SELECT ST_Area(m.boundary) - sum(ST_Area(t.geom)) FROM territorial_unit t
                  WHERE t.municipality_id = $1 AND t.kind <> 'village') AS gap
           FROM municipality m WHERE m.id = $1`,
        [summary.municipalityId],
      );
      expect(Math.abs(tiling.rows[0].overlap)).toBeLessThan(1);
      expect(Math.abs(tiling.rows[0].gap)).toBeLessThan(1);
    });

    it('lays a few thousand addresses in their villages, with Latvian diacritics intact', async () => {
      expect(summary.addresses).toBeGreaterThanOrEqual(2000);
      expect(summary.addresses).toBeLessThanOrEqual(10000);
      const plan = buildDemoPlan({ asOf });
      const first = await db.query(`SELECT full_address, name, postcode, type_code FROM address WHERE municipality_id = $1 AND code = $2`, [
        summary.municipalityId,
        plan.addresses[0].code,
      ]);
      expect(first.rows[0]).toEqual({ full_address: plan.addresses[0].fullAddress, name: plan.addresses[0].name, postcode: 'LV-2167', type_code: 108 });
      expect(first.rows[0].full_address).toMatch(/^[\p{L} ]+ \d+, Mārupe, Mārupes nov\., LV-2167$/u);
      const { rows } = await db.query<{ outside: number; village_less: number; pinki: number; folded: number }>(
        `SELECT count(*) FILTER (WHERE NOT ST_Within(a.geom, t.geom))::int AS outside,
                count(*) FILTER (WHERE t.id IS NULL)::int AS village_less,
                count(*) FILTER (WHERE a.full_address LIKE '%, Piņķi, Babītes pag., Mārupes nov., LV-2107')::int AS pinki,
                count(*) FILTER (WHERE a.search_text LIKE '%, pinki, babites pag.%')::int AS folded
           FROM address a LEFT JOIN territorial_unit t ON t.id = a.village_id
          WHERE a.municipality_id = $1`,
        [summary.municipalityId],
      );
      expect(rows[0]).toMatchObject({ outside: 0, village_less: 0 });
      expect(rows[0].pinki).toBeGreaterThan(100);
      expect(rows[0].folded).toBe(rows[0].pinki);
    });

    it('builds a sewer network of mains and manholes in the main villages', async () => {
      expect(summary.sewerMains).toBeGreaterThan(200);
      expect(summary.sewerManholes).toBeGreaterThan(200);
      const { rows } = await db.query(
        `SELECT kind, count(*)::int AS n, min(diameter_mm) AS dmin, count(DISTINCT material)::int AS materials, min(year_built) AS ymin
           FROM sewer_main WHERE municipality_id = $1 GROUP BY kind ORDER BY kind`,
        [summary.municipalityId],
      );
      expect(rows.map((r) => r.kind)).toEqual(['gravity', 'pressure']);
      expect(rows[0].materials).toBeGreaterThanOrEqual(3);
    });

    it('has sewer connections in every status, all near a main', async () => {
      expect(Object.keys(summary.sewerConnections).sort()).toEqual([...SEWER_STATUSES].sort());
      for (const status of SEWER_STATUSES) expect(summary.sewerConnections[status]).toBeGreaterThan(10);
      const { rows } = await db.query<{ far: number }>(
        `SELECT count(*)::int AS far FROM sewer_connection c
          WHERE c.municipality_id = $1
            AND NOT EXISTS (SELECT 1 FROM sewer_main m WHERE m.municipality_id = $1 AND ST_DWithin(m.geom, c.geom, 40))`,
        [summary.municipalityId],
      );
      expect(rows[0].far).toBe(0);
    });

    it('records each connection’s way through the pipeline as history with past dates', async () => {
      const { rows } = await db.query<{ bad_chain: number; before: number; after: number; rows_: number; not_demo_user: number }>(
        `SELECT count(*) FILTER (WHERE h.changed_at < $2)::int AS before,
                count(*) FILTER (WHERE h.changed_at >= $3)::int AS after,
                count(*)::int AS rows_,
                count(*) FILTER (WHERE h.changed_by <> 'demo-seed')::int AS not_demo_user
           FROM status_history h WHERE h.municipality_id = $1`,
        [summary.municipalityId, windowStart, asOf],
      );
      expect(rows[0]).toMatchObject({ before: 0, after: 0, not_demo_user: 0 });
      expect(rows[0].rows_).toBe(summary.statusHistory);
      // The latest history row of every connection and transfer is its current status at its date.
      const latest = await db.query<{ entity: string; mismatched: number; multi_step: number }>(
        `WITH last AS (
           SELECT DISTINCT ON (entity, entity_id) entity, entity_id, to_status, changed_at
             FROM status_history WHERE municipality_id = $1 AND entity <> 'accommodation_site'
            ORDER BY entity, entity_id, changed_at DESC, id DESC)
         SELECT l.entity, count(*) FILTER (WHERE l.to_status IS DISTINCT FROM coalesce(c.status, t.status)
                                              OR l.changed_at IS DISTINCT FROM coalesce(c.status_changed_at, t.status_changed_at))::int AS mismatched,
                (SELECT count(*) FROM (SELECT 1 FROM status_history h WHERE h.municipality_id = $1 AND h.entity = l.entity
                                        GROUP BY entity_id HAVING count(*) >= 4) x)::int AS multi_step
           FROM last l
           LEFT JOIN sewer_connection c ON l.entity = 'sewer_connection' AND c.id = l.entity_id
           LEFT JOIN street_transfer t ON l.entity = 'street_transfer' AND t.id = l.entity_id
          GROUP BY l.entity ORDER BY l.entity`,
        [summary.municipalityId],
      );
      expect(latest.rows.map((r) => r.entity)).toEqual(['sewer_connection', 'street_transfer']);
      for (const r of latest.rows) {
        expect(r.mismatched).toBe(0);
        expect(r.multi_step).toBeGreaterThan(5);
      }
      const dates = await db.query<{ status: string; missing: number }>(
        `SELECT status, count(*) FILTER (WHERE
                  (status = 'connected' AND (connected_on IS NULL OR current_treatment IS NOT NULL))
               OR (status IN ('applied', 'technical_conditions', 'construction', 'connected') AND applied_on IS NULL)
               OR (status = 'refused' AND refused_on IS NULL)
               OR (status = 'construction' AND construction_started_on IS NULL))::int AS missing
           FROM sewer_connection WHERE municipality_id = $1 GROUP BY status`,
        [summary.municipalityId],
      );
      expect(dates.rows.filter((r) => r.missing > 0)).toEqual([]);
    });

    it('has 50+ private street parcels in every transfer status, decided ones with a decision number', async () => {
      const total = Object.values(summary.streetTransfers).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(50);
      expect(Object.keys(summary.streetTransfers).sort()).toEqual([...TRANSFER_STATUSES].sort());
      const { rows } = await db.query(
        `SELECT status, count(*)::int AS n, count(decision_number)::int AS decided, count(accepted_on)::int AS accepted_on,
                bool_and(cadastre_designation ~ '^8\\d{10}$') AS cadastre_ok, bool_and(yearly_maintenance_eur > 0) AS costed,
                bool_and(owner_name IS NOT NULL) AS owned
           FROM street_transfer WHERE municipality_id = $1 GROUP BY status`,
        [summary.municipalityId],
      );
      const by = Object.fromEntries(rows.map((r) => [r.status, r]));
      expect(by.land_register.decided).toBe(by.land_register.n);
      expect(by.accepted.decided).toBe(by.accepted.n);
      expect(by.accepted.accepted_on).toBe(by.accepted.n);
      expect(by.application.decided).toBe(0);
      expect(by.council_decision.decided).toBe(0);
      expect(rows.every((r) => r.cadastre_ok && r.costed && r.owned)).toBe(true);
      const overlaps = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM street_transfer a JOIN street_transfer b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
          WHERE a.municipality_id = $1 AND b.municipality_id = $1`,
        [summary.municipalityId],
      );
      expect(overlaps.rows[0].n).toBe(0);
    });

    it('has 20+ accommodation sites with occupancy changing over time', async () => {
      expect(summary.accommodationSites).toBeGreaterThanOrEqual(20);
      const { rows } = await db.query<{ sites: number; with_history: number; full: number; contacts: number }>(
        `SELECT count(*)::int AS sites,
                count(*) FILTER (WHERE (SELECT count(*) FROM status_history h WHERE h.entity = 'accommodation_site'
                                          AND h.entity_id = s.id) >= 3)::int AS with_history,
                count(*) FILTER (WHERE occupied > capacity)::int AS full,
                count(*) FILTER (WHERE contact_person IS NOT NULL AND contact_phone ~ '^\\+371 2\\d{3} \\d{4}$')::int AS contacts
           FROM accommodation_site s WHERE municipality_id = $1`,
        [summary.municipalityId],
      );
      expect(rows[0].with_history).toBeGreaterThan(rows[0].sites / 2);
      expect(rows[0].full).toBe(0);
      expect(rows[0].contacts).toBe(rows[0].sites);
    });

    it('has schools, kindergartens, family doctors, shops, bus stops and aid points', () => {
      expect(Object.keys(summary.facilities).sort()).toEqual(['aid_point', 'bus_stop', 'family_doctor', 'kindergarten', 'school', 'shop']);
      expect(summary.facilities.bus_stop).toBeGreaterThan(20);
    });

    it('registers the domain layers of the municipality', async () => {
      const { rows } = await db.query(`SELECT id FROM layer WHERE municipality_id = $1 ORDER BY sort_order`, [summary.municipalityId]);
      expect(rows.length).toBe(summary.layers);
      expect(rows.map((r) => r.id)).toContain('marupe-sewer-connections');
    });

    it('keeps every geometry valid and inside the Mārupe area', async () => {
      const { rows } = await db.query<{ tbl: string; n: number; invalid: number; outside_box: number; outside_municipality: number }>(
        `WITH g AS (
           SELECT 'territorial_unit' AS tbl, geom FROM territorial_unit WHERE municipality_id = $1
           UNION ALL SELECT 'municipality', boundary FROM municipality WHERE id = $1
           UNION ALL SELECT 'address', geom FROM address WHERE municipality_id = $1
           UNION ALL SELECT 'sewer_main', geom FROM sewer_main WHERE municipality_id = $1
           UNION ALL SELECT 'sewer_manhole', geom FROM sewer_manhole WHERE municipality_id = $1
           UNION ALL SELECT 'sewer_connection', geom FROM sewer_connection WHERE municipality_id = $1
           UNION ALL SELECT 'street_transfer', geom FROM street_transfer WHERE municipality_id = $1
           UNION ALL SELECT 'accommodation_site', geom FROM accommodation_site WHERE municipality_id = $1
           UNION ALL SELECT 'facility', geom FROM facility WHERE municipality_id = $1)
         SELECT tbl, count(*)::int AS n,
                count(*) FILTER (WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) OR ST_SRID(geom) <> 3059)::int AS invalid,
                count(*) FILTER (WHERE NOT ST_CoveredBy(ST_Transform(geom, 4326), ST_MakeEnvelope(23.9, 56.85, 24.1, 56.97, 4326)))::int AS outside_box,
                -- overlay results may stick out of the boundary by rounding noise: allow 1 m²
                count(*) FILTER (WHERE ST_Area(ST_Difference(ST_Buffer(geom, 0.01), (SELECT ST_Buffer(boundary, 0.02) FROM municipality WHERE id = $1))) > 1)::int
                  AS outside_municipality
           FROM g GROUP BY tbl ORDER BY tbl`,
        [summary.municipalityId],
      );
      expect(rows).toHaveLength(9);
      for (const r of rows) expect(r, r.tbl).toMatchObject({ invalid: 0, outside_box: 0, outside_municipality: 0 });
    });

    it('produces the same rows when run again with the same seed', { timeout: 120_000 }, async () => {
      await deleteDemo();
      const again = await seedDemoMunicipality(db, { asOf });
      const { municipalityId: _a, ...countsAgain } = again;
      const { municipalityId: _b, ...counts } = summary;
      expect(countsAgain).toEqual(counts);
      expect(await checksum(db, again.municipalityId)).toBe(firstChecksum);
      summary = again;
    });

    it('leaves nothing behind when a late step fails', { timeout: 120_000 }, async () => {
      await deleteDemo();
      // Fail the very last table the seed writes, after thousands of rows went in.
      await db.query(`CREATE FUNCTION seed_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN RAISE EXCEPTION 'facility insert refused by the test'; END $$`);
      await db.query(`CREATE TRIGGER seed_test_fail BEFORE INSERT ON facility FOR EACH STATEMENT EXECUTE FUNCTION seed_test_fail()`);
      try {
        const error = await seedDemoMunicipality(db, { asOf }).catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toBe('seeding the demo municipality');
        expect(((error as Error).cause as Error).message).toMatch(/refused by the test/);
      } finally {
        await db.query('DROP TRIGGER seed_test_fail ON facility; DROP FUNCTION seed_test_fail()');
      }
      const { rows } = await db.query<{ m: number; a: number }>(
        `SELECT (SELECT count(*) FROM municipality WHERE code = 'marupe')::int AS m,
                (SELECT count(*) FROM address WHERE code = 105100001)::int AS a`,
      );
      expect(rows[0]).toEqual({ m: 0, a: 0 });
    });
  });
}
