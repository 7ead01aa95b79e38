import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, seedDemoAccounts } from './demoAccounts.js';
import { seedDemoMunicipality } from './seed.js';

/**
 * Seeds the demo municipality, with one account per role, on first start of a database that has
 * no municipality yet. The caller decides that this is demo mode.
 */
export async function seedDemoIfEmpty(app: FastifyInstance): Promise<void> {
  const { rows } = await app.pg.query<{ n: string }>('SELECT count(*) AS n FROM municipality');
  if (Number(rows[0].n) > 0) return;
  const started = Date.now();
  const client = await app.pg.connect();
  let municipalityId: number;
  try {
    const summary = await seedDemoMunicipality(client);
    municipalityId = summary.municipalityId;
    app.log.info({ ...summary, ms: Date.now() - started }, 'seeded the demo municipality (DEMO DATA, not real records)');
  } finally {
    client.release();
  }
  app.layers.invalidate();
  // Accounts with a published password: the demo seed runs only in demo mode (SEED_DEMO=auto on
  // the embedded database, or SEED_DEMO=always), never into a production database.
  const accounts = await seedDemoAccounts(app.pg.pool, municipalityId);
  if (accounts.length) app.log.info({ accounts, password: DEMO_PASSWORD }, 'created the demo accounts (demo mode)');
}
