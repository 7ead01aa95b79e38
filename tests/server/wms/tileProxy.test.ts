import type { FastifyInstance } from 'fastify';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { startMapServer, type MapServerHarness } from '../../helpers/mapserver.js';
import { describeWhen, hasCommand } from '../../helpers/requirements.js';
import { openTestDatabase } from '../../helpers/testApp.js';

const haveMapServer = hasCommand('mapserv') && hasCommand('gdal_translate');
const fakeKey = 'S3CRET-lgia-key-7731';
/** A z12 tile over Mārupe, inside the generated orthophoto. */
const marupe = { z: 12, x: 2321, y: 1256 };

describeWhen(haveMapServer, 'GET /wms/{source}/{layer}/{z}/{x}/{y}.png', 'mapserv or gdal_translate is not installed (apt-get install cgi-mapserver gdal-bin)', () => {
  let work: string;
  let mapserver: MapServerHarness;
  let app: FastifyInstance;
  let closeDatabase: () => Promise<void>;
  const logLines: string[] = [];
  const tile = (source: string, layer: string, t = marupe, headers: Record<string, string> = {}) =>
    app.inject({ url: `/wms/${source}/${encodeURIComponent(layer)}/${t.z}/${t.x}/${t.y}.png`, headers });

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'gis-wms-proxy-'));
    mapserver = await startMapServer();
    const source = (id: string, url: string, extra: object = {}) => ({
      id,
      title: { lv: id, en: id, uk: id },
      url,
      version: '1.3.0',
      format: 'image/png',
      attribution: `© ${id}`,
      layers: [{ name: 'ortho', title: { lv: 'Ortofoto' }, kind: 'orthophoto' }],
      ...extra,
    });
    await writeFile(
      path.join(work, 'wms-sources.json'),
      JSON.stringify({
        sources: [
          source('local', mapserver.urls.ortho, {
            layers: [
              { name: 'ortho', title: { lv: 'Ortofoto' }, kind: 'orthophoto' },
              { name: 'topo_a', title: { lv: 'Topo' }, kind: 'topographic', maxZoom: 16 },
              { name: 'not_on_server', title: { lv: 'Nav' }, kind: 'other' },
            ],
          }),
          source('local-111', mapserver.urls.ortho, { version: '1.1.1' }),
          source('keyed', mapserver.urls.ortho, { keyEnv: 'TEST_WMS_KEY', keyParam: 'apikey' }),
          source('keyed-echo', mapserver.urls.echo, { keyEnv: 'TEST_WMS_KEY', keyParam: 'apikey' }),
          source('keyless', mapserver.urls.ortho, { keyEnv: 'ABSENT_WMS_KEY' }),
          source('html', mapserver.urls.html),
          source('garbage', mapserver.urls.garbage),
          source('slow', mapserver.urls.slow),
        ],
      }),
    );
    const config = {
      ...loadConfig({
        WMS_SOURCES_FILE: path.join(work, 'wms-sources.json'),
        WMS_CACHE_DIR: path.join(work, 'cache'),
        WMS_TIMEOUT_MS: '1500',
        TEST_WMS_KEY: fakeKey,
      }),
      port: 0,
      host: '127.0.0.1',
    };
    const database = await openTestDatabase('embedded');
    closeDatabase = async () => {
      await database.close();
      await database.cleanup();
    };
    // Capture the log to check that warnings are written and never carry the key.
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await buildApp({ config, database, logger: { level: 'debug', stream } });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await closeDatabase?.();
    await mapserver?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('answers a real PNG rendered by MapServer from the orthophoto, with caching headers', async () => {
    const res = await tile('local', 'ortho');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-tile-status']).toBe('miss');
    expect(res.headers['cache-control']).toBe(`public, max-age=${7 * 24 * 3600}`);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    const png = PNG.sync.read(res.rawPayload);
    expect([png.width, png.height]).toEqual([256, 256]);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(50);
  });

  it('serves the second request from the disk cache without asking MapServer, faster', async () => {
    const next = { z: 13, x: 4642, y: 2513 };
    const before = mapserver.getMapCount();
    let started = performance.now();
    const miss = await tile('local', 'ortho', next);
    const missMs = performance.now() - started;
    expect(mapserver.getMapCount()).toBe(before + 1);
    started = performance.now();
    const hit = await tile('local', 'ortho', next);
    const hitMs = performance.now() - started;
    expect(hit.headers['x-tile-status']).toBe('hit');
    expect(mapserver.getMapCount()).toBe(before + 1);
    expect(hit.rawPayload.equals(miss.rawPayload)).toBe(true);
    expect(hit.headers.etag).toBe(miss.headers.etag);
    expect(hitMs).toBeLessThan(missMs);
    const files = await readdir(path.join(work, 'cache', 'local', 'ortho', '13', '4642'));
    expect(files).toEqual(['2513.png']);
  });

  it('answers 304 when the browser already has the tile', async () => {
    const first = await tile('local', 'ortho');
    const again = await tile('local', 'ortho', marupe, { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('asks the upstream once when many browsers ask for the same new tile at the same time', async () => {
    const fresh = { z: 14, x: 9285, y: 5026 };
    const before = mapserver.getMapCount();
    const answers = await Promise.all(Array.from({ length: 8 }, () => tile('local', 'topo_a', fresh)));
    expect(answers.every((a) => a.statusCode === 200 && a.headers['x-tile-status'] === 'miss')).toBe(true);
    expect(mapserver.getMapCount() - before).toBe(1);
  });

  it('speaks WMS 1.1.1 to a 1.1.1 source (SRS=EPSG:3857)', async () => {
    const res = await tile('local-111', 'ortho');
    expect(res.headers['x-tile-status']).toBe('miss');
    expect(PNG.sync.read(res.rawPayload).width).toBe(256);
    const sent = mapserver.requests.at(-1)!.query;
    expect(sent.get('VERSION')).toBe('1.1.1');
    expect(sent.get('SRS')).toBe('EPSG:3857');
    expect(sent.get('CRS')).toBeNull();
  });

  it('refuses sources and layers outside the catalog with 404, without contacting anyone', async () => {
    const before = mapserver.requests.length;
    const source = await tile('elsewhere', 'ortho');
    expect(source.statusCode).toBe(404);
    expect(source.json().message).toMatch(/no WMS source "elsewhere".*GET \/api\/basemaps/);
    const layer = await tile('local', 'public:Secret');
    expect(layer.statusCode).toBe(404);
    expect(layer.json().message).toMatch(/has no layer "public:Secret"/);
    const url = await app.inject(`/wms/${encodeURIComponent('http://169.254.169.254')}/x/0/0/0.png`);
    expect(url.statusCode).toBe(404);
    expect(mapserver.requests.length).toBe(before);
  });

  it('answers tiles outside the grid with 400 naming the valid range', async () => {
    const cases: Array<[string, RegExp]> = [
      ['21/0/0', /zoom level must be an integer from 0 to 20 \(got "21"\)/],
      ['-1/0/0', /zoom level must be an integer from 0 to 20/],
      ['3/8/0', /At zoom 3, x must be an integer from 0 to 7 \(got "8"\)/],
      ['3/0/9', /At zoom 3, y must be an integer from 0 to 7 \(got "9"\)/],
      ['12/1e3/5', /x must be an integer from 0 to 4095/],
      ['0/0/0x1', /y must be an integer from 0 to 0/],
    ];
    for (const [zxy, message] of cases) {
      const res = await app.inject(`/wms/local/ortho/${zxy}.png`);
      expect(res.statusCode, zxy).toBe(400);
      expect(res.json().message, zxy).toMatch(message);
    }
  });

  it('sends the service key upstream but never to the browser or the log', async () => {
    const res = await tile('keyed', 'ortho');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-tile-status']).toBe('miss');
    const upstream = mapserver.requests.at(-1)!;
    expect(upstream.query.get('apikey')).toBe(fakeKey);

    const basemaps = await app.inject('/api/basemaps');
    const keyed = basemaps.json().sources.find((s: any) => s.id === 'keyed');
    expect(keyed).toMatchObject({ keyRequired: true, available: true });
    // An upstream that repeats the request in its error must not leak the key through the warning.
    const failing = await tile('keyed-echo', 'ortho');
    expect(failing.headers['x-tile-status']).toBe('upstream-unavailable');
    expect(mapserver.requests.at(-1)!.query.get('apikey')).toBe(fakeKey);
    expect(logLines.join('')).toMatch(/keyed-echo.*Invalid key \\"\*\*\*\\" in \?SERVICE=WMS/);
    for (const r of [res, basemaps, failing, await tile('keyed', 'ortho')]) {
      expect(JSON.stringify(r.headers)).not.toContain(fakeKey);
      expect(r.rawPayload.includes(fakeKey)).toBe(false);
      expect(r.body).not.toContain('TEST_WMS_KEY');
    }
    expect(logLines.join('')).not.toContain(fakeKey);
  });

  it('gives a placeholder and marks the source unavailable when its key is not configured', async () => {
    const before = mapserver.requests.length;
    const res = await tile('keyless', 'ortho');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-tile-status']).toBe('key-missing');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(mapserver.requests.length).toBe(before);
    const keyless = (await app.inject('/api/basemaps')).json().sources.find((s: any) => s.id === 'keyless');
    expect(keyless).toMatchObject({ keyRequired: true, available: false });
  });

  it('answers a grey placeholder, not the garbage, when the upstream sends HTML, non-images, a WMS error or nothing in time', async () => {
    const placeholders = await Promise.all([
      tile('html', 'ortho'),
      tile('garbage', 'ortho'),
      tile('local', 'not_on_server'),
      tile('slow', 'ortho'),
    ]);
    for (const res of placeholders) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['x-tile-status']).toBe('upstream-unavailable');
      expect(res.headers['cache-control']).toBe('no-store');
      const png = PNG.sync.read(res.rawPayload);
      expect([png.width, png.height]).toEqual([256, 256]);
      expect([...png.data.subarray(128 * 1024 + 512, 128 * 1024 + 515)]).toEqual([0xea, 0xea, 0xea]);
    }
    const warnings = logLines.filter((l) => l.includes('"level":40')).join('\n');
    expect(warnings).toMatch(/WMS source \\"html\\" .*an HTML page/);
    expect(warnings).toMatch(/WMS source \\"garbage\\" .*image\/png/);
    expect(warnings).toMatch(/WMS source \\"local\\" .*ServiceException.*LAYERS/);
    expect(warnings).toMatch(/WMS source \\"slow\\" .*did not answer within 1.5 s/);
  });

  it('keeps serving cached tiles (stale ones too) and placeholders for the rest when the upstream goes down', async () => {
    // Age one cached tile past its time to live, then take MapServer down.
    const cached = path.join(work, 'cache', 'local', 'ortho', String(marupe.z), String(marupe.x), `${marupe.y}.png`);
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await utimes(cached, old, old);
    await mapserver.stop();

    const fresh = await tile('local', 'ortho', { z: 13, x: 4642, y: 2513 });
    expect(fresh.headers['x-tile-status']).toBe('hit');
    const stale = await tile('local', 'ortho');
    expect(stale.headers['x-tile-status']).toBe('stale');
    expect(stale.headers['cache-control']).toBe('public, max-age=60');
    expect(PNG.sync.read(stale.rawPayload).width).toBe(256);
    const missing = await tile('local', 'ortho', { z: 15, x: 18571, y: 10053 });
    expect(missing.statusCode).toBe(200);
    expect(missing.headers['x-tile-status']).toBe('upstream-unavailable');
    expect(logLines.join('')).toMatch(/WMS source \\"local\\" \(127\.0\.0\.1:\d+\) refused the connection/);
  });

  it('stops asking a source that keeps refusing, so the map is not held up tile after tile', async () => {
    for (const y of [10054, 10055, 10056]) await tile('local', 'ortho', { z: 15, x: 18571, y });
    expect(logLines.join('')).toMatch(/not asking it again for 30 s/);
    const warnings = () => logLines.filter((l) => l.includes('"level":40')).length;
    const warningsBefore = warnings();
    const resting = await tile('local', 'ortho', { z: 15, x: 18571, y: 10057 });
    expect(resting.headers['x-tile-status']).toBe('upstream-unavailable');
    expect(warnings()).toBe(warningsBefore);
  });
});
