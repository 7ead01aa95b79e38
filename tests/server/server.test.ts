import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../scripts/bench/serverProcess.js';
import { canCreateClusters, createOwnCluster, type OwnCluster } from '../helpers/ownCluster.js';
import { describeWhen } from '../helpers/requirements.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GETs `path` until `ok` holds or `ms` pass; returns the last answer and how long it took. */
async function until(url: string, ok: (res: Response) => boolean, ms: number): Promise<{ res: Response; waited: number }> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res && ok(res)) return { res, waited: Date.now() - started };
    if (Date.now() - started > ms) throw new Error(`${url} did not answer as expected within ${ms} ms (last: ${res?.status ?? 'no answer'})`);
    await sleep(100);
  }
}

describeWhen(canCreateClusters(), 'the server process (server.ts) through database outages', 'pg_createcluster is not available (or not run as root)', () => {
  let cluster: OwnCluster;
  let server: ServerProcess;

  beforeAll(async () => {
    cluster = await createOwnCluster('gis_db_server', 5498);
    server = await startServerProcess({ DATABASE_URL: cluster.url, SEED_DEMO: 'never', LOG_LEVEL: 'fatal' });
  });
  afterAll(async () => {
    await server?.close();
    cluster?.drop();
  });

  it('stays up and keeps answering when PostgreSQL terminates its connections, stops and starts again', async () => {
    expect((await fetch(`${server.url}/api/layers`)).status).toBe(200);
    // Connections idle in the pool are cut: the old server exited here with "Unhandled 'error' event … 57P01".
    expect(await cluster.terminateBackends()).toBeGreaterThan(0);
    await sleep(500);
    expect((await until(`${server.url}/api/health`, (r) => r.status === 200, 5000)).res.status).toBe(200);

    cluster.stop();
    const down = await until(`${server.url}/api/health`, (r) => r.status === 503, 10_000);
    expect((await down.res.json()).database.reachable).toBe(false);
    // Past the layer catalog's cache, an API request that needs the database says when to come back.
    await sleep(2100);
    const layers = await fetch(`${server.url}/api/layers`);
    expect(layers.status).toBe(503);
    expect(Number(layers.headers.get('retry-after'))).toBeGreaterThan(0);

    cluster.start();
    const back = await until(`${server.url}/api/layers`, (r) => r.status === 200, 15_000);
    expect(back.waited).toBeLessThan(5000);
    expect((await (await fetch(`${server.url}/api/health`)).json()).database.reachable).toBe(true);
  });
});
