// npm run seed: creates the demo municipality in DATABASE_URL (or the embedded database).
import pg from 'pg';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/db/database.js';
import { runMigrations } from '../server/src/db/migrations.js';
import { migrationsDir } from '../server/src/plugins/database.js';
import { seedDemoMunicipality } from '../server/src/demo/seed.js';

const config = loadConfig();
const database = await openDatabase(config);
const pool = new pg.Pool({ connectionString: database.connectionString, max: 1 });
const client = await pool.connect();
try {
  await runMigrations(client, migrationsDir);
  const existing = await client.query(`SELECT 1 FROM municipality WHERE code = 'marupe'`);
  if (existing.rowCount) {
    console.log('The demo municipality "marupe" already exists; delete it first to seed again.');
  } else {
    const started = Date.now();
    console.log(await seedDemoMunicipality(client), `${Date.now() - started} ms`);
  }
} catch (err) {
  console.error(err instanceof Error ? `${err.message}: ${(err.cause as Error)?.message ?? ''}` : err);
  process.exitCode = 1;
} finally {
  client.release();
  await pool.end();
  await database.close();
}
