import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { rootDir } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';
import { runMigrations } from '../../server/src/db/migrations.js';
import { migrationsDir } from '../../server/src/plugins/database.js';
import { insertFixtureMunicipality, workflowFixtureCode } from './fixtureMunicipality.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplateDir: string;
    realDatabaseUrl: string | null;
  }
}

/** Everything the template database is made of; a change makes a new template. */
function templateKey(): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(migrationsDir).sort()) hash.update(f).update(readFileSync(path.join(migrationsDir, f)));
  for (const f of ['tests/helpers/fixtureMunicipality.ts', 'server/src/layers/domainLayers.ts']) {
    hash.update(readFileSync(path.join(rootDir, f)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function prepare(connectionString: string) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await runMigrations(client, migrationsDir);
    await insertFixtureMunicipality(client);
    await insertFixtureMunicipality(client, workflowFixtureCode);
  } finally {
    await client.end();
  }
}

/**
 * Prepares the databases once per run: an embedded template (migrations + fixture municipality)
 * that each test file copies, and, when TEST_DATABASE_URL is set, the real PostGIS reset to the same.
 */
export default async function setup(project: TestProject) {
  const templateDir = path.join(rootDir, '.tmp/test-template', templateKey());
  if (!existsSync(path.join(templateDir, 'PG_VERSION'))) {
    const building = `${templateDir}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await mkdir(path.dirname(templateDir), { recursive: true });
    const db = await openDatabase({ embeddedDataDir: building });
    try {
      await prepare(db.connectionString);
    } finally {
      await db.close();
    }
    // Another run may have finished the same template meanwhile; keep theirs.
    if (existsSync(templateDir)) await rm(building, { recursive: true, force: true });
    else await rename(building, templateDir);
  }
  project.provide('embeddedTemplateDir', templateDir);

  const url = process.env.TEST_DATABASE_URL || null;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // A clean slate: the suite owns this database.
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; CREATE EXTENSION IF NOT EXISTS postgis');
    await client.end();
    await prepare(url);
  } else {
    console.log('real PostGIS suites skipped: TEST_DATABASE_URL is not set (the embedded database suites run)');
  }
  project.provide('realDatabaseUrl', url);
}
