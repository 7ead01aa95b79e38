import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

export interface AppliedMigration {
  id: string;
  applied: boolean;
}

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Thrown when a migration cannot be applied; nothing of that migration is kept. */
export class MigrationError extends Error {}

/**
 * Applies `sql/migrations/NNNN_name.sql` files that have not been applied yet, in order, each in
 * its own transaction, and records them in `schema_migration`. A migration that was edited after
 * it was applied stops the run: migrations are append-only.
 */
export async function runMigrations(client: pg.PoolClient | pg.Client, dir: string): Promise<AppliedMigration[]> {
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
    id text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migration');
  const done = new Map(rows.map((r) => [r.id, r.checksum]));
  const result: AppliedMigration[] = [];
  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const sql = await readFile(path.join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = done.get(id);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new MigrationError(
          `Migration ${file} was changed after it was applied. Migrations are never edited; add a new one instead.`,
        );
      }
      result.push({ id, applied: false });
      continue;
    }
    try {
      // A migration may rewrite large tables: the app connections' statement timeout is not for it.
      await client.query('BEGIN; SET LOCAL statement_timeout = 0');
      await client.query(sql);
      await client.query('INSERT INTO schema_migration (id, checksum) VALUES ($1, $2)', [id, checksum]);
      await client.query('COMMIT');
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => {});
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new MigrationError(`Migration ${file} failed and was rolled back: ${message}`, { cause });
    }
    result.push({ id, applied: true });
  }
  return result;
}
