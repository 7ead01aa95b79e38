// npm run migrate: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import pg from 'pg';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/db/database.js';
import { runMigrations } from '../server/src/db/migrations.js';
import { migrationsDir } from '../server/src/plugins/database.js';

const config = loadConfig();
const database = await openDatabase(config);
const client = new pg.Client({ connectionString: database.connectionString });
try {
  await client.connect();
  const result = await runMigrations(client, migrationsDir);
  for (const m of result) console.log(`${m.applied ? 'applied ' : 'present '} ${m.id}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await client.end();
  await database.close();
}
