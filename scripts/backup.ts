// npm run backup: writes the database and the uploads waiting to be published to
// BACKUP_DIR/<UTC time>/ and keeps the newest BACKUP_KEEP backups (see docs/backup.md).
//   DATABASE_URL set: pg_dump in custom format (consistent while the server runs).
//   Embedded database: PGlite's tarball of its data directory; the server must be stopped.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadConfig } from '../server/src/config.js';
import { lockDataDir } from '../server/src/db/dataDirLock.js';
import { backupKeep, backupName, backupRoot, fail, listBackups, postgresTool, run, sha256, type BackupManifest } from './lib/backup.js';

const lastMigrationSql = `SELECT CASE WHEN to_regclass('schema_migration') IS NULL THEN NULL
                                 ELSE (SELECT max(id) FROM schema_migration) END AS id`;

/** pg_dump of DATABASE_URL into `file`; returns the server and PostGIS versions and the newest migration. */
interface DumpInfo {
  server?: string;
  postgis?: string | null;
  last: string | null;
}

async function dumpExternal(url: string, file: string): Promise<DumpInfo> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let info: DumpInfo;
  try {
    const { rows } = await client.query(
      `SELECT current_setting('server_version') AS server,
              (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS postgis, (${lastMigrationSql}) AS last`,
    );
    info = rows[0];
  } finally {
    await client.end();
  }
  await run(await postgresTool('pg_dump', url), ['--format=custom', '--compress=6', `--file=${file}`, `--dbname=${url}`], { maxBuffer: 64 << 20 });
  return info;
}

/** PGlite's dump of the embedded data directory into `file`, holding the directory's lock. */
async function dumpEmbedded(dataDir: string, file: string): Promise<DumpInfo> {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) throw new Error(`There is no embedded database in ${dataDir} (EMBEDDED_DATA_DIR).`);
  const unlock = await lockDataDir(dataDir);
  try {
    const db = await PGlite.create({ dataDir });
    try {
      const { rows } = await db.query<{ id: string | null }>(lastMigrationSql);
      const tarball = await db.dumpDataDir('gzip');
      await writeFile(file, Buffer.from(await tarball.arrayBuffer()));
      return { last: rows[0].id };
    } finally {
      await db.close();
    }
  } finally {
    await unlock();
  }
}

/** The upload directory as a tar archive (an empty one when there is no directory); returns its file count. */
async function archiveUploads(dir: string, file: string): Promise<number> {
  if (!existsSync(dir)) {
    await run('tar', ['--create', `--file=${file}`, '--files-from=/dev/null']);
    return 0;
  }
  await run('tar', ['--create', `--file=${file}`, `--directory=${dir}`, '.'], { maxBuffer: 64 << 20 });
  const { stdout } = await run('tar', ['--list', `--file=${file}`], { maxBuffer: 256 << 20 });
  return stdout.split('\n').filter((line) => line && !line.endsWith('/')).length;
}

async function main() {
  const config = loadConfig();
  const root = backupRoot();
  const keep = backupKeep();
  const started = Date.now();
  const partial = path.join(root, `${backupName(new Date(started))}.partial`);
  await mkdir(partial, { recursive: true });
  try {
    const mode = config.databaseUrl ? 'external' : 'embedded';
    const databaseFile = mode === 'external' ? 'database.dump' : 'database.tar.gz';
    const dbPath = path.join(partial, databaseFile);
    const info: DumpInfo = config.databaseUrl ? await dumpExternal(config.databaseUrl, dbPath) : await dumpEmbedded(config.embeddedDataDir, dbPath);
    const uploadsPath = path.join(partial, 'uploads.tar');
    const files = await archiveUploads(config.uploads.dir, uploadsPath);
    const manifest: BackupManifest = {
      format: 1,
      createdAt: new Date(started).toISOString(),
      mode,
      database: {
        file: databaseFile,
        bytes: (await stat(dbPath)).size,
        sha256: await sha256(dbPath),
        ...(info.server ? { serverVersion: info.server } : {}),
        ...(info.postgis ? { postgis: info.postgis } : {}),
      },
      uploads: { file: 'uploads.tar', bytes: (await stat(uploadsPath)).size, sha256: await sha256(uploadsPath), files, dir: config.uploads.dir },
      lastMigration: info.last,
    };
    await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // Named when finished, by its start time; a second backup within the same second waits for the next.
    let name = backupName(new Date(started));
    while (existsSync(path.join(root, name))) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      name = backupName();
    }
    await rename(partial, path.join(root, name));
    const removed = [];
    const all = await listBackups(root);
    for (const old of all.slice(0, Math.max(0, all.length - keep))) {
      await rm(path.join(root, old), { recursive: true, force: true });
      removed.push(old);
    }
    console.log(
      `backup ${path.join(root, name)}: ${mode} database ${(manifest.database.bytes / 1048576).toFixed(1)} MB, ` +
        `${files} upload file(s), ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (removed.length ? `; removed ${removed.length} older (keeping ${keep}): ${removed.join(', ')}` : ''),
    );
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw new Error('backup failed, nothing was kept', { cause: err });
  }
}

await main().catch(fail);
