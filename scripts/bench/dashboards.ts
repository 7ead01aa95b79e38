// Times each dashboard's full set of indicators on the demo municipality and on a 10× copy of it,
// through the API (app.inject, sewer and streets, which are public) and by the dashboard service
// directly (all three), and prints the medians against the 500 ms target.
//
// The database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gis_bench) must
// exist with PostGIS; it is migrated, the demo is seeded when missing, and "marupe-x10" is made once:
// the demo's units, mains and facilities, and ten copies (1–10 m apart) of every address, sewer
// connection, street transfer and accommodation site with their status and occupancy history.
// Run: npm run bench:dashboards
import pg from 'pg';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { dashboards } from '../../server/src/dashboards/catalog.js';
import { computeDashboard } from '../../server/src/dashboards/service.js';
import { openDatabase } from '../../server/src/db/database.js';
import { seedDemoMunicipality } from '../../server/src/demo/seed.js';
import { registerDomainLayers } from '../../server/src/layers/domainLayers.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gis_bench';
const runs = Number(process.env.BENCH_RUNS ?? 5);
const scaled = 'marupe-x10';

const copies = (table: string, columns: string) => `
  INSERT INTO ${table} (municipality_id, ${columns}, geom)
  SELECT $2, ${columns}, ST_Translate(geom, k, k) FROM ${table}, generate_series(1, 10) AS k WHERE municipality_id = $1`;

async function ensureScaled(pool: pg.Pool, demoId: number): Promise<void> {
  if ((await pool.query('SELECT 1 FROM municipality WHERE code = $1', [scaled])).rowCount) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const id = (
      await client.query<{ id: number }>(
        `INSERT INTO municipality (code, name, boundary) SELECT $2, name || ' ×10 (BENCHMARK)', boundary FROM municipality WHERE id = $1 RETURNING id`,
        [demoId, scaled],
      )
    ).rows[0].id;
    await client.query(`INSERT INTO territorial_unit (municipality_id, kind, name, atvk_code, geom) SELECT $2, kind, name, atvk_code, geom FROM territorial_unit WHERE municipality_id = $1`, [demoId, id]);
    await client.query(`INSERT INTO sewer_main (municipality_id, kind, diameter_mm, material, year_built, geom) SELECT $2, kind, diameter_mm, material, year_built, geom FROM sewer_main WHERE municipality_id = $1`, [demoId, id]);
    await client.query(`INSERT INTO facility (municipality_id, category, name, geom) SELECT $2, category, name, geom FROM facility WHERE municipality_id = $1`, [demoId, id]);
    await client.query(
      `INSERT INTO address (municipality_id, code, type_code, name, full_address, geom)
       SELECT $2, code * 100 + k, type_code, name, full_address, ST_Translate(geom, k, k) FROM address, generate_series(1, 10) AS k WHERE municipality_id = $1`,
      [demoId, id],
    );
    // Copies keep their history: the triggers write one row per insert, replaced by the original's rows.
    await client.query(copies('sewer_connection', 'property_address, status, status_changed_at, applied_on, technical_conditions_on, construction_started_on, connected_on, refused_on, cofinancing_eur'), [demoId, id]);
    await client.query(copies('street_transfer', 'cadastre_designation, street_name, length_m, status, status_changed_at, applied_on, accepted_on, yearly_maintenance_eur'), [demoId, id]);
    await client.query(copies('accommodation_site', 'name, site_type, address_text, capacity, occupied, accessible, status, updated_at'), [demoId, id]);
    await client.query('DELETE FROM status_history WHERE municipality_id = $1', [id]);
    for (const table of ['sewer_connection', 'street_transfer', 'accommodation_site']) {
      await client.query(
        `INSERT INTO status_history (municipality_id, entity, entity_id, from_status, to_status, changed_at, changed_by, details)
         SELECT $2, h.entity, c.id, h.from_status, h.to_status, h.changed_at, h.changed_by, h.details
           FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM ${table} WHERE municipality_id = $2) c
           JOIN (SELECT o.id, row_number() OVER (ORDER BY k, o.id) AS n FROM ${table} o, generate_series(1, 10) AS k WHERE o.municipality_id = $1) o ON o.n = c.n
           JOIN status_history h ON h.entity = '${table}' AND h.entity_id = o.id`,
        [demoId, id],
      );
    }
    await registerDomainLayers(client, { id, code: scaled });
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const database = await openDatabase({ databaseUrl: url, embeddedDataDir: '', poolSize: 4 });
const app = await buildApp({ config: { ...loadConfig({}), port: 0 }, database, logger: false });
await app.ready();
const pool = app.pg.pool;
let demo = (await pool.query<{ id: number }>(`SELECT id FROM municipality WHERE code = 'marupe'`)).rows[0]?.id;
if (!demo) {
  const client = await pool.connect();
  try {
    await seedDemoMunicipality(client);
  } finally {
    client.release();
  }
  demo = (await pool.query<{ id: number }>(`SELECT id FROM municipality WHERE code = 'marupe'`)).rows[0].id;
}
await ensureScaled(pool, demo);
await pool.query('ANALYZE');
app.layers.invalidate();
app.municipalities.invalidate();

console.log(`bench:dashboards — ${url}, median of ${runs} runs, target 500 ms per dashboard`);
console.log('municipality  dashboard       API ms   service ms   indicators (slowest)');
for (const code of ['marupe', scaled]) {
  const municipality = (await app.municipalities.byCodeOrNull(code))!;
  const counts = (await pool.query(`SELECT (SELECT count(*) FROM address WHERE municipality_id = $1) AS addresses, (SELECT count(*) FROM sewer_connection WHERE municipality_id = $1) AS connections`, [municipality.id])).rows[0];
  console.log(`${code}: ${counts.addresses} addresses, ${counts.connections} sewer connections`);
  for (const definition of Object.values(dashboards)) {
    const api: number[] = [];
    const service: number[] = [];
    let slowest = '';
    for (let i = 0; i < runs + 1; i++) {
      if (definition.id !== 'accommodation') {
        const started = performance.now();
        const res = await app.inject({ url: `/api/dashboards/${definition.id}`, headers: { 'x-municipality': code } });
        if (res.statusCode !== 200) throw new Error(`${definition.id}: ${res.statusCode} ${res.body}`);
        if (i > 0) api.push(performance.now() - started);
      }
      const started = performance.now();
      const whole = new Map(definition.indicators.map((indicator) => [indicator.id, 'full' as const]));
      const result = await computeDashboard(pool, definition, municipality, { unitId: null, from: null, to: null }, whole);
      if (i > 0) service.push(performance.now() - started);
      const top = [...result.indicators].sort((a, b) => b.elapsedMs - a.elapsedMs)[0];
      slowest = `${top.id} ${top.elapsedMs} ms`;
    }
    const a = api.length ? median(api).toFixed(0) : '—';
    console.log(`  ${code.padEnd(12)} ${definition.id.padEnd(14)} ${a.padStart(6)} ${median(service).toFixed(0).padStart(11)}   ${slowest}`);
  }
}
await app.close();
await database.close();
