import type pg from 'pg';
import { registerDomainLayers } from '../layers/domainLayers.js';

export interface SeedSummary {
  municipality: string;
  layers: number;
}

/**
 * Creates the demo municipality with deterministic, plausible data around Mārupe.
 * Placeholder: the full generator replaces this.
 */
export async function seedDemoMunicipality(client: pg.PoolClient): Promise<SeedSummary> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO municipality (code, name, name_en, is_demo) VALUES ('marupe', 'Mārupes novads (DEMO)', 'Mārupe Municipality (DEMO)', true) RETURNING id`,
    );
    const layers = await registerDomainLayers(client, { id: rows[0].id, code: 'marupe' });
    await client.query('COMMIT');
    return { municipality: 'marupe', layers: layers.length };
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error('seeding the demo municipality', { cause: err });
  }
}
