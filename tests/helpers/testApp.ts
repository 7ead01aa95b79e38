import type { FastifyInstance } from 'fastify';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase, type DatabaseProfile } from '../../server/src/db/database.js';

export type DatabaseKind = 'embedded' | 'postgis';

export interface TestApp {
  kind: DatabaseKind;
  app: FastifyInstance;
  database: DatabaseProfile;
  /** Base URL when started with `listen: true`, e.g. for GDAL or a browser. */
  url: string;
  close(): Promise<void>;
}

/** The databases this run can test against: always the embedded one, the real one when configured. */
export function databaseKinds(): DatabaseKind[] {
  return inject('realDatabaseUrl') ? ['embedded', 'postgis'] : ['embedded'];
}

/** Opens a private copy of the embedded template, or the shared real test database. */
export async function openTestDatabase(kind: DatabaseKind): Promise<DatabaseProfile & { cleanup(): Promise<void> }> {
  if (kind === 'postgis') {
    const db = await openDatabase({ databaseUrl: inject('realDatabaseUrl')!, embeddedDataDir: '', poolSize: 4 });
    return { ...db, cleanup: async () => {} };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'gis-test-db-'));
  await cp(inject('embeddedTemplateDir'), dir, { recursive: true });
  const db = await openDatabase({ embeddedDataDir: dir });
  return { ...db, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Builds the app on a test database; `listen` also binds it to a free port on 127.0.0.1. */
export async function startTestApp(
  kind: DatabaseKind,
  opts: { listen?: boolean; env?: NodeJS.ProcessEnv; logger?: boolean | object } = {},
): Promise<TestApp> {
  const database = await openTestDatabase(kind);
  // The fixture municipality is the default even when another test seeded the demo into the shared database.
  const config = { ...loadConfig({ DEFAULT_MUNICIPALITY: 'testa', ...opts.env }), port: 0, host: '127.0.0.1' };
  const app = await buildApp({ config, database, logger: opts.logger ?? false });
  let url = '';
  if (opts.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await app.ready();
  }
  return {
    kind,
    app,
    database,
    url,
    async close() {
      await app.close();
      await database.close();
      await database.cleanup();
    },
  };
}

/**
 * Runs the same suite against every available database: `describe("<name> [embedded]")` and,
 * with TEST_DATABASE_URL, `describe("<name> [postgis]")`.
 */
export function describeEachDatabase(
  name: string,
  suite: (ctx: () => TestApp) => void,
  opts: { listen?: boolean; env?: NodeJS.ProcessEnv; logger?: boolean | object } = {},
) {
  for (const kind of databaseKinds()) {
    describe(`${name} [${kind}]`, () => {
      let current: TestApp | undefined;
      beforeAll(async () => {
        current = await startTestApp(kind, opts);
      });
      afterAll(async () => {
        await current?.close();
      });
      suite(() => {
        if (!current) throw new Error('the test app did not start');
        return current;
      });
    });
  }
}
