import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverWms } from '../../../server/src/wms/discoverSource.js';
import { hostProblem, isPrivateAddress } from '../../../server/src/wms/hostGuard.js';
import { startMapServer, type MapServerHarness } from '../../helpers/mapserver.js';
import { describeWhen, hasCommand } from '../../helpers/requirements.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../../helpers/testApp.js';
import { addUser, municipalityId, signIn } from '../../helpers/users.js';

const haveMapServer = hasCommand('mapserv') && hasCommand('gdal_translate');
const token = 'test-admin-token';
// Named now (the apps' env needs it), created only when the suite runs.
const work = path.join(tmpdir(), `gis-wms-add-${process.pid}-${Date.now()}`);
// Filled in once MapServer runs; the apps read it when they start (after the file-level beforeAll).
const env: NodeJS.ProcessEnv = {
  ADMIN_TOKEN: token,
  WMS_ALLOW_PRIVATE_HOSTS: 'true',
  WMS_TIMEOUT_MS: '3000',
  WMS_SOURCES_FILE: path.join(work, 'wms-sources.json'),
  WMS_CACHE_DIR: path.join(work, 'cache'),
};

describeWhen(haveMapServer, 'Adding a WMS source by URL', 'mapserv or gdal_translate is not installed (apt-get install cgi-mapserver gdal-bin)', () => {
  let mapserver: MapServerHarness;
  /** A port nothing listens on any more. */
  let deadUrl: string;

  beforeAll(async () => {
    await mkdir(work, { recursive: true });
    mapserver = await startMapServer();
    const gone = await startMapServer();
    deadUrl = gone.urls.ortho;
    await gone.close();
    await writeFile(
      env.WMS_SOURCES_FILE!,
      JSON.stringify({
        sources: [
          {
            id: 'lvm-geo',
            title: { lv: 'LVM GEO' },
            url: mapserver.urls.ortho,
            version: '1.3.0',
            format: 'image/png',
            attribution: '© LVM GEO',
            layers: [{ name: 'ortho', title: { lv: 'Ortofoto' }, kind: 'orthophoto' }],
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await mapserver?.close();
    await rm(work, { recursive: true, force: true });
  });

  describeEachDatabase(
    'POST /api/basemaps/sources',
    (ctx) => {
      const add = (body: object, auth: string | null = `Bearer ${token}`) =>
        ctx().app.inject({ method: 'POST', url: '/api/basemaps/sources', payload: body, headers: auth ? { authorization: auth } : {} });

      it('reads the capabilities, keeps the EPSG:3857 layers, stores the source and serves its tiles', async () => {
        const res = await add({ url: mapserver.urls.ortho, id: `marupe-${ctx().kind}`, attribution: '© Mārupes novads' });
        expect(res.statusCode, res.body).toBe(201);
        const { source, skippedLayers } = res.json();
        expect(source.layers.map((l: any) => l.name).sort()).toEqual(['ortho', 'topo_a']);
        expect(skippedLayers.sort()).toEqual(['lks_only', 'marupe', 'topo']);
        expect(source.layers.find((l: any) => l.name === 'ortho')).toMatchObject({ kind: 'orthophoto', title: { lv: 'Ortofoto' } });
        expect(source.layers.find((l: any) => l.name === 'topo_a').kind).toBe('topographic');
        expect(source).toMatchObject({ origin: 'admin', available: true, attribution: '© Mārupes novads' });
        expect(JSON.stringify(source)).not.toContain(mapserver.origin);

        const listed = (await ctx().app.inject('/api/basemaps')).json().sources.map((s: any) => s.id);
        expect(listed).toContain(`marupe-${ctx().kind}`);
        const tile = await ctx().app.inject(`/wms/marupe-${ctx().kind}/ortho/12/2321/1256.png`);
        expect(tile.headers['x-tile-status']).toBe('miss');
        expect(PNG.sync.read(tile.rawPayload).width).toBe(256);
        const stored = await ctx().app.pg.query('SELECT version, url, municipality_id FROM wms_source WHERE id = $1', [`marupe-${ctx().kind}`]);
        expect(stored.rows[0]).toEqual({ version: '1.3.0', url: mapserver.urls.ortho, municipality_id: null });
      });

      it('refreshes a source when the same URL is added again, with an id made from the host', async () => {
        const first = await add({ url: `${mapserver.urls.ortho}&SERVICE=WMS&REQUEST=GetCapabilities` });
        expect(first.statusCode).toBe(201);
        expect(first.json().source.id).toMatch(/^127-0-0-1-[0-9a-f]{6}$/);
        const again = await add({ url: mapserver.urls.ortho });
        expect(again.statusCode).toBe(200);
        expect(again.json().source.id).toBe(first.json().source.id);
      });

      it('falls back to WMS 1.1.1 when the server refuses 1.3.0', async () => {
        const res = await add({ url: mapserver.urls.only111, id: `old-${ctx().kind}` });
        expect(res.statusCode, res.body).toBe(201);
        const stored = await ctx().app.pg.query('SELECT version FROM wms_source WHERE id = $1', [`old-${ctx().kind}`]);
        expect(stored.rows[0].version).toBe('1.1.1');
        const tile = await ctx().app.inject(`/wms/old-${ctx().kind}/ortho/12/2321/1256.png`);
        expect(tile.headers['x-tile-status']).toBe('miss');
        expect(mapserver.requests.at(-1)!.query.get('SRS')).toBe('EPSG:3857');
      });

      it('refuses what is not a usable WMS with 400 and a message naming the problem', async () => {
        const cases: Array<[object, RegExp]> = [
          [{ url: 'ftp://lvmgeoserver.lvm.lv/geoserver/ows' }, /must start with http:\/\/ or https:\/\/ \(got ftp:\)/],
          [{ url: 'kartes serveris' }, /is not a URL/],
          [{ url: 'https://user:pw@example.lv/ows' }, /must not contain a user name or password/],
          [{ url: deadUrl }, /The WMS at 127\.0\.0\.1:\d+ refused the connection/],
          [{ url: mapserver.urls.slow }, /did not answer within 3 s/],
          [{ url: mapserver.urls.html }, /HTML page, not WMS capabilities/],
          [{ url: mapserver.urls.xml }, /XML that is not WMS capabilities \(root element <feed>\)/],
          [{ url: mapserver.urls.lksOnly }, /has 2 layer\(s\) \(lks, ortho_lks\) but none offers EPSG:3857/],
          [{ url: mapserver.urls.ortho, keyEnv: 'LGIA_WMS_KEY' }, /No key is configured in LGIA_WMS_KEY/],
          [{ url: mapserver.urls.ortho, id: 'Bad Id' }, /"id" must match pattern/],
        ];
        for (const [body, message] of cases) {
          const res = await add(body);
          expect(res.statusCode, JSON.stringify(body)).toBe(400);
          expect(res.json().message, JSON.stringify(body)).toMatch(message);
        }
      });

      it('does not let an admin overwrite a shipped catalog source', async () => {
        const res = await add({ url: mapserver.urls.ortho, id: 'lvm-geo' });
        expect(res.statusCode).toBe(409);
        expect(res.json().message).toMatch(/shipped catalog/);
      });

      it('needs an administrator session or the admin token', async () => {
        for (const auth of [null, 'Bearer wrong', `Basic ${token}`, token]) {
          const res = await add({ url: mapserver.urls.ortho }, auth);
          expect(res.statusCode).toBe(401);
          expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
          expect(res.json().message).toMatch(/Sign in as an administrator, or send the header "Authorization: Bearer <ADMIN_TOKEN>"/);
        }
      });

      it('lets a signed-in municipality admin add a source, and refuses an editor', async () => {
        const { app } = ctx();
        const testa = await municipalityId(app, 'testa');
        const admin = await signIn(app, await addUser(app, { role: 'admin', municipality: testa }));
        const editor = await signIn(app, await addUser(app, { role: 'editor', municipality: testa }));
        const post = (headers: Record<string, string>) =>
          app.inject({ method: 'POST', url: '/api/basemaps/sources', payload: { url: mapserver.urls.ortho, id: `session-${ctx().kind}` }, headers });
        expect((await post(editor.headers)).statusCode).toBe(403);
        expect((await post({ cookie: admin.cookie })).statusCode).toBe(403); // no CSRF token
        const res = await post(admin.headers);
        expect(res.statusCode, res.body).toBe(201);
      });
    },
    { env },
  );

  describe('without ADMIN_TOKEN', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp('embedded', { env: { ...env, ADMIN_TOKEN: undefined } });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('answers 401 asking for an administrator session, whatever bearer token is sent', async () => {
      const res = await app.app.inject({
        method: 'POST',
        url: '/api/basemaps/sources',
        payload: { url: mapserver.urls.ortho },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toMatch(/Sign in as an administrator \(no ADMIN_TOKEN is configured/);
    });
  });

  describe('outside the test setup (private hosts not allowed)', () => {
    it('refuses loopback and private hosts before fetching anything', async () => {
      const before = mapserver.requests.length;
      await expect(discoverWms(mapserver.urls.ortho, { timeoutMs: 1000, allowPrivateHosts: false })).rejects.toThrow(
        /The host "127\.0\.0\.1" is a private or loopback address \(127\.0\.0\.1\); WMS sources must be on the public internet/,
      );
      expect(await hostProblem(new URL('http://localhost:8080/wms'), false)).toMatch(/private or loopback address/);
      expect(await hostProblem(new URL('http://[::1]/wms'), false)).toMatch(/private or loopback/);
      expect(mapserver.requests.length).toBe(before);
    });

    it('tells private and link-local addresses from public ones', () => {
      for (const address of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
        expect(isPrivateAddress(address), address).toBe(true);
      }
      for (const address of ['195.244.155.10', '8.8.8.8', '2a02:810::1', '172.32.0.1']) {
        expect(isPrivateAddress(address), address).toBe(false);
      }
    });
  });
});
