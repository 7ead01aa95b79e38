import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { createDashboardFixture, type DashboardFixture } from '../../helpers/dashboardFixture.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { signedInAs, type SignedIn } from '../../helpers/users.js';

/**
 * Issue 16 item 5: once an administrator restricts a layer to officials, no surface that reads it
 * — dashboards and their CSV, work lists, search, analysis, the attribute table and exports, OGC,
 * tiles, aggregates, the catalog, the public refugee map — gives anonymous visitors or viewers
 * its records (addresses, names, positions), while officials read them.
 */

type Who = 'anonymous' | 'viewer' | 'official';

/** One surface that reads the layer: what officials get from it once the layer is theirs. */
interface Surface {
  name: string;
  method?: 'GET' | 'POST';
  url: (fx: DashboardFixture, layerId: string) => string;
  payload?: (fx: DashboardFixture, layerId: string) => object;
  /** records: 200 with the layer's records (markers); ok: any 2xx (aggregates, tiles, the public map). */
  official: 'records' | 'ok';
}

interface Case {
  /** Key of the domain layer (server/src/layers/domainLayers.ts). */
  layer: string;
  /** Text only the layer's records carry: addresses, names. */
  markers: string[];
  surfaces: Surface[];
}

const table = (official: Surface['official'] = 'records'): Surface[] => [
  { name: 'attribute table', url: (_, id) => `/api/layers/${id}/features?limit=100`, official },
  { name: 'CSV export', url: (_, id) => `/api/layers/${id}/export?format=csv`, official },
  { name: 'GeoJSON export', url: (_, id) => `/api/layers/${id}/export?format=geojson`, official },
  { name: 'OGC items', url: (_, id) => `/ogc/collections/${id}/items?limit=100`, official },
  { name: 'vector tile', url: (_, id) => `/api/tiles/${id}/8/147/78.mvt`, official: 'ok' },
  { name: 'aggregate per parish', url: (_, id) => `/api/layers/${id}/aggregate`, official: 'ok' },
];

const cases: Case[] = [
  {
    layer: 'sewer-connections',
    markers: ['Kanāla iela A3', 'Kanāla iela B2'],
    surfaces: [
      ...table(),
      { name: 'sewer dashboard', url: () => '/api/dashboards/sewer', official: 'records' },
      { name: 'longest-waiting CSV', url: () => '/api/dashboards/sewer/indicators/sewer.longest_waiting.csv', official: 'records' },
      { name: 'sewer work list', url: () => '/api/worklists/sewer-unconnected?distance=100', official: 'records' },
      // Search reads address and cadastre sources; connection records are neither, so officials find the addresses.
      { name: 'search', url: () => `/api/search?q=${encodeURIComponent('Kanāla iela')}&limit=50`, official: 'ok' },
      {
        name: 'analysis within distance',
        method: 'POST',
        url: () => '/api/analysis/within-distance',
        payload: (fx, id) => ({ layer: id, of: `${fx.code}-sewer-mains`, distance: 100 }),
        official: 'records',
      },
    ],
  },
  {
    layer: 'addresses',
    markers: ['Kanāla iela 30', 'Lauku iela 1'],
    surfaces: [
      ...table(),
      { name: 'sewer work list', url: () => '/api/worklists/sewer-unconnected?distance=100', official: 'records' },
      { name: 'search', url: () => `/api/search?q=${encodeURIComponent('Lauku iela')}`, official: 'records' },
      { name: 'sewer dashboard', url: () => '/api/dashboards/sewer', official: 'ok' },
    ],
  },
  {
    layer: 'street-transfers',
    markers: ['S1 iela', 'S2 iela'],
    surfaces: [
      ...table(),
      { name: 'streets dashboard', url: () => '/api/dashboards/streets', official: 'ok' },
      { name: 'search by cadastre designation', url: () => '/api/search?q=80990000001', official: 'ok' },
    ],
  },
  {
    layer: 'accommodation-sites',
    markers: ['Māja 1', 'Dzīvoklis 1'],
    surfaces: [
      ...table(),
      { name: 'accommodation dashboard', url: () => '/api/dashboards/accommodation', official: 'ok' },
      { name: 'free places near a point', url: () => '/api/accommodation/free-places?lon=27.4&lat=56.85&radius=50000', official: 'ok' },
      { name: 'public refugee help map', url: (fx) => `/api/public/${fx.code}/refugee-help`, official: 'ok' },
    ],
  },
  {
    layer: 'aid-points',
    markers: ['Palīdzības punkts Upe'],
    surfaces: [...table(), { name: 'public refugee help map', url: (fx) => `/api/public/${fx.code}/refugee-help`, official: 'ok' }],
  },
  {
    layer: 'bus-stops',
    markers: ['Pietura Upe'],
    surfaces: [...table(), { name: 'public refugee help map', url: (fx) => `/api/public/${fx.code}/refugee-help`, official: 'ok' }],
  },
  {
    layer: 'parishes',
    markers: ['Ziemeļu pagasts', 'Dienvidu pagasts'],
    surfaces: [
      ...table('records').filter((s) => s.name !== 'aggregate per parish'),
      { name: 'dashboard units', url: () => '/api/dashboards/units', official: 'records' },
      { name: 'streets dashboard', url: () => '/api/dashboards/streets', official: 'ok' },
      { name: 'public refugee help map', url: (fx) => `/api/public/${fx.code}/refugee-help`, official: 'ok' },
    ],
  },
];

