import fastifyPostgres from '@fastify/postgres';
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
 * Connects `@fastify/postgres` to the opened database, applies pending migrations and records
 * what the database can do. The caller owns the profile and closes it after the app.
 */
export default fp<{ profile: DatabaseProfile; migrate?: boolean }>(
  async (app, { profile, migrate = true }) => {
    const { connectSql } = profile;
    await app.register(fastifyPostgres, {
      connectionString: profile.connectionString,
      max: profile.poolSize,
      idleTimeoutMillis: profile.idleTimeoutMillis,
      // Awaited by the pool before the new connection is handed out.
      ...(connectSql ? { onConnect: async (client: pg.ClientBase) => void (await client.query(connectSql)) } : {}),
    });
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
