// npm run seed: creates the demo municipality in DATABASE_URL (or the embedded database).
import { seedDemoMunicipality } from '../server/src/demo/seed.js';
import { withCliDatabase } from './lib/cliDatabase.js';

await withCliDatabase(async (client) => {
  const existing = await client.query(`SELECT 1 FROM municipality WHERE code = 'marupe'`);
  if (existing.rowCount) {
    console.log('The demo municipality "marupe" already exists; delete it first to seed again.');
    return;
  }
  const started = Date.now();
  console.log(await seedDemoMunicipality(client), `${Date.now() - started} ms`);
});
