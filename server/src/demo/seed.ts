import type pg from 'pg';
import { registerDomainLayers } from '../layers/domainLayers.js';
import { buildDemoPlan, type DemoPlanOptions } from './plan.js';
import { writeDemoPlan } from './write.js';

/** What the demo seed created, counted in the database after writing. */
export interface SeedSummary {
  municipality: string;
  municipalityId: number;
  seed: string;
  /** Last day of the demo history (YYYY-MM-DD); the history covers the three years before. */
  asOf: string;
  territorialUnits: Record<string, number>;
  addresses: number;
  sewerMains: number;
  sewerManholes: number;
  /** Connection records per status. */
  sewerConnections: Record<string, number>;
  /** Street transfer parcels per status. */
  streetTransfers: Record<string, number>;
  accommodationSites: number;
  facilities: Record<string, number>;
  /** Rows the status and occupancy triggers wrote. */
  statusHistory: number;
  layers: number;
}

/**
 * Creates the demo municipality "marupe" (Mārupes novads (DEMO), `is_demo`) with deterministic,
 * plausible data around Mārupe: parishes, villages, addresses, a sewer network, connection and
 * street-transfer records with three years of status history, refugee accommodation sites and
 * the auxiliary points. Everything happens in one transaction: it is all there or none of it.
 */
export async function seedDemoMunicipality(client: pg.PoolClient | pg.Client, opts: DemoPlanOptions = {}): Promise<SeedSummary> {
  await client.query('BEGIN');
  try {
    const plan = buildDemoPlan(opts);
    const id = await writeDemoPlan(client, plan);
    const layers = await registerDomainLayers(client as pg.PoolClient, { id, code: plan.municipality.code });
    const summary = await summarise(client, id);
    await client.query('COMMIT');
    return {
      municipality: plan.municipality.code,
      municipalityId: id,
      seed: plan.seed,
      asOf: plan.asOf.toISOString().slice(0, 10),
      ...summary,
      layers: layers.length,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error('seeding the demo municipality', { cause: err });
  }
}

async function summarise(db: pg.PoolClient | pg.Client, id: number) {
  const { rows } = await db.query<{ what: string; key: string | null; n: number }>(
    `SELECT 'territorial_unit' AS what, kind AS key, count(*)::int AS n FROM territorial_unit WHERE municipality_id = $1 GROUP BY kind
     UNION ALL SELECT 'address', NULL, count(*)::int FROM address WHERE municipality_id = $1
     UNION ALL SELECT 'sewer_main', NULL, count(*)::int FROM sewer_main WHERE municipality_id = $1
     UNION ALL SELECT 'sewer_manhole', NULL, count(*)::int FROM sewer_manhole WHERE municipality_id = $1
     UNION ALL SELECT 'sewer_connection', status, count(*)::int FROM sewer_connection WHERE municipality_id = $1 GROUP BY status
     UNION ALL SELECT 'street_transfer', status, count(*)::int FROM street_transfer WHERE municipality_id = $1 GROUP BY status
     UNION ALL SELECT 'accommodation_site', NULL, count(*)::int FROM accommodation_site WHERE municipality_id = $1
     UNION ALL SELECT 'facility', category, count(*)::int FROM facility WHERE municipality_id = $1 GROUP BY category
     UNION ALL SELECT 'status_history', NULL, count(*)::int FROM status_history WHERE municipality_id = $1`,
    [id],
  );
  const total = (what: string) => rows.filter((r) => r.what === what).reduce((sum, r) => sum + r.n, 0);
  const byKey = (what: string) =>
    Object.fromEntries(rows.filter((r) => r.what === what).sort((a, b) => a.key!.localeCompare(b.key!)).map((r) => [r.key!, r.n]));
  return {
    territorialUnits: byKey('territorial_unit'),
    addresses: total('address'),
    sewerMains: total('sewer_main'),
    sewerManholes: total('sewer_manhole'),
    sewerConnections: byKey('sewer_connection'),
    streetTransfers: byKey('street_transfer'),
    accommodationSites: total('accommodation_site'),
    facilities: byKey('facility'),
    statusHistory: total('status_history'),
  };
}
