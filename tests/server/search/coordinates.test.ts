import { describe, expect, it } from 'vitest';
import { lks92ToWgs84 } from '../../../server/src/geo/lks92.js';
import { parseCoordinates, type ParsedCoordinates } from '../../../server/src/search/coordinates.js';

const point = (q: string) => parseCoordinates(q) as ParsedCoordinates;

describe('parseCoordinates', () => {
  it('reads LKS-92 as Latvians write it, X (northing) first', () => {
    for (const q of ['306000 503000', '306000, 503000', '306000,503000', '306000; 503000', ' 306000.5  503000.25 ']) {
      const p = point(q);
      expect(p?.crs, q).toBe('EPSG:3059');
      expect(Math.round(p.northing)).toBe(306000 + (q.includes('.5') ? 1 : 0));
      expect(Math.round(p.easting)).toBe(503000);
    }
    const [lon, lat] = lks92ToWgs84([503000, 306000]);
    expect(point('306000 503000')).toMatchObject({ lon, lat, label: `LKS-92 X 306000, Y 503000 · WGS-84 ${lat.toFixed(6)}, ${lon.toFixed(6)}` });
  });

  it('takes easting first only when only that order fits Latvia, and northing first when both do', () => {
    expect(point('503000 306000')).toMatchObject({ easting: 503000, northing: 306000 });
    expect(point('400000 350000')).toMatchObject({ northing: 400000, easting: 350000 });
  });

  it('reads WGS-84 latitude first, longitude first when unambiguous, decimal commas too', () => {
    for (const q of ['56.95, 24.05', '56.95 24.05', '24.05 56.95', '24.05, 56.95', '56,95 24,05', '56,95; 24,05', '56.95° 24.05°']) {
      expect(point(q), q).toMatchObject({ crs: 'EPSG:4326', lat: 56.95, lon: 24.05 });
    }
    const p = point('56.95 24.05');
    expect(lks92ToWgs84([p.easting, p.northing]).map((v) => Number(v.toFixed(9)))).toEqual([24.05, 56.95]);
  });

  it('hints when a coordinate pair lies outside Latvia', () => {
    expect(parseCoordinates('48.85, 2.35')).toEqual({ hint: expect.stringMatching(/^WGS-84 coordinates in Latvia have latitude 55.6–58.1/) });
    expect(parseCoordinates('100000 200000')).toEqual({
      hint: 'LKS-92 coordinates in Latvia have X (northing) 160 000–450 000 and Y (easting) 290 000–780 000, e.g. "306000 503000".',
    });
  });

  it('leaves everything else to the other searches', () => {
    for (const q of ['12 3', 'iela 12', '56.95', '56.95 24.05 3', '80760040003', '1e5 2e5', '56.95,24.05,1', '2024 2025']) {
      expect(parseCoordinates(q), q).toBeUndefined();
    }
  });
});
