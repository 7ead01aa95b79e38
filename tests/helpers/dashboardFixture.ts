import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { registerDomainLayers } from '../../server/src/layers/domainLayers.js';
import { otherMunicipality } from './users.js';

/**
 * A municipality of the test's own whose dashboard answers are computed by hand (see the tests in
 * tests/server/dashboards). EPSG:3059, a 20 × 10 km box at x 700–720 km:
 *
 * - units: Ziemeļu pagasts (x 700–710 km, y 305–310 km), Dienvidu pagasts (x 700–710, y 300–305) and
 *   the town Upespils (x 710–720); villages Aciems (in Dienvidu, x 701–703, y 301–303) and Beciems
 *   (in Upespils, x 711–713, y 301–303).
 * - sewer: a main along y 301 500 m in each village; connection records 20 m from it —
 *   Aciems: A1 connected 2025-03-15 (co-financing 1000, construction 2025-02-01), A2 connected
 *   2026-02-10, A3 applied 2026-01-01, A4 not connected; Beciems: B1 connected 2025-06-01
 *   (co-financing 500, construction 2025-05-01), B2 construction since 2025-10-01 (applied then),
 *   B3 not connected. Every record was surveyed (not_connected) on 2024-01-10.
 *   Addresses: one on A1 (covered by its record), one 30 m from the Aciems main without a
 *   record, one 200 m from it.
 * - streets: S1 (Dienvidu, 500 m, 1000 EUR/yr) applied 2024-01-01, accepted 2025-05-01; S2
 *   (Upespils, 300 m, 600 EUR/yr) applied 2025-01-01, document check 2025-02-01, inspection
 *   2025-03-03; S3 (Dienvidu, 200 m) applied 2024-06-01, rejected 2024-07-01.
 * - accommodation (occupancy recorded 2025-01-15): Ziemeļu 6 private houses (capacity 10, 6
 *   occupied, 3 with step-free access, a school and a kindergarten within 1 km of each), Dienvidu 5
 *   apartments (8 of 8 occupied), Upespils 2 dormitories (20, 15 occupied, 1 accessible); on
 *   2025-02-20 one Ziemeļu house went from 6 to 10 occupied.
 */
export interface DashboardFixture {
  id: number;
  code: string;
  units: Record<'ziemelu' | 'dienvidu' | 'upespils' | 'aciems' | 'beciems', number>;
}

