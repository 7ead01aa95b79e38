// npm run restore -- <backup> [--clean]: brings back a backup made by `npm run backup` into the
// configured database (DATABASE_URL, or the embedded EMBEDDED_DATA_DIR) and UPLOAD_DIR.
//   <backup>: a backup directory, its name in BACKUP_DIR, or `latest`.
//   The target must be empty (a new database, no embedded data directory, no upload files);
//   --clean replaces what is there: the real database's public schema is dropped, the embedded
//   data directory and the upload directory are moved aside to <dir>.before-restore-<time>.
// The server must be stopped while restoring. See docs/backup.md.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadConfig } from '../server/src/config.js';
import { lockDataDir } from '../server/src/db/dataDirLock.js';
import { backupName, backupRoot, fail, listBackups, postgresTool, run, sha256, type BackupManifest } from './lib/backup.js';

/** Points the jobs' spooled files at the upload directory of this installation when it differs. */
const moveUploadPathsSql = `UPDATE upload_job SET file_path = $2 || substr(file_path, length($1) + 1)
                             WHERE $1 <> $2 AND starts_with(file_path, $1 || '/')`;

async function locate(arg: string | undefined): Promise<string> {
  if (!arg) throw new Error('Name the backup to restore: npm run restore -- <directory | name in BACKUP_DIR | latest> [--clean]');
  const root = backupRoot();
  if (arg === 'latest') {
    const all = await listBackups(root);
    if (!all.length) throw new Error(`There are no backups in ${root}.`);
    return path.join(root, all[all.length - 1]);
  }
  const dir = existsSync(arg) ? path.resolve(arg) : path.join(root, arg);
  if (!existsSync(path.join(dir, 'manifest.json'))) throw new Error(`${arg} is not a backup (no manifest.json in ${dir}).`);
  return dir;
}

const isEmptyDir = async (dir: string) => !existsSync(dir) || (await readdir(dir)).length === 0;

/** Moves a directory aside (never deletes what a restore replaces); returns where to. */
async function moveAside(dir: string): Promise<string> {
  const aside = `${dir}.before-restore-${backupName()}`;
  await rename(dir, aside);
  return aside;
}

/** Tables, views and sequences of the database that no extension owns. */
async function userRelations(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg\\_%'
        AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
  );
  return rows[0].n;
}

async function restoreExternal(url: string, file: string, clean: boolean, uploadDirs: [string, string]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const existing = await userRelations(client);
    if (existing && !clean) {
      throw new Error(`The database of DATABASE_URL is not empty (${existing} tables, views or sequences). Restore into a new database (createdb), or add --clean to drop its public schema first.`);
    }
    if (existing) await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    // Roles belong to the cluster, not the dump: the row-level security role must exist (migration 0013).
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gis_tenant') THEN CREATE ROLE gis_tenant NOLOGIN; END IF;
      EXECUTE format('GRANT gis_tenant TO %I', current_user);
    END $$`);
  } finally {
    await client.end();
  }
  // One transaction: a restore that fails leaves the database as it was.
  await run(await postgresTool('pg_restore', url), ['--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${url}`, file], { maxBuffer: 64 << 20 });
  const after = new pg.Client({ connectionString: url });
  await after.connect();
  try {
    await after.query(moveUploadPathsSql, uploadDirs);
  } finally {
    await after.end();
  }
}

async function restoreEmbedded(dataDir: string, file: string, clean: boolean, uploadDirs: [string, string]) {
  const unlock = await lockDataDir(dataDir);
  try {
    if (!(await isEmptyDir(dataDir))) {
      if (!clean) throw new Error(`The embedded data directory ${dataDir} is not empty. Restore into a new EMBEDDED_DATA_DIR, or add --clean to move it aside first.`);
      console.log(`moved the embedded database aside to ${await moveAside(dataDir)}`);
    }
    await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir, loadDataDir: new Blob([await readFile(file)]) });
    try {
      await db.query(moveUploadPathsSql, uploadDirs);
    } finally {
      await db.close();
    }
  } finally {
    await unlock();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const clean = args.includes('--clean');
  const dir = await locate(args.find((a) => !a.startsWith('--')));
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  const config = loadConfig();
  const mode = config.databaseUrl ? 'external' : 'embedded';
  if (manifest.mode !== mode) {
    throw new Error(`This backup is of ${manifest.mode === 'external' ? 'a PostgreSQL server (set DATABASE_URL)' : 'the embedded database (unset DATABASE_URL)'}; a backup restores into the same kind of database.`);
  }
  for (const part of [manifest.database, manifest.uploads]) {
    if ((await sha256(path.join(dir, part.file))) !== part.sha256) throw new Error(`${part.file} in ${dir} is damaged (its checksum differs from manifest.json).`);
  }
  const uploadDir = config.uploads.dir;
  if (!(await isEmptyDir(uploadDir)) && !clean) {
    throw new Error(`The upload directory ${uploadDir} is not empty. Restore into a new UPLOAD_DIR, or add --clean to move it aside first.`);
  }
  const started = Date.now();
  const databaseFile = path.join(dir, manifest.database.file);
  const uploadDirs: [string, string] = [manifest.uploads.dir, uploadDir];
  if (mode === 'external') await restoreExternal(config.databaseUrl!, databaseFile, clean, uploadDirs);
  else await restoreEmbedded(config.embeddedDataDir, databaseFile, clean, uploadDirs);
  if (!(await isEmptyDir(uploadDir))) console.log(`moved the upload directory aside to ${await moveAside(uploadDir)}`);
  await mkdir(uploadDir, { recursive: true });
  await run('tar', ['--extract', `--file=${path.join(dir, manifest.uploads.file)}`, `--directory=${uploadDir}`], { maxBuffer: 64 << 20 });
  console.log(
    `restored ${dir} (${manifest.createdAt}, migration ${manifest.lastMigration ?? 'none'}) into the ${mode} database and ${uploadDir}: ` +
      `${manifest.uploads.files} upload file(s), ${((Date.now() - started) / 1000).toFixed(1)} s. Start the server: it applies any newer migrations.`,
  );
}

await main().catch(fail);
