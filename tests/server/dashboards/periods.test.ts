import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { DashboardResult, IndicatorResult } from '../../../server/src/dashboards/types.js';
import { createDashboardFixture, type DashboardFixture } from '../../helpers/dashboardFixture.js';
import { createPeriodFixture, type PeriodFixture } from '../../helpers/periodFixture.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { signedInAs, type SignedIn } from '../../helpers/users.js';

/**
 * Dashboards "as at" the end of a past period: stocks as they stood then, waits measured to then,
 * nothing filed later; answers computed by hand from tests/helpers/periodFixture.ts. And the
 * breakdowns by settlement and by parish add up to the whole.
 */
describeEachDatabase('dashboards as at the end of a period', (ctx) => {
  let app: FastifyInstance;
  let fx: PeriodFixture;
  let editor: SignedIn;
  let demoLike: DashboardFixture;
  let demoLikeEditor: SignedIn;

  beforeAll(async () => {
    app = ctx().app;
    fx = await createPeriodFixture(app);
    editor = await signedInAs(app, 'editor', fx.id);
    demoLike = await createDashboardFixture(app);
    demoLikeEditor = await signedInAs(app, 'editor', demoLike.id);
  });

  async function dashboard(id: string, query = '', who: { user: SignedIn; code: string } = { user: editor, code: fx.code }): Promise<DashboardResult> {
    const res = await app.inject({ url: `/api/dashboards/${id}${query}`, headers: { ...who.user.headers, 'x-municipality': who.code } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const indicator = (d: DashboardResult, id: string): IndicatorResult => {
    const found = d.indicators.find((i) => i.id === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  };
  const kpi = (d: DashboardResult, id: string) => indicator(d, id).rows[0];

  it('counts the sewer pipeline as it stood at the end of a past period, the waits measured to that day', async () => {
    // As at 2025-06-30 — in the pipeline then: R2 applied 2025-05-01 (60 days: 30 in May + 30 in
    // June), R8 applied 2025-06-20 (10 days), R1 technical conditions, applied 2025-01-10 (21 + 28 +
    // 31 + 30 + 31 + 30 = 171 days), R6 construction, in the pipeline since 2024-10-01 by its history
    // (no application date recorded: 30 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 30 = 272 days).
    // R1 connected and R5 re-applied later, R4 not yet surveyed: none of that shows.
    for (const query of ['?to=2025-06-30', '?from=2025-01-01&to=2025-06-30']) {
      const d = await dashboard('sewer', query);
      expect(indicator(d, 'sewer.pipeline_by_status').rows).toEqual([
        { category: 'applied', applications: 2, median_days: 35, longest_days: 60 },
        { category: 'technical_conditions', applications: 1, median_days: 171, longest_days: 171 },
        { category: 'construction', applications: 1, median_days: 272, longest_days: 272 },
      ]);
      expect(indicator(d, 'sewer.longest_waiting').rows.map((r) => [r.address, r.status, r.applied_on, r.days])).toEqual([
        ['Pagātnes iela R6', 'construction', '2024-10-01', 272],
        ['Pagātnes iela R1', 'technical_conditions', '2025-01-10', 171],
        ['Pagātnes iela R2', 'applied', '2025-05-01', 60],
        ['Pagātnes iela R8', 'applied', '2025-06-20', 10],
      ]);
    }
  });

  it('measures a re-filed application from its new date and counts records surveyed by then only', async () => {
    // As at 2025-10-31 — applied: R5 re-applied 2025-10-01 (30 days), R4 2025-09-01 (29 + 31 = 60),
    // R8 2025-06-20 (10 + 31 + 31 + 30 + 31 = 133), R2 2025-05-01 (30 + 30 + 31 + 31 + 30 + 31 =
    // 183): median (60 + 133) / 2 = 96.5; construction: R6 since 2024-10-01 (365 + 30 = 395 days).
    const d = await dashboard('sewer', '?to=2025-10-31');
    expect(indicator(d, 'sewer.pipeline_by_status').rows).toEqual([
      { category: 'applied', applications: 4, median_days: 96.5, longest_days: 183 },
      { category: 'technical_conditions', applications: 0, median_days: 0, longest_days: 0 },
      { category: 'construction', applications: 1, median_days: 395, longest_days: 395 },
    ]);
    // As at 2025-06-30 seven records existed (R4 was surveyed on 2025-08-01), R3 and R7 connected:
    // 2 / 7 = 28.6 %; not connected within 50 m of the main: R1, R2, R8, R5, R6 and R4's property
    // (not surveyed yet, not connected either) = 6. Today: R1, R3, R7 of 8 = 37.5 %; R2, R8, R4, R5, R6 = 5.
    const past = await dashboard('sewer', '?to=2025-06-30');
    expect(kpi(past, 'sewer.connection_rate')).toEqual({ numerator: 2, denominator: 7, value: 28.6 });
    expect(kpi(past, 'sewer.unconnected_near_main')).toEqual({ value: 6 });
    const today = await dashboard('sewer');
    expect(kpi(today, 'sewer.connection_rate')).toEqual({ numerator: 3, denominator: 8, value: 37.5 });
    expect(kpi(today, 'sewer.unconnected_near_main')).toEqual({ value: 5 });
  });

  it('breaks the register down by settlement and by parish with an "outside" row, the rows adding up to the whole', async () => {
    const past = await dashboard('sewer', '?to=2025-06-30');
    // As at 2025-06-30 — Jaunpils: R5 (refused then); near a main not connected: R4's property, R5.
    // Vecciems: R1 (technical conditions), R2, R8 (applied), R3 connected. Outside any settlement:
    // R6 (construction, in the parish) and R7 (connected, in no unit at all).
    expect(indicator(past, 'sewer.by_settlement').rows).toEqual([
      { unit_id: fx.units.jaunpils, name: 'Jaunpils', rate: 0, connected: 0, properties: 1, unconnected_near_main: 2 },
      { unit_id: fx.units.vecciems, name: 'Vecciems', rate: 25, connected: 1, properties: 4, unconnected_near_main: 3 },
      { unit_id: null, name: null, rate: 50, connected: 1, properties: 2, unconnected_near_main: 1 },
    ]);
    // By parish: Laukmalas holds Vecciems and R6 (5 records, R3 connected); R7 lies in no parish or town.
    expect(indicator(past, 'sewer.by_parish').rows).toEqual([
      { unit_id: fx.units.jaunpils, name: 'Jaunpils', rate: 0, connected: 0, properties: 1, unconnected_near_main: 2 },
      { unit_id: fx.units.laukmalas, name: 'Laukmalas pagasts', rate: 20, connected: 1, properties: 5, unconnected_near_main: 4 },
      { unit_id: null, name: null, rate: 100, connected: 1, properties: 1, unconnected_near_main: 0 },
    ]);
    // The CSV titles the row outside every settlement in the chosen language.
    const csv = await app.inject({
      url: '/api/dashboards/sewer/indicators/sewer.by_settlement.csv?to=2025-06-30&lang=en',
      headers: { ...editor.headers, 'x-municipality': fx.code },
    });
    expect(csv.body.replace(/^\uFEFF/, '').trim().split('\n').slice(1)).toEqual(['Jaunpils,0,0,1,2', 'Vecciems,25,1,4,3', 'Outside any settlement,50,1,2,1']);
    for (const query of ['', '?to=2025-06-30', '?to=2024-06-30', `?unit=${fx.units.laukmalas}`]) {
      const d = await dashboard('sewer', query);
      const total = kpi(d, 'sewer.connection_rate');
      const near = kpi(d, 'sewer.unconnected_near_main').value;
      for (const id of ['sewer.by_settlement', 'sewer.by_parish']) {
        const rows = indicator(d, id).rows;
        const sum = (k: string) => rows.reduce((a, r) => a + Number(r[k]), 0);
        expect([sum('properties'), sum('connected'), sum('unconnected_near_main')], `${id}${query}`).toEqual([total.denominator, total.numerator, near]);
      }
    }
  });

  it('gives street lengths, stages and accommodation places as at a past day, nothing filed later', async () => {
    // As at 2025-06-30 — T1 in document check (0.4 km), T2 not filed yet; T1's application stage
    // took 2025-03-01 → 2025-05-01 = 31 + 30 = 61 days. Today: T1 accepted, T2 in application (0.25 km).
    const past = await dashboard('streets', '?from=2025-01-01&to=2025-06-30');
    expect(kpi(past, 'streets.km_in_transfer')).toEqual({ value: 0.4, streets: 1 });
    expect(kpi(past, 'streets.km_accepted')).toEqual({ value: 0, streets: 0 });
    expect(indicator(past, 'streets.accepted_by_year').rows).toEqual([]);
    expect(indicator(past, 'streets.days_per_stage').rows.map((r) => [r.category, r.median_days, r.waiting_now])).toEqual([
      ['application', 61, 0],
      ['document_check', 0, 1],
      ['inspection', 0, 0],
      ['council_decision', 0, 0],
      ['land_register', 0, 0],
    ]);
    const today = await dashboard('streets');
    expect(kpi(today, 'streets.km_in_transfer')).toEqual({ value: 0.25, streets: 1 });
    expect(kpi(today, 'streets.km_accepted')).toEqual({ value: 0.4, streets: 1 });
    // The one site opened on 2025-08-01 (10 places, 4 occupied).
    expect(kpi(await dashboard('accommodation', '?to=2025-06-30'), 'accommodation.places')).toEqual({ value: 0, capacity: 0, occupied: 0, sites: 0 });
    expect(kpi(await dashboard('accommodation'), 'accommodation.places')).toEqual({ value: 6, capacity: 10, occupied: 4, sites: 1 });
  });

  it('never gives a negative wait or count on any dashboard, for any period', async () => {
    const periods = ['', '?to=2024-06-30', '?from=2025-01-01&to=2025-06-30', '?to=2025-12-31', '?from=2026-01-01&to=2026-06-30', '?to=2030-12-31'];
    const who = [
      { user: editor, code: fx.code },
      { user: demoLikeEditor, code: demoLike.code },
    ];
    for (const w of who) {
      for (const id of ['sewer', 'streets', 'accommodation']) {
        for (const query of periods) {
          const d = await dashboard(id, query, w);
          for (const i of d.indicators) {
            for (const row of i.rows) {
              for (const [k, v] of Object.entries(row)) {
                if (typeof v === 'number' && k !== 'id' && k !== 'unit_id') expect(v, `${w.code} ${i.id}${query} ${k}`).toBeGreaterThanOrEqual(0);
              }
            }
          }
        }
      }
    }
  });
});
