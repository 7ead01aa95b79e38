import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, type SignedIn } from '../../helpers/users.js';
import { decodeTile, tileOf } from '../tiles/tileTestKit.js';

type Who = 'anonymous' | 'viewer' | 'official' | 'editor' | 'admin' | 'other admin' | 'platform admin';
const everyone: Who[] = ['anonymous', 'viewer', 'official', 'editor', 'admin', 'other admin', 'platform admin'];
/** Who may read personal data of the fixture municipality "testa". */
const authorised = new Set<Who>(['editor', 'admin', 'platform admin']);

const sites = 'testa-accommodation-sites';
const transfers = 'testa-street-transfers';
const siteTile = tileOf(501500, 301500, 14);
const transferTile = tileOf(503250, 303004, 14);

describeEachDatabase(
  'who reads restricted layers and fields',
  (ctx) => {
    const sessions = new Map<Who, SignedIn | null>();
    let firstSiteId: number;
    let firstTransferId: number;

    beforeAll(async () => {
      const { app } = ctx();
      const testa = await municipalityId(app, 'testa');
      const other = await otherMunicipality(app);
      sessions.set('anonymous', null);
      for (const role of ['viewer', 'official', 'editor', 'admin'] as const) {
        sessions.set(role, await signIn(app, await addUser(app, { role, municipality: testa })));
      }
      sessions.set('other admin', await signIn(app, await addUser(app, { role: 'admin', municipality: other, label: 'other-admin' })));
      sessions.set('platform admin', await signIn(app, await addUser(app, { platformAdmin: true, label: 'platform' })));
      firstSiteId = (await app.pg.query('SELECT min(id)::int AS id FROM accommodation_site WHERE municipality_id = $1', [testa])).rows[0].id;
      firstTransferId = (await app.pg.query('SELECT min(id)::int AS id FROM street_transfer WHERE municipality_id = $1', [testa])).rows[0].id;
    });

    const get = (who: Who, url: string) => ctx().app.inject({ method: 'GET', url, headers: sessions.get(who) ? { cookie: sessions.get(who)!.cookie } : {} });

    it.each(everyone)('layer catalog, as %s: says whether the user may read the restricted layer and fields', async (who) => {
      const layers = (await get(who, '/api/layers')).json().layers as { id: string; access: { records: boolean; restrictedFields: boolean } }[];
      const access = (id: string) => layers.find((l) => l.id === id)!.access;
      expect(access(sites)).toEqual({ records: authorised.has(who), restrictedFields: authorised.has(who) });
      expect(access(transfers)).toEqual({ records: true, restrictedFields: authorised.has(who) });
    });

    it.each(everyone)('OGC collection list, as %s: the restricted layer is listed only to those who may read it', async (who) => {
      const ids = (await get(who, '/ogc/collections')).json().collections.map((c: { id: string }) => c.id);
      expect(ids.includes(sites)).toBe(authorised.has(who));
      expect(ids).toContain(transfers);
    });

    it.each(everyone)('restricted layer records, as %s: only editors and admins of its municipality', async (who) => {
      const urls = [
        `/ogc/collections/${sites}/items`,
        `/ogc/collections/${sites}/items/${firstSiteId}`,
        `/api/layers/${sites}/features`,
        `/api/layers/${sites}/features/${firstSiteId}`,
        `/api/layers/${sites}/export?format=csv`,
        `/api/layers/${sites}/export?format=geojson`,
      ];
      for (const url of urls) {
        const res = await get(who, url);
        if (authorised.has(who)) {
          expect(res.statusCode, url).toBe(200);
          // Records with the restricted contact fields.
          expect(res.body, url).toContain('Kovalenko');
          expect(res.body, url).toContain('+37120000001');
        } else {
          expect(res.statusCode, url).toBe(403);
          expect(res.json().message).toMatch(/personal data.*authorised roles/);
          expect(res.body).not.toContain('Kovalenko');
          expect(res.body).not.toContain('Dienesta');
        }
      }
    });

    it.each(everyone)('restricted layer tiles, as %s: private tiles for editors and admins, never with contact fields', async (who) => {
      const res = await get(who, `/api/tiles/${sites}/${siteTile.z}/${siteTile.x}/${siteTile.y}.mvt`);
      if (!authorised.has(who)) {
        expect(res.statusCode).toBe(403);
        return;
      }
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toMatch(/^private/);
      const layer = decodeTile(res.rawPayload)[sites];
      expect(layer.features.length).toBeGreaterThan(0);
      for (const f of layer.features) {
        expect(f.properties).not.toHaveProperty('contact_person');
        expect(f.properties).not.toHaveProperty('contact_phone');
      }
      expect(res.rawPayload.toString('latin1')).not.toContain('Kovalenko');
    });

    it.each(everyone)('restricted field owner_name of a public layer, as %s: records for all, owners for editors and admins', async (who) => {
      const urls = [
        `/ogc/collections/${transfers}/items`,
        `/ogc/collections/${transfers}/items/${firstTransferId}`,
        `/api/layers/${transfers}/features`,
        `/api/layers/${transfers}/features/${firstTransferId}`,
        `/api/layers/${transfers}/export?format=csv`,
      ];
      for (const url of urls) {
        const res = await get(who, url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toContain('Pļavu iela');
        if (authorised.has(who)) expect(res.body, url).toContain('Jānis Bērziņš');
        else expect(res.body, url).not.toContain('Bērziņš');
      }
      const tile = await get(who, `/api/tiles/${transfers}/${transferTile.z}/${transferTile.x}/${transferTile.y}.mvt`);
      expect(tile.statusCode).toBe(200);
      expect(tile.headers['cache-control']).toMatch(/^public/);
      for (const f of decodeTile(tile.rawPayload)[transfers].features) expect(f.properties).not.toHaveProperty('owner_name');
    });

    it('does not let a forged cookie read anything restricted', async () => {
      const res = await ctx().app.inject({ url: `/api/layers/${sites}/features`, headers: { cookie: `gis_session=${'B'.repeat(43)}` } });
      expect(res.statusCode).toBe(403);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
