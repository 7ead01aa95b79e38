import type pg from 'pg';
import { registerDomainLayers } from '../../server/src/layers/domainLayers.js';

/** Code of the synthetic municipality that only the benchmark database holds. */
export const denseCode = 'bench-dense';

/**
 * A synthetic, clearly non-real municipality with FIELD-NOTES' "dense" load: 100 000 address
 * points and 20 000 small parcel polygons in a 30 × 30 km box around Mārupe (EPSG:3059), made
 * with a fixed random seed. Created once per benchmark database, next to the demo municipality,
 * so the API's per-request cost can be compared with direct SQL on heavy tiles too.
 * @returns the municipality id
 */
export async function ensureDenseMunicipality(client: pg.PoolClient): Promise<number> {
  const found = await client.query<{ id: number }>('SELECT id FROM municipality WHERE code = $1', [denseCode]);
  if (found.rowCount) return found.rows[0].id;
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO municipality (code, name, name_en, is_demo)
       VALUES ($1, 'Sintētiska blīva pašvaldība (BENCHMARK)', 'Synthetic dense municipality (BENCHMARK)', true) RETURNING id`,
      [denseCode],
    );
    const id = rows[0].id;
    await client.query('SELECT setseed(0.42)');
    await client.query(
      `INSERT INTO address (municipality_id, code, type_code, name, full_address, postcode, geom)
       SELECT $1, 900000000 + i, 108, (i % 120 + 1)::text, 'Sintētiskā iela ' || (i % 120 + 1) || ', BENCHMARK', 'LV-2167',
              ST_SetSRID(ST_MakePoint(488000 + random() * 30000, 291000 + random() * 30000), 3059)
         FROM generate_series(1, 100000) AS i`,
      [id],
    );
    await client.query(
      `INSERT INTO street_transfer (municipality_id, cadastre_designation, street_name, length_m, width_m, surface,
                                    status, yearly_maintenance_eur, geom)
       SELECT $1, lpad((80000000000 + i)::text, 11, '0'), 'Sintētiskā iela ' || i, 100 + i % 400, 6 + i % 5,
              (ARRAY['asphalt','gravel','paving','soil'])[i % 4 + 1],
              (ARRAY['application','document_check','inspection','council_decision','land_register','accepted','rejected'])[i % 7 + 1],
              500 + i % 3000,
              ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(488000 + random() * 30000, 291000 + random() * 30000), 3059),
                                 8 + random() * 30, 4))
         FROM generate_series(1, 20000) AS i`,
      [id],
    );
    await registerDomainLayers(client, { id, code: denseCode });
    await client.query('COMMIT');
    await client.query('ANALYZE address; ANALYZE street_transfer');
    return id;
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error('creating the synthetic dense municipality', { cause: err });
  }
}
