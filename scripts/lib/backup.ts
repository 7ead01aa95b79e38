import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { rootDir } from '../../server/src/config.js';

export const run = promisify(execFile);

/** What `npm run backup` writes beside the data, and `npm run restore` reads first. */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  /** `external`: a pg_dump custom-format archive; `embedded`: PGlite's tarball of its data directory. */
  mode: 'external' | 'embedded';
  database: { file: string; bytes: number; sha256: string; serverVersion?: string; postgis?: string };
  /** The uploaded files waiting to be published (UPLOAD_DIR), as a tar archive. */
  uploads: { file: string; bytes: number; sha256: string; files: number; dir: string };
  /** The newest migration the database had, so a restore can say what it brings back. */
  lastMigration: string | null;
}

/** Backups live in BACKUP_DIR (default data/backups), one directory per run named by its UTC time. */
export function backupRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(rootDir, env.BACKUP_DIR ?? 'data/backups');
}

/** How many backups to keep (BACKUP_KEEP, default 14). */
export function backupKeep(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BACKUP_KEEP ?? '14';
  const keep = Number(raw);
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`BACKUP_KEEP must be a whole number of at least 1, got "${raw}"`);
  return keep;
}

/** `2026-12-07T15-40-12Z`: sorts by time, no colons (valid on every file system). */
export const backupName = (date = new Date()) => date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
const namePattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/;

/** The finished backups in `root`, oldest first (unfinished ones end in `.partial` and are not listed). */
export async function listBackups(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  return (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && namePattern.test(e.name) && existsSync(path.join(root, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort();
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * The pg_dump/pg_restore of the server's major version: pg_dump refuses a newer server, and an
 * older pg_restore cannot read a newer dump. PG_BIN_DIR overrides; else the Debian/Ubuntu layout
 * (/usr/lib/postgresql/<major>/bin), else whatever is on PATH.
 */
export async function postgresTool(tool: 'pg_dump' | 'pg_restore', connectionString: string): Promise<string> {
  if (process.env.PG_BIN_DIR) return path.join(process.env.PG_BIN_DIR, tool);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    const major = Math.floor(Number(rows[0].v) / 10000);
    const debian = `/usr/lib/postgresql/${major}/bin/${tool}`;
    return existsSync(debian) ? debian : tool;
  } finally {
    await client.end();
  }
}

/** Prints a failure and sets the exit code, for the command-line tools. */
export function fail(err: unknown): void {
  const message = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
  console.error(message);
  process.exitCode = 1;
}
