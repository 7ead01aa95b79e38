import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';

/** Switches the current transaction to the tenant role and municipality ($1); for transactions opened elsewhere. */
export const TENANT_SCOPE_SQL = `SELECT set_config('role', 'gis_tenant', true), set_config('app.municipality_id', $1, true)`;

/**
 * Runs `work` in one transaction scoped to a municipality: the role `gis_tenant` and
 * `app.municipality_id` are set with `SET LOCAL` semantics (set_config(…, true)), so both end with
 * the transaction and can never leak to the next user of a pooled connection. The row-level
 * security policies on every table with a municipality_id (migration 0013) read this setting, so a
 * query that forgets its `WHERE municipality_id = …` still sees and changes only this
 * municipality's rows.
 *
 * Every read or write of municipal data on behalf of a request goes through here, with one
 * exception: spatial reads (vector tiles, OGC items by bbox) whose statement binds the layer's
 * municipality itself read outside it, because under the policies PostgreSQL cannot use the GiST
 * index for PostGIS's `&&` (not LEAKPROOF); see withLayerRead below.
 */
export async function withMunicipality<T>(
  pool: pg.Pool,
  municipalityId: number,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (!Number.isInteger(municipalityId)) throw new Error(`not a municipality id: ${municipalityId}`);
  // One round trip opens the transaction and scopes it: the tenant role (bound by the row-level
  // security policies of migration 0013) and the municipality, both for this transaction only.
  // The id is an integer from the server's own records, so it is written into the text.
  return inTransaction(pool, work, `BEGIN; SELECT set_config('role', 'gis_tenant', true), set_config('app.municipality_id', '${municipalityId}', true)`);
}

/**
 * Runs `work` scoped to the municipality that owns a layer (its id names it). A layer shared by all
 * municipalities (municipality_id NULL) holds no municipal rows and is read without a scope.
 */
export async function withLayerScope<T>(
  pool: pg.Pool,
  layer: { municipalityId: number | null },
  work: (client: pg.PoolClient | pg.Pool) => Promise<T>,
): Promise<T> {
  return layer.municipalityId === null ? work(pool) : withMunicipality(pool, layer.municipalityId, work);
}

/** A layer as the registry resolves it, as far as its own row filter goes. */
interface FilteredLayer {
  municipalityId: number | null;
  sql: { filter(firstParam: number): { conditions: string[]; values: unknown[] } };
}

/**
 * Whether the layer's own filter keeps every statement built on it to the layer's municipality:
 * the registry puts `"municipality_id" = $n` first, with that municipality as the value. Checked
 * rather than assumed, since such statements may read outside the tenant scope.
 * @param firstParam - the number of the filter's first `$n` in the statement
 */
export function filterBindsMunicipality(layer: FilteredLayer, firstParam = 1): boolean {
  if (layer.municipalityId === null) return false;
  const { conditions, values } = layer.sql.filter(firstParam);
  return conditions[0] === `"municipality_id" = $${firstParam}` && values[0] === layer.municipalityId;
}

/**
 * Runs read-only statements that apply the layer's own filter. When that filter binds the layer's
 * municipality they run in a read-only transaction as the connecting role, outside the tenant
 * scope: under its row-level security PostgreSQL may not use the GiST index for PostGIS's `&&` /
 * ST_Intersects (not LEAKPROOF), so a bbox read would scan all of the municipality's rows. The
 * statement's own condition gives the rows the policy would. Otherwise they run inside the scope.
 */
export function withLayerRead<T>(pool: pg.Pool, layer: FilteredLayer, work: (db: pg.PoolClient | pg.Pool) => Promise<T>): Promise<T> {
  return filterBindsMunicipality(layer) ? inTransaction(pool, work, 'BEGIN READ ONLY') : withLayerScope(pool, layer, work);
}
