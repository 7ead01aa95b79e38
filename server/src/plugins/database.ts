import fastifyPostgres from '@fastify/postgres';
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import path from 'node:path';
import { rootDir } from '../config.js';
import { detectCapabilities, type DatabaseCapabilities, type DatabaseMode, type DatabaseProfile } from '../db/database.js';
import { runMigrations } from '../db/migrations.js';

export interface DatabaseInfo {
  mode: DatabaseMode;
  capabilities: DatabaseCapabilities;
}

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseInfo;
  }
}

export const migrationsDir = path.join(rootDir, 'sql/migrations');

/**
 * Keeps the process up when PostgreSQL closes connections (pg_terminate_backend, a restart, a
 * failover, an idle timeout in a pooler or firewall). `pg` emits 'error' on a client whose connection
 * ends, and an 'error' nobody listens to ends the Node process: the pool listens for its idle
 * clients (and drops them), and each client gets a listener of its own for the time it is checked
 * out, when the pool does not listen. The query that was running fails and its request is answered
 * 503 (server/src/db/unavailable.ts); the broken client is not reused, and the next request opens a
 * new connection, so service resumes by itself when the database is back.
 */
export function rideOutOutages(pool: pg.Pool, log: FastifyBaseLogger): void {
  let lastLogged = 0;
  const report = (err: Error) => {
    // One line per few seconds is enough to tell an outage; every connection reports it.
    if (Date.now() - lastLogged < 5000) return;
    lastLogged = Date.now();
    log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost');
  };
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
}

/**
 * Connects `@fastify/postgres` to the opened database, applies pending migrations and records
 * what the database can do. The caller owns the profile and closes it after the app.
 */
export default fp<{ profile: DatabaseProfile; migrate?: boolean }>(
  async (app, { profile, migrate = true }) => {
    // The statement timeout keeps one heavy request from holding a connection for minutes while
    // others wait for the pool (issue 16): what runs longer is stopped and answered with 503.
    const timeoutMs = profile.statementTimeouts ? Math.floor(app.config.statementTimeoutMs) : 0;
    const connectSql = [profile.connectSql, timeoutMs > 0 ? `SET statement_timeout = ${timeoutMs}` : ''].filter(Boolean).join('; ');
    await app.register(fastifyPostgres, {
      connectionString: profile.connectionString,
      max: profile.poolSize,
      idleTimeoutMillis: profile.idleTimeoutMillis,
      // While the database is unreachable (or the pool stays busy), a request waits this long for a
      // connection, then gets 503; see DatabaseProfile.connectionTimeoutMillis.
      connectionTimeoutMillis: profile.connectionTimeoutMillis,
      // Notice a peer that vanished without closing (failover, a dropped NAT entry) on idle connections.
      keepAlive: true,
      // Awaited by the pool before the new connection is handed out.
      ...(connectSql ? { onConnect: async (client: pg.ClientBase) => void (await client.query(connectSql)) } : {}),
    });
    rideOutOutages(app.pg.pool, app.log);
    if (migrate) {
      const client = await app.pg.connect();
      try {
        const applied = (await runMigrations(client, migrationsDir)).filter((m) => m.applied);
        if (applied.length) app.log.info({ migrations: applied.map((m) => m.id) }, 'applied migrations');
      } finally {
        client.release();
      }
    }
    const capabilities = await detectCapabilities(app.pg.pool);
    app.decorate('database', { mode: profile.mode, capabilities });
    app.log.info({ mode: profile.mode, ...capabilities }, 'database ready');
  },
  { name: 'database' },
);
