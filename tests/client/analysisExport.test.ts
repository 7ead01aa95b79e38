import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../client/src/lib/analysis/api.js';
import { resultCsv, resultGeoJson } from '../../client/src/lib/analysis/exportResult.js';

const result: AnalysisResult = {
  tool: 'nearest',
  summary: { count: 2, truncated: false },
  features: {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [24.1, 56.9] }, properties: { name: 'Skolas iela 1; Rīga', distance_m: 490 } },
      { type: 'Feature', id: 2, geometry: { type: 'Point', coordinates: [24.2, 56.8] }, properties: { name: 'Teksts ar "pēdiņām"', nearest_name: null } },
    ],
  },
  computedAt: '2026-11-22T14:00:00Z',
  elapsedMs: 3,
};

describe('analysis result export', () => {
  it('writes a CSV with every property column, point coordinates and quoted separators', () => {
    expect(resultCsv(result).split('\n')).toEqual([
      'id;name;distance_m;nearest_name;lon;lat',
      '1;"Skolas iela 1; Rīga";490;;24.1;56.9',
      '2;"Teksts ar ""pēdiņām""";;;24.2;56.8',
      '',
    ]);
  });

  it('writes the features as a GeoJSON FeatureCollection', () => {
    const parsed = JSON.parse(resultGeoJson(result));
    expect(parsed.type).toBe('FeatureCollection');
    expect(parsed.features).toHaveLength(2);
  });
});
