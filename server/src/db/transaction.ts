import type pg from 'pg';

/**
 * Runs `task` inside BEGIN … COMMIT on one pooled client, rolling back on any error.
 * @param begin the statement(s) that open the transaction, sent in one round trip (no parameters)
 */
export async function inTransaction<T>(pool: pg.Pool, task: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await task(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
