import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeEachDatabase, startTestApp, type TestApp } from '../../helpers/testApp.js';
import { registerDomainLayers } from '../../../server/src/layers/domainLayers.js';
import { otherMunicipality, signedInAs } from '../../helpers/users.js';

/**
 * A municipality of the demo's size for the sewer work list: 1000 mains, 4000 addresses, 2400
 * connection records (half of them linked to addresses), three villages. Under row-level security
 * the old statement could not use the GiST indexes and took seconds on this; the owner took 0.1–0.2 s.
 */
async function demoSizedMunicipality(app: FastifyInstance): Promise<{ code: string; id: number }> {
  const code = `load-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const id = await otherMunicipality(app, code);
  // The work list asks the access module about its layers, so the municipality has them.
  await registerDomainLayers(app.pg.pool, { id, code });
  app.layers.invalidate();
  await app.pg.query(
    `INSERT INTO sewer_main (municipality_id, geom)
     SELECT $1, ST_SetSRID(ST_MakeLine(ST_MakePoint(500000 + (i % 40) * 200, 300000 + (i / 40) * 200),
                                        ST_MakePoint(500000 + (i % 40) * 200 + 120, 300000 + (i / 40) * 200 + 40)), 3059)
       FROM generate_series(0, 999) AS i`,
    [id],
  );
  await app.pg.query(
    `INSERT INTO address (municipality_id, code, full_address, geom)
     SELECT $1, i, 'Slodzes iela ' || i, ST_SetSRID(ST_MakePoint(500000 + (i * 37) % 8000, 300000 + (i * 53) % 5000), 3059)
       FROM generate_series(1, 4000) AS i`,
    [id],
  );
  await app.pg.query(
    `INSERT INTO sewer_connection (municipality_id, address_id, property_address, status, geom)
     SELECT $1, CASE WHEN i % 2 = 0 THEN a.id END, a.full_address,
            (ARRAY['not_connected', 'applied', 'connected', 'technical_conditions'])[1 + i % 4], a.geom
       FROM (SELECT id, full_address, geom, row_number() OVER (ORDER BY id) AS i FROM address WHERE municipality_id = $1) a
      WHERE a.i <= 2400`,
    [id],
  );
  await app.pg.query(
    `INSERT INTO territorial_unit (municipality_id, kind, name, geom)
     SELECT $1, 'village', 'Slodzes ciems ' || k, ST_Multi(ST_MakeEnvelope(500000 + k * 2500, 300000, 502400 + k * 2500, 305000, 3059))
       FROM generate_series(0, 2) AS k`,
    [id],
  );
  await app.pg.query('ANALYZE sewer_main, address, sewer_connection, territorial_unit');
  return { code, id };
}

const time = async <T>(work: () => Promise<T>) => {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
};

describeEachDatabase('sewer work list under load', (ctx) => {
  let app: FastifyInstance;
  let place: { code: string; id: number };
  let official: Record<string, string>;
  let colleague: Record<string, string>;

  beforeAll(async () => {
    app = ctx().app;
    place = await demoSizedMunicipality(app);
    official = { ...(await signedInAs(app, 'official', place.id)).headers, 'x-municipality': place.code };
    colleague = { ...(await signedInAs(app, 'viewer', place.id)).headers, 'x-municipality': place.code };
  });

  const worklist = () => app.inject({ url: '/api/worklists/sewer-unconnected?distance=50', headers: official });

  it('answers the work list of a demo-sized municipality in well under a second under the tenant scope', async () => {
    await worklist(); // warm-up: plans, PROJ
    const { result, ms } = await time(worklist);
    expect(result.statusCode).toBe(200);
    expect(result.json().length).toBeGreaterThan(100);
    // The bench (npm run bench:worklists) holds the strict 300 ms target; here a generous bound on a shared machine.
    expect(ms).toBeLessThan(ctx().kind === 'postgis' ? 1500 : 5000);
  });

  it("keeps answering other users while one official runs twelve work lists at once", async () => {
    const heavy = Promise.all(Array.from({ length: 12 }, worklist));
    // A colleague's catalog needs the database (the session lookup) while the twelve run.
    const light = await time(() => app.inject({ url: '/api/layers', headers: colleague }));
    expect(light.result.statusCode).toBe(200);
    const results = await heavy;
    expect(ctx().kind === 'postgis' ? light.ms : 0).toBeLessThan(1000);
    // Every heavy request either ran or was told to come back later; none failed.
    for (const res of results) expect([200, 503]).toContain(res.statusCode);
    expect(results.filter((r) => r.statusCode === 200).length).toBeGreaterThan(0);
  });
});

describe('statement timeout [postgis]', () => {
  const url = inject('realDatabaseUrl');
  let ctx: TestApp;
  beforeAll(async () => {
    if (url) ctx = await startTestApp('postgis', { env: { DATABASE_STATEMENT_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it.skipIf(!url)('stops a statement that runs past DATABASE_STATEMENT_TIMEOUT_MS and answers 503 naming the cause, not 500', async () => {
    const { app } = ctx;
    const place = await demoSizedMunicipality(app);
    const official = { ...(await signedInAs(app, 'official', place.id)).headers, 'x-municipality': place.code };
    // A migration elsewhere holds the mains table, so the work list's statement waits past the timeout.
    const blocker = new pg.Client({ connectionString: url! });
    await blocker.connect();
    try {
      await blocker.query('BEGIN; LOCK TABLE sewer_main IN ACCESS EXCLUSIVE MODE');
      const { result: res, ms } = await time(() => app.inject({ url: '/api/worklists/sewer-unconnected', headers: official }));
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('database.statementTimeout');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(ms).toBeLessThan(5000);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // The connection the timeout stopped is usable again.
    expect((await app.inject({ url: '/api/worklists/sewer-unconnected', headers: official })).statusCode).toBe(200);
  });
});
