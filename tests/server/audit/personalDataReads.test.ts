import type { FastifyInstance } from 'fastify';
import proj4 from 'proj4';
import { beforeAll, expect, it } from 'vitest';
import { TILE_READ_WINDOW_MS } from '../../../server/src/plugins/audit.js';
import { createDashboardFixture, type DashboardFixture } from '../../helpers/dashboardFixture.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, signedInAs, signIn, TEST_PASSWORD, type SignedIn } from '../../helpers/users.js';
import { tileOf } from '../tiles/tileTestKit.js';

interface Read {
  name: string;
  /** The request, built once the fixture exists. */
  request: () => { method?: 'GET' | 'POST'; url: string; payload?: object };
  layer: 'sites' | 'streets' | 'sewer';
  via: string;
}

/**
 * Every endpoint that hands out records of a restricted layer or restricted fields, read by an
 * editor of the municipality: each read writes exactly one audit entry naming the user, the layer
 * and the municipality (tiles: one per user, layer and window; docs/accounts.md).
 */
describeEachDatabase(
  'audit of every personal-data read',
  (ctx) => {
    let app: FastifyInstance;
    let fx: DashboardFixture;
    let editor: SignedIn;
    let siteId: number;
    let streetId: number;
    const layerOf = (key: Read['layer']) => `${fx.code}-${{ sites: 'accommodation-sites', streets: 'street-transfers', sewer: 'sewer-connections' }[key]}`;

    beforeAll(async () => {
      app = ctx().app;
      fx = await createDashboardFixture(app);
      // The sewer connections layer as a municipality would mark it after deciding its addresses are personal data,
      // so that the work lists and the dashboard's record table count as reads of personal data.
      await app.pg.query(`UPDATE layer SET restricted = true, read_role = 'official' WHERE id = $1`, [`${fx.code}-sewer-connections`]);
      app.layers.invalidate();
      editor = await signedInAs(app, 'editor', fx.id);
      siteId = (await app.pg.query('SELECT min(id)::int AS id FROM accommodation_site WHERE municipality_id = $1', [fx.id])).rows[0].id;
      streetId = (await app.pg.query('SELECT min(id)::int AS id FROM street_transfer WHERE municipality_id = $1', [fx.id])).rows[0].id;
    });

    const [lon, lat] = proj4(
      '+proj=tmerc +lat_0=0 +lon_0=24 +k=0.9996 +x_0=500000 +y_0=-6000000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
      'EPSG:4326',
      [701500, 307000],
    );
    const tile = tileOf(701500, 307000, 14);
    const reads: Read[] = [
      { name: 'OGC items', request: () => ({ url: `/ogc/collections/${layerOf('sites')}/items?limit=2` }), layer: 'sites', via: 'ogc.items' },
      { name: 'OGC item', request: () => ({ url: `/ogc/collections/${layerOf('sites')}/items/${siteId}` }), layer: 'sites', via: 'ogc.item' },
      { name: 'attribute table', request: () => ({ url: `/api/layers/${layerOf('sites')}/features` }), layer: 'sites', via: 'features.list' },
      { name: 'attribute table item', request: () => ({ url: `/api/layers/${layerOf('sites')}/features/${siteId}` }), layer: 'sites', via: 'features.item' },
      { name: 'export', request: () => ({ url: `/api/layers/${layerOf('sites')}/export?format=geojson` }), layer: 'sites', via: 'features.export' },
      { name: 'editable form', request: () => ({ url: `/api/layers/${layerOf('sites')}/features/${siteId}/editable` }), layer: 'sites', via: 'edit.feature' },
      { name: 'feature history', request: () => ({ url: `/api/layers/${layerOf('sites')}/features/${siteId}/history` }), layer: 'sites', via: 'edit.history' },
      { name: 'vector tile', request: () => ({ url: `/api/tiles/${layerOf('sites')}/${tile.z}/${tile.x}/${tile.y}.mvt` }), layer: 'sites', via: 'tiles' },
      { name: 'nearby facilities of a site', request: () => ({ url: `/api/accommodation/${siteId}/nearby` }), layer: 'sites', via: 'accommodation.nearby' },
      { name: 'free places near a point', request: () => ({ url: `/api/accommodation/free-places?lon=${lon}&lat=${lat}` }), layer: 'sites', via: 'accommodation.free-places' },
      {
        name: 'analysis result',
        request: () => ({ method: 'POST', url: '/api/analysis/within-distance', payload: { layer: layerOf('sites'), of: `${fx.code}-parishes`, distance: 100 } }),
        layer: 'sites',
        via: 'analysis.within-distance',
      },
      { name: 'owner names in the attribute table', request: () => ({ url: `/api/layers/${layerOf('streets')}/features` }), layer: 'streets', via: 'features.list' },
      { name: 'owner names in the editable form', request: () => ({ url: `/api/layers/${layerOf('streets')}/features/${streetId}/editable` }), layer: 'streets', via: 'edit.feature' },
      { name: 'owner names in the history', request: () => ({ url: `/api/layers/${layerOf('streets')}/features/${streetId}/history` }), layer: 'streets', via: 'edit.history' },
      { name: 'work list', request: () => ({ url: '/api/worklists/sewer-unconnected' }), layer: 'sewer', via: 'worklists.sewer-unconnected' },
      { name: "dashboard's record table", request: () => ({ url: '/api/dashboards/sewer' }), layer: 'sewer', via: 'dashboards.table' },
      {
        name: "dashboard's record table as CSV",
        request: () => ({ url: '/api/dashboards/sewer/indicators/sewer.longest_waiting.csv' }),
        layer: 'sewer',
        via: 'dashboards.table',
      },
    ];

    const lastEntry = async () =>
      (await app.pg.query('SELECT max(id)::int8::float8 AS id FROM audit_log')).rows[0].id as number;
    const entriesSince = async (id: number) =>
      (
        await app.pg.query(
          `SELECT user_id::float8 AS user_id, municipality_id, action, layer_id, details FROM audit_log WHERE id > $1 AND action = 'read' ORDER BY id`,
          [id],
        )
      ).rows;

    for (const read of reads) {
      it(`audits the ${read.name} read by an editor with user, layer and municipality`, async () => {
        const before = await lastEntry();
        const { method = 'GET', url, payload } = read.request();
        const res = await app.inject({ method, url, payload, headers: { ...editor.headers, 'x-municipality': fx.code } });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        const entries = await entriesSince(before);
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({ user_id: editor.id, municipality_id: fx.id, layer_id: layerOf(read.layer), details: { via: read.via } });
      });
    }

    it(`audits a user's tiles of a restricted layer once per layer and ${TILE_READ_WINDOW_MS / 60_000} minutes, not once per tile`, async () => {
      const reader = await signedInAs(app, 'editor', fx.id);
      const before = await lastEntry();
      for (const dx of [0, 0, 1, -1]) {
        await app.inject({ url: `/api/tiles/${layerOf('sites')}/${tile.z}/${tile.x + dx}/${tile.y}.mvt`, headers: { ...reader.headers, 'x-municipality': fx.code } });
      }
      const entries = await entriesSince(before);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ user_id: reader.id, layer_id: layerOf('sites'), details: { via: 'tiles', selection: { z: tile.z, windowMinutes: 10 } } });
    });

    it("records sign-ins with the municipality, in that municipality's admin's audit log", async () => {
      const admin = await signedInAs(app, 'admin', fx.id);
      const member = await addUser(app, { role: 'official', municipality: fx.id });
      // Signed in through the municipality's address (X-Municipality), and elsewhere (the default municipality).
      const here = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-municipality': fx.code }, payload: { email: member.email, password: TEST_PASSWORD } });
      expect(here.statusCode).toBe(200);
      await signIn(app, member);
      const failed = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-municipality': fx.code }, payload: { email: member.email, password: 'not the password' } });
      expect(failed.statusCode).toBe(401);
      const res = await app.inject({ url: `/api/audit?userId=${member.id}`, headers: { ...admin.headers, 'x-municipality': fx.code } });
      expect(res.statusCode, res.body).toBe(200);
      const actions = res.json().entries.map((e: { action: string; municipalityCode: string | null }) => [e.action, e.municipalityCode]);
      expect(actions).toEqual([
        ['auth.login_failed', fx.code],
        ['auth.login', 'testa'],
        ['auth.login', fx.code],
      ]);
      const outsider = await addUser(app);
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: outsider.email, password: TEST_PASSWORD } });
      const notMine = await app.inject({ url: `/api/audit?userId=${outsider.id}`, headers: { ...admin.headers, 'x-municipality': fx.code } });
      expect(notMine.json().entries).toEqual([]);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
