import { beforeAll, describe, expect, it } from 'vitest';
import { suppressSmallCounts } from '../../../server/src/access/suppression.js';
import { registerDomainLayers } from '../../../server/src/layers/domainLayers.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality, signedInAs, type SignedIn } from '../../helpers/users.js';

describe('small-count suppression', () => {
  const rows = (...counts: number[]) => counts.map((count) => ({ count, values: { n: count } }));

  it('hides counts of 1–4 and shows 0 and 5 or more', () => {
    expect(suppressSmallCounts(rows(0, 1, 4, 5, 12)).map((c) => c.count)).toEqual([0, null, null, 5, 12]);
  });

  it('hides one more row when the hidden ones together count fewer than 5 (the total would give them away)', () => {
    expect(suppressSmallCounts(rows(3, 6, 9)).map((c) => c.count)).toEqual([null, null, 9]);
    expect(suppressSmallCounts(rows(1, 1, 7, 20)).map((c) => c.count)).toEqual([null, null, null, 20]);
    expect(suppressSmallCounts(rows(2, 3, 8)).map((c) => c.count)).toEqual([null, null, 8]);
  });
});

/**
 * A municipality of the test's own, with four units and accommodation sites in them:
 * Ziemeļu pagasts 6 sites, Dienvidu pagasts 2, Vidus pagasts 3, Upespils (town) 8.
 */
describeEachDatabase('accommodation aggregates per parish', (ctx) => {
  let code: string;
  let layerId: string;
  const as: Partial<Record<'viewer' | 'official' | 'editor', SignedIn>> = {};
  const sites: [number, number][] = [];

  beforeAll(async () => {
    const { app } = ctx();
    code = `agg-${Math.random().toString(36).slice(2, 8)}`;
    const m = await otherMunicipality(app, code);
    await app.pg.pool.query(
      `INSERT INTO territorial_unit (municipality_id, kind, name, geom) VALUES
         ($1, 'parish', 'Ziemeļu pagasts', ST_Multi(ST_MakeEnvelope(600000, 310000, 610000, 320000, 3059))),
         ($1, 'parish', 'Dienvidu pagasts', ST_Multi(ST_MakeEnvelope(600000, 300000, 610000, 310000, 3059))),
         ($1, 'parish', 'Vidus pagasts', ST_Multi(ST_MakeEnvelope(610000, 300000, 620000, 310000, 3059))),
         ($1, 'town', 'Upespils', ST_Multi(ST_MakeEnvelope(610000, 310000, 620000, 320000, 3059)))`,
      [m],
    );
    const place = (n: number, x0: number, y0: number) => {
      for (let i = 0; i < n; i++) sites.push([x0 + 500 + i * 700, y0 + 500 + i * 300]);
    };
    place(6, 600000, 310000);
    place(2, 600000, 300000);
    place(3, 610000, 300000);
    place(8, 610000, 310000);
    for (const [i, [x, y]] of sites.entries()) {
      await app.pg.pool.query(
        `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, accessible, contact_person, geom)
         VALUES ($1, $2, 'private_house', 'Adrese', 10, $3, $4, 'Kontaktpersona', ST_SetSRID(ST_MakePoint($5, $6), 3059))`,
        [m, `Vieta ${i}`, i % 4, i % 2 === 0, x, y],
      );
    }
    await registerDomainLayers(app.pg.pool, { id: m, code });
    app.layers.invalidate();
    layerId = `${code}-accommodation-sites`;
    for (const role of ['viewer', 'official', 'editor'] as const) as[role] = await signedInAs(app, role, m);
  });

  const get = (headers: Record<string, string> = {}) => ctx().app.inject({ url: `/api/layers/${layerId}/aggregate`, headers });

  it('gives officials counts and sums per parish and town, with small counts suppressed', async () => {
    const res = await get(as.official!.headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const body = res.json();
    expect(body.threshold).toBe(5);
    const byName = Object.fromEntries(body.units.map((u: { name: string }) => [u.name, u]));
    expect(byName['Ziemeļu pagasts']).toMatchObject({ count: 6, suppressed: false, values: { capacity: 60, occupied: 0 + 1 + 2 + 3 + 0 + 1, accessible: 3 } });
    expect(byName['Upespils']).toMatchObject({ count: 8, suppressed: false, values: { capacity: 80 } });
    expect(byName['Dienvidu pagasts']).toMatchObject({ count: null, values: null, suppressed: true });
    expect(byName['Vidus pagasts']).toMatchObject({ count: null, values: null, suppressed: true });
    expect(body.total.count).toBe(19);
    // Never a record, its restricted fields or its position.
    const text = res.body;
    expect(text).not.toContain('Kontaktpersona');
    expect(text).not.toContain('Vieta ');
    const positions = new Set(sites.map(([x, y]) => `${x},${y}`));
    for (const u of body.units) expect(positions.has(u.point.join(','))).toBe(false);
  });

  it('gives editors, who may read the records, the numbers unsuppressed', async () => {
    const body = (await get(as.editor!.headers)).json();
    expect(body.threshold).toBeNull();
    expect(body.units.map((u: { count: number }) => u.count).sort((a: number, b: number) => a - b)).toEqual([2, 3, 6, 8]);
  });

  it('refuses viewers (403) and anonymous visitors (401), and unknown parameters', async () => {
    expect((await get(as.viewer!.headers)).statusCode).toBe(403);
    expect((await get()).statusCode).toBe(401);
    expect((await ctx().app.inject({ url: `/api/layers/${layerId}/aggregate?by=county` })).statusCode).toBe(400);
  });

  it('aggregates a public layer for everyone', async () => {
    const res = await ctx().app.inject({ url: `/api/layers/testa-schools/aggregate?by=village` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ threshold: null, units: [{ name: 'Jaunciems', count: 1 }] });
  });
});
