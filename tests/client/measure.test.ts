import { describe, expect, it } from 'vitest';
import { fromLks92 } from '../../client/src/lib/map/coordinates.js';
import { formatArea, formatDistance, measureFeatures, pathLength, polygonArea } from '../../client/src/lib/measure/measure.js';

describe('measure', () => {
  it('measures geodesic length: a tenth of a degree of latitude is about 11.1 km', () => {
    expect(pathLength([[24, 56.9], [24, 57.0]])).toBeCloseTo(11_119.5, 0);
    expect(pathLength([[24, 56.9]])).toBe(0);
  });

  it('measures geodesic area: a 100 m LKS-92 square is about one hectare', () => {
    const corners = [
      [306000, 500000],
      [306000, 500100],
      [306100, 500100],
      [306100, 500000],
    ].map(([x, y]) => fromLks92(x, y));
    expect(polygonArea(corners) / 10_000).toBeCloseTo(1, 1);
    expect(polygonArea(corners.slice(0, 2))).toBe(0);
  });

  it('writes distances and areas in the units people read', () => {
    expect(formatDistance(850.4, 'lv-LV')).toBe('850 m');
    expect(formatDistance(1250, 'lv-LV')).toBe('1,25 km');
    expect(formatDistance(1250, 'en-GB')).toBe('1.25 km');
    expect(formatArea(420, 'lv-LV')).toBe('420 m²');
    expect(formatArea(35_000, 'lv-LV')).toBe('3,5 ha');
    expect(formatArea(12_400_000, 'en-GB')).toBe('12.4 km²');
  });

  it('draws a closed polygon for an area and a line for a distance', () => {
    const pts: [number, number][] = [[24, 56.9], [24.01, 56.9], [24.01, 56.91]];
    const area = measureFeatures('area', pts);
    expect(area.features[0].geometry).toEqual({ type: 'Polygon', coordinates: [[...pts, pts[0]]] });
    const line = measureFeatures('distance', pts.slice(0, 1), [24.02, 56.9]);
    expect(line.features[0].geometry).toEqual({ type: 'LineString', coordinates: [pts[0], [24.02, 56.9]] });
  });
});
