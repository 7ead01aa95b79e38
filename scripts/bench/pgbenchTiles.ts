import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tileStatement, type TileEncoding } from '../../server/src/tiles/tileQueries.js';
import type { SampledTile } from './tileSample.js';

export interface PgbenchResult {
  tps: number;
  transactions: number;
  failed: number;
  latencyMs: number;
  command: string;
}

/**
 * Runs the server's own tile SQL for the sampled tiles with `pgbench -M prepared`: one script
 * per layer (weighted by its share of the tiles), each picking one of its tiles at random. The
 * tile is chosen inside pgbench (\set arithmetic), so the database does nothing but the tile query.
 */
export async function runPgbenchTiles(opts: {
  databaseUrl: string;
  tiles: SampledTile[];
  encoding: TileEncoding;
  clients: number;
  seconds: number;
  workDir: string;
}): Promise<PgbenchResult> {
  const byLayer = new Map<string, SampledTile[]>();
  for (const t of opts.tiles) byLayer.set(t.layer.id, [...(byLayer.get(t.layer.id) ?? []), t]);

  const args = ['-n', '-M', 'prepared', '-c', String(opts.clients), '-j', String(opts.clients), '-T', String(opts.seconds)];
  let n = 0;
  for (const tiles of byLayer.values()) {
    const prefix = `l${n++}_`;
    const statement = tileStatement(tiles[0].layer, opts.encoding);
    const values = statement.values({ z: 0, x: 0, y: 0 });
    // $1–$3 are the tile; the rest (layer name, filter values) are fixed per layer: -D variables.
    const sql = stripComments(statement.text).replace(/\$(\d+)/g, (_, i: string) =>
      Number(i) <= 3 ? `:${['z', 'x', 'y'][Number(i) - 1]}` : `:${prefix}p${i}`,
    );
    values.slice(3).forEach((v, i) => args.push('-D', `${prefix}p${i + 4}=${asText(v)}`));
    const keys = tiles.map((t) => t.z * 2 ** 40 + t.x * 2 ** 20 + t.y);
    const script = [
      `\\set i random(0, ${keys.length - 1})`,
      `\\set key CASE ${keys.map((k, i) => `WHEN :i = ${i} THEN ${k}`).join(' ')} ELSE 0 END`,
      `\\set z :key / ${2 ** 40}`,
      `\\set x (:key / ${2 ** 20}) % ${2 ** 20}`,
      `\\set y :key % ${2 ** 20}`,
      `${sql};`,
      '',
    ].join('\n');
    const file = path.join(opts.workDir, `${prefix}${tiles[0].layer.id}.sql`);
    await writeFile(file, script);
    args.push('-f', `${file}@${tiles.length}`);
  }

  const url = new URL(opts.databaseUrl);
  const env = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username || 'postgres'),
    PGDATABASE: url.pathname.slice(1),
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
  const output = await run('pgbench', args, env);
  const number = (re: RegExp) => Number(output.match(re)?.[1] ?? NaN);
  return {
    tps: number(/tps = ([\d.]+) \(without initial connection time\)/),
    transactions: number(/number of transactions actually processed: (\d+)/),
    failed: number(/number of failed transactions: (\d+)/) || 0,
    latencyMs: number(/latency average = ([\d.]+) ms/),
    command: `pgbench ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`,
  };
}

const stripComments = (sql: string) =>
  sql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

/** A parameter value as PostgreSQL reads it from text (arrays as array literals). */
function asText(value: unknown): string {
  if (Array.isArray(value)) return `{${value.map((v) => `"${String(v).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
  return String(value);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pgbench exited with ${code}:\n${out.slice(-2000)}`)),
    );
  });
}
