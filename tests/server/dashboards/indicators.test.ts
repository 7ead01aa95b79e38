import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { DashboardResult, IndicatorResult } from '../../../server/src/dashboards/types.js';
import { createDashboardFixture, type DashboardFixture } from '../../helpers/dashboardFixture.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { signedInAs, type SignedIn } from '../../helpers/users.js';

/** Every indicator against the hand-computed answers of tests/helpers/dashboardFixture.ts. */
describeEachDatabase('dashboard indicators', (ctx) => {
  let fx: DashboardFixture;
  let editor: SignedIn;
  let app: FastifyInstance;

  beforeAll(async () => {
    app = ctx().app;
    fx = await createDashboardFixture(app);
    editor = await signedInAs(app, 'editor', fx.id);
  });

  async function dashboard(id: string, query = ''): Promise<DashboardResult> {
    const res = await app.inject({ url: `/api/dashboards/${id}${query}`, headers: { ...editor.headers, 'x-municipality': fx.code } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const indicator = (d: DashboardResult, id: string): IndicatorResult => {
    const found = d.indicators.find((i) => i.id === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  };
  const kpi = (d: DashboardResult, id: string) => indicator(d, id).rows[0];

  it('gives the sewer connection rate today, at the end of a period and within a village', async () => {
    expect(kpi(await dashboard('sewer'), 'sewer.connection_rate')).toEqual({ numerator: 3, denominator: 7, value: 42.9 });
    expect(kpi(await dashboard('sewer', '?to=2025-12-31'), 'sewer.connection_rate')).toMatchObject({ numerator: 2, denominator: 7, value: 28.6 });
    expect(kpi(await dashboard('sewer', `?unit=${fx.units.aciems}`), 'sewer.connection_rate')).toMatchObject({ value: 50 });
    expect(kpi(await dashboard('sewer', `?unit=${fx.units.upespils}`), 'sewer.connection_rate')).toMatchObject({ value: 33.3 });
  });

  it('counts properties within 50 m of a main still not connected, addresses without a record included', async () => {
    expect(kpi(await dashboard('sewer'), 'sewer.unconnected_near_main')).toEqual({ value: 5 });
    expect(kpi(await dashboard('sewer', `?unit=${fx.units.beciems}`), 'sewer.unconnected_near_main')).toEqual({ value: 2 });
  });

  it('gives the connection rate per village for the choropleth', async () => {
    const rows = indicator(await dashboard('sewer'), 'sewer.by_settlement').rows;
    expect(rows).toEqual([
      { unit_id: fx.units.aciems, name: 'Aciems', rate: 50, connected: 2, properties: 4, unconnected_near_main: 3 },
      { unit_id: fx.units.beciems, name: 'Beciems', rate: 33.3, connected: 1, properties: 3, unconnected_near_main: 2 },
      { unit_id: fx.units.upespils, name: 'Upespils', rate: null, connected: 0, properties: 0, unconnected_near_main: 0 },
    ]);
  });

  it('shows the applications in the pipeline by status with how long they have waited', async () => {
    const d = await dashboard('sewer', '?to=2026-06-30');
    expect(indicator(d, 'sewer.pipeline_by_status').rows).toEqual([
      { category: 'applied', applications: 1, median_days: 180, longest_days: 180 },
      { category: 'technical_conditions', applications: 0, median_days: 0, longest_days: 0 },
      { category: 'construction', applications: 1, median_days: 272, longest_days: 272 },
    ]);
    expect(indicator(d, 'sewer.longest_waiting').rows.map((r) => [r.address, r.days])).toEqual([
      ['Kanāla iela B2', 272],
      ['Kanāla iela A3', 180],
    ]);
  });

  it('sums co-financing per year and counts connections per month of the period', async () => {
    expect(indicator(await dashboard('sewer'), 'sewer.cofinancing_by_year').rows).toEqual([{ period: '2025', cofinancing_eur: 1500, connections: 2 }]);
    const months = indicator(await dashboard('sewer', '?from=2025-01-01&to=2025-06-30'), 'sewer.connections_by_month').rows;
    expect(months.map((r) => [r.period, r.connections])).toEqual([
      ['2025-01', 0],
      ['2025-02', 0],
      ['2025-03', 1],
      ['2025-04', 0],
      ['2025-05', 0],
      ['2025-06', 1],
    ]);
  });

  it('gives street kilometres and yearly maintenance taken on and still ahead', async () => {
    const d = await dashboard('streets');
    expect(kpi(d, 'streets.km_accepted')).toMatchObject({ value: 0.5 });
    expect(kpi(d, 'streets.km_in_transfer')).toMatchObject({ value: 0.3 });
    expect(kpi(d, 'streets.maintenance_taken_on')).toMatchObject({ value: 1000 });
    expect(kpi(d, 'streets.maintenance_ahead')).toMatchObject({ value: 600 });
    expect(kpi(await dashboard('streets', '?to=2025-04-30'), 'streets.km_accepted')).toMatchObject({ value: 0 });
    expect(indicator(d, 'streets.km_by_status').rows.filter((r) => r.streets)).toEqual([
      { category: 'inspection', km: 0.3, streets: 1 },
      { category: 'accepted', km: 0.5, streets: 1 },
      { category: 'rejected', km: 0.2, streets: 1 },
    ]);
    expect(indicator(d, 'streets.accepted_by_year').rows).toEqual([{ period: '2025', streets: 1, km: 0.5 }]);
  });

  it('shows the median days per stage and where streets wait now', async () => {
    const rows = indicator(await dashboard('streets'), 'streets.days_per_stage').rows;
    expect(rows.map((r) => [r.category, r.median_days, r.waiting_now])).toEqual([
      ['application', 31, 0],
      ['document_check', 30, 0],
      ['inspection', 0, 1],
      ['council_decision', 0, 0],
      ['land_register', 0, 0],
    ]);
  });

  it('splits street kilometres by parish and town', async () => {
    const rows = indicator(await dashboard('streets'), 'streets.by_parish').rows;
    expect(rows).toEqual([
      { unit_id: fx.units.dienvidu, name: 'Dienvidu pagasts', municipal_share: 71.4, municipal_km: 0.5, in_transfer_km: 0, private_km: 0.2 },
      { unit_id: fx.units.upespils, name: 'Upespils', municipal_share: 0, municipal_km: 0, in_transfer_km: 0.3, private_km: 0 },
      { unit_id: fx.units.ziemelu, name: 'Ziemeļu pagasts', municipal_share: null, municipal_km: 0, in_transfer_km: 0, private_km: 0 },
    ]);
  });

  it('gives accommodation places today and at the end of a month from the occupancy history', async () => {
    const d = await dashboard('accommodation');
    expect(d.threshold).toBeNull();
    expect(kpi(d, 'accommodation.places')).toEqual({ value: 30, capacity: 140, occupied: 110, sites: 13 });
    expect(kpi(await dashboard('accommodation', '?to=2025-01-31'), 'accommodation.places')).toMatchObject({ value: 34, occupied: 106 });
    expect(kpi(await dashboard('accommodation', '?to=2024-12-31'), 'accommodation.places')).toMatchObject({ value: 0, sites: 0 });
    const months = indicator(await dashboard('accommodation', '?from=2025-01-01&to=2025-03-31'), 'accommodation.places_over_time').rows;
    expect(months.map((r) => [r.period, r.free, r.sites])).toEqual([
      ['2025-01', 34, 13],
      ['2025-02', 30, 13],
      ['2025-03', 30, 13],
    ]);
  });

  it('gives the share of sites near a school and a kindergarten, with step-free access, and free places by type', async () => {
    const d = await dashboard('accommodation');
    expect(kpi(d, 'accommodation.near_school_kindergarten')).toMatchObject({ value: 46.2, numerator: 6, denominator: 13 });
    expect(kpi(d, 'accommodation.accessible')).toMatchObject({ value: 30.8, numerator: 4, denominator: 13 });
    expect(indicator(d, 'accommodation.free_by_site_type').rows.filter((r) => r.sites)).toEqual([
      { category: 'dormitory', free: 10, sites: 2 },
      { category: 'private_house', free: 20, sites: 6 },
      { category: 'apartment', free: 0, sites: 5 },
    ]);
    expect(indicator(d, 'accommodation.by_parish').rows.map((r) => [r.name, r.sites, r.free])).toEqual([
      ['Dienvidu pagasts', 5, 0],
      ['Upespils', 2, 10],
      ['Ziemeļu pagasts', 6, 20],
    ]);
  });

  it('carries each indicator’s definition and the time it was computed', async () => {
    const d = await dashboard('streets');
    for (const i of d.indicators) {
      expect(i.definition.lv.length).toBeGreaterThan(20);
      expect(i.definition.en).toBeTruthy();
      expect(Date.parse(i.computedAt)).toBeGreaterThan(Date.now() - 60_000);
    }
  });
});
