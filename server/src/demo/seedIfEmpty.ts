import type { FastifyInstance } from 'fastify';
import { seedDemoMunicipality } from './seed.js';

/** Seeds the demo municipality on first start of a database that has no municipality yet. */
export async function seedDemoIfEmpty(app: FastifyInstance): Promise<void> {
  const { rows } = await app.pg.query<{ n: string }>('SELECT count(*) AS n FROM municipality');
  if (Number(rows[0].n) > 0) return;
  const started = Date.now();
  const client = await app.pg.connect();
  try {
    const summary = await seedDemoMunicipality(client);
    app.log.info({ ...summary, ms: Date.now() - started }, 'seeded the demo municipality (DEMO DATA, not real records)');
  } finally {
    client.release();
  }
  app.layers.invalidate();
}
