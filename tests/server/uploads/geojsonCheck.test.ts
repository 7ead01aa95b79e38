import { describe, expect, it } from 'vitest';
import { checkGeoJson } from '../../../server/src/uploads/geojsonCheck.js';

describe('checkGeoJson', () => {
  it('says at which line and column a text stops being JSON, as an editor counts them', () => {
    const text = '{\n  "type": "FeatureCollection",\n  "features": [\n    {"type": "Feature",}\n  ]\n}';
    const [error] = checkGeoJson(text).errors;
    expect(error).toMatchObject({ code: 'geojson.notJsonAt', params: { line: 4, column: 24 } });
    expect(error.message).toMatch(/^The file is not valid JSON at line 4, column 24: Expected double-quoted property name\.$/);
  });

  it('points past the last character of a file that ends too soon, after a byte order mark too', () => {
    const [error] = checkGeoJson('\uFEFF{"type": "FeatureCollection",\n"features": [').errors;
    expect(error).toMatchObject({ code: 'geojson.notJsonAt', params: { line: 2, column: 14 } });
  });

  it('keeps the parser\'s words when it names no position', () => {
    const [error] = checkGeoJson('{"a": tru}').errors;
    expect(error.code).toBe('geojson.notJson');
    expect(error.params!.detail).toMatch(/not valid JSON/);
  });

  it('gives the parsed document of a valid file with what it holds', () => {
    const result = checkGeoJson('{"type":"FeatureCollection","name":"punkti","features":[]}');
    expect(result).toMatchObject({ errors: [], summary: { name: 'punkti', epsg: 4326, hasZ: false }, document: { type: 'FeatureCollection', features: [] } });
  });
});
