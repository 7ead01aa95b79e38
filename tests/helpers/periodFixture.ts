import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { registerDomainLayers } from '../../server/src/layers/domainLayers.js';
import { otherMunicipality } from './users.js';

/**
 * A small municipality of the test's own for dashboards "as at" a past day, every status change
 * set by hand (each UPDATE with its `status_changed_at` makes the trigger write one history row).
 * EPSG:3059, at x 800–817 km:
 *
 * - units: Laukmalas pagasts (parish, x 800–810 km, y 300–310 km), the town Jaunpils (x 810–815)
 *   and the village Vecciems in the parish (x 801–803, y 301–303). x 815–817 km is in no unit.
 * - one sewer main along y 301 500 m from x 801 to 817 km; every record 20 m from it (y 301 520):
 *   R1 Vecciems x 801 200: surveyed 2024-01-10, applied 2025-01-10, technical conditions
 *      2025-03-01, connected 2025-09-01;
 *   R2 Vecciems x 801 400: surveyed 2024-01-10, applied 2025-05-01;
 *   R3 Vecciems x 801 600: surveyed 2024-01-10, connected 2024-11-15;
 *   R8 Vecciems x 801 800: surveyed 2024-01-10, applied 2025-06-20;
 *   R4 Jaunpils x 811 000: surveyed only on 2025-08-01, applied 2025-09-01;
 *   R5 Jaunpils x 811 200: surveyed 2024-02-01, applied 2024-12-01, refused 2025-02-01, applied
 *      again 2025-10-01 (applied_on now says 2025-10-01), construction 2025-11-01;
 *   R6 the parish outside any settlement x 806 000: surveyed 2024-01-10, applied 2024-10-01 with no
 *      application date recorded, construction 2025-04-01;
 *   R7 outside every unit x 816 000: surveyed 2024-01-10, connected 2025-03-01.
 * - streets in the parish: T1 (400 m) application 2025-03-01, document check 2025-05-01, accepted
 *   2025-08-01; T2 (250 m) application 2025-09-01.
 * - accommodation: one site in the parish opened 2025-08-01 with 10 places, 4 occupied.
 */
export interface PeriodFixture {
  id: number;
  code: string;
  units: Record<'laukmalas' | 'jaunpils' | 'vecciems', number>;
}

export async function createPeriodFixture(app: FastifyInstance): Promise<PeriodFixture> {
  const code = `past-${randomUUID().slice(0, 8)}`;
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
    laukmalas: await unit('parish', 'Laukmalas pagasts', [800000, 300000, 810000, 310000]),
    jaunpils: await unit('town', 'Jaunpils', [810000, 300000, 815000, 310000]),
    vecciems: await unit('village', 'Vecciems', [801000, 301000, 803000, 303000]),
  };
  await db.query(`INSERT INTO sewer_main (municipality_id, geom) VALUES ($1, ST_GeomFromText('LINESTRING(801000 301500, 817000 301500)', 3059))`, [m]);

  // [name, x, surveyed on, steps: [status, day, the date column it fills (if any)]]
  const records: [string, number, string, [string, string, string?][]][] = [
    ['R1', 801200, '2024-01-10', [['applied', '2025-01-10', 'applied_on'], ['technical_conditions', '2025-03-01'], ['connected', '2025-09-01', 'connected_on']]],
    ['R2', 801400, '2024-01-10', [['applied', '2025-05-01', 'applied_on']]],
    ['R3', 801600, '2024-01-10', [['connected', '2024-11-15', 'connected_on']]],
    ['R8', 801800, '2024-01-10', [['applied', '2025-06-20', 'applied_on']]],
    ['R4', 811000, '2025-08-01', [['applied', '2025-09-01', 'applied_on']]],
    ['R5', 811200, '2024-02-01', [['applied', '2024-12-01', 'applied_on'], ['refused', '2025-02-01'], ['applied', '2025-10-01', 'applied_on'], ['construction', '2025-11-01']]],
    ['R6', 806000, '2024-01-10', [['applied', '2024-10-01'], ['construction', '2025-04-01']]],
    ['R7', 816000, '2024-01-10', [['connected', '2025-03-01', 'connected_on']]],
  ];
  for (const [name, x, surveyed, steps] of records) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO sewer_connection (municipality_id, property_address, status, status_changed_at, geom)
       VALUES ($1, $2, 'not_connected', $3, ST_SetSRID(ST_MakePoint($4, 301520), 3059)) RETURNING id`,
      [m, `Pagātnes iela ${name}`, surveyed, x],
    );
    for (const [status, day, column] of steps) {
      const set = column ? `, ${column} = $3::date` : '';
      await db.query(`UPDATE sewer_connection SET status = $2, status_changed_at = $3::date${set} WHERE id = $1`, [rows[0].id, status, day]);
    }
  }

  const streets: [string, number, number, [string, string][]][] = [
    ['T1', 400, 801000, [['application', '2025-03-01'], ['document_check', '2025-05-01'], ['accepted', '2025-08-01']]],
    ['T2', 250, 805000, [['application', '2025-09-01']]],
  ];
  for (const [i, [name, length, x, steps]] of streets.entries()) {
    const [first, ...rest] = steps;
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO street_transfer (municipality_id, cadastre_designation, street_name, length_m, status, status_changed_at, applied_on, geom)
       VALUES ($1, $2, $3, $4, $5, $6::date, $6::date, ST_Multi(ST_MakeEnvelope($7, 308000, $8, 308008, 3059))) RETURNING id`,
      [m, `8098000000${i}`, `${name} iela`, length, first[0], first[1], x, x + length],
    );
    for (const [status, day] of rest) {
      const set = status === 'accepted' ? ', accepted_on = $3::date' : '';
      await db.query(`UPDATE street_transfer SET status = $2, status_changed_at = $3::date${set} WHERE id = $1`, [rows[0].id, status, day]);
    }
  }

  await db.query(
    `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, accessible, contact_person, updated_at, geom)
     VALUES ($1, 'Jaunā māja', 'private_house', 'Adrese', 10, 4, false, 'Kontaktpersona', '2025-08-01', ST_SetSRID(ST_MakePoint(805000, 306000), 3059))`,
    [m],
  );

  await registerDomainLayers(db, { id: m, code });
  app.layers.invalidate();
  app.municipalities.invalidate();
  return { id: m, code, units };
}
