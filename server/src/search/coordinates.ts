import { lks92ToWgs84, wgs84ToLks92 } from '../geo/lks92.js';

/**
 * Coordinates typed into the search box, in the two systems Latvian users write:
 *
 * - LKS-92 / Latvia TM (EPSG:3059), "306000 503000" or "306000, 503000": X first, and X is the
 *   northing (as in the State Address Register's KOORD_X and on Latvian maps), then Y, the
 *   easting. When only the other order makes sense for Latvia (easting-first, as GIS software
 *   writes x/y), that order is taken.
 * - WGS-84 degrees, "56.95, 24.05" or "56.95 24.05": latitude first; "24.05 56.95" is read as
 *   longitude, latitude because in Latvia the two ranges cannot be confused.
 *
 * Decimal points or, separated by spaces, decimal commas ("56,95 24,05") are accepted.
 */

/** Plausible ranges for Latvia. */
export const LATVIA = {
  northing: [160_000, 450_000],
  easting: [290_000, 780_000],
  lat: [55.6, 58.1],
  lon: [20.9, 28.3],
} as const;

export interface ParsedCoordinates {
  /** How the user wrote them. */
  crs: 'EPSG:3059' | 'EPSG:4326';
  /** LKS-92 easting and northing in metres. */
  easting: number;
  northing: number;
  lon: number;
  lat: number;
  /** Both systems, e.g. "LKS-92 X 306000, Y 503000 · WGS-84 56.897704, 24.049249". */
  label: string;
}

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
const COMMA_NUMBER = String.raw`[-+]?\d+(?:,\d+)?`;
// Two numbers with points for decimals, separated by a comma, semicolon or spaces…
const POINT_PAIR = new RegExp(String.raw`^\s*(${NUMBER})°?\s*(?:[,;]\s*|\s+)(${NUMBER})°?\s*$`);
// …or with decimal commas, separated by a semicolon or spaces.
const COMMA_PAIR = new RegExp(String.raw`^\s*(${COMMA_NUMBER})°?\s*(?:;\s*|\s+)(${COMMA_NUMBER})°?\s*$`);

const within = (v: number, [min, max]: readonly [number, number]) => v >= min && v <= max;

/**
 * Reads a coordinate pair from a search query.
 * @returns the point in both systems, `{ hint }` for a pair that is coordinates but lies outside
 *   Latvia, or undefined when the query is not a coordinate pair
 * @example parseCoordinates('306000 503000') // → { crs: 'EPSG:3059', easting: 503000, northing: 306000, … }
 */
export function parseCoordinates(query: string): ParsedCoordinates | { hint: string } | undefined {
  const match = POINT_PAIR.exec(query) ?? COMMA_PAIR.exec(query);
  if (!match) return undefined;
  const raw = [match[1], match[2]];
  const [a, b] = raw.map((t) => Number(t.replace(',', '.')));
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;

  if (Math.abs(a) >= 100_000 && Math.abs(b) >= 100_000) {
    if (within(a, LATVIA.northing) && within(b, LATVIA.easting)) return fromLks92(b, a);
    if (within(a, LATVIA.easting) && within(b, LATVIA.northing)) return fromLks92(a, b);
    return {
      hint:
        `LKS-92 coordinates in Latvia have X (northing) ${range(LATVIA.northing)} and Y (easting) ` +
        `${range(LATVIA.easting)}, e.g. "306000 503000".`,
    };
  }
  // Degrees need a fraction: "12 3" is more likely part of an address than a point.
  const hasFraction = raw.some((t) => /[.,]/.test(t));
  if (hasFraction && Math.abs(a) <= 180 && Math.abs(b) <= 180) {
    if (within(a, LATVIA.lat) && within(b, LATVIA.lon)) return fromWgs84(b, a);
    if (within(a, LATVIA.lon) && within(b, LATVIA.lat)) return fromWgs84(a, b);
    return {
      hint:
        `WGS-84 coordinates in Latvia have latitude ${LATVIA.lat.join('–')} and longitude ${LATVIA.lon.join('–')}, ` +
        'e.g. "56.95, 24.05".',
    };
  }
  return undefined;
}

function range([min, max]: readonly [number, number]): string {
  return `${min.toLocaleString('en').replace(/,/g, ' ')}–${max.toLocaleString('en').replace(/,/g, ' ')}`;
}

function fromLks92(easting: number, northing: number): ParsedCoordinates {
  const [lon, lat] = lks92ToWgs84([easting, northing]);
  return describe('EPSG:3059', easting, northing, lon, lat);
}

function fromWgs84(lon: number, lat: number): ParsedCoordinates {
  const [easting, northing] = wgs84ToLks92([lon, lat]);
  return describe('EPSG:4326', easting, northing, lon, lat);
}

function describe(crs: ParsedCoordinates['crs'], easting: number, northing: number, lon: number, lat: number): ParsedCoordinates {
  const metres = (v: number) => String(Math.round(v * 100) / 100);
  const degrees = (v: number) => v.toFixed(6);
  return {
    crs,
    easting,
    northing,
    lon,
    lat,
    label: `LKS-92 X ${metres(northing)}, Y ${metres(easting)} · WGS-84 ${degrees(lat)}, ${degrees(lon)}`,
  };
}
