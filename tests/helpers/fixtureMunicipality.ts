import type pg from 'pg';
import { registerDomainLayers } from '../../server/src/layers/domainLayers.js';

/**
 * A small municipality with hand-placed features whose answers tests can know: code "testa",
 * EPSG:3059 coordinates near Mārupe. Layer ids are `testa-<key>` (e.g. `testa-sewer-connections`).
 */
/** The copy of the fixture municipality that the editing and workflow suites change. */
export const workflowFixtureCode = 'testw';

export const fixture = {
  code: 'testa',
  /** Municipality boundary in EPSG:3059: a 10 km square. */
  box: [500000, 300000, 510000, 310000] as const,
  addressCount: 30,
  sewerConnectionCount: 6,
  streetTransferCount: 2,
  accommodationSiteCount: 2,
};

/**
 * Inserts the fixture municipality. Suites that change its data (editing, workflows) use their own
 * copy, `workflowFixtureCode`, so the counts and statuses other suites check stay as written here.
 */
export async function insertFixtureMunicipality(client: pg.PoolClient | pg.Client, code = fixture.code): Promise<number> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO municipality (code, name, name_en, boundary)
       VALUES ($1, 'Testa novads', 'Test Municipality', ST_Multi(ST_MakeEnvelope(500000, 300000, 510000, 310000, 3059)))
       RETURNING id`,
      [code],
    );
    const m = rows[0].id;
    await client.query(
      `INSERT INTO territorial_unit (municipality_id, kind, name, atvk_code, geom) VALUES
        ($1, 'parish', 'Rietumu pagasts', '0000001', ST_Multi(ST_MakeEnvelope(500000, 300000, 505000, 310000, 3059))),
        ($1, 'town', 'Austrumpils', '0000002', ST_Multi(ST_MakeEnvelope(505000, 300000, 510000, 310000, 3059))),
        ($1, 'village', 'Jaunciems', '0000003', ST_Multi(ST_MakeEnvelope(501000, 301000, 503000, 303000, 3059)))`,
      [m],
    );
    // 30 addresses on a 6 × 5 grid, 100 m apart, the first few with Latvian diacritics.
    const streets = ['Daugavas iela', 'Mārupes iela', 'Ķekavas iela', 'Lielā iela', 'Šosejas iela'];
    await client.query(
      `INSERT INTO address (municipality_id, code, type_code, name, full_address, postcode, geom)
       SELECT $1, 100000000 + i, 108, ((i % 6) + 1)::text,
              ($2::text[])[(i / 6) + 1] || ' ' || ((i % 6) + 1) || ', Jaunciems, Testa nov., LV-2167', 'LV-2167',
              ST_SetSRID(ST_MakePoint(501100 + (i % 6) * 100, 301100 + (i / 6) * 100), 3059)
         FROM generate_series(0, 29) AS i`,
      [m, streets],
    );
    await client.query(
      `INSERT INTO sewer_main (municipality_id, kind, diameter_mm, material, year_built, geom) VALUES
        ($1, 'gravity', 200, 'PVC', 2015, ST_GeomFromText('LINESTRING(501000 301050, 502000 301050)', 3059)),
        ($1, 'pressure', 110, 'PE', 2019, ST_GeomFromText('LINESTRING(502000 301050, 502000 302000, 506000 305000)', 3059))`,
      [m],
    );
    await client.query(
      `INSERT INTO sewer_manhole (municipality_id, code, depth_m, geom) VALUES
        ($1, 'A-1', 2.1, ST_SetSRID(ST_MakePoint(501000, 301050), 3059)),
        ($1, 'A-2', 2.4, ST_SetSRID(ST_MakePoint(502000, 301050), 3059))`,
      [m],
    );
    await client.query(
      `INSERT INTO sewer_connection (municipality_id, property_address, cadastre_designation, status, applied_on,
                                     cofinancing_eur, population_equivalent, current_treatment, geom)
       SELECT $1, 'Daugavas iela ' || i || ', Jaunciems', '8076004' || lpad(i::text, 4, '0'),
              (ARRAY['not_connected','applied','technical_conditions','construction','connected','refused'])[i],
              DATE '2024-01-01' + i * 30, CASE WHEN i = 5 THEN 1200.50 END, 2.5, 'cesspool',
              ST_SetSRID(ST_MakePoint(501100 + (i - 1) * 100, 301100), 3059)
         FROM generate_series(1, 6) AS i`,
      [m],
    );
    await client.query(
      `INSERT INTO street_transfer (municipality_id, cadastre_designation, street_name, length_m, width_m, surface,
                                    status, yearly_maintenance_eur, owner_name, geom) VALUES
        ($1, '80760040999', 'Pļavu iela', 500, 8, 'gravel', 'inspection', 1500, 'Jānis Bērziņš',
         ST_Multi(ST_MakeEnvelope(503000, 303000, 503500, 303008, 3059))),
        ($1, '80760040998', 'Ābeļu iela', 300, 6, 'asphalt', 'accepted', 900, 'SIA Ābeles',
         ST_Multi(ST_MakeEnvelope(503000, 304000, 503006, 304300, 3059)))`,
      [m],
    );
    await client.query(
      `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, families,
                                       children, accessible, contact_person, contact_phone, geom) VALUES
        ($1, 'Dienesta viesnīca', 'dormitory', 'Lielā iela 1, Jaunciems', 40, 31, 12, 9, true, 'Olena Kovalenko',
         '+37120000001', ST_SetSRID(ST_MakePoint(501500, 301500), 3059)),
        ($1, 'Pašvaldības māja', 'municipal', 'Šosejas iela 3, Jaunciems', 12, 4, 2, 1, false, 'Ivars Ozols',
         '+37120000002', ST_SetSRID(ST_MakePoint(502500, 302500), 3059))`,
      [m],
    );
    await client.query(
      `INSERT INTO facility (municipality_id, category, name, address_text, geom) VALUES
        ($1, 'school', 'Jaunciema pamatskola', 'Skolas iela 1, Jaunciems', ST_SetSRID(ST_MakePoint(501800, 301800), 3059)),
        ($1, 'bus_stop', 'Jaunciems', NULL, ST_SetSRID(ST_MakePoint(501200, 301000), 3059))`,
      [m],
    );
    await registerDomainLayers(client as pg.PoolClient, { id: m, code });
    await client.query('COMMIT');
    return m;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
