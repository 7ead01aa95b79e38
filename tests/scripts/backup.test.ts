import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { loadConfig, rootDir } from '../../server/src/config.js';
import { openDatabase, type DatabaseProfile } from '../../server/src/db/database.js';
import { runMigrations } from '../../server/src/db/migrations.js';
import { migrationsDir } from '../../server/src/plugins/database.js';
import { insertFixtureMunicipality, workflowFixtureCode } from '../helpers/fixtureMunicipality.js';
import { databaseKinds, type DatabaseKind } from '../helpers/testApp.js';
import { publishAsEditor, uploadAsEditor } from '../helpers/uploads.js';
import { addUser, municipalityId, signIn } from '../helpers/users.js';

const runFile = promisify(execFile);
const punkti = path.join(rootDir, 'tests/fixtures/uploads/punkti_lks92.geojson');

/** Runs an npm script's file as an operator would (`npx tsx scripts/<name>.ts`), with only the given database settings. */
async function operator(script: 'backup' | 'restore', env: Record<string, string>, args: string[] = []) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'EMBEDDED_DATA_DIR', 'UPLOAD_DIR', 'BACKUP_DIR', 'BACKUP_KEEP'].includes(k)));
  try {
    const { stdout, stderr } = await runFile('npx', ['tsx', `scripts/${script}.ts`, ...args], { cwd: rootDir, env: { ...base, ...env }, maxBuffer: 16 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * Row count and md5 of the ordered row texts of every table in the public schema that no
 * extension owns, and the position of every sequence: what a restore must bring back exactly.
 */
async function fingerprint(connectionString: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows: relations } = await client.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1`,
    );
    const result: Record<string, string> = {};
    for (const { name, kind } of relations) {
      const q = `"${name.replace(/"/g, '""')}"`;
      const sql =
        kind === 'S'
          ? `SELECT 'sequence ' || last_value || ' ' || is_called AS v FROM ${q}`
          : `SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS v FROM ${q} t`;
      result[name] = (await client.query<{ v: string }>(sql)).rows[0].v;
    }
    return result;
  } finally {
    await client.end();
  }
}

/** Every file under `dir` by relative path, with the sha256 of its content. */
async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = createHash('sha256').update(await readFile(full)).digest('hex');
  }
  return out;
}

/** A database of this suite's own: a new real database next to the test database, or a copy of the embedded template. */
interface Place {
  /** Environment that points the scripts (and `openDatabase`) at it. */
  env: Record<string, string>;
  open(): Promise<DatabaseProfile>;
}

async function realDatabase(name: string, prepare: boolean): Promise<Place> {
  const url = new URL(inject('realDatabaseUrl')!);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const own = Object.assign(new URL(url), { pathname: `/${name}` }).toString();
  if (prepare) {
    const client = new pg.Client({ connectionString: own });
    await client.connect();
    await client.query('CREATE EXTENSION postgis');
    await runMigrations(client, migrationsDir);
    await insertFixtureMunicipality(client);
    await insertFixtureMunicipality(client, workflowFixtureCode);
    await client.end();
  }
  return { env: { DATABASE_URL: own }, open: () => openDatabase({ databaseUrl: own, embeddedDataDir: '', poolSize: 4 }) };
}

async function embeddedDatabase(dir: string, fromTemplate: boolean): Promise<Place> {
  if (fromTemplate) await cp(inject('embeddedTemplateDir'), dir, { recursive: true });
  return { env: { EMBEDDED_DATA_DIR: dir }, open: () => openDatabase({ embeddedDataDir: dir }) };
}

