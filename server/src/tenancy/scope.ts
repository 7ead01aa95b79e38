import type pg from 'pg';

/**
 * Runs `work` in one transaction scoped to a municipality: `app.municipality_id` is set with
 * `SET LOCAL` semantics (set_config(…, true)), so it ends with the transaction and can never leak to
 * the next user of a pooled connection. Row-level security policies on the municipal tables read
 * this setting, so a query that forgets its `WHERE municipality_id = …` still sees only this
 * municipality's rows.
 *
 * Every read or write of municipal data on behalf of a request goes through here (or through
 * `request.tenant`, which calls it with the request's municipality).
 */
export async function withMunicipality<T>(
  pool: pg.Pool,
  municipalityId: number,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.municipality_id', $1, true)`, [String(municipalityId)]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
