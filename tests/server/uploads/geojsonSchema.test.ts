import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { vectorBackend } from '../../../server/src/uploads/gdal/index.js';
import { hasNativeGdal } from '../../../server/src/uploads/gdal/probe.js';
import { checkGeoJson } from '../../../server/src/uploads/geojsonCheck.js';
import { geojsonSchema } from '../../../server/src/uploads/load/geojsonSchema.js';
import { describeWhen } from '../../helpers/requirements.js';

type Props = Record<string, unknown> | null;
const point = (properties: Props, coordinates = [500000, 300000]) => ({ type: 'Feature', properties, geometry: { type: 'Point', coordinates } });
const collection = (...features: object[]) => ({ type: 'FeatureCollection', features });
/** The schema of a document as its text would give it. */
const schemaOf = (doc: object) => {
  const text = JSON.stringify(doc);
  return geojsonSchema(JSON.parse(text), text);
};

describe('geojsonSchema', () => {
  it('types integers, large integers, reals, text and true/false as GDAL does', () => {
    const schema = schemaOf(
      collection(
        point({ nosaukums: 'Mārupe', skaits: 3, platiba: 2.5, liels: 3_000_000_000, aktivs: true }),
        point({ skaits: 4, platiba: 3, jauns: null, aktivs: false }),
        point({ jauns: 'x', skaits: null }),
      ),
    );
    expect(schema).toEqual({
      fields: [
        { name: 'nosaukums', type: 'String' },
        { name: 'skaits', type: 'Integer' },
        { name: 'platiba', type: 'Real' },
        { name: 'jauns', type: 'String' },
        { name: 'liels', type: 'Integer64' },
        { name: 'aktivs', type: 'Boolean' },
      ],
      geometryType: 'Point',
    });
  });

  it('orders fields as GDAL does: after those they follow in some feature, the rest by name', () => {
    const names = (...features: object[]) => (schemaOf(collection(...features)) as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(names(point({ foo: 1 }), point({ bar: 1 }))).toEqual(['bar', 'foo']);
    expect(names(point({ b: 1, a: 1 }))).toEqual(['b', 'a']);
    expect(names(point({ z: 1 }), point({ y: 1 }), point({ x: 1, z: 1 }))).toEqual(['x', 'y', 'z']);
    expect(names(point({ Z: 1, a: 1 }), point({ B: 1 }))).toEqual(['B', 'Z', 'a']);
    // The first feature's order wins over a later one that reverses it.
    expect(names(point({ a: 1, b: 1 }), point({ b: 1, a: 1 }), point({ z: 1 }), point({ y: 1 }))).toEqual(['a', 'b', 'y', 'z']);
    expect(names(point({ c: 1, a: 1 }), point({ a: 1, b: 1 }), point({ b: 1, c: 1 }))).toEqual(['c', 'a', 'b']);
  });

  it('makes a field of only nulls text, and integers mixed with reals real', () => {
    expect(schemaOf(collection(point({ a: null, b: 1 }), point({ a: null, b: 1.5 }), point({ b: 2 ** 40 })))).toMatchObject({
      fields: [{ name: 'a', type: 'String' }, { name: 'b', type: 'Real' }],
    });
  });

  it('leaves to GDAL what its driver reads in ways not copied here, saying why', () => {
    const fallback = (doc: object) => (schemaOf(doc) as { fallback?: string }).fallback;
    expect(fallback(collection(point({ datums: '2023-01-05' })))).toMatch(/date/);
    expect(fallback(collection(point({ laiks: '12:30' })))).toMatch(/date or time/);
    expect(fallback(collection(point({ saraksts: [1, 2] })))).toMatch(/list or object/);
    expect(fallback(collection(point({ objekts: { a: 1 } })))).toMatch(/list or object/);
    expect(fallback(collection({ ...point({}), id: 'a1' }))).toMatch(/feature id/);
    expect(fallback(collection(point({ 2020: 5 })))).toMatch(/is a number/);
    expect(fallback(collection(point({ Name: 'a', name: 'b' })))).toMatch(/case/);
    expect(fallback(collection(point({ a: 1 }), point({ a: 'x' })))).toMatch(/mixed/);
    expect(fallback(collection(point({ a: true }), point({ a: 1 })))).toMatch(/mixed/);
    expect(fallback(collection(point({ _upload_fid: 1 })))).toMatch(/pipeline's own/);
    expect(fallback(collection(point({ [`ūdensvada_${'ā'.repeat(30)}`]: 1 })))).toMatch(/longer than a column name/);
    expect(fallback({ type: 'Feature', properties: {}, geometry: null })).toMatch(/FeatureCollection/);
    // JSON.parse reads 2.0 as 2; GDAL reads it as a real.
    expect(fallback(JSON.parse('{"type":"FeatureCollection","features":[]}'))).toBeUndefined();
    const text = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":2.0},"geometry":null}]}';
    expect((geojsonSchema(JSON.parse(text), text) as { fallback?: string }).fallback).toMatch(/whole numbers written as reals/);
  });

  it('takes integer feature ids as GDAL does: as feature ids, not fields', () => {
    expect(schemaOf(collection({ ...point({ a: 1 }), id: 7 }))).toEqual({ fields: [{ name: 'a', type: 'Integer' }], geometryType: 'Point' });
  });

  it('gives the published geometry type when every feature has a geometry of one family, else any', () => {
    const polygon = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
    const typeOf = (...geometries: (object | null)[]) => (schemaOf(collection(...geometries.map((geometry) => ({ type: 'Feature', properties: {}, geometry })))) as { geometryType: string }).geometryType;
    expect(typeOf({ type: 'Point', coordinates: [1, 2] })).toBe('Point');
    expect(typeOf({ type: 'Point', coordinates: [1, 2] }, { type: 'MultiPoint', coordinates: [[1, 2]] })).toBe('MultiPoint');
    expect(typeOf({ type: 'LineString', coordinates: [[1, 2], [3, 4]] })).toBe('MultiLineString');
    expect(typeOf(polygon)).toBe('MultiPolygon');
    expect(typeOf(polygon, null)).toBe('Geometry');
    expect(typeOf(polygon, { type: 'Point', coordinates: [1, 2] })).toBe('Geometry');
    expect(typeOf({ type: 'MultiPoint', coordinates: [] })).toBe('Geometry');
    expect(typeOf({ type: 'GeometryCollection', geometries: [polygon, polygon] })).toBe('Geometry');
  });
});

const fixtures = path.join(rootDir, 'tests/fixtures');
const good = path.join(fixtures, 'external/mapbox-geojsonhint/good');

describeWhen(hasNativeGdal(), 'geojsonSchema beside ogrinfo', 'ogr2ogr/ogrinfo are not on the PATH', () => {
  it('lists the same fields with the same types as ogrinfo for every GeoJSON it does not leave to GDAL', async () => {
    const backend = await vectorBackend('native');
    const dir = await mkdtemp(path.join(tmpdir(), 'geojson-schema-'));
    try {
      // Edge cases of typing beside the fixtures: nulls first, 32/64-bit integers, mixes.
      const edges = path.join(dir, 'edges.geojson');
      await writeFile(
        edges,
        JSON.stringify(
          collection(
            { ...point({ a: null, b: 1, c: 2147483647, d: -0, e: true, f: 'teksts', g: 1 }), id: 3 },
            point({ a: 5, b: 2.25, c: 2147483648, e: null, f: null, h: null }),
            point({ g: 1e15, i: 'Ķekava, "pēdiņas"\tun\\slīpsvītra' }),
            point({ Z: 1, i: null, c: 1 }),
            point({ c: 1, b: 2, a: 3 }),
          ),
        ),
      );
      const files = [
        edges,
        ...readdirSync(good).map((f) => path.join(good, f)),
        ...['points.json', 'polygons.json', 'utf8-property.json'].map((f) => path.join(fixtures, 'external/mbostock-shapefile', f)),
        path.join(fixtures, 'external/mapbox-togeojson/extended_data.kml.geojson'),
        path.join(fixtures, 'uploads/punkti_lks92.geojson'),
        path.join(fixtures, 'uploads/mixed/jaukti_objekti.geojson'),
      ];
      let compared = 0;
      for (const file of files) {
        const text = await readFile(file, 'utf8');
        const check = checkGeoJson(text);
        if (check.errors.length) continue;
        const schema = geojsonSchema(check.document, text);
        if ('fallback' in schema) continue;
        const ogrinfo = (await backend.info(file)).layers[0];
        expect(schema.fields, path.basename(file)).toEqual(ogrinfo.fields);
        compared++;
      }
      expect(compared).toBeGreaterThan(8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
