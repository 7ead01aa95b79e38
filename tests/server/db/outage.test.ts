import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { openDatabase, type DatabaseProfile } from '../../../server/src/db/database.js';
import { canCreateClusters, createOwnCluster, type OwnCluster } from '../../helpers/ownCluster.js';
import { describeWhen } from '../../helpers/requirements.js';
import { startTestApp, type TestApp } from '../../helpers/testApp.js';

/** Builds the app on `databaseUrl`, with the tile cache off so that every tile reads the database. */
async function appOn(databaseUrl: string): Promise<{ app: FastifyInstance; database: DatabaseProfile }> {
  const database = await openDatabase({ databaseUrl, embeddedDataDir: '', poolSize: 4 });
  const config = { ...loadConfig({ TILE_CACHE_MB: '0', DEFAULT_MUNICIPALITY: 'testa' }), port: 0, host: '127.0.0.1' };
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  return { app, database };
}

/** A 503 as clients should get it during an outage: JSON with a message code, and Retry-After. */
function expectRetryLater(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(503);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  const body = res.json();
  // /api/health answers with its own document, which says the database is unreachable.
  if (body.database) return expect(body.database.reachable).toBe(false);
  expect(body.code).toMatch(/^database\./);
  expect(body.message).toEqual(expect.any(String));
}

/** Requests that read the database on every call: distinct tiles (cache off), the catalog, health. */
let tileRow = 5000;
const readers = (app: FastifyInstance) => [
  () => app.inject(`/api/tiles/testa-sewer-connections/14/9285/${tileRow++}.mvt`),
  () => app.inject('/api/layers'),
  () => app.inject('/api/health'),
  () => app.inject('/ogc/collections/testa-sewer-connections/items?limit=5'),
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('database outages: pg_terminate_backend under load [postgis]', () => {
  const url = inject('realDatabaseUrl');
  let app: FastifyInstance;
  let database: DatabaseProfile;
  // The app's own connections carry this name, so that only they are terminated (other test files share the database).
  const applicationName = `gis-outage-test-${process.pid}`;

  beforeAll(async () => {
    if (!url) return;
    const named = new URL(url);
    named.searchParams.set('application_name', applicationName);
    ({ app, database } = await appOn(named.toString()));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it.skipIf(!url)('keeps serving while PostgreSQL terminates its connections: each request succeeds or gets 503 with Retry-After, then all succeed', async () => {
    const admin = new pg.Client({ connectionString: url! });
    await admin.connect();
    const terminate = () =>
      admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [applicationName]);
    const responses: LightMyRequestResponse[] = [];
    let terminated = 0;
    try {
      const reads = readers(app);
      // Eight rounds of twelve concurrent requests, with every app connection terminated during each round.
      for (let round = 0; round < 8; round++) {
        const batch = Array.from({ length: 12 }, (_, i) => reads[i % reads.length]());
        await sleep(round % 3);
        terminated += (await terminate()).rowCount ?? 0;
        responses.push(...(await Promise.all(batch)));
      }
    } finally {
      await admin.end();
    }
    expect(terminated).toBeGreaterThan(0);
    for (const res of responses) {
      if (res.statusCode === 503) expectRetryLater(res);
      else expect([200, 204], `${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
    }
    // Service resumes by itself: every request after the terminations succeeds.
    const after = await Promise.all(Array.from({ length: 12 }, (_, i) => readers(app)[i % 4]()));
    expect(after.map((r) => r.statusCode).filter((s) => s !== 200 && s !== 204)).toEqual([]);
  });
});

describe('database outages: a dropped embedded socket [embedded]', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp('embedded');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('keeps serving after the connection to the embedded database drops in the middle of a transaction', async () => {
    const { app } = ctx;
    expect((await app.inject('/api/layers')).statusCode).toBe(200);
    const client = await app.pg.connect();
    await client.query('BEGIN');
    await client.query('CREATE TABLE outage_marker (id integer)');
    // The socket goes away as a crash of the client side or a reset would take it.
    (client as unknown as { connection: { stream: { end(): void } } }).connection.stream.end();
    await sleep(100);
    client.release(true);
    const health = await app.inject('/api/health');
    expect(health.statusCode).toBe(200);
    expect((await app.inject('/api/layers')).statusCode).toBe(200);
    // The dropped connection's transaction was rolled back, not left open for the next one.
    const { rows } = await app.pg.query(`SELECT to_regclass('outage_marker') AS marker`);
    expect(rows[0].marker).toBeNull();
  });
});

describeWhen(canCreateClusters(), 'database outages: a PostgreSQL of its own stopped and started', 'pg_createcluster is not available (or not run as root)', () => {
  let cluster: OwnCluster;
  let app: FastifyInstance;
  let database: DatabaseProfile;

  beforeAll(async () => {
    cluster = await createOwnCluster('gis_db_outage', 5499);
    // Migrations run while the app is built.
    ({ app, database } = await appOn(cluster.url));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    cluster?.drop();
  });

  it('answers 503 with Retry-After while PostgreSQL is down, reports it in /api/health, and resumes within seconds when it is back', async () => {
    expect((await app.inject('/api/layers')).statusCode).toBe(200);
    expect((await app.inject('/api/health')).statusCode).toBe(200);

    cluster.stop();
    // Past the catalog's and municipalities' caches, so that the request must reach the database.
    await sleep(2100);
    app.layers.invalidate();
    app.municipalities.invalidate();
    expectRetryLater(await app.inject('/api/layers'));
    expectRetryLater(await app.inject('/ogc/collections'));
    const health = await app.inject('/api/health');
    expect(health.statusCode).toBe(503);
    expect(health.json().database.reachable).toBe(false);
    expect(Number(health.headers['retry-after'])).toBeGreaterThan(0);

    cluster.start();
    const back = Date.now();
    let layers: LightMyRequestResponse;
    do {
      layers = await app.inject('/api/layers');
      if (layers.statusCode !== 200) await sleep(100);
    } while (layers.statusCode !== 200 && Date.now() - back < 15_000);
    expect(layers.statusCode).toBe(200);
    expect(Date.now() - back).toBeLessThan(5000);
    expect((await app.inject('/api/health')).json().database.reachable).toBe(true);
  });
});
