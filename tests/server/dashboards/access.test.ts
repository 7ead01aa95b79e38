import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { DashboardResult } from '../../../server/src/dashboards/types.js';
import { createDashboardFixture, type DashboardFixture } from '../../helpers/dashboardFixture.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { signedInAs, type SignedIn } from '../../helpers/users.js';

/** Who may open which dashboard, and what officials see of personal data. */
describeEachDatabase('dashboard access and exports', (ctx) => {
  let fx: DashboardFixture;
  let app: FastifyInstance;
  const as: Partial<Record<'viewer' | 'official' | 'editor', SignedIn>> = {};

  beforeAll(async () => {
    app = ctx().app;
    fx = await createDashboardFixture(app);
    for (const role of ['viewer', 'official', 'editor'] as const) as[role] = await signedInAs(app, role, fx.id);
  });

  const get = (url: string, user?: SignedIn) => app.inject({ url, headers: { ...(user?.headers ?? {}), 'x-municipality': fx.code } });

  it('opens the sewer and street dashboards to everyone, their layers being public', async () => {
    expect((await get('/api/dashboards/sewer')).statusCode).toBe(200);
    expect((await get('/api/dashboards/streets')).statusCode).toBe(200);
    const list = (await get('/api/dashboards')).json() as { id: string; access: string }[];
    expect(list.map((d) => [d.id, d.access])).toEqual([
      ['sewer', 'full'],
      ['streets', 'full'],
      ['accommodation', 'none'],
    ]);
  });

  it('refuses the accommodation dashboard to anonymous visitors (401) and viewers (403) with a reason', async () => {
    const anonymous = await get('/api/dashboards/accommodation');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().message).toMatch(/personal data.*Sign in/);
    const viewer = await get('/api/dashboards/accommodation', as.viewer);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().message).toMatch(/official role/);
    expect((await get('/api/dashboards/accommodation/indicators/accommodation.by_parish.csv', as.viewer)).statusCode).toBe(403);
  });

  it('gives officials accommodation aggregates with parishes of 1–4 sites suppressed, and the total still safe', async () => {
    const res = await get('/api/dashboards/accommodation', as.official);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const d: DashboardResult = res.json();
    expect(d.threshold).toBe(5);
    const byParish = d.indicators.find((i) => i.id === 'accommodation.by_parish')!;
    // Upespils has 2 sites: hidden; then Dienvidu (5) is hidden too, or the total would give Upespils back.
    expect(byParish.rows.map((r) => [r.name, r.sites, r.free])).toEqual([
      ['Dienvidu pagasts', null, null],
      ['Upespils', null, null],
      ['Ziemeļu pagasts', 6, 20],
    ]);
    expect(byParish.suppressed).toEqual([true, true, false]);
    const byType = d.indicators.find((i) => i.id === 'accommodation.free_by_site_type')!;
    expect(byType.rows.filter((r) => r.sites !== 0).map((r) => [r.category, r.sites])).toEqual([
      ['dormitory', null],
      ['private_house', 6],
      ['apartment', null],
    ]);
    expect(JSON.stringify(d)).not.toMatch(/Kontaktpersona|Māja 1|Adrese/);
  });

  it('suppresses a KPI for officials when the chosen unit has fewer than 5 sites', async () => {
    const d: DashboardResult = (await get(`/api/dashboards/accommodation?unit=${fx.units.upespils}`, as.official)).json();
    const places = d.indicators.find((i) => i.id === 'accommodation.places')!;
    expect(places.rows[0]).toEqual({ value: null, capacity: null, occupied: null, sites: null });
    expect(places.suppressed).toEqual([true]);
    const editor: DashboardResult = (await get(`/api/dashboards/accommodation?unit=${fx.units.upespils}`, as.editor)).json();
    expect(editor.threshold).toBeNull();
    expect(editor.indicators.find((i) => i.id === 'accommodation.places')!.rows[0]).toEqual({ value: 10, capacity: 40, occupied: 30, sites: 2 });
  });

  it('explains bad filters: an unknown unit, a reversed period, a malformed date', async () => {
    const unknown = await get('/api/dashboards/sewer?unit=999999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toMatch(/territorial unit 999999/);
    const reversed = await get('/api/dashboards/sewer?from=2025-12-01&to=2025-01-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().message).toMatch(/swap the dates/);
    expect((await get('/api/dashboards/sewer?from=2025-13-45')).statusCode).toBe(400);
    expect((await get('/api/dashboards/parks')).statusCode).toBe(400);
  });

  it('exports one indicator as CSV with titles in the chosen language', async () => {
    const res = await get(`/api/dashboards/sewer/indicators/sewer.by_settlement.csv?lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toContain(`${fx.code}-sewer.by_settlement.csv`);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines).toEqual([
      'Territorial unit,Connection rate,Connected,Registered,Not connected within 50 m',
      'Aciems,50,2,4,3',
      'Beciems,33.3,1,3,2',
      'Upespils,,0,0,0',
    ]);
    expect((await get('/api/dashboards/sewer/indicators/sewer.nothing.csv')).statusCode).toBe(404);
  });

  it('gives a table indicator titled fields and status titles, not database names, in its CSV', async () => {
    const res = await get(`/api/dashboards/sewer/indicators/sewer.longest_waiting.csv?lang=lv`);
    const [header, first] = res.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(header).toBe('Adrese,Statuss,Pieteikts,"Gaida, dienas"');
    expect(first).not.toMatch(/technical_conditions|construction|applied,/);
  });

  it('gives the units as GeoJSON for the choropleth', async () => {
    const res = await get('/api/dashboards/units?by=village');
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['Aciems', 'Beciems']);
    const [lon, lat] = fc.features[0].geometry.coordinates[0][0];
    expect(lon).toBeGreaterThan(20);
    expect(lat).toBeGreaterThan(55);
    // Settlements: towns and villages, the villages last so that they are drawn over a town around them.
    const settlements = (await get('/api/dashboards/units?by=settlement')).json();
    expect(settlements.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['Upespils', 'Aciems', 'Beciems']);
  });

  it('compares municipalities for officials: their own first, others’ personal data only as suppressed aggregates', async () => {
    expect((await get('/api/dashboards/accommodation/comparison')).statusCode).toBe(401);
    expect((await get('/api/dashboards/accommodation/comparison', as.viewer)).statusCode).toBe(403);
    const res = await get('/api/dashboards/accommodation/comparison', as.official);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.municipalities[0]).toMatchObject({ code: fx.code, own: true, published: true, values: { 'accommodation.places': 30 } });
    const testa = body.municipalities.find((m: { code: string }) => m.code === 'testa');
    // The fixture municipality "testa" has 2 sites: published, but suppressed for another municipality's official.
    expect(testa).toMatchObject({ own: false, published: true, values: { 'accommodation.places': null }, suppressed: { 'accommodation.places': true } });
    const sewer = (await get('/api/dashboards/sewer/comparison', as.official)).json();
    expect(sewer.municipalities[0].values['sewer.connection_rate']).toBe(42.9);
  });
});
