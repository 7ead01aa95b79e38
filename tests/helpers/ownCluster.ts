import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { hasCommand } from './requirements.js';

/** pg_createcluster and friends (Debian's postgresql-common), run as root. */
export const canCreateClusters = () => hasCommand('pg_createcluster') && process.getuid?.() === 0;

/**
 * A PostgreSQL 15 cluster of a test's own, on its own port, that the test may stop and start
 * (never the shared 'main' on 5432). Trust authentication on localhost; PostGIS in database `gis`.
 */
export interface OwnCluster {
  name: string;
  port: number;
  url: string;
  start(): void;
  stop(): void;
  /** Terminates every backend of database `gis` but the caller's (pg_terminate_backend). */
  terminateBackends(): Promise<number>;
  drop(): void;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });

export async function createOwnCluster(name: string, port: number): Promise<OwnCluster> {
  if (name === 'main' || port === 5432) throw new Error('never the shared cluster');
  // A cluster left behind by an interrupted run goes first.
  try {
    run('pg_dropcluster', ['--stop', '15', name]);
  } catch {
    // there was none
  }
  run('pg_createcluster', ['15', name, '-p', String(port), '--', '--auth-host=trust', '--auth-local=trust']);
  const cluster: OwnCluster = {
    name,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/gis`,
    start: () => void run('pg_ctlcluster', ['--skip-systemctl-redirect', '15', name, 'start']),
    stop: () => void run('pg_ctlcluster', ['--skip-systemctl-redirect', '15', name, 'stop', '-m', 'fast']),
    async terminateBackends() {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = 'gis' AND pid <> pg_backend_pid()`,
        );
        return rows[0].n;
      } finally {
        await client.end();
      }
    },
    drop: () => void run('pg_dropcluster', ['--stop', '15', name]),
  };
  cluster.start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE gis');
  } finally {
    await admin.end();
  }
  const gis = new pg.Client({ connectionString: cluster.url });
  await gis.connect();
  try {
    await gis.query('CREATE EXTENSION postgis');
  } finally {
    await gis.end();
  }
  return cluster;
}
