// Times the analysis tool "addresses within 50 m of a sewer main" at 100 000 addresses: through the
// API (buildApp on the benchmark database, app.inject, JSON answer of at most 10 000 features) and
// the same SQL statement run directly with pg (as the database owner, and inside the tenant scope
// the API uses), and prints the medians and their ratio.
//
// The database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gis_bench) must exist
// with PostGIS; it is migrated, and a synthetic municipality "bench-analysis" (100 000 address
// points and 3 000 sewer mains of 100–400 m in a 30 × 30 km box, fixed random seed) is created
// once. Run: npm run bench:analysis
import pg from 'pg';
import { buildApp } from '../../server/src/app.js';
import { analysisLayer } from '../../server/src/analysis/layers.js';
import { stageOther, withinDistanceStatement } from '../../server/src/analysis/tools.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';
import { registerDomainLayers } from '../../server/src/layers/domainLayers.js';
import { LayerRegistry } from '../../server/src/layers/registry.js';
import { withMunicipality } from '../../server/src/tenancy/scope.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gis_bench';
const code = 'bench-analysis';
const runs = Number(process.env.BENCH_RUNS ?? 7);

/** The synthetic municipality, made once per database. @returns its id */
async function ensureMunicipality(pool: pg.Pool): Promise<number> {
  const found = await pool.query<{ id: number }>('SELECT id FROM municipality WHERE code = $1', [code]);
  if (found.rowCount) return found.rows[0].id;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO municipality (code, name, name_en, is_demo)
       VALUES ($1, 'Sintētiska analīzes pašvaldība (BENCHMARK)', 'Synthetic analysis municipality (BENCHMARK)', true) RETURNING id`,
      [code],
    );
    const id = rows[0].id;
    await client.query('SELECT setseed(0.7)');
    await client.query(
      `INSERT INTO address (municipality_id, code, type_code, name, full_address, postcode, geom)
       SELECT $1, 800000000 + i, 108, (i % 120 + 1)::text, 'Analīzes iela ' || (i % 120 + 1) || ', BENCHMARK', 'LV-2167',
              ST_SetSRID(ST_MakePoint(488000 + random() * 30000, 291000 + random() * 30000), 3059)
         FROM generate_series(1, 100000) AS i`,
      [id],
    );
    await client.query(
      `INSERT INTO sewer_main (municipality_id, kind, diameter_mm, geom)
       SELECT $1, 'gravity', 200, ST_MakeLine(p, ST_Translate(p, cos(a) * len, sin(a) * len))
         FROM (SELECT ST_SetSRID(ST_MakePoint(488000 + random() * 30000, 291000 + random() * 30000), 3059) AS p,
                      random() * 2 * pi() AS a, 100 + random() * 300 AS len
                 FROM generate_series(1, 3000)) s`,
      [id],
    );
    await registerDomainLayers(client, { id, code });
    await client.query('COMMIT');
    await client.query('ANALYZE address; ANALYZE sewer_main');
    return id;
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error('creating the synthetic analysis municipality', { cause: err });
  } finally {
    client.release();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(label: string, work: () => Promise<unknown>): Promise<number> {
  await work(); // warm-up: plans, caches
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  const m = median(ms);
  console.log(`${label.padEnd(44)} median ${m.toFixed(1).padStart(7)} ms  (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}, ${runs} runs)`);
  return m;
}

async function main() {
  const config = { ...loadConfig({ ...process.env, DATABASE_URL: url, SEED_DEMO: 'never' }), logLevel: 'warn' as const };
  const database = await openDatabase({ databaseUrl: url, embeddedDataDir: '' });
  const app = await buildApp({ config, database, logger: false });
  const direct = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await app.ready();
    const municipalityId = await ensureMunicipality(direct);
    app.layers.invalidate();
    const payload = { layer: `${code}-addresses`, of: `${code}-sewer-mains`, distance: 50 };

    const registry = new LayerRegistry(direct);
    const layer = await analysisLayer(registry, municipalityId, null, payload.layer, 'layer');
    const of = await analysisLayer(registry, municipalityId, null, payload.of, 'of');
    const { sql, values } = withinDistanceStatement(layer, payload.distance, false);
    // The statement reads the sewer mains from the transaction's indexed copy (stageOther).
    const staged = (scoped: boolean) => async () => {
      const work = async (c: pg.PoolClient) => {
        await stageOther(c, of);
        return c.query<{ total: string }>(sql, values);
      };
      if (scoped) return withMunicipality(direct, municipalityId, work);
      const c = await direct.connect();
      try {
        await c.query('BEGIN');
        return await work(c);
      } finally {
        await c.query('ROLLBACK');
        c.release();
      }
    };
    const { rows } = await staged(false)();
    const counts = await direct.query<{ n: number }>('SELECT count(*)::int AS n FROM address WHERE municipality_id = $1', [municipalityId]);
    console.log(`${counts.rows[0].n} addresses; ${rows.length ? rows[0].total : 0} within ${payload.distance} m of a sewer main; ${rows.length} returned (cap 10 000); database ${new URL(url).pathname.slice(1)}`);

    const api = await time('API POST /api/analysis/within-distance', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/analysis/within-distance', payload, headers: { 'x-municipality': code } });
      if (res.statusCode !== 200) throw new Error(`API answered ${res.statusCode}: ${res.body}`);
    });
    const sqlOwner = await time('same SQL with pg (owner, no tenant scope)', staged(false));
    const sqlScoped = await time('same SQL with pg (tenant scope, as the API)', staged(true));
    console.log(`API ÷ direct SQL: ${(api / sqlOwner).toFixed(2)}× (owner), ${(api / sqlScoped).toFixed(2)}× (tenant scope)`);
  } finally {
    await direct.end();
    await app.close();
    await database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