describeEachDatabase('a layer restricted to officials, on every surface that reads it', (ctx) => {
  let app: FastifyInstance;
  let fx: DashboardFixture;
  const as: Partial<Record<Who | 'admin', SignedIn>> = {};

  beforeAll(async () => {
    app = ctx().app;
    fx = await createDashboardFixture(app);
    await app.pg.pool.query(
      `INSERT INTO facility (municipality_id, category, name, geom) VALUES
         ($1, 'aid_point', 'Palīdzības punkts Upe', ST_SetSRID(ST_MakePoint(712000, 304000), 3059)),
         ($1, 'bus_stop', 'Pietura Upe', ST_SetSRID(ST_MakePoint(712500, 304000), 3059))`,
      [fx.id],
    );
    for (const role of ['viewer', 'official', 'admin'] as const) as[role] = await signedInAs(app, role, fx.id);
  });

  afterEach(async () => {
    // Back to each layer's default (public; editors for personal data).
    await app.pg.pool.query('UPDATE layer SET read_role = NULL WHERE municipality_id = $1', [fx.id]);
    app.layers.invalidate();
  });

  const restrict = async (layerId: string) => {
    const res = await app.inject({ method: 'PUT', url: `/api/admin/layers/${layerId}/access`, headers: as.admin!.headers, payload: { readRole: 'official' } });
    expect(res.statusCode, res.body).toBe(200);
  };

  const ask = (who: Who, surface: Surface, layerId: string) =>
    app.inject({
      method: surface.method ?? 'GET',
      url: surface.url(fx, layerId),
      headers: { ...(who === 'anonymous' ? {} : as[who]!.headers), 'x-municipality': fx.code },
      ...(surface.payload ? { payload: surface.payload(fx, layerId) } : {}),
    });

  it('keeps the addresses, statuses and waiting days of the public sewer dashboard from anonymous visitors once connections are for officials', async () => {
    const layerId = `${fx.code}-sewer-connections`;
    await restrict(layerId);
    const anonymous = await app.inject({ url: '/api/dashboards/sewer', headers: { 'x-municipality': fx.code } });
    expect(anonymous.body).not.toContain('Kanāla iela');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().message).toMatch(/not open to you.*sewer-connections.*Sign in/);
    const official = await app.inject({ url: '/api/dashboards/sewer', headers: { ...as.official!.headers, 'x-municipality': fx.code } });
    expect(official.statusCode).toBe(200);
    expect(official.body).toContain('Kanāla iela A3');
  });

  for (const c of cases) {
    it(`${c.layer}: anonymous visitors and viewers get none of its records anywhere, officials get them`, async () => {
      const layerId = `${fx.code}-${c.layer}`;
      await restrict(layerId);
      for (const surface of c.surfaces) {
        for (const who of ['anonymous', 'viewer'] as const) {
          const res = await ask(who, surface, layerId);
          const where = `${surface.name} as ${who}: ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          for (const marker of c.markers) expect(res.body, where).not.toContain(marker);
          if (res.statusCode >= 400) expect(res.json().message.length, where).toBeGreaterThan(20);
        }
        const res = await ask('official', surface, layerId);
        const where = `${surface.name} as official: ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, where).toBeLessThan(300);
        if (surface.official === 'records') expect(c.markers.some((m) => res.body.includes(m)), where).toBe(true);
      }
    });
  }

  it.each(['anonymous', 'viewer'] as const)('gives %s no count, extent or bounds of a layer restricted to officials in the catalog or OGC', async (who) => {
    const layerId = `${fx.code}-sewer-connections`;
    await restrict(layerId);
    const headers = { ...(who === 'anonymous' ? {} : as[who]!.headers), 'x-municipality': fx.code };
    const catalog = (await app.inject({ url: '/api/layers', headers })).json().layers.find((l: { id: string }) => l.id === layerId);
    expect(catalog).toMatchObject({ featureCount: null, extent: null, access: { records: false } });
    expect(catalog.tileJson.bounds).toBeUndefined();
    const one = (await app.inject({ url: `/api/layers/${layerId}`, headers })).json();
    expect(one).toMatchObject({ featureCount: null, extent: null });
    const collection = (await app.inject({ url: `/ogc/collections/${layerId}`, headers })).json();
    expect(collection.id).toBe(layerId);
    expect(collection.extent).toBeUndefined();
    const official = (await app.inject({ url: `/api/layers/${layerId}`, headers: { ...as.official!.headers, 'x-municipality': fx.code } })).json();
    expect(official.featureCount).toBe(7);
    expect(official.extent).toHaveLength(4);
  });
});
