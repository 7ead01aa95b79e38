import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { compileSelection, exportFeatures } from '../../../server/src/features/repository.js';
import { lks92ToWgs84 } from '../../../server/src/geo/lks92.js';
import { fixture } from '../../helpers/fixtureMunicipality.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

const CONNECTIONS = '/api/layers/testa-sewer-connections';
const ADDRESSES = '/api/layers/testa-addresses';

/** `?filter=` for a list of conditions. */
const filter = (conditions: unknown) => `filter=${encodeURIComponent(JSON.stringify(conditions))}`;

describeEachDatabase('attribute table: /api/layers/{layerId}/features and /export', (ctx) => {
  const get = (url: string) => ctx().app.inject(url);
  const page = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; limit: number; offset: number; features: any[] };
  };
  const statuses = async (conditions: unknown) =>
    (await page(`${CONNECTIONS}/features?${filter(conditions)}`)).features.map((f) => f.properties.status).sort();

  it('pages the table with the total over all pages', async () => {
    const first = await page(`${ADDRESSES}/features?limit=10`);
    expect(first.total).toBe(fixture.addressCount);
    expect(first).toMatchObject({ limit: 10, offset: 0 });
    expect(first.features).toHaveLength(10);
    const last = await page(`${ADDRESSES}/features?limit=10&offset=25`);
    expect(last.features).toHaveLength(5);
    const ids = new Set([...first.features, ...last.features].map((f) => f.id));
    expect(ids.size).toBe(15);
    const beyond = await page(`${ADDRESSES}/features?offset=40`);
    expect(beyond).toMatchObject({ total: 30, features: [] });
    expect((await page(`${ADDRESSES}/features`)).limit).toBe(50);
  });

  it('gives each row its id, public fields and a WGS-84 bounding box', async () => {
    const { features } = await page(`${CONNECTIONS}/features?sort=cadastre_designation&limit=1`);
    const [row] = features;
    expect(typeof row.id).toBe('number');
    expect(row.properties).toMatchObject({
      cadastre_designation: '80760040001',
      status: 'not_connected',
      applied_on: '2024-01-31',
      population_equivalent: 2.5,
      property_address: 'Daugavas iela 1, Jaunciems',
    });
    expect(Object.keys(row.properties)).not.toContain('municipality_id');
    const [w, s, e, n] = row.bbox;
    expect(w).toBe(e);
    expect(s).toBe(n);
    expect(w).toBeGreaterThan(24.0);
    expect(w).toBeLessThan(24.1);
    expect(s).toBeGreaterThan(56.8);
    expect(s).toBeLessThan(56.9);
  });

  it('sorts by a field both ways, empty values last, text ignoring diacritics', async () => {
    const codes = (await page(`${ADDRESSES}/features?sort=code&order=asc&limit=1000`)).features.map((f) => f.properties.code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    const desc = (await page(`${ADDRESSES}/features?sort=code&order=desc&limit=3`)).features.map((f) => f.properties.code);
    expect(desc).toEqual([100000029, 100000028, 100000027]);

    const streets = (await page(`${ADDRESSES}/features?sort=full_address&limit=1000`)).features.map((f) =>
      f.properties.full_address.replace(/ \d.*/, ''),
    );
    expect([...new Set(streets)]).toEqual(['Daugavas iela', 'Ķekavas iela', 'Lielā iela', 'Mārupes iela', 'Šosejas iela']);

    for (const order of ['asc', 'desc']) {
      const money = (await page(`${CONNECTIONS}/features?sort=cofinancing_eur&order=${order}`)).features;
      expect(money[0].properties.cofinancing_eur).toBe(1200.5);
      expect(money.slice(1).every((f) => f.properties.cofinancing_eur === null)).toBe(true);
    }
    const byId = (await page(`${CONNECTIONS}/features?sort=id&order=desc`)).features.map((f) => f.id);
    expect(byId).toEqual([...byId].sort((a, b) => b - a));
  });

  it('filters with eq, ne, in, isNull and notNull', async () => {
    expect(await statuses([{ field: 'status', op: 'eq', value: 'applied' }])).toEqual(['applied']);
    expect(await statuses([{ field: 'status', op: 'ne', value: 'applied' }])).toHaveLength(5);
    expect(await statuses([{ field: 'status', op: 'in', value: ['connected', 'refused'] }])).toEqual(['connected', 'refused']);
    expect(await statuses([{ field: 'cofinancing_eur', op: 'notNull' }])).toEqual(['connected']);
    expect(await statuses([{ field: 'cofinancing_eur', op: 'isNull' }])).toHaveLength(5);
    expect(await statuses([{ field: 'connected_on', op: 'ne', value: '2024-01-01' }])).toHaveLength(6);
  });

  it('compares numbers and dates with lt, lte, gt and gte', async () => {
    // applied_on: 2024-01-31, 03-01, 03-31, 04-30, 05-30, 06-29 for statuses in pipeline order.
    expect(await statuses([{ field: 'applied_on', op: 'lt', value: '2024-03-01' }])).toEqual(['not_connected']);
    expect(await statuses([{ field: 'applied_on', op: 'lte', value: '2024-03-01' }])).toEqual(['applied', 'not_connected']);
    expect(await statuses([{ field: 'applied_on', op: 'gt', value: '2024-05-30' }])).toEqual(['refused']);
    expect(await statuses([{ field: 'applied_on', op: 'gte', value: '2024-05-30' }])).toEqual(['connected', 'refused']);
    expect(await statuses([{ field: 'cofinancing_eur', op: 'gt', value: 1000 }])).toEqual(['connected']);
    expect(await statuses([{ field: 'cofinancing_eur', op: 'lte', value: '1200,50' }])).toEqual(['connected']);
    const codes = await page(`${ADDRESSES}/features?${filter([{ field: 'code', op: 'gte', value: 100000025 }])}`);
    expect(codes.total).toBe(5);
  });

  it('combines conditions with AND', async () => {
    const both = await statuses([
      { field: 'status', op: 'in', value: ['applied', 'construction', 'connected'] },
      { field: 'applied_on', op: 'gte', value: '2024-04-01' },
    ]);
    expect(both).toEqual(['connected', 'construction']);
    const none = await statuses([
      { field: 'status', op: 'eq', value: 'applied' },
      { field: 'status', op: 'eq', value: 'refused' },
    ]);
    expect(none).toEqual([]);
  });

  it('finds text with contains ignoring case and Latvian diacritics', async () => {
    for (const value of ['ķekavas', 'kekavas', 'ĶEKAVAS', 'Kekavas iela']) {
      const res = await page(`${ADDRESSES}/features?${filter([{ field: 'full_address', op: 'contains', value }])}`);
      expect(res.total, value).toBe(6);
      expect(res.features.every((f) => f.properties.full_address.startsWith('Ķekavas iela'))).toBe(true);
    }
    const marupe = await page(`${ADDRESSES}/features?${filter([{ field: 'full_address', op: 'contains', value: 'marupes iela 3' }])}`);
    expect(marupe.features.map((f) => f.properties.full_address)).toEqual(['Mārupes iela 3, Jaunciems, Testa nov., LV-2167']);
  });

  it('treats LIKE wildcards and SQL in values as plain text', async () => {
    for (const value of ['%', '_', '\\', 'iela_1', '%iela%', "'; DROP TABLE layer; --", '.*', '(']) {
      const res = await page(`${ADDRESSES}/features?${filter([{ field: 'full_address', op: 'contains', value }])}`);
      expect(res.total, value).toBe(0);
    }
    const injected = await page(`${CONNECTIONS}/features?${filter([{ field: 'status', op: 'eq', value: "applied' OR '1'='1" }])}`);
    expect(injected.total).toBe(0);
    expect((await page(`${ADDRESSES}/features`)).total).toBe(fixture.addressCount);
  });

  it('leaves restricted fields out and refuses to filter or sort on them', async () => {
    const transfers = await page('/api/layers/testa-street-transfers/features');
    expect(transfers.total).toBe(fixture.streetTransferCount);
    for (const f of transfers.features) expect(f.properties).not.toHaveProperty('owner_name');
    expect(JSON.stringify(transfers)).not.toContain('Bērziņš');

    const filtered = await get(`/api/layers/testa-street-transfers/features?${filter([{ field: 'owner_name', op: 'contains', value: 'Jānis' }])}`);
    expect(filtered.statusCode).toBe(400);
    expect(filtered.json().message).toMatch(/"owner_name" holds personal data/);
    const sorted = await get('/api/layers/testa-street-transfers/features?sort=owner_name');
    expect(sorted.statusCode).toBe(400);
    expect(sorted.json().message).toMatch(/"owner_name" holds personal data/);
    const exported = await get(`/api/layers/testa-street-transfers/export?${filter([{ field: 'owner_name', op: 'notNull' }])}`);
    expect(exported.statusCode).toBe(400);
  });

  it('answers a restricted layer with 403 and no records', async () => {
    for (const url of [
      '/api/layers/testa-accommodation-sites/features',
      '/api/layers/testa-accommodation-sites/features/1',
      '/api/layers/testa-accommodation-sites/export?format=csv',
      '/api/layers/testa-accommodation-sites/export?format=geojson',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().message).toMatch(/personal data.*authorised roles/);
      expect(res.body).not.toMatch(/Kovalenko|viesnīca/);
    }
  });

  it('answers an unknown layer with 404', async () => {
    for (const url of ['/api/layers/nope/features', '/api/layers/nope/features/1', '/api/layers/nope/export']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().message).toMatch(/no layer "nope".*GET \/api\/layers/);
    }
  });

  it('explains a malformed filter, an unknown field or operator and a value of the wrong type', async () => {
    const cases: [string, RegExp][] = [
      ['filter=%7Bnot%20json', /"filter" parameter is not valid JSON.*e\.g\. \[\{"field"/],
      [filter({ field: 'status', op: 'eq', value: 'applied' }), /must be a JSON array/],
      [filter(['status']), /condition 1 must be an object/],
      [filter([{ op: 'eq', value: 1 }]), /condition 1 needs a "field"/],
      [filter([{ field: 'colour', op: 'eq', value: 'red' }]), /no field "colour".*filter on: property_address, cadastre_designation, status/],
      [filter([{ field: 'status; DROP TABLE layer', op: 'eq', value: 'x' }]), /no field "status; DROP TABLE layer"/],
      [filter([{ field: 'status', op: 'like', value: 'a%' }]), /"like" is not an operator.*eq, ne, lt/],
      [filter([{ field: 'applied_on', op: 'gte', value: 'yesterday' }]), /"applied_on" expects a date as YYYY-MM-DD/],
      [filter([{ field: 'applied_on', op: 'eq', value: '2024-02-30' }]), /"applied_on" expects a date/],
      [filter([{ field: 'cofinancing_eur', op: 'gt', value: '1e3; SELECT 1' }]), /"cofinancing_eur" expects a number/],
      [filter([{ field: 'status', op: 'lt', value: 'b' }]), /"status" is text; "lt" compares only numbers and dates/],
      [filter([{ field: 'cofinancing_eur', op: 'contains', value: '12' }]), /"contains" searches only text/],
      [filter([{ field: 'status', op: 'in', value: 'applied' }]), /"in" condition on "status" needs "value" to be a list/],
      [filter([{ field: 'status', op: 'eq', value: null }]), /use the isNull or notNull operator/],
      [filter([{ field: 'status', op: 'eq', value: { $ne: 1 } }]), /"status" expects text/],
      ['sort=colour', /no field "colour".*sort on: id, property_address/],
      ['sort=id%3B%20DROP%20TABLE%20layer', /no field "id; DROP TABLE layer"/],
      ['order=sideways', /order must be asc or desc/],
      ['limit=0', /limit must be a whole number from 1 to 1000/],
      ['limit=1001', /limit must be a whole number from 1 to 1000/],
      ['offset=-1', /offset must be a whole number of 0 or more/],
    ];
    for (const [query, message] of cases) {
      const res = await get(`${CONNECTIONS}/features?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().message, query).toMatch(message);
    }
    const details = (await get(`${CONNECTIONS}/features?${filter([{ field: 'colour', op: 'eq', value: 1 }])}`)).json().details;
    expect(details.validFields).toContain('status');
    expect(details.validFields).not.toContain('owner_name');
  });

  it('reads one feature with its WGS-84 geometry, and 404 for an absent one', async () => {
    const [row] = (await page(`${CONNECTIONS}/features?${filter([{ field: 'status', op: 'eq', value: 'connected' }])}`)).features;
    const res = await get(`${CONNECTIONS}/features/${row.id}`);
    expect(res.statusCode).toBe(200);
    const feature = res.json();
    expect(feature).toMatchObject({ id: row.id, properties: { status: 'connected', cofinancing_eur: 1200.5 }, bbox: row.bbox });
    expect(feature.geometry.type).toBe('Point');
    expect(feature.geometry.coordinates).toEqual([row.bbox[0], row.bbox[1]]);

    const transfer = (await page('/api/layers/testa-street-transfers/features?limit=1')).features[0];
    const polygon = (await get(`/api/layers/testa-street-transfers/features/${transfer.id}`)).json();
    expect(polygon.geometry.type).toBe('MultiPolygon');
    expect(polygon.properties).not.toHaveProperty('owner_name');
    expect(polygon.bbox[2]).toBeGreaterThan(polygon.bbox[0]);

    for (const id of ['999999', 'abc', '99999999999999999999']) {
      const missing = await get(`${CONNECTIONS}/features/${id}`);
      expect(missing.statusCode, id).toBe(404);
      expect(missing.json().message).toMatch(`has no feature "${id}"`);
    }
  });

  it("does not serve a feature outside the layer's own selection", async () => {
    const [stop] = (await page('/api/layers/testa-bus-stops/features')).features;
    expect((await get(`/api/layers/testa-bus-stops/features/${stop.id}`)).statusCode).toBe(200);
    expect((await get(`/api/layers/testa-schools/features/${stop.id}`)).statusCode).toBe(404);
  });

  it('exports the filtered rows as CSV that Latvian Excel opens: BOM, ";", Latvian headers and labels', async () => {
    const conditions = [{ field: 'status', op: 'ne', value: 'refused' }];
    const total = (await page(`${CONNECTIONS}/features?${filter(conditions)}`)).total;
    const res = await get(`${CONNECTIONS}/export?format=csv&sort=applied_on&order=desc&${filter(conditions)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="testa-sewer-connections.csv"');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('\r\n');
    const rows: string[][] = parse(text, { bom: true, delimiter: ';' });
    const [header, ...records] = rows;
    expect(header).toEqual([
      'ID',
      'Īpašuma adrese',
      'Kadastra apzīmējums',
      'Statuss',
      'Pieteikuma datums',
      'Pieslēgšanas datums',
      'Līdzfinansējums, EUR',
      'Cilvēkekvivalents',
      'Pašreizējā attīrīšana',
      'X (LKS-92)',
      'Y (LKS-92)',
      'Garums (WGS-84)',
      'Platums (WGS-84)',
    ]);
    expect(records).toHaveLength(total);
    expect(records.map((r) => r[4])).toEqual([...records.map((r) => r[4])].sort().reverse());
    const connected = records.find((r) => r[2] === '80760040005')!;
    expect(connected.slice(1, 9)).toEqual(['Daugavas iela 5, Jaunciems', '80760040005', 'Pieslēgts', '2024-05-30', '', '1200,5', '2,5', 'Krājtvertne']);
    // Fixture point (501500, 301100): X is the northing, Y the easting, as Latvians write them.
    expect(connected.slice(9, 11)).toEqual(['301100,00', '501500,00']);
    const [lon, lat] = lks92ToWgs84([501500, 301100]);
    expect(Math.abs(Number(connected[11].replace(',', '.')) - lon)).toBeLessThan(1e-6);
    expect(Math.abs(Number(connected[12].replace(',', '.')) - lat)).toBeLessThan(1e-6);
  });

  it('exports every row of a layer with diacritics intact, and points on lines and polygons', async () => {
    const addresses: string[][] = parse((await get(`${ADDRESSES}/export`)).rawPayload.toString('utf8'), { bom: true, delimiter: ';' });
    expect(addresses).toHaveLength(fixture.addressCount + 1);
    expect(addresses.flat()).toContain('Šosejas iela 6, Jaunciems, Testa nov., LV-2167');

    const res = await get('/api/layers/testa-street-transfers/export');
    const [header, ...records]: string[][] = parse(res.rawPayload.toString('utf8'), { bom: true, delimiter: ';' });
    expect(header).not.toContain('Īpašnieks');
    expect(res.body).not.toContain('Bērziņš');
    expect(header.at(-4)).toBe('X (LKS-92, punkts uz objekta)');
    expect(records.map((r) => r[1]).sort()).toEqual(['Pļavu iela', 'Ābeļu iela'].sort());
    for (const r of records) expect(Number(r.at(-4)!.replace(',', '.'))).toBeGreaterThan(303000);
  });

  it('exports the filtered rows as a WGS-84 GeoJSON FeatureCollection', async () => {
    const conditions = [{ field: 'full_address', op: 'contains', value: 'marupes' }];
    const res = await get(`${ADDRESSES}/export?format=geojson&${filter(conditions)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="testa-addresses.geojson"');
    const collection = res.json();
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(6);
    const [first] = collection.features;
    expect(first.type).toBe('Feature');
    expect(first.geometry.type).toBe('Point');
    expect(first.geometry.coordinates[0]).toBeCloseTo(24.03, 1);
    expect(first.properties.full_address).toMatch(/^Mārupes iela/);

    const transfers = (await get('/api/layers/testa-street-transfers/export?format=geojson')).json();
    expect(transfers.features).toHaveLength(fixture.streetTransferCount);
    expect(transfers.features[0].geometry.type).toBe('MultiPolygon');
    expect(transfers.features[0].properties).not.toHaveProperty('owner_name');

    const empty = (await get(`${ADDRESSES}/export?format=geojson&${filter([{ field: 'code', op: 'lt', value: 0 }])}`)).json();
    expect(empty).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('reads an export through the database cursor in batches and frees the connection when stopped early', async () => {
    const { app } = ctx();
    const layer = (await app.layers.get('testa-addresses'))!;
    const compiled = compileSelection(layer, { conditions: [], sort: 'code' });
    const sizes: number[] = [];
    for await (const batch of exportFeatures(app.pg.pool, layer, compiled, 'anchor', 7)) sizes.push(batch.length);
    expect(sizes).toEqual([7, 7, 7, 7, 2]);
    for await (const batch of exportFeatures(app.pg.pool, layer, compiled, 'geometry', 7)) {
      expect(batch[0].properties.code).toBe(100000000);
      break;
    }
    // The embedded database has one connection: a cursor left open would hang this request.
    expect((await page(`${ADDRESSES}/features?limit=1`)).total).toBe(fixture.addressCount);
  });

  it('refuses an unknown export format and a bad filter before exporting', async () => {
    const format = await get(`${ADDRESSES}/export?format=xlsx`);
    expect(format.statusCode).toBe(400);
    expect(format.json().message).toMatch(/csv or geojson/);
    const bad = await get(`${ADDRESSES}/export?${filter([{ field: 'nope', op: 'eq', value: 1 }])}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/no field "nope"/);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const res = await get('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/api/layers/{layerId}/features', '/api/layers/{layerId}/features/{featureId}', '/api/layers/{layerId}/export']),
    );
    const params = paths['/api/layers/{layerId}/features'].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(expect.arrayContaining(['layerId', 'limit', 'offset', 'sort', 'order', 'filter']));
  });
});
