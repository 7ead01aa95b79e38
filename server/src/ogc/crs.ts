import { badRequest } from '../plugins/errors.js';

/** SRID every layer geometry is stored in: LKS-92 / Latvia TM. */
export const STORAGE_SRID = 3059;

/**
 * A coordinate reference system this API can answer in.
 * `northingFirst` is the axis order of the CRS as EPSG defines it (PROJ's `projinfo EPSG:3059`
 * lists "northing (X)" before "easting (Y)"). PostGIS always keeps x = easting/longitude, so
 * such CRSs need their coordinates flipped on the way out and their bbox read the other way in.
 */
export interface ServedCrs {
  uri: string;
  srid: number;
  northingFirst: boolean;
  /** Decimal places in GeoJSON output: ≈ 1 cm in degrees, 1 mm in metres. */
  digits: number;
  geographic: boolean;
}

export const CRS84: ServedCrs = {
  uri: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
  srid: 4326,
  northingFirst: false,
  digits: 7,
  geographic: true,
};
export const LKS92_TM: ServedCrs = {
  uri: 'http://www.opengis.net/def/crs/EPSG/0/3059',
  srid: 3059,
  northingFirst: true,
  digits: 3,
  geographic: false,
};
export const WGS84_LAT_LON: ServedCrs = {
  uri: 'http://www.opengis.net/def/crs/EPSG/0/4326',
  srid: 4326,
  northingFirst: true,
  digits: 7,
  geographic: true,
};

/** Every CRS a collection offers, CRS84 (the default) first. */
export const servedCrs: readonly ServedCrs[] = [CRS84, LKS92_TM, WGS84_LAT_LON];
export const storageCrs = LKS92_TM;

/** Short spellings clients commonly send, besides the URIs themselves. */
const aliases = new Map<string, ServedCrs>([
  ['crs84', CRS84],
  ['ogc:crs84', CRS84],
  ['[ogc:crs84]', CRS84],
  ['epsg:3059', LKS92_TM],
  ['[epsg:3059]', LKS92_TM],
  ['epsg:4326', WGS84_LAT_LON],
  ['[epsg:4326]', WGS84_LAT_LON],
]);

/**
 * The served CRS named by a `crs` or `bbox-crs` parameter (URI, or `EPSG:nnnn` / `OGC:CRS84`).
 * @param value the parameter as sent; undefined means the default, CRS84
 * @param parameter the parameter's name, for the error message
 * @returns the CRS
 * @example parseCrs('http://www.opengis.net/def/crs/EPSG/0/3059', 'crs') // → LKS92_TM
 */
export function parseCrs(value: string | undefined, parameter: 'crs' | 'bbox-crs'): ServedCrs {
  if (value === undefined) return CRS84;
  const trimmed = value.trim();
  const found = servedCrs.find((c) => c.uri === trimmed.replace(/^https:/, 'http:')) ?? aliases.get(trimmed.toLowerCase());
  if (!found) {
    throw badRequest(
      `The ${parameter} "${clip(value)}" is not supported. Use one of: ${servedCrs.map((c) => c.uri).join(', ')} ` +
        `(EPSG:3059 and EPSG:4326 are accepted as short forms).`,
      { supportedCrs: servedCrs.map((c) => c.uri) },
    );
  }
  return found;
}

/** A bounding box in a CRS, corners in PostGIS order (x = easting/longitude). */
export interface Envelope {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  crs: ServedCrs;
}

/**
 * Reads the `bbox` parameter: four numbers in the axis order of `crs` (for EPSG:3059 that is
 * min northing, min easting, max northing, max easting; for CRS84 lon, lat, lon, lat).
 * @returns the envelope with x/y in PostGIS order
 * @example parseBbox('23.9,56.8,24.1,56.9', CRS84) // → { minX: 23.9, minY: 56.8, maxX: 24.1, maxY: 56.9, crs: CRS84 }
 */
export function parseBbox(value: string, crs: ServedCrs): Envelope {
  const order = crs.northingFirst ? 'minY,minX,maxY,maxX' : 'minX,minY,maxX,maxY';
  const example = crs === LKS92_TM ? '301000,501000,302000,502000' : crs === CRS84 ? '23.9,56.8,24.1,56.9' : '56.8,23.9,56.9,24.1';
  const axes = crs === LKS92_TM ? 'min northing, min easting, max northing, max easting' : crs.northingFirst ? 'min lat, min lon, max lat, max lon' : 'min lon, min lat, max lon, max lat';
  const hint = `Give four comma-separated numbers in the order of ${crs.uri}: ${axes}, e.g. bbox=${example}.`;
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 6) {
    throw badRequest(`The bbox has six numbers (a 3D box), but these layers are 2D. ${hint}`);
  }
  if (parts.length !== 4) throw badRequest(`The bbox "${clip(value)}" has ${parts.length} value(s). ${hint}`);
  const numbers = parts.map((p) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(p) ? Number(p) : NaN));
  const bad = parts.find((_, i) => !Number.isFinite(numbers[i]));
  if (bad !== undefined) throw badRequest(`The bbox value "${clip(bad)}" is not a number. ${hint}`);
  const [a, b, c, d] = numbers;
  const [minX, minY, maxX, maxY] = crs.northingFirst ? [b, a, d, c] : [a, b, c, d];
  const [first, second] = crs.northingFirst ? ['northing/latitude', 'easting/longitude'] : ['easting/longitude', 'northing/latitude'];
  if (a > c) throw badRequest(`The bbox's lower ${first} (${a}) is greater than its upper (${c}); boxes across the antimeridian are not supported. ${hint}`);
  if (b > d) throw badRequest(`The bbox's lower ${second} (${b}) is greater than its upper (${d}). ${hint}`);
  if (crs.geographic && (Math.abs(minX) > 180 || Math.abs(maxX) > 180 || Math.abs(minY) > 90 || Math.abs(maxY) > 90)) {
    throw badRequest(`The bbox is outside longitude −180…180 / latitude −90…90. ${hint}`);
  }
  return { minX, minY, maxX, maxY, crs };
}

/**
 * Where a degree box can be projected to Latvia TM without PROJ producing nonsense: ±12° around
 * its central meridian (24° E). A whole-world box from a client is clipped to this window.
 */
export const projectableWindow = { minX: 12, minY: 50, maxX: 36, maxY: 64 } as const;

/**
 * Clips a geographic envelope to the window where it can be projected to the storage CRS;
 * null when nothing of it lies there (so nothing stored can match).
 */
export function clipToProjectable(env: Envelope): Envelope | null {
  if (!env.crs.geographic) return env;
  const w = projectableWindow;
  const clipped = {
    ...env,
    minX: Math.max(env.minX, w.minX),
    minY: Math.max(env.minY, w.minY),
    maxX: Math.min(env.maxX, w.maxX),
    maxY: Math.min(env.maxY, w.maxY),
  };
  return clipped.minX <= clipped.maxX && clipped.minY <= clipped.maxY ? clipped : null;
}

/** Request text quoted back in an error message: short, so a long attack string is not echoed. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
