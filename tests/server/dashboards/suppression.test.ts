import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { SMALL_COUNT } from '../../../server/src/access/suppression.js';
import type { DashboardResult, IndicatorResult } from '../../../server/src/dashboards/types.js';
import { createDashboardFixture, type DashboardFixture } from '../../helpers/dashboardFixture.js';
import { derivableSets } from '../../helpers/derivable.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { signedInAs, type SignedIn } from '../../helpers/users.js';

/**
 * Small-count suppression holds across every filter an official can ask for (docs/accounts.md,
 * "Small-count suppression"). The fixture's sites fall in three groups (atoms) that every number
 * holds whole or not at all: Ziemeļu's 6 private houses, Dienvidu's 5 apartments and Upespils' 2
 * dormitories (10 free places). The villages hold none.
 */
describeEachDatabase('small-count suppression across dashboard filters', (ctx) => {
  let fx: DashboardFixture;
  let app: FastifyInstance;
  let official: SignedIn;
  const atomCounts = [6, 5, 2];

  beforeAll(async () => {
    app = ctx().app;
    fx = await createDashboardFixture(app);
    official = await signedInAs(app, 'official', fx.id);
  });

  const get = (url: string) => app.inject({ url, headers: { ...official.headers, 'x-municipality': fx.code } });
  const dashboard = async (query: string) => {
    const res = await get(`/api/dashboards/accommodation${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as DashboardResult;
  };
  const indicator = (d: DashboardResult, id: string) => d.indicators.find((i) => i.id === `accommodation.${id}`) as IndicatorResult;
  const periods = ['', 'to=2025-06-30', 'from=2025-01-01&to=2025-03-31'];

  it('keeps Upespils (2 sites, 10 free places) hidden when the dashboard is filtered to it, with or without a period', async () => {
    for (const period of periods) {
      const d = await dashboard(`?unit=${fx.units.upespils}&${period}`);
      for (const kpi of ['places', 'accessible', 'near_school_kindergarten']) {
        expect(indicator(d, kpi).suppressed, `${kpi} ${period}`).toEqual([true]);
        expect(indicator(d, kpi).rows[0].value).toBeNull();
      }
      const series = indicator(d, 'places_over_time');
      series.rows.forEach((r, i) => expect(series.suppressed![i] || r.sites === 0, `${r.period} ${period}`).toBe(true));
      const byType = indicator(d, 'free_by_site_type');
      expect(byType.rows.map((r) => [r.category, r.sites, r.free])).toEqual([
        ['municipal', 0, 0],
        ['hotel', 0, 0],
        ['dormitory', null, null],
        ['private_house', 0, 0],
        ['apartment', 0, 0],
        ['other', 0, 0],
      ]);
      expect(JSON.stringify(d.indicators.map((i) => i.rows))).not.toMatch(/"free":10\b/);
    }
  });

  it('keeps Dienvidu hidden when filtered to, as it is in the breakdown (the total minus it would give Upespils)', async () => {
    const whole = await dashboard('');
    const byParish = indicator(whole, 'by_parish');
    expect(byParish.rows.map((r) => [r.name, r.sites])).toEqual([
      ['Dienvidu pagasts', null],
      ['Upespils', null],
      ['Ziemeļu pagasts', 6],
    ]);
    const d = await dashboard(`?unit=${fx.units.dienvidu}`);
    expect(indicator(d, 'places').suppressed).toEqual([true]);
    expect(indicator(d, 'free_by_site_type').rows.find((r) => r.category === 'apartment')).toMatchObject({ sites: null, free: null });
  });

  it('shows a unit of 5 or more sites whole, and empty units and site types as 0', async () => {
    const north = await dashboard(`?unit=${fx.units.ziemelu}`);
    expect(indicator(north, 'places').rows[0]).toMatchObject({ sites: 6, value: 20 });
    expect(indicator(north, 'free_by_site_type').rows.map((r) => r.sites)).toEqual([0, 0, 0, 6, 0, 0]);
    const village = await dashboard(`?unit=${fx.units.aciems}`);
    expect(indicator(village, 'places').rows[0]).toMatchObject({ sites: 0, value: 0 });
    expect(indicator(village, 'places').suppressed).toEqual([false]);
  });

  it('gives no combination of shown numbers, over every unit, period and breakdown, that counts 1–4 sites', async () => {
    const area: Record<string, number[]> = {
      '': [1, 1, 1],
      [fx.units.ziemelu]: [1, 0, 0],
      [fx.units.dienvidu]: [0, 1, 0],
      [fx.units.upespils]: [0, 0, 1],
      [fx.units.aciems]: [0, 0, 0],
      [fx.units.beciems]: [0, 0, 0],
    };
    const type: Record<string, number[]> = { private_house: [1, 0, 0], apartment: [0, 1, 0], dormitory: [0, 0, 1] };
    const shown: number[][] = [];
    for (const period of periods) {
      for (const unit of Object.keys(area)) {
        const d = await dashboard(`?${unit ? `unit=${unit}&` : ''}${period}`);
        for (const i of d.indicators) {
          i.rows.forEach((r, j) => {
            if (i.suppressed?.[j] || !r.sites) return;
            if (i.kind === 'kpi' || i.kind === 'series') shown.push(area[unit]);
            if (i.kind === 'units') shown.push(area[String(r.unit_id)]);
            if (i.kind === 'categories') shown.push(area[unit].map((x, k) => x * (type[String(r.category)]?.[k] ?? 0)));
          });
        }
      }
    }
    for (const by of ['parish', 'village']) {
      const aggregate = (await get(`/api/layers/${fx.code}-accommodation-sites/aggregate?by=${by}`)).json();
      if (!aggregate.total.suppressed && aggregate.total.count > 0) shown.push([1, 1, 1]);
      for (const u of aggregate.units) if (!u.suppressed && u.count > 0) shown.push(area[u.unitId]);
    }
    expect(shown.length).toBeGreaterThan(0);
    const derivable = derivableSets(3, shown);
    for (const set of derivable) {
      const count = set.reduce((a, x, k) => a + x * atomCounts[k], 0);
      expect(count === 0 || count >= SMALL_COUNT, `the shown numbers give ${count} sites (${set})`).toBe(true);
    }
    // What an official can work out: the whole, Ziemeļu, and Dienvidu with Upespils together (7).
    expect(derivable).toEqual(expect.arrayContaining([[1, 1, 1], [1, 0, 0], [0, 1, 1]]));
  });

  it('hides on the public refugee help map the same parishes as on the dashboard', async () => {
    const res = await app.inject({ url: `/api/public/${fx.code}/refugee-help` });
    expect(res.statusCode, res.body).toBe(200);
    const units = res.json().freePlaces.features.map((f: { properties: { name: string; sites: number | null; freePlaces: number | null } }) => [
      f.properties.name,
      f.properties.sites,
      f.properties.freePlaces,
    ]);
    expect(units).toEqual([
      ['Dienvidu pagasts', null, null],
      ['Upespils', null, null],
      ['Ziemeļu pagasts', 6, 20],
    ]);
  });

  it('hides village aggregates of a restricted layer from officials, showing only empty ones', async () => {
    const res = await get(`/api/layers/${fx.code}-accommodation-sites/aggregate?by=village`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.units.map((u: { name: string; count: number | null }) => [u.name, u.count])).toEqual([
      ['Aciems', 0],
      ['Beciems', 0],
    ]);
    expect(body.total).toMatchObject({ count: 0, suppressed: false });
  });
});

/**
 * A table where the two-way rule hides a parish the one-way rule would show: Ziemeļu 6 private
 * houses, Dienvidu 5 dormitories, Upespils 2 dormitories and 5 private houses. Dormitories total
 * 7; with Upespils' 2 hidden, Dienvidu's 5 dormitories must be hidden, and with them Dienvidu.
 */
describeEachDatabase('small-count suppression across dashboards and layer aggregates', (ctx) => {
  let fx: DashboardFixture;
  let app: FastifyInstance;
  let official: SignedIn;

  beforeAll(async () => {
    app = ctx().app;
    fx = await createDashboardFixture(app);
    await app.pg.query(`UPDATE accommodation_site SET site_type = 'dormitory' WHERE municipality_id = $1 AND site_type = 'apartment'`, [fx.id]);
    for (let i = 0; i < 5; i++) {
      await app.pg.query(
        `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, accessible, contact_person, updated_at, geom)
         VALUES ($1, $2, 'private_house', 'Adrese', 4, 2, false, 'Kontaktpersona', '2025-01-15', ST_SetSRID(ST_MakePoint($3, 308000), 3059))`,
        [fx.id, `Upes māja ${i + 1}`, 712000 + i * 400],
      );
    }
    official = await signedInAs(app, 'official', fx.id);
  });

  const get = (url: string) => app.inject({ url, headers: { ...official.headers, 'x-municipality': fx.code } });

  it('hides in the layer aggregate every parish the dashboard hides, so neither gives back a hidden cell', async () => {
    // Atoms: Ziemeļu houses 6, Dienvidu dormitories 5, Upespils dormitories 2, Upespils houses 5.
    const atomCounts = [6, 5, 2, 5];
    const area: Record<string, number[]> = {
      '': [1, 1, 1, 1],
      [fx.units.ziemelu]: [1, 0, 0, 0],
      [fx.units.dienvidu]: [0, 1, 0, 0],
      [fx.units.upespils]: [0, 0, 1, 1],
    };
    const type: Record<string, number[]> = { private_house: [1, 0, 0, 1], dormitory: [0, 1, 1, 0] };
    const shown: number[][] = [];
    let dashboardHidden: string[] = [];
    for (const unit of Object.keys(area)) {
      const d = (await get(`/api/dashboards/accommodation${unit ? `?unit=${unit}` : ''}`)).json() as DashboardResult;
      for (const i of d.indicators) {
        i.rows.forEach((r, j) => {
          if (i.kind === 'units' && i.suppressed?.[j] && !unit) dashboardHidden.push(String(r.name));
          if (i.suppressed?.[j] || !r.sites) return;
          if (i.kind === 'kpi' || i.kind === 'series') shown.push(area[unit]);
          if (i.kind === 'units') shown.push(area[String(r.unit_id)]);
          if (i.kind === 'categories') shown.push(area[unit].map((x, k) => x * (type[String(r.category)]?.[k] ?? 0)));
        });
      }
    }
    const aggregate = (await get(`/api/layers/${fx.code}-accommodation-sites/aggregate?by=parish`)).json();
    if (!aggregate.total.suppressed) shown.push(area['']);
    for (const u of aggregate.units) if (!u.suppressed && u.count > 0) shown.push(area[u.unitId]);
    const aggregateHidden = aggregate.units.filter((u: { suppressed: boolean }) => u.suppressed).map((u: { name: string }) => u.name);
    dashboardHidden = [...new Set(dashboardHidden)];
    expect(dashboardHidden).toContain('Dienvidu pagasts');
    expect(aggregateHidden).toEqual(expect.arrayContaining(dashboardHidden));
    for (const set of derivableSets(4, shown)) {
      const count = set.reduce((a, x, k) => a + x * atomCounts[k], 0);
      expect(count === 0 || count >= SMALL_COUNT, `the shown numbers give ${count} sites (${set})`).toBe(true);
    }
  });
});

