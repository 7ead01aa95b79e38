import { expect, it } from 'vitest';
import { geojsonToEwkb, type CheckedGeometry } from '../../../server/src/uploads/load/geojsonToEwkb.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

const cw = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]];
const ccwHole = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]];

describeEachDatabase('geojsonToEwkb', (ctx) => {
  /** What PostGIS reads from the EWKB: the geometry as GeoJSON, its SRID and whether it follows the right-hand rule. */
  const read = async (g: CheckedGeometry, multi = false) => {
    const { rows } = await ctx().app.pg.pool.query(
      `SELECT ST_AsGeoJSON(g, 9, 0)::json AS geojson, ST_SRID(g) AS srid, ST_IsPolygonCCW(g) AS ccw FROM (SELECT $1::geometry AS g) t`,
      [geojsonToEwkb(g, 3059, multi)],
    );
    return rows[0] as { geojson: { type: string; coordinates?: unknown; geometries?: unknown[] }; srid: number; ccw: boolean };
  };

  it('writes every geometry type PostGIS reads back unchanged, in EPSG:3059', async () => {
    const geometries: CheckedGeometry[] = [
      { type: 'Point', coordinates: [500000.125, 300000.5] },
      { type: 'LineString', coordinates: [[1, 2], [3, 4], [5, 6]] },
      { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
      { type: 'MultiLineString', coordinates: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] },
      { type: 'MultiPoint', coordinates: [] },
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[1, 2], [3, 4]] }] },
    ];
    for (const g of geometries) {
      const back = await read(g);
      expect(back.geojson, g.type).toEqual(g.type === 'GeometryCollection' ? { type: g.type, geometries: g.geometries } : { type: g.type, coordinates: g.coordinates });
      expect(back.srid).toBe(3059);
    }
  });

  it('winds polygons by the right-hand rule: outer rings counter-clockwise, holes clockwise', async () => {
    const polygon = await read({ type: 'Polygon', coordinates: [cw, ccwHole] });
    expect(polygon.ccw).toBe(true);
    expect(polygon.geojson.coordinates).toEqual([[...cw].reverse(), [...ccwHole].reverse()]);
    const multi = await read({ type: 'MultiPolygon', coordinates: [[cw], [[...cw].reverse()]] });
    expect(multi.ccw).toBe(true);
  });

  it('drops a third coordinate and promotes a single part to Multi when asked', async () => {
    expect((await read({ type: 'Point', coordinates: [1, 2, 99] })).geojson).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect((await read({ type: 'Point', coordinates: [1, 2] }, true)).geojson).toEqual({ type: 'MultiPoint', coordinates: [[1, 2]] });
    expect((await read({ type: 'Polygon', coordinates: [[...cw].reverse()] }, true)).geojson).toEqual({ type: 'MultiPolygon', coordinates: [[[...cw].reverse()]] });
  });

  it('writes a geometry larger than its working buffer whole', async () => {
    const ring = Array.from({ length: 6000 }, (_, i) => [Math.cos((i / 6000) * 2 * Math.PI) * 100, Math.sin((i / 6000) * 2 * Math.PI) * 100]);
    ring.push(ring[0]);
    const back = await read({ type: 'Polygon', coordinates: [ring] });
    expect((back.geojson.coordinates as number[][][])[0]).toHaveLength(6001);
  });
});
