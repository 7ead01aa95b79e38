import area from '@turf/area';
import { lineString, polygon } from '@turf/helpers';
import length from '@turf/length';

export type MeasureMode = 'distance' | 'area';
type Position = [number, number];

/** Geodesic length of a path of [lon, lat] points, in metres. */
export function pathLength(points: Position[]): number {
  if (points.length < 2) return 0;
  return length(lineString(points), { units: 'kilometers' }) * 1000;
}

/** Geodesic area of the polygon the points enclose (closed automatically), in square metres. */
export function polygonArea(points: Position[]): number {
  if (points.length < 3) return 0;
  return area(polygon([[...points, points[0]]]));
}

/** "850 m", "1,25 km" per locale. */
export function formatDistance(metres: number, locale: string): string {
  if (metres < 1000) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: metres < 10 ? 1 : 0 }).format(metres)} m`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(metres / 1000)} km`;
}

/** "420 m²", "3,5 ha", "12,4 km²" per locale: hectares are what Latvian land users read. */
export function formatArea(squareMetres: number, locale: string): string {
  const n = (value: number, digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  if (squareMetres < 10_000) return `${n(squareMetres, 0)} m²`;
  if (squareMetres < 1_000_000) return `${n(squareMetres / 10_000, 2)} ha`;
  return `${n(squareMetres / 1_000_000, 2)} km²`;
}

/** What to draw for a measurement in progress: the vertices and the line or polygon. */
export function measureFeatures(mode: MeasureMode, points: Position[], hover?: Position): GeoJSON.FeatureCollection {
  const all = hover ? [...points, hover] : points;
  const features: GeoJSON.Feature[] = points.map((p) => ({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: p } }));
  if (mode === 'area' && all.length >= 3) {
    features.unshift({ type: 'Feature', properties: { role: 'area' }, geometry: { type: 'Polygon', coordinates: [[...all, all[0]]] } });
  } else if (all.length >= 2) {
    features.unshift({ type: 'Feature', properties: { role: 'line' }, geometry: { type: 'LineString', coordinates: all } });
  }
  return { type: 'FeatureCollection', features };
}
