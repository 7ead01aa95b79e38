// Times the sewer work list of the demo municipality through the HTTP API of a real server process
// (as an official, so under the tenant scope and row-level security) beside the same SQL function
// run by the owner, and checks that one official's twelve parallel work lists leave other users'
// requests fast (the bounded share of the pool for heavy requests).
//
// The database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gis_bench) must
// exist with PostGIS; it is migrated and the demo is seeded when missing.
// Run: npm run bench:worklists   (BENCH_RUNS, default 10)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../../server/src/app.js';
import { hashPassword } from '../../server/src/auth/password.js';
import { createUser, setMembership } from '../../server/src/auth/repository.js';
import type { Role } from '../../server/src/auth/roles.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';
import { seedDemoMunicipality } from '../../server/src/demo/seed.js';
import { startServerProcess } from './serverProcess.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gis_bench';
const runs = Number(process.env.BENCH_RUNS ?? 10);
const TARGET_MS = 300;
const LIGHT_TARGET_MS = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(...xs);

// Migrate, seed the demo when missing, and make two bench accounts (an official and a viewer).
const password = randomUUID();
const emails: Record<'official' | 'viewer', string> = { official: '', viewer: '' };
let demo: number;
{
  const database = await openDatabase({ databaseUrl: url, embeddedDataDir: '' });
  const app = await buildApp({ config: { ...loadConfig({}), port: 0 }, database, logger: false });
  await app.ready();
  const pool = app.pg.pool;
  if (!(await pool.query(`SELECT 1 FROM municipality WHERE code = 'marupe'`)).rowCount) {
    const client = await pool.connect();
    try {
      await seedDemoMunicipality(client);
    } finally {
      client.release();
    }
  }
  demo = (await pool.query<{ id: number }>(`SELECT id FROM municipality WHERE code = 'marupe'`)).rows[0].id;
  await pool.query('ANALYZE');
  for (const role of ['official', 'viewer'] as Role[]) {
    const email = `bench-${role}-${randomUUID().slice(0, 8)}@bench.example`;
    const id = (await createUser(pool, { email, name: `Bench ${role}`, passwordHash: await hashPassword(password) }))!;
    await setMembership(pool, id, demo, role);
    emails[role as 'official' | 'viewer'] = email;
  }
  await app.close();
  await database.close();
}

const server = await startServerProcess({ DATABASE_URL: url, SEED_DEMO: 'never' });
const owner = new pg.Client({ connectionString: url });
await owner.connect();
try {
  const signIn = async (email: string) => {
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (!res.ok) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gis_session='))!.split(';')[0];
    return { cookie, 'x-municipality': 'marupe' };
  };
  const official = await signIn(emails.official);
  const viewer = await signIn(emails.viewer);
  const timed = async (path: string, headers: Record<string, string>) => {
    const started = performance.now();
    const res = await fetch(server.url + path, { headers });
    const body = await res.text();
    return { ms: performance.now() - started, status: res.status, rows: res.ok && body.startsWith('[') ? (JSON.parse(body) as unknown[]).length : 0 };
  };
  const worklist = '/api/worklists/sewer-unconnected?distance=50';

  console.log(`bench:worklists — ${url}, server ${server.url}, median of ${runs} runs, target ${TARGET_MS} ms`);
  const api: number[] = [];
  let rows = 0;
  for (let i = 0; i <= runs; i++) {
    const r = await timed(worklist, official);
    if (r.status !== 200) throw new Error(`work list: HTTP ${r.status}`);
    rows = r.rows;
    if (i > 0) api.push(r.ms);
  }
  // The same function as the owner (no role switch, so no row-level security), and the statement as the tenant role.
  const sql = async (tenantRole: boolean) => {
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      await owner.query(`BEGIN; SELECT set_config('app.municipality_id', '${demo}', true)${tenantRole ? `, set_config('role', 'gis_tenant', true)` : ''}`);
      const started = performance.now();
      await owner.query('SELECT * FROM sewer_unconnected_worklist(50, NULL)');
      if (i > 0) times.push(performance.now() - started);
      await owner.query('ROLLBACK');
    }
    return times;
  };
  const asOwner = await sql(false);
  const asTenant = await sql(true);
  console.log(`work list (${rows} rows)      median ms   max ms`);
  console.log(`  HTTP API, official      ${median(api).toFixed(0).padStart(9)} ${max(api).toFixed(0).padStart(8)}   ${median(api) < TARGET_MS ? 'ok' : 'OVER TARGET'}`);
  console.log(`  SQL as the owner        ${median(asOwner).toFixed(0).padStart(9)} ${max(asOwner).toFixed(0).padStart(8)}`);
  console.log(`  SQL as gis_tenant (RLS) ${median(asTenant).toFixed(0).padStart(9)} ${max(asTenant).toFixed(0).padStart(8)}`);

  // One official, twelve work lists at once; meanwhile a colleague keeps opening the layer catalog.
  const started = performance.now();
  let heavyDone = false;
  const heavy = Promise.all(Array.from({ length: 12 }, () => timed(worklist, official))).finally(() => (heavyDone = true));
  const light: number[] = [];
  while (!heavyDone) {
    const r = await timed('/api/layers', viewer);
    if (r.status !== 200) throw new Error(`layers: HTTP ${r.status}`);
    light.push(r.ms);
    await new Promise((r) => setTimeout(r, 25));
  }
  const results = await heavy;
  const statuses = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  console.log(`12 parallel work lists of one official: all done in ${(performance.now() - started).toFixed(0)} ms, statuses ${JSON.stringify(statuses)}, slowest ${max(results.map((r) => r.ms)).toFixed(0)} ms`);
  console.log(
    `  a colleague's /api/layers meanwhile (${light.length} requests): median ${median(light).toFixed(0)} ms, max ${max(light).toFixed(0)} ms   ${max(light) < LIGHT_TARGET_MS ? 'ok' : 'OVER TARGET'} (target < ${LIGHT_TARGET_MS} ms)`,
  );
} finally {
  await owner.end();
  await server.close();
}
