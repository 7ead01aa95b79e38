import { beforeAll, describe, expect, it } from 'vitest';
import { registerDomainLayers } from '../../../server/src/layers/domainLayers.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality, signedInAs, type SignedIn } from '../../helpers/users.js';

/**
 * A municipality of the test's own, in EPSG:3059 metres:
 * - one sewer main along y = 300000 from x = 500000 to 501000;
 * - two villages split at x = 500500: Rietumciems (499000–500500) and Austrumciems (500500–502000),
 *   both y 299000–301000;
 * - six addresses: 1 (500100, +10 m), 2 (500200, +30), 3 (500600, +49) within 50 m of the main;
 *   4 (500700, +60), 5 (501500, +200), 6 (503000, 0; in no village, 2000 m from the main's end);
 * - schools at (500100, 300500) and (502000, 300000), and a kindergarten right next to address 1.
 */
describeEachDatabase('spatial analysis tools', (ctx) => {
  let code: string;
  let m: number;
  const layer = (key: string) => `${code}-${key}`;
  const as: Partial<Record<'viewer' | 'editor', SignedIn>> = {};
  const addresses: [number, number][] = [
    [500100, 300010],
    [500200, 300030],
    [500600, 300049],
    [500700, 300060],
    [501500, 300200],
    [503000, 300000],
  ];

  beforeAll(async () => {
    const { app } = ctx();
    code = `ana-${Math.random().toString(36).slice(2, 8)}`;
    m = await otherMunicipality(app, code);
    const q = (sql: string, values: unknown[]) => app.pg.pool.query(sql, values);
    await q(
      `INSERT INTO territorial_unit (municipality_id, kind, name, geom) VALUES
         ($1, 'village', 'Rietumciems', ST_Multi(ST_MakeEnvelope(499000, 299000, 500500, 301000, 3059))),
         ($1, 'village', 'Austrumciems', ST_Multi(ST_MakeEnvelope(500500, 299000, 502000, 301000, 3059))),
         ($1, 'parish', 'Lielais pagasts', ST_Multi(ST_MakeEnvelope(498000, 298000, 504000, 302000, 3059)))`,
      [m],
    );
    await q(
      `INSERT INTO sewer_main (municipality_id, kind, diameter_mm, geom)
       VALUES ($1, 'gravity', 200, ST_GeomFromText('LINESTRING(500000 300000, 501000 300000)', 3059))`,
      [m],
    );
    for (const [i, [x, y]] of addresses.entries()) {
      await q(
        `INSERT INTO address (municipality_id, code, name, full_address, geom) VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 3059))`,
        [m, 990000 + i + 1, String(i + 1), `Analīzes iela ${i + 1}`, x, y],
      );
    }
    await q(
      `INSERT INTO facility (municipality_id, category, name, geom) VALUES
         ($1, 'school', 'Ziemeļu skola', ST_SetSRID(ST_MakePoint(500100, 300500), 3059)),
         ($1, 'school', 'Austrumu skola', ST_SetSRID(ST_MakePoint(502000, 300000), 3059)),
         ($1, 'kindergarten', 'Tuvais dārziņš', ST_SetSRID(ST_MakePoint(500100, 300020), 3059))`,
      [m],
    );
    await q(
      `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, contact_person, geom)
       VALUES ($1, 'Slepenā vieta', 'private_house', 'Adrese', 4, 1, 'Kontaktpersona', ST_SetSRID(ST_MakePoint(500150, 300100), 3059))`,
      [m],
    );
    await registerDomainLayers(app.pg.pool, { id: m, code });
    app.layers.invalidate();
    for (const role of ['viewer', 'editor'] as const) as[role] = await signedInAs(app, role, m);
  });

  const run = (tool: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    ctx().app.inject({ method: 'POST', url: `/api/analysis/${tool}`, payload, headers: { 'x-municipality': code, ...headers } });
  const names = (body: { features: { features: { properties: { name: string } }[] } }) =>
    body.features.features.map((f) => f.properties.name).sort();

  describe('within distance', () => {
    it('finds the 3 of 6 addresses within 50 m of a sewer main, in WGS 84 with their public fields', async () => {
      const res = await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance: 50 });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.tool).toBe('within-distance');
      expect(body.summary).toMatchObject({ count: 3, truncated: false, distance: 50 });
      expect(names(body)).toEqual(['1', '2', '3']);
      const [lon, lat] = body.features.features[0].geometry.coordinates;
      expect(lon).toBeGreaterThan(20);
      expect(lon).toBeLessThan(30);
      expect(lat).toBeGreaterThan(55);
      expect(lat).toBeLessThan(59);
      expect(body.features.features[0].properties.full_address).toMatch(/^Analīzes iela/);
      expect(typeof body.elapsedMs).toBe('number');
      expect(Date.parse(body.computedAt)).not.toBeNaN();
    });

    it('finds the addresses farther than the distance with "outside"', async () => {
      const body = (await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance: 50, outside: true })).json();
      expect(body.summary.count).toBe(3);
      expect(names(body)).toEqual(['4', '5', '6']);
      const wide = (await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance: 600 })).json();
      // Address 5 is √(500² + 200²) ≈ 539 m from the main's end.
      expect(names(wide)).toEqual(['1', '2', '3', '4', '5']);
    });

    it('gives the dissolved buffer of the main as one polygon with its area', async () => {
      const body = (await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance: 50, output: 'buffer' })).json();
      expect(body.summary.count).toBe(1);
      expect(body.features.features[0].geometry.type).toBe('Polygon');
      // 1000 m × 100 m plus two half discs of 50 m (the 8-segment quarter circles fall a little short).
      const exact = (1000 * 100 + Math.PI * 50 * 50) / 10000;
      expect(body.summary.areaHa).toBeGreaterThan(exact * 0.99);
      expect(body.summary.areaHa).toBeLessThanOrEqual(exact);
    });

    it('refuses a distance of 0 or beyond 5 km and unknown parameters', async () => {
      for (const distance of [0, -5, 5001]) {
        const res = await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance });
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toContain('distance');
      }
      const extra = await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance: 50, radius: 3 });
      expect(extra.statusCode).toBe(400);
    });
  });

  describe('aggregate per polygon', () => {
    it('counts addresses per village, and those in no village, so the parts add up to the whole', async () => {
      const res = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'count' });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const byName = Object.fromEntries(body.features.features.map((f: { properties: { name: string; value: number } }) => [f.properties.name, f.properties.value]));
      expect(byName).toEqual({ Rietumciems: 2, Austrumciems: 3 });
      // Address 6 lies in no village: the villages and the "outside" figure add up to all six.
      expect(body.summary).toMatchObject({ count: 2, stat: 'count', total: 5, outside: { value: 1, features: 1 } });
      expect(body.features.features[0].geometry.type).toBe('MultiPolygon');
    });

    it('measures the km of sewer main per village and sums a numeric field', async () => {
      const length = (await run('aggregate', { layer: layer('sewer-mains'), by: layer('villages'), stat: 'length' })).json();
      for (const f of length.features.features) expect(f.properties.value).toBeCloseTo(0.5, 3);
      expect(length.summary).toMatchObject({ unit: 'km', total: 1 });
      const sum = (await run('aggregate', { layer: layer('sewer-mains'), by: layer('parishes'), stat: 'sum', field: 'diameter_mm' })).json();
      expect(sum.features.features.map((f: { properties: { value: number } }) => f.properties.value)).toEqual([200]);
      expect(sum.summary.outside).toEqual({ value: 0, features: 0 });
      // Lengths and areas are clipped to the polygons: no "outside" figure for them.
      expect(length.summary.outside).toBeNull();
    });

    it('counts only the features whose fields equal "where", and names the fields of a layer when one is unknown', async () => {
      const res = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'count', where: { name: '3' } });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const byName = Object.fromEntries(body.features.features.map((f: { properties: { name: string; value: number } }) => [f.properties.name, f.properties.value]));
      expect(byName).toEqual({ Rietumciems: 0, Austrumciems: 1 });
      expect(body.summary).toMatchObject({ total: 1, where: { name: '3' }, outside: { value: 0, features: 0 } });
      const unknown = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'count', where: { colour: 'x' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toMatch(/"colour".*its fields are .*full_address/);
      const tooMany = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'count', where: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } });
      expect(tooMany.statusCode).toBe(400);
    });

    it('explains what is wrong with a sum without a numeric field or an area of points', async () => {
      const noField = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'sum' });
      expect(noField.statusCode).toBe(400);
      expect(noField.json().message).toContain('"field"');
      const textField = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'sum', field: 'full_address' });
      expect(textField.statusCode).toBe(400);
      expect(textField.json().message).toContain('not a numeric field');
      const area = await run('aggregate', { layer: layer('addresses'), by: layer('villages'), stat: 'area' });
      expect(area.statusCode).toBe(400);
      expect(area.json().message).toContain('polygons');
      const byPoints = await run('aggregate', { layer: layer('addresses'), by: layer('schools'), stat: 'count' });
      expect(byPoints.statusCode).toBe(400);
      expect(byPoints.json().message).toContain('"by" must be a layer of polygons');
    });
  });

  describe('nearest', () => {
    it('gives each address its nearest school and the distance, ignoring the other facility layers', async () => {
      const res = await run('nearest', { layer: layer('addresses'), of: layer('schools') });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const byAddress = Object.fromEntries(
        body.features.features.map((f: { properties: { name: string; nearest_name: string; distance_m: number } }) => [
          f.properties.name,
          [f.properties.nearest_name, f.properties.distance_m],
        ]),
      );
      expect(byAddress['1']).toEqual(['Ziemeļu skola', 490]);
      expect(byAddress['5']).toEqual(['Austrumu skola', Math.round(Math.hypot(500, 200) * 10) / 10]);
      expect(byAddress['6']).toEqual(['Austrumu skola', 1000]);
      expect(body.summary).toMatchObject({ count: 6, output: 'lines', maxDistance: 1000 });
      expect(body.features.features[0].geometry.type).toBe('LineString');
    });

    it('filters the nearest candidates with "where" and answers points on request', async () => {
      const body = (await run('nearest', { layer: layer('addresses'), of: layer('schools'), where: { name: 'Austrumu skola' }, output: 'points' })).json();
      const first = body.features.features.find((f: { properties: { name: string } }) => f.properties.name === '1');
      expect(first.geometry.type).toBe('Point');
      expect(first.properties.nearest_name).toBe('Austrumu skola');
      expect(first.properties.distance_m).toBeCloseTo(Math.hypot(1900, 10), 1);
      const bad = await run('nearest', { layer: layer('addresses'), of: layer('schools'), where: { category: 'school' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('its fields are name, address_text, opening_hours');
    });
  });

  describe('point in polygon', () => {
    it('names the village each address falls in and counts those in none', async () => {
      const res = await run('point-in-polygon', { layer: layer('addresses'), by: layer('villages') });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const unitOf = Object.fromEntries(body.features.features.map((f: { properties: { name: string; unit_name: string | null } }) => [f.properties.name, f.properties.unit_name]));
      expect(unitOf).toEqual({ '1': 'Rietumciems', '2': 'Rietumciems', '3': 'Austrumciems', '4': 'Austrumciems', '5': 'Austrumciems', '6': null });
      expect(body.summary).toMatchObject({ count: 6, matched: 5, unmatched: 1 });
      expect(body.features.features.every((f: { properties: { unit_id: unknown } }) => f.properties.unit_id === null || typeof f.properties.unit_id === 'number')).toBe(true);
    });
  });

  describe('save as layer', () => {
    const save = (headers: Record<string, string>) =>
      run('save', { tool: 'within-distance', params: { layer: layer('addresses'), of: layer('sewer-mains'), distance: 50 }, title: { lv: 'Adreses pie vadiem' } }, headers);

    it('lets an editor save a result as a new dataset layer with its features and fields', async () => {
      const res = await save(as.editor!.headers);
      expect(res.statusCode, res.body).toBe(201);
      const { layerId, featureCount } = res.json();
      expect(featureCount).toBe(3);
      expect(layerId).toMatch(/^upload-adreses-pie-vadiem/);
      // A new dataset: the municipality's signed-in roles read it, anonymous visitors not (issue 16 item 9).
      expect((await ctx().app.inject({ url: `/api/layers/${layerId}/features`, headers: { 'x-municipality': code } })).statusCode).toBe(403);
      const features = await ctx().app.inject({ url: `/api/layers/${layerId}/features`, headers: { 'x-municipality': code, ...as.viewer!.headers } });
      expect(features.statusCode, features.body).toBe(200);
      const text = features.body;
      for (const n of [1, 2, 3]) expect(text).toContain(`Analīzes iela ${n}`);
      expect(text).not.toContain('Analīzes iela 4');
      const datasets = await ctx().app.inject({ url: '/api/datasets', headers: { 'x-municipality': code, ...as.editor!.headers } });
      expect(datasets.body).toContain(layerId);
    });

    it('refuses saving to viewers (403) and anonymous visitors (401), and a params body the tool does not take', async () => {
      expect((await save(as.viewer!.headers)).statusCode).toBe(403);
      expect((await save({})).statusCode).toBe(401);
      const bad = await run('save', { tool: 'aggregate', params: { layer: layer('addresses') }, title: { lv: 'X' } }, as.editor!.headers);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('not a valid body for aggregate');
    });
  });

  describe('access', () => {
    it('refuses records of personal data to anonymous visitors (401) and viewers (403), and gives them to editors', async () => {
      const payload = { layer: layer('accommodation-sites'), of: layer('schools') };
      const anonymous = await run('nearest', payload);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().message).toContain('personal data');
      const viewer = await run('nearest', payload, as.viewer!.headers);
      expect(viewer.statusCode).toBe(403);
      expect(viewer.body).not.toContain('Slepenā');
      const agg = await run('aggregate', { layer: layer('accommodation-sites'), by: layer('parishes'), stat: 'count' }, as.viewer!.headers);
      expect(agg.statusCode).toBe(403);
      expect(agg.json().message).toContain('/aggregate');
      const editor = await run('nearest', payload, as.editor!.headers);
      expect(editor.statusCode, editor.body).toBe(200);
      expect(editor.json().features.features[0].properties).toMatchObject({ name: 'Slepenā vieta', contact_person: 'Kontaktpersona', nearest_name: 'Ziemeļu skola' });
    });

    it('never hands out restricted fields to those who may not read them', async () => {
      const { app } = ctx();
      await app.pg.pool.query(`UPDATE layer SET fields = jsonb_set(fields, '{2,restricted}', 'true') WHERE id = $1`, [layer('addresses')]);
      app.layers.invalidate();
      try {
        const body = (await run('within-distance', { layer: layer('addresses'), of: layer('sewer-mains'), distance: 50 })).json();
        expect(body.features.features[0].properties).not.toHaveProperty('name');
        expect(body.features.features[0].properties).toHaveProperty('full_address');
      } finally {
        await app.pg.pool.query(`UPDATE layer SET fields = jsonb_set(fields, '{2,restricted}', 'false') WHERE id = $1`, [layer('addresses')]);
        app.layers.invalidate();
      }
    });

    it('answers 404 for an unknown layer and for a layer of another municipality', async () => {
      const unknown = await run('within-distance', { layer: layer('nothing'), of: layer('sewer-mains'), distance: 50 });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().message).toContain(`"${layer('nothing')}" (parameter "layer")`);
      const foreign = await run('point-in-polygon', { layer: 'testa-addresses', by: layer('villages') });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().message).toContain('GET /api/layers');
    });
  });
});
