import proj4 from 'proj4';

/** LKS-92 / Latvia TM, the national CRS. */
export const lks92 =
  '+proj=tmerc +lat_0=0 +lon_0=24 +k=0.9996 +x_0=500000 +y_0=-6000000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

const converter = proj4('EPSG:4326', lks92);

/**
 * LKS-92 coordinates as Latvians write them: x is the northing, y the easting (metres).
 * @example toLks92(24, 56.89771387) // { x: 306000.0…, y: 500000 }
 */
export function toLks92(lon: number, lat: number): { x: number; y: number } {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error(`toLks92: lon and lat must be numbers, got ${lon}, ${lat}`);
  const [easting, northing] = converter.forward([lon, lat]);
  return { x: northing, y: easting };
}

/**
 * WGS-84 [lon, lat] of an LKS-92 point given as x (northing) and y (easting).
 * @example fromLks92(306000, 500000) // [24, 56.8977…]
 */
export function fromLks92(x: number, y: number): [number, number] {
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`fromLks92: x and y must be numbers, got ${x}, ${y}`);
  const [lon, lat] = converter.inverse([y, x]);
  return [lon, lat];
}

/** "x 306 000 (N) / y 500 000 (E)"-style text of an LKS-92 point, to the metre. */
export function formatLks92(point: { x: number; y: number }, locale: string): string {
  const metres = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, useGrouping: false });
  return `x ${metres.format(point.x)} (N) / y ${metres.format(point.y)} (E)`;
}

export { formatWgs84 } from './coordinates-wgs';
