import proj4 from 'proj4';

/** LKS-92 / Latvia TM (EPSG:3059), the national CRS every stored geometry uses. */
export const LKS92_SRID = 3059;

/** proj4 definition of EPSG:3059 (from the product brief; matches PROJ's). */
export const LKS92_PROJ4 =
  '+proj=tmerc +lat_0=0 +lon_0=24 +k=0.9996 +x_0=500000 +y_0=-6000000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

const converter = proj4('EPSG:4326', LKS92_PROJ4);

/**
 * WGS-84 longitude/latitude → LKS-92 easting/northing in metres.
 * @example wgs84ToLks92([24, 56.9]) // → [500000, ≈306 9xx]
 */
export function wgs84ToLks92([lon, lat]: readonly [number, number]): [number, number] {
  const [x, y] = converter.forward([lon, lat]);
  return [x, y];
}

/** LKS-92 easting/northing in metres → WGS-84 longitude/latitude. */
export function lks92ToWgs84([x, y]: readonly [number, number]): [number, number] {
  const [lon, lat] = converter.inverse([x, y]);
  return [lon, lat];
}
