import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMapServer, type MapServerHarness } from '../../helpers/mapserver.js';
import { describeWhen, hasCommand } from '../../helpers/requirements.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, type SignedIn } from '../../helpers/users.js';

const haveMapServer = hasCommand('mapserv') && hasCommand('gdal_translate');
const token = 'test-admin-token-ownership';
const serverKey = 'SERVER-wide-lgia-key-4411';
const otherKey = 'OTHER-municipality-key-9902';
const ownKey = 'TESTA-own-key-5521';
const work = path.join(tmpdir(), `gis-wms-owner-${process.pid}-${Date.now()}`);
const env: NodeJS.ProcessEnv = {
  ADMIN_TOKEN: token,
  WMS_ALLOW_PRIVATE_HOSTS: 'true',
  WMS_TIMEOUT_MS: '15000',
  WMS_SOURCES_FILE: path.join(work, 'wms-sources.json'),
  WMS_CACHE_DIR: path.join(work, 'cache'),
  LGIA_WMS_KEY: serverKey,
};
/** z12 tiles over Mārupe; each database's suite asks its own column, as the tile cache is shared. */
const marupe = (kind: string, row = 1256) => `12/${kind === 'embedded' ? 2321 : 2322}/${row}`;

describeWhen(haveMapServer, 'WMS sources belong to their owner and keys to their hosts', 'mapserv or gdal_translate is not installed', () => {
  /** The host the shipped catalog's key was issued for. */
  let issuer: MapServerHarness;
  /** A host an administrator of one municipality controls; it records every query string it gets. */
  let attacker: MapServerHarness;

  beforeAll(async () => {
    await mkdir(work, { recursive: true });
    issuer = await startMapServer();
    attacker = await startMapServer();
    await writeFile(
      env.WMS_SOURCES_FILE!,
      JSON.stringify({
        sources: [
          {
            id: 'lgia-ortofoto',
            title: { lv: 'LĢIA' },
            url: issuer.urls.ortho,
            version: '1.3.0',
            format: 'image/png',
            attribution: '© LĢIA',
            keyEnv: 'LGIA_WMS_KEY',
            keyParam: 'key',
            layers: [{ name: 'ortho', title: { lv: 'Ortofoto' }, kind: 'orthophoto' }],
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await issuer?.close();
    await attacker?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** Every query string the attacker's host received, as text. */
  const seenByAttacker = () => attacker.requests.map((r) => r.query.toString()).join('\n');

  describeEachDatabase(
    'POST /api/basemaps/sources and /wms',
    (ctx) => {
      let testa: number;
      let other: number;
      let otherCode: string;
      let adminA: SignedIn;
      let adminB: SignedIn;

      beforeAll(async () => {
        const { app } = ctx();
        testa = await municipalityId(app, 'testa');
        otherCode = `own-${ctx().kind}-${Date.now() % 100000}`;
        other = await otherMunicipality(app, otherCode);
        adminA = await signIn(app, await addUser(app, { role: 'admin', municipality: testa }));
        adminB = await signIn(app, await addUser(app, { role: 'admin', municipality: other }));
        await app.pg.query(
          `INSERT INTO municipality_secret (municipality_id, name, value) VALUES ($1, 'LGIA_WMS_KEY', $2)
           ON CONFLICT (municipality_id, name) DO UPDATE SET value = EXCLUDED.value`,
          [other, otherKey],
        );
      });

      const add = (headers: Record<string, string>, body: object) => ctx().app.inject({ method: 'POST', url: '/api/basemaps/sources', headers, payload: body });
      const tile = (sourceId: string, municipality: string) =>
        ctx().app.inject({ url: `/wms/${sourceId}/ortho/${marupe(ctx().kind)}.png`, headers: { 'x-municipality': municipality } });

      it("sends neither the server's key nor another municipality's to a host an administrator registered", async () => {
        const { app } = ctx();
        const id = `evil-${ctx().kind}`;
        const refused = await add(adminA.headers, { url: attacker.urls.ortho, id, keyEnv: 'LGIA_WMS_KEY', keyParam: 'key' });
        expect(refused.statusCode).toBe(400);
        expect(refused.json().message).toMatch(/No key is configured in LGIA_WMS_KEY for 127\.0\.0\.1:\d+/);
        // Even a shared source naming the key (as a platform administrator could add) gets no key at that host.
        await app.pg.query(
          `INSERT INTO wms_source (id, municipality_id, title, url, version, format, attribution, layers, key_env, key_param)
           VALUES ($1, NULL, '{"lv":"x"}', $2, '1.3.0', 'image/png', '', '[{"name":"ortho","title":{"lv":"x"},"kind":"orthophoto"}]', 'LGIA_WMS_KEY', 'key')`,
          [`shared-${id}`, attacker.urls.ortho],
        );
        app.wms.catalog.invalidate();
        for (const municipality of ['testa', otherCode]) {
          const res = await tile(`shared-${id}`, municipality);
          expect(res.statusCode).toBe(200);
          expect(res.headers['x-tile-status']).toBe('key-missing');
        }
        // The shipped source's host still gets the keys it was issued: the server's, or the municipality's own.
        expect((await tile('lgia-ortofoto', 'testa')).headers['x-tile-status']).toBe('miss');
        expect(issuer.requests.at(-1)!.query.get('key')).toBe(serverKey);
        await app.inject({ url: `/wms/lgia-ortofoto/ortho/${marupe(ctx().kind, 1257)}.png`, headers: { 'x-municipality': otherCode } });
        expect(issuer.requests.at(-1)!.query.get('key')).toBe(otherKey);

        expect(seenByAttacker()).not.toContain(serverKey);
        expect(seenByAttacker()).not.toContain(otherKey);
      });

      it("keeps a municipality's source to itself: others neither list it nor reach its tiles, and its own key goes there only for it", async () => {
        const { app } = ctx();
        const id = `a-own-${ctx().kind}`;
        const client = await app.pg.pool.connect();
        try {
          await app.municipalitySecrets.put(client, testa, { LGIA_WMS_KEY: ownKey }, adminA.id);
        } finally {
          client.release();
        }
        const res = await add({ ...adminA.headers, 'x-municipality': 'testa' }, { url: attacker.urls.ortho, id, keyEnv: 'LGIA_WMS_KEY', keyParam: 'key' });
        expect(res.statusCode, res.body).toBe(201);
        const listedFor = async (code: string) =>
          (await app.inject({ url: '/api/basemaps', headers: { 'x-municipality': code } })).json().sources.map((s: { id: string }) => s.id);
        expect(await listedFor('testa')).toContain(id);
        expect(await listedFor(otherCode)).not.toContain(id);
        expect((await tile(id, otherCode)).statusCode).toBe(404);
        expect((await tile(id, 'testa')).headers['x-tile-status']).toBe('miss');
        // The municipality chose that host for its own key; nobody else's key went there.
        expect(seenByAttacker()).toContain(ownKey);
        expect(seenByAttacker()).not.toContain(serverKey);
        expect(seenByAttacker()).not.toContain(otherKey);
      });

      it("refuses to overwrite a shared source or another municipality's by id, leaving it as it was", async () => {
        const { app } = ctx();
        const shared = `shared-ortho-${ctx().kind}`;
        const ofB = `b-ortho-${ctx().kind}`;
        expect((await add({ authorization: `Bearer ${token}` }, { url: issuer.urls.ortho, id: shared })).statusCode).toBe(201);
        expect((await add({ ...adminB.headers, 'x-municipality': otherCode }, { url: issuer.urls.ortho, id: ofB })).statusCode).toBe(201);
        for (const id of [shared, ofB]) {
          const res = await add({ ...adminA.headers, 'x-municipality': 'testa' }, { url: attacker.urls.ortho, id, attribution: 'taken over' });
          expect(res.statusCode).toBe(403);
          expect(res.json().message).toMatch(/belongs to someone else/);
        }
        const { rows } = await app.pg.query('SELECT id, url, municipality_id FROM wms_source WHERE id = ANY($1) ORDER BY id', [[shared, ofB]]);
        expect(rows).toEqual([
          { id: ofB, url: issuer.urls.ortho, municipality_id: other },
          { id: shared, url: issuer.urls.ortho, municipality_id: null },
        ]);
        // An admin of the municipality may refresh its own source.
        expect((await add({ ...adminB.headers, 'x-municipality': otherCode }, { url: issuer.urls.ortho, id: ofB })).statusCode).toBe(200);
      });

      it("refuses an admin adding a source to a municipality they do not administer", async () => {
        const res = await add({ ...adminA.headers, 'x-municipality': otherCode }, { url: issuer.urls.ortho, id: `x-${ctx().kind}` });
        expect(res.statusCode).toBe(403);
      });
    },
    { env },
  );
});
