import { expect, it } from 'vitest';
import { fixture } from '../../helpers/fixtureMunicipality.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG3059 = 'http://www.opengis.net/def/crs/EPSG/0/3059';

/** The fixture's address grid in EPSG:3059 (easting, northing), in id order. */
const grid = Array.from({ length: 30 }, (_, i) => [501100 + (i % 6) * 100, 301100 + Math.floor(i / 6) * 100]);

describeEachDatabase('OGC API – Features: landing, conformance, collections', (ctx) => {
  it('offers a landing page linking to the API definition, conformance and the collections', async () => {
    const res = await ctx().app.inject('/ogc');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.title).toMatch(/ĢIS/);
    const rels = Object.fromEntries(body.links.map((l: any) => [l.rel, l]));
    expect(rels.self.href).toMatch(/^http:\/\/[^/]+\/ogc$/);
    expect(rels['service-desc'].href).toMatch(/\/api\/docs\/json$/);
    expect(rels['service-desc'].type).toBe('application/vnd.oai.openapi+json;version=3.0');
    expect(rels.conformance.href).toMatch(/\/ogc\/conformance$/);
    expect(rels.data.href).toMatch(/\/ogc\/collections$/);
  });

  it('answers a browser asking for HTML with JSON', async () => {
    const res = await ctx().app.inject({ url: '/ogc', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('declares Core, GeoJSON, OpenAPI 3.0 and Part 2 CRS conformance', async () => {
    const res = await ctx().app.inject('/ogc/conformance');
    expect(res.json().conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
        'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
      ]),
    );
  });

  it('lists every layer as a collection with a CRS84 extent, the CRS list and an items link', async () => {
    const res = await ctx().app.inject('/ogc/collections');
    expect(res.statusCode).toBe(200);
    const { collections, links } = res.json();
    expect(links[0].rel).toBe('self');
    const addresses = collections.find((c: any) => c.id === 'testa-addresses');
    expect(addresses.title).toBe('Adreses');
    expect(addresses.itemType).toBe('feature');
    expect(addresses.crs).toEqual(expect.arrayContaining([CRS84, EPSG3059]));
    expect(addresses.storageCrs).toBe(EPSG3059);
    expect(addresses.extent.spatial.crs).toBe(CRS84);
    const [w, s, e, n] = addresses.extent.spatial.bbox[0];
    expect(w).toBeGreaterThan(23.9);
    expect(e).toBeLessThan(24.1);
    expect(s).toBeGreaterThan(56.8);
    expect(n).toBeLessThan(56.9);
    const items = addresses.links.find((l: any) => l.rel === 'items');
    expect(items.href).toMatch(/\/ogc\/collections\/testa-addresses\/items$/);
    expect(items.type).toBe('application/geo+json');
  });

  it('leaves the restricted accommodation layer out of the list for anonymous clients', async () => {
    const res = await ctx().app.inject('/ogc/collections');
    const ids = res.json().collections.map((c: any) => c.id);
    expect(ids).toContain('testa-street-transfers');
    expect(ids).not.toContain('testa-accommodation-sites');
  });

  it('still describes the restricted accommodation layer at its own URL, with a personal-data note', async () => {
    const res = await ctx().app.inject('/ogc/collections/testa-accommodation-sites');
    expect(res.statusCode).toBe(200);
    expect(res.json().restricted).toBe(true);
    expect(res.json().description).toMatch(/personas dati/);
  });

  it('gives titles in the language asked by lang or Accept-Language', async () => {
    const en = await ctx().app.inject('/ogc/collections/testa-sewer-connections?lang=en');
    expect(en.json().title).toBe('Sewer connections');
    const uk = await ctx().app.inject({ url: '/ogc/collections/testa-sewer-connections', headers: { 'accept-language': 'de;q=0.9, uk;q=0.8, lv;q=0.1' } });
    expect(uk.json().title).toBe('Підключення до каналізації');
    expect(uk.headers['content-language']).toBe('uk');
  });

  it("describes a collection's public fields and their types in a JSON Schema", async () => {
    const collection = (await ctx().app.inject('/ogc/collections/testa-street-transfers')).json();
    const describedBy = collection.links.find((l: any) => l.rel.toLowerCase() === 'describedby');
    expect(describedBy.type).toBe('application/schema+json');
    const res = await ctx().app.inject(new URL(describedBy.href).pathname);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/schema\+json/);
    const fields = res.json().properties.properties.properties;
    expect(fields.decision_date).toMatchObject({ type: 'string', format: 'date' });
    expect(fields.length_m.type).toBe('number');
    expect(fields.street_name).toMatchObject({ type: 'string', title: 'Iela' });
    expect(fields).not.toHaveProperty('owner_name');
  });

  it('answers an unknown collection with 404', async () => {
    const res = await ctx().app.inject('/ogc/collections/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/no collection "nope".*\/ogc\/collections/);
  });

  it('describes every OGC route in the OpenAPI document', async () => {
    const doc = (await ctx().app.inject('/api/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    // Fastify documents a prefixed plugin's root route with its trailing slash.
    for (const path of ['/ogc/', '/ogc/conformance', '/ogc/collections', '/ogc/collections/{collectionId}', '/ogc/collections/{collectionId}/items', '/ogc/collections/{collectionId}/items/{featureId}']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
    const items = doc.paths['/ogc/collections/{collectionId}/items'].get;
    expect(items.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['limit', 'offset', 'bbox', 'bbox-crs', 'crs']));
    expect(items.responses['200'].content['application/geo+json']).toBeDefined();
  });
});

describeEachDatabase('OGC API – Features: items', (ctx) => {
  const items = async (query = '', collection = 'testa-addresses') => {
    const res = await ctx().app.inject(`/ogc/collections/${collection}/items${query}`);
    return { res, body: res.json() };
  };

  it('returns ten GeoJSON features by default with numberMatched, timeStamp and a Content-Crs', async () => {
    const { res, body } = await items();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers['content-crs']).toBe(`<${CRS84}>`);
    expect(body.type).toBe('FeatureCollection');
    expect(body.numberMatched).toBe(fixture.addressCount);
    expect(body.numberReturned).toBe(10);
    expect(body.features).toHaveLength(10);
    expect(Date.now() - Date.parse(body.timeStamp)).toBeLessThan(60_000);
    const [lon, lat] = body.features[0].geometry.coordinates;
    expect(lon).toBeCloseTo(24.018, 2);
    expect(lat).toBeCloseTo(56.854, 2);
  });

  it('pages through all 30 addresses with limit/offset and next/prev links', async () => {
    const ids: number[] = [];
    let url: string | undefined = '/ogc/collections/testa-addresses/items?limit=7';
    let pages = 0;
    while (url) {
      const body: any = (await ctx().app.inject(url)).json();
      expect(body.numberMatched).toBe(30);
      ids.push(...body.features.map((f: any) => f.id));
      const next: any = body.links.find((l: any) => l.rel === 'next');
      url = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
      if (pages > 0) expect(body.links.some((l: any) => l.rel === 'prev')).toBe(true);
      pages++;
    }
    expect(pages).toBe(5);
    expect(new Set(ids).size).toBe(30);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const { body } = await items('?limit=10&offset=20');
    expect(body.numberReturned).toBe(10);
    expect(body.links.find((l: any) => l.rel === 'next')).toBeUndefined();
    expect(body.links.find((l: any) => l.rel === 'prev').href).toMatch(/limit=10&offset=10$/);
    expect(body.links.find((l: any) => l.rel === 'self').href).toMatch(/^http:\/\/.+\/ogc\/collections\/testa-addresses\/items\?limit=10&offset=20$/);
  });

  it('answers an offset past the end with an empty page', async () => {
    const { res, body } = await items('?offset=1000');
    expect(res.statusCode).toBe(200);
    expect(body.numberReturned).toBe(0);
    expect(body.numberMatched).toBe(30);
  });

  it('serves a limit above 10000 as 10000', async () => {
    const { res, body } = await items('?limit=100000');
    expect(res.statusCode).toBe(200);
    expect(body.numberReturned).toBe(30);
    expect(body.links.find((l: any) => l.rel === 'self').href).toContain('limit=10000');
  });

  it('keeps Latvian diacritics intact', async () => {
    const { body } = await items('?limit=30');
    const addresses = body.features.map((f: any) => f.properties.full_address);
    for (const street of ['Mārupes iela', 'Ķekavas iela', 'Šosejas iela', 'Lielā iela']) {
      expect(addresses.some((a: string) => a.startsWith(street))).toBe(true);
    }
  });

  it('gives fields with their types: numbers as numbers, dates as ISO strings', async () => {
    const { body } = await items('?limit=6', 'testa-sewer-connections');
    const fifth = body.features.find((f: any) => f.properties.status === 'connected');
    expect(fifth.properties.cofinancing_eur).toBe(1200.5);
    expect(fifth.properties.population_equivalent).toBe(2.5);
    expect(fifth.properties.applied_on).toBe('2024-05-30');
    expect(typeof fifth.id).toBe('number');
    const address = (await items('?limit=1')).body.features[0];
    expect(address.properties.code).toBe(100000000);
  });

  it('leaves restricted fields out (street transfer owner names)', async () => {
    const { res, body } = await items('', 'testa-street-transfers');
    expect(res.statusCode).toBe(200);
    expect(body.numberMatched).toBe(fixture.streetTransferCount);
    for (const f of body.features) {
      expect(f.properties).not.toHaveProperty('owner_name');
      expect(JSON.stringify(f)).not.toMatch(/Bērziņš|Ābeles"/);
      expect(f.geometry.type).toBe('MultiPolygon');
    }
    expect(body.features.map((f: any) => f.properties.street_name).sort()).toEqual(['Pļavu iela', 'Ābeļu iela']);
  });

  it('refuses the records of a restricted layer with 403', async () => {
    for (const path of ['/items', '/items/1']) {
      const res = await ctx().app.inject(`/ogc/collections/testa-accommodation-sites${path}`);
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toMatch(/personal data.*authorised roles/);
      expect(res.body).not.toMatch(/Kovalenko|Ozols|3712/);
    }
  });

  it('filters by a CRS84 bbox', async () => {
    // The grid cell corners (501050, 301050)–(501250, 301350) in EPSG:3059, as lon/lat with a margin
    // well inside the 100 m spacing: easting columns 0–1, northing rows 0–2 → 6 addresses.
    const { body } = await items('?bbox=24.0170,56.8531,24.0206,56.8558&limit=100');
    expect(body.numberMatched).toBe(6);
    const expected = [0, 1, 6, 7, 12, 13].map((i) => grid[i]);
    const back = await items(`?bbox=24.0170,56.8531,24.0206,56.8558&limit=100&crs=${encodeURIComponent(EPSG3059)}`);
    expect(back.body.features.map((f: any) => f.geometry.coordinates)).toEqual(expected.map(([x, y]) => [y, x]));
  });

  it('filters by an EPSG:3059 bbox given northing first, as the CRS defines its axes', async () => {
    const { body } = await items(`?bbox=301050,501050,301350,501250&bbox-crs=${encodeURIComponent(EPSG3059)}&limit=100`);
    expect(body.numberMatched).toBe(6);
    const next = await items('?bbox=301050,501050,301350,501250&bbox-crs=EPSG:3059&limit=4');
    expect(next.body.numberReturned).toBe(4);
    const nextLink = next.body.links.find((l: any) => l.rel === 'next').href;
    expect(decodeURIComponent(nextLink)).toContain(`bbox=301050,501050,301350,501250&bbox-crs=${EPSG3059}`);
    // The same numbers read easting-first would be a box far from the grid.
    const none = await items('?bbox=501050,301050,501250,301350&bbox-crs=EPSG:3059');
    expect(none.body.numberMatched).toBe(0);
  });

  it('gives a world-wide CRS84 bbox every feature rather than an error', async () => {
    const { res, body } = await items('?bbox=-180,-90,180,90');
    expect(res.statusCode).toBe(200);
    // Read outside the row-level security scope, the statement's own municipality condition keeps
    // out the workflow suites' copy of the fixture, whose addresses lie on the same spots.
    expect(body.numberMatched).toBe(30);
    const far = await items('?bbox=-100,10,-90,20');
    expect(far.body.numberMatched).toBe(0);
  });

  it('returns stored EPSG:3059 coordinates in northing, easting order for crs=EPSG:3059', async () => {
    const { res, body } = await items(`?crs=${encodeURIComponent(EPSG3059)}&limit=30`);
    expect(res.headers['content-crs']).toBe(`<${EPSG3059}>`);
    expect(body.features.map((f: any) => f.geometry.coordinates)).toEqual(grid.map(([x, y]) => [y, x]));
    const self = body.links.find((l: any) => l.rel === 'self').href;
    expect(decodeURIComponent(self)).toContain(`crs=${EPSG3059}`);
  });

  it('returns EPSG:4326 in latitude, longitude order', async () => {
    const { res, body } = await items('?crs=EPSG:4326&limit=1');
    expect(res.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/EPSG/0/4326>');
    const [lat, lon] = body.features[0].geometry.coordinates;
    expect(lat).toBeCloseTo(56.854, 2);
    expect(lon).toBeCloseTo(24.018, 2);
  });

  it('returns one feature by id, in CRS84 or EPSG:3059', async () => {
    const first = (await items('?limit=1')).body.features[0];
    const res = await ctx().app.inject(`/ogc/collections/testa-addresses/items/${first.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.json()).toMatchObject({ type: 'Feature', id: first.id, properties: first.properties, geometry: first.geometry });
    expect(res.json().links.map((l: any) => l.rel)).toEqual(['self', 'collection']);
    const lks = await ctx().app.inject(`/ogc/collections/testa-addresses/items/${first.id}?crs=EPSG:3059`);
    expect(lks.headers['content-crs']).toBe(`<${EPSG3059}>`);
    expect(lks.json().geometry.coordinates).toEqual([301100, 501100]);
  });

  it('answers a missing or malformed feature id with 404', async () => {
    for (const id of ['999999', 'abc', '1%3B%20DROP%20TABLE%20address', '99999999999999999999']) {
      const res = await ctx().app.inject(`/ogc/collections/testa-addresses/items/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().message).toMatch(/no feature/);
    }
  });

  it('serves line layers too', async () => {
    const { body } = await items(`?crs=${encodeURIComponent(EPSG3059)}`, 'testa-sewer-mains');
    const gravity = body.features.find((f: any) => f.properties.kind === 'gravity');
    expect(gravity.geometry).toEqual({ type: 'LineString', coordinates: [[301050, 501000], [301050, 502000]] });
  });
});
