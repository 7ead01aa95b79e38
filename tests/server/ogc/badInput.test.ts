import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';

const items = '/ogc/collections/testa-addresses/items';

/** Each bad request with the words its 400 message must contain. */
const badRequests: [string, RegExp][] = [
  ['limit=-1', /limit must be a whole number of at least 1/],
  ['limit=0', /limit must be a whole number of at least 1/],
  ['limit=abc', /limit must be a whole number/],
  ['limit=2.5', /limit must be a whole number/],
  ['offset=-1', /offset must be a whole number from 0/],
  ['offset=1e99', /offset must be a whole number from 0 to 2147483647/],
  ['offset=abc', /offset must be a whole number/],
  ['bbox=1,2,3', /bbox "1,2,3" has 3 value\(s\).*four comma-separated numbers/],
  ['bbox=a,b,c,d', /bbox value "a" is not a number/],
  ['bbox=24.1,56.8,24.0,56.9', /lower easting\/longitude \(24\.1\) is greater than its upper/],
  ['bbox=24.0,56.9,24.1,56.8', /lower northing\/latitude \(56\.9\) is greater than its upper/],
  ['bbox=24,56.8,0,24.1,56.9,100', /six numbers \(a 3D box\)/],
  ['bbox=24,56.8,24.1,95', /outside longitude/],
  ['bbox=Infinity,1,2,3', /not a number/],
  ['bbox=0x10,1,2,3', /not a number/],
  ['crs=EPSG:9999', /crs "EPSG:9999" is not supported.*CRS84.*EPSG\/0\/3059/],
  ['crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154', /not supported/],
  ['bbox=1,2,3,4&bbox-crs=EPSG:3857', /bbox-crs "EPSG:3857" is not supported/],
  ['f=html', /Only JSON is offered/],
  ['lang=de', /lang must be one of lv, en, uk/],
  ['foo=1', /Unknown query parameter "foo".*accepts: limit, offset, bbox, bbox-crs, crs, lang, f/],
  ['filter=name%3D1', /Unknown query parameter "filter"/],
  // SQL fragments go nowhere near SQL: each fails validation of the parameter it sits in.
  ["limit=10%3B%20DROP%20TABLE%20address", /limit must be a whole number/],
  ["offset=0%20OR%201%3D1", /offset must be a whole number/],
  ["bbox=1,2,3,4)%3B%20DELETE%20FROM%20address%3B--", /not a number/],
  ["crs=EPSG:3059'%3B--", /is not supported/],
  ["bbox-crs=EPSG:3059%20UNION%20SELECT%201&bbox=1,2,3,4", /is not supported/],
];

describeEachDatabase('OGC API – Features: bad input', (ctx) => {
  for (const [query, message] of badRequests) {
    it(`answers ?${decodeURIComponent(query)} with 400 and a message saying what would work`, async () => {
      const res = await ctx().app.inject(`${items}?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('Bad Request');
      expect(res.json().message).toMatch(message);
    });
  }

  it('lists the supported CRSs in the 400 for an unsupported one', async () => {
    const res = await ctx().app.inject(`${items}?crs=EPSG:9999`);
    expect(res.json().details.supportedCrs).toEqual([
      'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
      'http://www.opengis.net/def/crs/EPSG/0/3059',
      'http://www.opengis.net/def/crs/EPSG/0/4326',
    ]);
  });

  it('refuses unknown parameters and bad crs on the other resources too', async () => {
    for (const url of ['/ogc?x=1', '/ogc/conformance?x=1', '/ogc/collections?x=1', '/ogc/collections/testa-addresses?x=1', `${items}/1?x=1`]) {
      const res = await ctx().app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toMatch(/Unknown query parameter "x"/);
    }
    expect((await ctx().app.inject(`${items}/1?crs=EPSG:9999`)).statusCode).toBe(400);
  });

  it('answers SQL in a collection id with 404, and the table is intact afterwards', async () => {
    const res = await ctx().app.inject(`/ogc/collections/${encodeURIComponent("testa-addresses'; DROP TABLE address; --")}/items`);
    expect(res.statusCode).toBe(404);
    const after = await ctx().app.inject(`${items}?limit=1`);
    expect(after.json().numberMatched).toBe(30);
  });

  it('answers unknown collections with 404 on items and single items', async () => {
    for (const url of ['/ogc/collections/nope/items', '/ogc/collections/nope/items/1']) {
      const res = await ctx().app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toBe('Not Found');
    }
  });

  it('accepts f=json and the short CRS forms', async () => {
    const res = await ctx().app.inject(`${items}?f=json&crs=%5BEPSG:3059%5D&bbox-crs=EPSG:4326&bbox=56.85,24.01,56.86,24.03`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/EPSG/0/3059>');
    expect(res.json().numberMatched).toBeGreaterThan(0);
  });
});
