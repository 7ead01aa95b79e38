import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationError, runMigrations } from '../../../server/src/db/migrations.js';
import { databaseKinds, openTestDatabase } from '../../helpers/testApp.js';

for (const kind of databaseKinds()) {
  describe(`runMigrations [${kind}]`, () => {
    let db: Awaited<ReturnType<typeof openTestDatabase>>;
    let client: pg.Client;
    let dir: string;
    const schema = `migration_test_${process.pid}`;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      client = new pg.Client({ connectionString: db.connectionString });
      await client.connect();
      // A private schema so the real shared test database keeps its own migration record.
      await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public`);
      dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    });
    afterAll(async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      await db.close();
      await db.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('applies pending migrations in order and records them', async () => {
      await writeFile(path.join(dir, '0001_first.sql'), 'CREATE TABLE parish_note (id int);');
      await writeFile(path.join(dir, '0002_second.sql'), 'ALTER TABLE parish_note ADD COLUMN note text;');
      await writeFile(path.join(dir, 'README.md'), 'not a migration');
      const result = await runMigrations(client, dir);
      expect(result).toEqual([
        { id: '0001_first', applied: true },
        { id: '0002_second', applied: true },
      ]);
      expect((await runMigrations(client, dir)).every((m) => !m.applied)).toBe(true);
    });

    it('rolls back a failing migration completely and names it in the error', async () => {
      await writeFile(
        path.join(dir, '0003_broken.sql'),
        'CREATE TABLE half_made (id int); INSERT INTO no_such_table VALUES (1);',
      );
      await expect(runMigrations(client, dir)).rejects.toThrow(/0003_broken\.sql failed and was rolled back/);
      const { rows } = await client.query(`SELECT to_regclass('${schema}.half_made') AS t`);
      expect(rows[0].t).toBeNull();
      const recorded = await client.query('SELECT id FROM schema_migration ORDER BY id');
      expect(recorded.rows.map((r) => r.id)).toEqual(['0001_first', '0002_second']);
      await rm(path.join(dir, '0003_broken.sql'));
    });

    it('refuses to run when an applied migration was edited', async () => {
      await writeFile(path.join(dir, '0001_first.sql'), 'CREATE TABLE parish_note (id bigint);');
      const error = await runMigrations(client, dir).catch((e) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error.message).toMatch(/0001_first\.sql was changed after it was applied/);
    });
  });
}