async function dropRealDatabases(names: string[]) {
  const url = new URL(inject('realDatabaseUrl')!);
  const admin = new pg.Client({ connectionString: Object.assign(url, { pathname: '/postgres' }).toString() });
  await admin.connect();
  for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

/** What the restored database is measured against, read with nothing else connected. */
async function fingerprintOf(place: Place): Promise<Record<string, string>> {
  const db = await place.open();
  try {
    return await fingerprint(db.connectionString);
  } finally {
    await db.close();
  }
}

for (const kind of databaseKinds() as DatabaseKind[]) {
  describe(`npm run backup / npm run restore [${kind}]`, () => {
    let work: string;
    let source: Place;
    let uploads: string;
    let backups: string;
    const realNames = kind === 'postgis' ? [`${new URL(inject('realDatabaseUrl')!).pathname.slice(1)}_restore_src`, `${new URL(inject('realDatabaseUrl')!).pathname.slice(1)}_restore`] : [];

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'gis-backup-test-'));
      uploads = path.join(work, 'uploads');
      backups = path.join(work, 'backups');
      source = kind === 'postgis' ? await realDatabase(realNames[0], true) : await embeddedDatabase(path.join(work, 'db'), true);
    });

    afterAll(async () => {
      if (realNames.length) await dropRealDatabases(realNames);
      await rm(work, { recursive: true, force: true });
    });

    it('restores a backup into a fresh database with every table, the uploads and the audit log identical', { timeout: 240_000 }, async () => {
      const settings = { ...source.env, UPLOAD_DIR: uploads, BACKUP_DIR: backups, BACKUP_KEEP: '2' };
      // State made through the API: a published and replaced upload, one waiting to be published, an edit; each audited.
      const database = await source.open();
      const app = await buildApp({ config: { ...loadConfig({ DEFAULT_MUNICIPALITY: 'testa', UPLOAD_DIR: uploads, AUTH_RATE_LIMIT: '1000' }), port: 0, host: '127.0.0.1' }, database, logger: false });
      await app.ready();
      let stopped = false;
      try {
        const first = await publishAsEditor<{ status: string; layerId: string }>(app, (await uploadAsEditor<{ id: string }>(app, punkti)).id, { title: { lv: 'Rezerves kopija' } });
        expect(first.status).toBe('done');
        const second = await publishAsEditor<{ status: string }>(app, (await uploadAsEditor<{ id: string }>(app, punkti)).id, { title: { lv: 'Rezerves kopija' }, replaceLayerId: first.layerId });
        expect(second.status).toBe('done');
        const waiting = await uploadAsEditor<{ status: string }>(app, punkti, {}, 'gaida publicēšanu.geojson');
        expect(waiting.status).toBe('ready');
        const editor = (await signIn(app, await addUser(app, { role: 'editor', municipality: await municipalityId(app, workflowFixtureCode) }))).headers;
        const { rows } = await app.pg.query<{ g: object }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint(501760, 301210), 3059), 4326), 8)::json AS g`);
        const edit = await app.inject({ method: 'POST', url: `/api/layers/${workflowFixtureCode}-sewer-connections/features`, headers: editor, payload: { geometry: rows[0].g, properties: { property_address: 'Kopijas iela 1' } } });
        expect(edit.statusCode, edit.body).toBe(201);

        if (kind === 'embedded') {
          // PGlite does not lock its files: the backup must refuse to copy a running server's data directory.
          const refused = await operator('backup', settings);
          expect(refused.code).not.toBe(0);
          expect(refused.out).toMatch(/is in use by process \d+/);
        }
      } finally {
        await app.close();
        await database.close();
        stopped = true;
      }
      expect(stopped).toBe(true);

      const made = await operator('backup', settings);
      expect(made.code, made.out).toBe(0);
      const before = await fingerprintOf(source);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['audit_log', 'upload_job', 'dataset_version', 'layer', 'sewer_connection', 'upl_rezerves_kopija_v1', 'upl_rezerves_kopija_v2']));
      expect(before.audit_log).not.toMatch(/^0 rows/);
      const uploadedFiles = await files(uploads);
      expect(Object.keys(uploadedFiles).some((f) => f.endsWith('gaida publicēšanu.geojson'))).toBe(true);

      // Restore into a fresh database and an empty upload directory at the same place (the original moved away).
      const target = kind === 'postgis' ? await realDatabase(realNames[1], false) : await embeddedDatabase(path.join(work, 'restored-db'), false);
      await rename(uploads, `${uploads}.original`);
      const restored = await operator('restore', { ...target.env, UPLOAD_DIR: uploads, BACKUP_DIR: backups }, ['latest']);
      expect(restored.code, restored.out).toBe(0);
      expect(await fingerprintOf(target)).toEqual(before);
      expect(await files(uploads)).toEqual(uploadedFiles);

      // A second restore into what is now not empty is refused, and changes nothing.
      const again = await operator('restore', { ...target.env, UPLOAD_DIR: path.join(work, 'other-uploads'), BACKUP_DIR: backups }, ['latest']);
      expect(again.code).not.toBe(0);
      expect(again.out).toMatch(/is not empty.*--clean/s);
    });

    it('keeps only the newest BACKUP_KEEP backups, named by their time', { timeout: 240_000 }, async () => {
      const settings = { ...source.env, UPLOAD_DIR: `${uploads}.original`, BACKUP_DIR: backups, BACKUP_KEEP: '2' };
      const names = async () => (await readdir(backups)).sort();
      const first = await names();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
      for (let n = 0; n < 2; n++) expect((await operator('backup', settings)).code).toBe(0);
      const kept = await names();
      expect(kept).toHaveLength(2);
      expect(kept).not.toContain(first[0]);
      expect(kept.every((name) => name > first[0])).toBe(true);
    });
  });
}
