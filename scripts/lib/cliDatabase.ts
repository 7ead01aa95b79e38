import pg from 'pg';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';
import { runMigrations, type AppliedMigration } from '../../server/src/db/migrations.js';
import { migrationsDir } from '../../server/src/plugins/database.js';

/** How a command-line tool words a failure; by default the message and its cause. */
export type DescribeError = (err: unknown) => string;

const describeDefault: DescribeError = (err) =>
  err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);

/**
 * Runs a command-line tool's work on the configured database (DATABASE_URL or the embedded one)
 * with one connection, after applying pending migrations; prints a failure and sets the exit
 * code instead of throwing, and always closes the database.
 */
export async function withCliDatabase(
  work: (client: pg.PoolClient, migrations: AppliedMigration[]) => Promise<void>,
  describeError: DescribeError = describeDefault,
): Promise<void> {
  const database = await openDatabase(loadConfig());
  const pool = new pg.Pool({ connectionString: database.connectionString, max: 1 });
  const client = await pool.connect();
  try {
    await work(client, await runMigrations(client, migrationsDir));
  } catch (err) {
    console.error(describeError(err));
    process.exitCode = 1;
  } finally {
    client.release();
    await pool.end();
    await database.close();
  }
}
