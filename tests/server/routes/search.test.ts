import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';

interface Result {
  kind: 'address' | 'cadastre' | 'coordinates';
  label: string;
  center: [number, number];
  bbox?: [number, number, number, number];
  layerId?: string;
  featureId?: number;
}

describeEachDatabase('GET /api/search', (ctx) => {
  const search = async (q: string, limit?: number) => {
    const res = await ctx().app.inject({ url: '/api/search', query: { q, ...(limit ? { limit: String(limit) } : {}) } });
    expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
    return res.json() as { results: Result[]; hints?: string[] };
  };
  const labels = async (q: string, limit?: number) => (await search(q, limit)).results.map((r) => r.label);

  /** PostGIS's own WGS-84 position of an EPSG:3059 point. */
  const postgisWgs84 = async (easting: number, northing: number): Promise<[number, number]> => {
    const { rows } = await ctx().app.pg.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 3059), 4326) AS p) s`,
      [easting, northing],
    );
    return [rows[0].lon, rows[0].lat];
  };
  const expectNear = ([lon, lat]: [number, number], [lon2, lat2]: [number, number]) => {
    expect(Math.abs(lon - lon2)).toBeLessThan(1e-5);
    expect(Math.abs(lat - lat2)).toBeLessThan(1e-5);
  };

  it('finds an address with or without diacritics and in any case', async () => {
    for (const q of ['marupes iela 3', 'Mārupes iela 3', 'MĀRUPES IELA 3', '  marupes   iela 3 ']) {
      const { results } = await search(q);
      expect(results[0].label, q).toBe('Mārupes iela 3, Jaunciems, Testa nov., LV-2167');
      expect(results[0]).toMatchObject({ kind: 'address', layerId: 'testa-addresses' });
      expect(typeof results[0].featureId).toBe('number');
    }
    const [first] = (await search('marupes iela 3')).results;
    // Mārupes iela 3 is the fixture's point (501300, 301200).
    expectNear(first.center, await postgisWgs84(501300, 301200));
    const feature = await ctx().app.inject(`/api/layers/testa-addresses/features/${first.featureId}`);
    expect(feature.json().properties.full_address).toBe(first.label);
  });

  it('finds addresses by a prefix, shortest first', async () => {
    const daugavas = await labels('Daugavas iela 2');
    expect(daugavas[0]).toBe('Daugavas iela 2, Jaunciems, Testa nov., LV-2167');
    expect(await labels('daugavas')).toHaveLength(6);
    expect(await labels('kek')).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Ķekavas iela ${n}, Jaunciems, Testa nov., LV-2167`));
  });

  it('matches every word at a word start, in any order, after the prefix matches', async () => {
    expect(await labels('3 marupes')).toEqual(['Mārupes iela 3, Jaunciems, Testa nov., LV-2167']);
    expect(await labels('jaunciems sosejas 6')).toEqual(['Šosejas iela 6, Jaunciems, Testa nov., LV-2167']);
    const ones = await labels('iela 1');
    expect(ones).toHaveLength(5);
    expect(ones[0]).toBe('Lielā iela 1, Jaunciems, Testa nov., LV-2167');
    // "ela" starts no word, so it matches nothing even though "iela" contains it.
    expect(await labels('ela')).toEqual([]);
    expect(await labels('jaunciems', 7)).toHaveLength(7);
    expect(await labels('jaunciems')).toHaveLength(10);
  });

  it('finds an 11-digit cadastre designation in the layers that have one', async () => {
    for (const q of ['80760040003', '8076 004 0003']) {
      const { results, hints } = await search(q);
      expect(hints).toBeUndefined();
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        kind: 'cadastre',
        layerId: 'testa-sewer-connections',
        label: '80760040003 — Daugavas iela 3, Jaunciems',
      });
      // The connection is the fixture's point (501300, 301100).
      expectNear(results[0].center, await postgisWgs84(501300, 301100));
    }
    const [street] = (await search('80760040999')).results;
    expect(street).toMatchObject({ kind: 'cadastre', layerId: 'testa-street-transfers', label: '80760040999 — Pļavu iela' });
    const [w, s, e, n] = street.bbox!;
    expect(e).toBeGreaterThan(w);
    expect(n).toBeGreaterThan(s);
    expect(street.center[0]).toBeGreaterThan(w);
    expect(street.center[0]).toBeLessThan(e);
  });

  it('finds the land parcel of a building or premises designation', async () => {
    for (const q of ['80760040003001', '80760040003001005', '8076 004 0003 001']) {
      const { results } = await search(q);
      expect(results.map((r) => r.label), q).toEqual(['80760040003 — Daugavas iela 3, Jaunciems']);
    }
  });

  it('hints at the digit count of a designation of the wrong length, and ignores non-digits', async () => {
    for (const q of ['807600400', '807600400031', '8076004000312']) {
      const { results, hints } = await search(q);
      expect(results).toEqual([]);
      expect(hints?.[0], q).toMatch(/^A cadastre designation has 11, 14 or 17 digits/);
      expect(hints?.[0]).toContain(`has ${q.length}`);
    }
    const letters = await search('8076004000a');
    expect(letters).toEqual({ results: [] });
    expect((await search('807600400030001')).hints?.[0]).toMatch(/part of a land parcel: search its parcel 80760040003/);
  });

  it('reads LKS-92 coordinates northing first, or easting first when only that fits Latvia', async () => {
    const expected = await postgisWgs84(503000, 306000);
    for (const q of ['306000 503000', '306000, 503000', '306000;503000', '503000 306000', '306000.00 503000.00']) {
      const { results } = await search(q);
      expect(results, q).toHaveLength(1);
      expect(results[0].kind).toBe('coordinates');
      expectNear(results[0].center, expected);
      expect(results[0].label).toBe(`LKS-92 X 306000, Y 503000 · WGS-84 ${expected[1].toFixed(6)}, ${expected[0].toFixed(6)}`);
    }
  });

  it('reads WGS-84 coordinates latitude first, or longitude first when unambiguous for Latvia', async () => {
    for (const q of ['56.95, 24.05', '56.95 24.05', '24.05 56.95', '56,95 24,05', '56.95° 24.05°']) {
      const { results } = await search(q);
      expect(results, q).toHaveLength(1);
      expect(results[0]).toMatchObject({ kind: 'coordinates', center: [24.05, 56.95] });
      expect(results[0].label).toMatch(/^LKS-92 X \d+(\.\d+)?, Y \d+(\.\d+)? · WGS-84 56\.950000, 24\.050000$/);
    }
    // The LKS-92 in the label is what PostGIS makes of the point.
    const { rows } = await ctx().app.pg.pool.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(24.05, 56.95), 4326), 3059) AS p) s`,
    );
    const [, northing, easting] = /X ([\d.]+), Y ([\d.]+)/.exec((await search('56.95, 24.05')).results[0].label)!.map(Number);
    expect(Math.abs(northing - rows[0].y)).toBeLessThan(0.01);
    expect(Math.abs(easting - rows[0].x)).toBeLessThan(0.01);
  });

  it('hints when coordinates lie outside Latvia', async () => {
    expect((await search('48.85, 2.35')).hints?.[0]).toMatch(/WGS-84 coordinates in Latvia have latitude/);
    expect((await search('900000 900000')).hints?.[0]).toMatch(/LKS-92 coordinates in Latvia have X \(northing\)/);
    expect((await search('900000 900000')).results).toEqual([]);
  });

  it('treats SQL and regex characters as plain text', async () => {
    for (const q of ["'", '%', '_', '\\', '.*', '(', ';--', "' OR '1'='1", "daugavas' --", 'Daugavas%', 'iela_1', '%iela', '[a-z]+', '$1', 'a|b']) {
      const answer = await search(q);
      expect(answer.results, q).toEqual([]);
    }
    // Still there and still searchable.
    expect(await labels('daugavas')).toHaveLength(6);
  });

  it('refuses an empty or overlong query with a clear message', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /"q" must have 1 to 200 characters/],
      [{ q: '' }, /"q" must have 1 to 200 characters/],
      [{ q: '   ' }, /query is empty/],
      [{ q: 'a'.repeat(201) }, /"q" must have 1 to 200 characters/],
      [{ q: 'riga', limit: '0' }, /limit must be a whole number from 1 to 50/],
      [{ q: 'riga', limit: 'ten' }, /limit must be a whole number from 1 to 50/],
    ];
    for (const [query, message] of cases) {
      const res = await ctx().app.inject({ url: '/api/search', query });
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
    expect((await search('a'.repeat(200))).results).toEqual([]);
  });

  it('never searches restricted layers or fields', async () => {
    expect((await search('Jānis Bērziņš')).results).toEqual([]);
    expect((await search('Kovalenko')).results).toEqual([]);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await ctx().app.inject('/api/docs/json')).json();
    const params = (doc.paths['/api/search/'] ?? doc.paths['/api/search']).get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['q', 'limit']));
  });
});
