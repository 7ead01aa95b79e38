import { describe, expect, it } from 'vitest';
import { formatLks92, formatWgs84, fromLks92, toLks92 } from '../../client/src/lib/map/coordinates.js';

// Reference values from PostGIS 3.3 / PROJ 9.1:
// SELECT ST_AsText(ST_Transform(ST_SetSRID(ST_MakePoint(500000,306000),3059),4326));
const reference = [
  { lks: { x: 306000, y: 500000 }, wgs: [24.000000000000004, 56.89771387149813] },
  { lks: { x: 305000, y: 505000 }, wgs: [24.082062597959464, 56.88870328481634] },
  { lks: { x: 311780.57486163825, y: 506399.31176919356 }, wgs: [24.1052, 56.9496] },
];

describe('LKS-92 ↔ WGS-84', () => {
  it.each(reference)('LKS-92 x=$lks.x y=$lks.y matches PostGIS', ({ lks, wgs }) => {
    const [lon, lat] = fromLks92(lks.x, lks.y);
    expect(lon).toBeCloseTo(wgs[0], 8);
    expect(lat).toBeCloseTo(wgs[1], 8);
  });

  it.each(reference)('WGS-84 $wgs matches PostGIS', ({ lks, wgs }) => {
    const back = toLks92(wgs[0], wgs[1]);
    // Millimetres: x is the northing, y the easting.
    expect(Math.abs(back.x - lks.x)).toBeLessThan(0.001);
    expect(Math.abs(back.y - lks.y)).toBeLessThan(0.001);
  });

  it('writes x (N) / y (E) as Latvians read them', () => {
    expect(formatLks92({ x: 306000.4, y: 500000.6 }, 'lv-LV')).toBe('x 306000 (N) / y 500001 (E)');
    expect(formatWgs84(24, 56.89771387, 'lv-LV')).toBe('56,897714° N, 24,000000° E');
    expect(formatWgs84(-3.5, -10.25, 'en-GB')).toBe('10.250000° S, 3.500000° W');
  });

  it('refuses what is not a number', () => {
    expect(() => toLks92(Number.NaN, 56)).toThrow(/must be numbers/);
    expect(() => fromLks92(306000, Number.POSITIVE_INFINITY)).toThrow(/must be numbers/);
  });
});