export async function createDashboardFixture(app: FastifyInstance): Promise<DashboardFixture> {
  const code = `dash-${randomUUID().slice(0, 8)}`;
  const m = await otherMunicipality(app, code);
  const db = app.pg.pool;
  const unit = async (kind: string, name: string, box: [number, number, number, number]) =>
    (
      await db.query<{ id: number }>(
        `INSERT INTO territorial_unit (municipality_id, kind, name, geom) VALUES ($1, $2, $3, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 3059))) RETURNING id`,
        [m, kind, name, ...box],
      )
    ).rows[0].id;
  const units = {
    ziemelu: await unit('parish', 'Ziemeļu pagasts', [700000, 305000, 710000, 310000]),
    dienvidu: await unit('parish', 'Dienvidu pagasts', [700000, 300000, 710000, 305000]),
    upespils: await unit('town', 'Upespils', [710000, 300000, 720000, 310000]),
    aciems: await unit('village', 'Aciems', [701000, 301000, 703000, 303000]),
    beciems: await unit('village', 'Beciems', [711000, 301000, 713000, 303000]),
  };

  await db.query(
    `INSERT INTO sewer_main (municipality_id, geom) VALUES
       ($1, ST_GeomFromText('LINESTRING(701000 301500, 703000 301500)', 3059)),
       ($1, ST_GeomFromText('LINESTRING(711000 301500, 713000 301500)', 3059))`,
    [m],
  );
  // Each record: surveyed (not_connected) on 2024-01-10, then its steps, each a status change the trigger records.
  const records: [string, number, [string, string][], Record<string, string | number>][] = [
    ['A1', 701200, [['construction', '2025-02-01'], ['connected', '2025-03-15']], { construction_started_on: '2025-02-01', connected_on: '2025-03-15', cofinancing_eur: 1000 }],
    ['A2', 701400, [['connected', '2026-02-10']], { connected_on: '2026-02-10' }],
    ['A3', 701600, [['applied', '2026-01-01']], { applied_on: '2026-01-01' }],
    ['A4', 701800, [], {}],
    ['B1', 711200, [['construction', '2025-05-01'], ['connected', '2025-06-01']], { construction_started_on: '2025-05-01', connected_on: '2025-06-01', cofinancing_eur: 500 }],
    ['B2', 711400, [['construction', '2025-10-01']], { applied_on: '2025-10-01' }],
    ['B3', 711600, [], {}],
  ];
  for (const [name, x, steps, fields] of records) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO sewer_connection (municipality_id, property_address, status, status_changed_at, geom)
       VALUES ($1, $2, 'not_connected', '2024-01-10', ST_SetSRID(ST_MakePoint($3, 301520), 3059)) RETURNING id`,
      [m, `Kanāla iela ${name}`, x],
    );
    for (const [status, at] of steps) {
      await db.query(`UPDATE sewer_connection SET status = $2, status_changed_at = $3 WHERE id = $1`, [rows[0].id, status, at]);
    }
    const names = Object.keys(fields);
    if (names.length) {
      await db.query(`UPDATE sewer_connection SET ${names.map((n, i) => `${n} = $${i + 2}`).join(', ')} WHERE id = $1`, [rows[0].id, ...Object.values(fields)]);
    }
  }
  await db.query(
    `INSERT INTO address (municipality_id, code, full_address, geom) VALUES
       ($1, 1, 'Kanāla iela A1', ST_SetSRID(ST_MakePoint(701200, 301520), 3059)),
       ($1, 2, 'Kanāla iela 30', ST_SetSRID(ST_MakePoint(702500, 301530), 3059)),
       ($1, 3, 'Lauku iela 1', ST_SetSRID(ST_MakePoint(702500, 301700), 3059))`,
    [m],
  );

  const streets: [string, number, number | null, [number, number], [string, string][], Record<string, string>][] = [
    ['S1', 500, 1000, [701000, 304000], [['application', '2024-01-01'], ['accepted', '2025-05-01']], { accepted_on: '2025-05-01' }],
    ['S2', 300, 600, [711000, 304000], [['application', '2025-01-01'], ['document_check', '2025-02-01'], ['inspection', '2025-03-03']], {}],
    ['S3', 200, null, [705000, 304000], [['application', '2024-06-01'], ['rejected', '2024-07-01']], {}],
  ];
  for (const [i, [name, length, cost, [x, y], steps, fields]] of streets.entries()) {
    const [first, ...rest] = steps;
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO street_transfer (municipality_id, cadastre_designation, street_name, length_m, yearly_maintenance_eur,
                                    status, status_changed_at, applied_on, geom)
       VALUES ($1, $2, $3, $4, $5, $6, $7::date, $7::date, ST_Multi(ST_MakeEnvelope($8, $9, $10, $11, 3059))) RETURNING id`,
      [m, `8099000000${i}`, `${name} iela`, length, cost, first[0], first[1], x, y, x + length, y + 8],
    );
    for (const [status, at] of rest) {
      await db.query(`UPDATE street_transfer SET status = $2, status_changed_at = $3 WHERE id = $1`, [rows[0].id, status, at]);
    }
    if (fields.accepted_on) await db.query(`UPDATE street_transfer SET accepted_on = $2 WHERE id = $1`, [rows[0].id, fields.accepted_on]);
  }

  const site = async (name: string, type: string, capacity: number, occupied: number, accessible: boolean, x: number, y: number) =>
    (
      await db.query<{ id: number }>(
        `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, accessible, contact_person,
                                         updated_at, geom)
         VALUES ($1, $2, $3, 'Adrese', $4, $5, $6, 'Kontaktpersona', '2025-01-15', ST_SetSRID(ST_MakePoint($7, $8), 3059)) RETURNING id`,
        [m, name, type, capacity, occupied, accessible, x, y],
      )
    ).rows[0].id;
  const houses: number[] = [];
  for (let i = 0; i < 6; i++) houses.push(await site(`Māja ${i + 1}`, 'private_house', 10, 6, i < 3, 701500 + i * 250, 307000));
  for (let i = 0; i < 5; i++) await site(`Dzīvoklis ${i + 1}`, 'apartment', 8, 8, false, 704000 + i * 300, 302500);
  for (let i = 0; i < 2; i++) await site(`Kopmītne ${i + 1}`, 'dormitory', 20, 15, i === 0, 715000 + i * 500, 305000);
  await db.query(`UPDATE accommodation_site SET occupied = 10, updated_at = '2025-02-20' WHERE id = $1`, [houses[0]]);
  await db.query(
    `INSERT INTO facility (municipality_id, category, name, geom) VALUES
       ($1, 'school', 'Ziemeļu skola', ST_SetSRID(ST_MakePoint(702000, 307000), 3059)),
       ($1, 'kindergarten', 'Ziemeļu bērnudārzs', ST_SetSRID(ST_MakePoint(702000, 307200), 3059))`,
    [m],
  );

  await registerDomainLayers(db, { id: m, code });
  app.layers.invalidate();
  app.municipalities.invalidate();
  return { id: m, code, units };
}
