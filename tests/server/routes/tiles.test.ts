import { expect, it } from 'vitest';
import { fixture } from '../../helpers/fixtureMunicipality.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { decodeTile, surveyorArea, tileOf, tilePosition } from '../tiles/tileTestKit.js';

// The z14 tile over the fixture's first sewer connection (501100, 301100 in EPSG:3059).
const home = tileOf(501100, 301100, 14);
const tileUrl = (layer: string, t: { z: number; x: number; y: number }) => `/api/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`;

describeEachDatabase('GET /api/tiles/{layerId}/{z}/{x}/{y}.mvt', (ctx) => {
  it('serves sewer connections with their ids, public fields and positions inside the tile', async () => {
    const res = await ctx().app.inject(tileUrl('testa-sewer-connections', home));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const tile = decodeTile(res.rawPayload);
    expect(Object.keys(tile)).toEqual(['testa-sewer-connections']);
    const { extent, features } = tile['testa-sewer-connections'];
    expect(extent).toBe(4096);
    expect(features).toHaveLength(fixture.sewerConnectionCount);
    expect(new Set(features.map((f) => f.id)).size).toBe(fixture.sewerConnectionCount);

    const first = features.find((f) => f.properties.property_address === 'Daugavas iela 1, Jaunciems')!;
    expect(first.type).toBe(1);
    expect(first.properties).toMatchObject({
      status: 'not_connected',
      cadastre_designation: '80760040001',
      applied_on: '2024-01-31',
      population_equivalent: 2.5,
      current_treatment: 'cesspool',
    });
    // Null fields are left out, as ST_AsMVT does; numeric money comes as a number.
    expect(first.properties).not.toHaveProperty('cofinancing_eur');
    const fifth = features.find((f) => f.properties.status === 'connected')!;
    expect(fifth.properties.cofinancing_eur).toBe(1200.5);

    const expected = tilePosition(501100, 301100, 14);
    const [point] = first.geometry[0];
    expect(Math.abs(point.x - (expected.x - home.x) * 4096)).toBeLessThanOrEqual(1);
    expect(Math.abs(point.y - (expected.y - home.y) * 4096)).toBeLessThanOrEqual(1);
  });

  it('serves the tile URL template that the layer catalog advertises', async () => {
    const layer = (await ctx().app.inject('/api/layers/testa-sewer-mains')).json();
    const url = new URL(layer.tileJson.tiles[0].replace('{z}', home.z).replace('{x}', home.x).replace('{y}', home.y));
    expect(url.search).toMatch(/^\?v=\d+$/);
    const res = await ctx().app.inject(url.pathname + url.search);
    expect(res.statusCode).toBe(200);
    expect(decodeTile(res.rawPayload)['testa-sewer-mains'].features.map((f) => f.properties.diameter_mm).sort()).toEqual([110, 200]);
  });

  it('never puts restricted fields into a tile', async () => {
    const streets = tileOf(503000, 303000, 14);
    const res = await ctx().app.inject(tileUrl('testa-street-transfers', streets));
    expect(res.statusCode).toBe(200);
    const { features } = decodeTile(res.rawPayload)['testa-street-transfers'];
    expect(features.length).toBeGreaterThan(0);
    for (const f of features) {
      expect(f.properties).not.toHaveProperty('owner_name');
      expect(f.properties.cadastre_designation).toMatch(/^\d{11}$/);
    }
    expect(res.body).not.toContain('Bērziņš');
  });

  it('winds polygon exterior rings clockwise in tile space, as the MVT spec asks', async () => {
    const res = await ctx().app.inject(tileUrl('testa-parishes', { z: 12, ...xy(tileOf(503000, 303000, 12)) }));
    expect(res.statusCode).toBe(200);
    const { features } = decodeTile(res.rawPayload)['testa-parishes'];
    expect(features.map((f) => f.properties.name).sort()).toEqual(['Austrumpils', 'Rietumu pagasts']);
    for (const f of features) {
      expect(f.type).toBe(3);
      expect(surveyorArea(f.geometry[0])).toBeGreaterThan(0);
    }
  });

  it('answers a tile without features of the layer with 204', async () => {
    const res = await ctx().app.inject(tileUrl('testa-sewer-connections', { z: 14, x: 0, y: 0 }));
    expect(res.statusCode).toBe(204);
    expect(res.rawPayload).toHaveLength(0);
  });

  it('answers zooms below the layer minimum zoom with 204 without reading data', async () => {
    // Addresses start at z13.
    const res = await ctx().app.inject(tileUrl('testa-addresses', tileOf(501100, 301100, 12)));
    expect(res.statusCode).toBe(204);
    const ok = await ctx().app.inject(tileUrl('testa-addresses', tileOf(501100, 301100, 13)));
    expect(ok.statusCode).toBe(200);
    expect(decodeTile(ok.rawPayload)['testa-addresses'].features).toHaveLength(fixture.addressCount);
  });

  it.each([
    ['a layer-like word for the zoom', '/api/tiles/testa-sewer-connections/x/1/2.mvt', /zoom level z must be an integer from 0 to 22/],
    ['x outside the zoom-1 grid', '/api/tiles/x/1/2/3.mvt', /at zoom 1 is 0 to 1; got x = "2"/],
    ['zoom 23', '/api/tiles/testa-sewer-connections/23/0/0.mvt', /from 0 to 22; got "23"/],
    ['a negative column', '/api/tiles/testa-sewer-connections/14/-1/0.mvt', /at zoom 14 is 0 to 16383; got x = "-1"/],
    ['x = 2^z', '/api/tiles/testa-sewer-connections/3/8/0.mvt', /at zoom 3 is 0 to 7; got x = "8"/],
    ['1e99', '/api/tiles/testa-sewer-connections/14/1e99/0.mvt', /got x = "1e99"/],
    ['a fraction', '/api/tiles/testa-sewer-connections/14/1.5/0.mvt', /integers from 0 to 2\^z − 1, which at zoom 14 is 0 to 16383; got x = "1.5"/],
    ['an SQL fragment', '/api/tiles/testa-sewer-connections/14/0/1%3BDROP%20TABLE%20layer.mvt', /got y = "1;DROP TABLE layer"/],
    ['an empty row', '/api/tiles/testa-sewer-connections/14/0/.mvt', /got y = ""/],
  ])('answers %s with 400 naming the valid range', async (_what, url, message) => {
    const res = await ctx().app.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('answers an unknown layer, also one named with SQL, with 404', async () => {
    for (const layer of ['no-such-layer', encodeURIComponent("x'; DROP TABLE layer; --")]) {
      const res = await ctx().app.inject(`/api/tiles/${layer}/14/${home.x}/${home.y}.mvt`);
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toMatch(/There is no layer/);
    }
    const layers = await ctx().app.inject('/api/layers');
    expect(layers.statusCode).toBe(200);
  });

  it('refuses a restricted layer with 403 and sends none of its records', async () => {
    const site = tileOf(501500, 301500, 14);
    const res = await ctx().app.inject(tileUrl('testa-accommodation-sites', site));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/personal data.*authorised roles/);
    expect(res.body).not.toContain('Kovalenko');
    expect(res.headers['content-type']).toContain('application/json');
  });

  it('sends an ETag and Cache-Control, and 304 when the client has the tile', async () => {
    const url = tileUrl('testa-sewer-connections', home);
    const first = await ctx().app.inject(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"testa-sewer-connections\.\d+\.[0-9a-f]+\.14\.\d+\.\d+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const again = await ctx().app.inject({ url, headers: { 'if-none-match': `"other", W/${etag}` } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload).toHaveLength(0);
    const stale = await ctx().app.inject({ url, headers: { 'if-none-match': '"testa-sewer-connections.0.0.14.0.0"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('serves a repeated tile from memory with identical bytes', async () => {
    const url = tileUrl('testa-sewer-mains', home);
    const first = await ctx().app.inject(url);
    const second = await ctx().app.inject(url);
    expect(first.statusCode).toBe(200);
    expect(second.headers['x-tile-cache']).toBe('hit');
    expect(Buffer.compare(first.rawPayload, second.rawPayload)).toBe(0);
    expect(second.headers.etag).toBe(first.headers.etag);
  });

  it('shows a data change in tiles within two seconds, under a new ETag', async () => {
    const { app } = ctx();
    const url = tileUrl('testa-sewer-connections', home);
    const before = await app.inject(url);
    await app.pg.query(`UPDATE sewer_connection SET population_equivalent = 4.5 WHERE property_address = 'Daugavas iela 1, Jaunciems'`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const after = await app.inject(url);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      const changed = decodeTile(after.rawPayload)['testa-sewer-connections'].features.find(
        (f) => f.properties.property_address === 'Daugavas iela 1, Jaunciems',
      )!;
      expect(changed.properties.population_equivalent).toBe(4.5);
    } finally {
      await app.pg.query(`UPDATE sewer_connection SET population_equivalent = 2.5 WHERE property_address = 'Daugavas iela 1, Jaunciems'`);
    }
  });

  it('is described in the OpenAPI document with a binary tile body and every status', async () => {
    const doc = (await ctx().app.inject('/api/docs/json')).json();
    const operation = doc.paths['/api/tiles/{layerId}/{z}/{x}/{y}.mvt'].get;
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '204', '304', '400', '403', '404']);
    expect(operation.responses['200'].content['application/vnd.mapbox-vector-tile'].schema).toEqual({
      type: 'string',
      format: 'binary',
    });
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['layerId', 'x', 'y', 'z']);
  });
});

const xy = (t: { x: number; y: number }) => ({ x: t.x, y: t.y });
