import { describe, expect, it } from 'vitest';
import { encodeTileLayer, type TileFeatureRow } from '../../../server/src/tiles/mvtEncoder.js';
import { decodeTile, surveyorArea } from './tileTestKit.js';

const row = (id: number | null, geometry: object, properties: Record<string, unknown> = {}): TileFeatureRow => ({
  mvt_id: id,
  mvt_geojson: JSON.stringify(geometry),
  ...properties,
});

describe('encodeTileLayer', () => {
  it('writes one named layer with ids, typed properties and pixel geometry', () => {
    const tile = encodeTileLayer('testa-sewer-connections', [
      row(7, { type: 'Point', coordinates: [100, 200] }, { status: 'applied', cofinancing_eur: 1200.5, pe: 3, accessible: true }),
      row(8, { type: 'LineString', coordinates: [[0, 0], [10, 10], [20, 0]] }, { kind: 'gravity' }),
    ]);
    const layer = decodeTile(tile)['testa-sewer-connections'];
    expect(layer.extent).toBe(4096);
    expect(layer.features).toEqual([
      {
        id: 7,
        type: 1,
        properties: { status: 'applied', cofinancing_eur: 1200.5, pe: 3, accessible: true },
        geometry: [[{ x: 100, y: 200 }]],
      },
      { id: 8, type: 2, properties: { kind: 'gravity' }, geometry: [[{ x: 0, y: 0 }, { x: 10, y: 10 }, { x: 20, y: 0 }]] },
    ]);
  });

  it('leaves null properties out, as ST_AsMVT does', () => {
    const tile = encodeTileLayer('l', [row(1, { type: 'Point', coordinates: [1, 1] }, { name: null, code: 'A-1' })]);
    expect(decodeTile(tile).l.features[0].properties).toEqual({ code: 'A-1' });
  });

  it('keeps polygon rings closed with their holes, in the order the database gave', () => {
    const outer = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]];
    const hole = [[20, 20], [20, 40], [40, 40], [40, 20], [20, 20]];
    const tile = encodeTileLayer('l', [row(1, { type: 'MultiPolygon', coordinates: [[outer, hole], [[[200, 200], [300, 200], [300, 300], [200, 200]]]] })]);
    const [feature] = decodeTile(tile).l.features;
    expect(feature.type).toBe(3);
    expect(feature.geometry).toHaveLength(3);
    expect(feature.geometry.map((ring) => Math.sign(surveyorArea(ring)))).toEqual([1, -1, 1]);
  });

  it('gives an empty buffer when nothing drawable is left, so the route answers 204', () => {
    expect(encodeTileLayer('l', [])).toHaveLength(0);
    expect(encodeTileLayer('l', [row(1, { type: 'GeometryCollection', geometries: [] })])).toHaveLength(0);
    expect(encodeTileLayer('l', [row(1, { type: 'LineString', coordinates: [[1, 1]] })])).toHaveLength(0);
  });

  it('writes features without an id when the id is missing or negative', () => {
    const tile = encodeTileLayer('l', [row(null, { type: 'Point', coordinates: [1, 1] }), row(-3, { type: 'Point', coordinates: [2, 2] })]);
    expect(decodeTile(tile).l.features.map((f) => f.id)).toEqual([undefined, undefined]);
  });
});
