import turfArea from '@turf/area';
import turfLength from '@turf/length';

/** Geometry helpers of the map editor (drawn shapes ↔ the layer's geometry type). */

export type DrawMode = 'point' | 'linestring' | 'polygon';

/**
 * The Terra Draw mode that draws a layer's geometry type.
 * @example drawModeFor('MultiPolygon') // 'polygon'
 */
export function drawModeFor(geometryType: string): DrawMode {
  const t = geometryType.toLowerCase().replace(/^multi/, '');
  if (t === 'point') return 'point';
  if (t === 'linestring') return 'linestring';
  if (t === 'polygon') return 'polygon';
  throw new Error(`The layer's geometry type "${geometryType}" cannot be drawn; expected a point, line or polygon type`);
}

/**
 * A drawn single geometry in the layer's form: wrapped into a Multi* when the layer stores those.
 * @example toLayerGeometry({ type: 'Point', coordinates: [24, 56.9] }, 'MultiPoint') // { type: 'MultiPoint', coordinates: [[24, 56.9]] }
 */
export function toLayerGeometry(drawn: GeoJSON.Geometry, geometryType: string): GeoJSON.Geometry {
  if (!geometryType.toLowerCase().startsWith('multi') || drawn.type.startsWith('Multi')) return drawn;
  if (drawn.type === 'Point') return { type: 'MultiPoint', coordinates: [drawn.coordinates] };
  if (drawn.type === 'LineString') return { type: 'MultiLineString', coordinates: [drawn.coordinates] };
  if (drawn.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [drawn.coordinates] };
  throw new Error(`A ${drawn.type} cannot be stored in a ${geometryType} layer`);
}

/**
 * The parts of a stored geometry Terra Draw can edit (it handles single geometries only).
 * @example editableParts({ type: 'MultiPoint', coordinates: [[24, 56.9]] }) // [{ type: 'Point', coordinates: [24, 56.9] }]
 */
export function editableParts(geometry: GeoJSON.Geometry): (GeoJSON.Point | GeoJSON.LineString | GeoJSON.Polygon)[] {
  switch (geometry.type) {
    case 'Point':
    case 'LineString':
    case 'Polygon':
      return [geometry];
    case 'MultiPoint':
      return geometry.coordinates.map((coordinates) => ({ type: 'Point', coordinates }));
    case 'MultiLineString':
      return geometry.coordinates.map((coordinates) => ({ type: 'LineString', coordinates }));
    case 'MultiPolygon':
      return geometry.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
    default:
      return [];
  }
}

/** Joins edited single parts back into one geometry of the layer's type. */
export function joinParts(parts: GeoJSON.Geometry[], geometryType: string): GeoJSON.Geometry {
  if (parts.length === 0) throw new Error('Nothing is left of the geometry; delete the feature instead');
  if (parts.length === 1) return toLayerGeometry(parts[0], geometryType);
  const coordinates = parts.map((p) => (p as GeoJSON.Point | GeoJSON.LineString | GeoJSON.Polygon).coordinates);
  const type = `Multi${parts[0].type}` as 'MultiPoint' | 'MultiLineString' | 'MultiPolygon';
  return { type, coordinates } as GeoJSON.Geometry;
}

/**
 * A short measure of a drawn shape: metres of a line, square metres of a polygon, null for a point.
 */
export function measureOf(geometry: GeoJSON.Geometry): { kind: 'length' | 'area'; value: number } | null {
  if (geometry.type.endsWith('LineString')) return { kind: 'length', value: turfLength({ type: 'Feature', geometry, properties: {} }, { units: 'meters' }) };
  if (geometry.type.endsWith('Polygon')) return { kind: 'area', value: turfArea({ type: 'Feature', geometry, properties: {} }) };
  return null;
}

/**
 * The vertex nearest to a screen point within `tolerance` pixels (snapping to existing features).
 * @param target the pointer in container pixels
 * @param vertices candidate [lng, lat] positions
 * @param project lng/lat → container pixels (the map's `project`)
 * @returns the snapped [lng, lat], or undefined when nothing is close enough
 */
export function nearestVertex(
  target: { x: number; y: number },
  vertices: GeoJSON.Position[],
  project: (p: [number, number]) => { x: number; y: number },
  tolerance = 10,
): GeoJSON.Position | undefined {
  let best: GeoJSON.Position | undefined;
  let bestDistance = tolerance;
  for (const v of vertices) {
    const p = project([v[0], v[1]]);
    const d = Math.hypot(p.x - target.x, p.y - target.y);
    if (d <= bestDistance) {
      best = v;
      bestDistance = d;
    }
  }
  return best;
}

/** Every vertex of a geometry. */
export function verticesOf(geometry: GeoJSON.Geometry): GeoJSON.Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(verticesOf);
  }
}
