import { problem, type ProblemCode, type ProblemParams } from './problems.js';
import type { Problem } from './types.js';

/** What a valid GeoJSON holds, as GDAL lists it: the layer's name, CRS and whether it has Z. */
export interface GeoJsonSummary {
  /** The FeatureCollection's "name" member, which GDAL takes as the layer name. */
  name?: string;
  /** The EPSG code of the CRS: 4326 without a "crs" member (RFC 7946); undefined for one that is not a plain EPSG name. */
  epsg?: number;
  /** Some position has a third number. */
  hasZ: boolean;
}

/** The EPSG code of a legacy "crs" member that names one (`EPSG:3059`, `urn:ogc:def:crs:EPSG::3059`, CRS84). */
function crsEpsg(crs: unknown): number | undefined {
  if (crs === undefined || crs === null) return 4326;
  const name = (crs as { type?: unknown; properties?: { name?: unknown } }).type === 'name' ? (crs as { properties?: { name?: unknown } }).properties?.name : undefined;
  if (typeof name !== 'string') return undefined;
  if (/^urn:ogc:def:crs:OGC:(1\.3)?:CRS84$/i.test(name)) return 4326;
  const m = name.match(/^(?:urn:ogc:def:crs:)?EPSG:(?:[\d.]*:)?(\d{4,6})$/i);
  return m ? Number(m[1]) : undefined;
}

/**
 * JSON.parse's complaint with the line and column it points at, as a text editor counts them
 * (from 1), when it gives a position: "at position 123456" alone leaves a user counting characters.
 */
function notJson(text: string, message: string): Problem {
  const at = message.match(/ in JSON at position (\d+)/);
  const position = at ? Number(at[1]) : /Unexpected end of JSON input/.test(message) ? text.length : undefined;
  const detail = message.replace(/ in JSON at position \d+.*$/, '');
  if (position === undefined) return problem('geojson.notJson', { detail });
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return problem('geojson.notJsonAt', { line, column: position - before.lastIndexOf('\n'), detail });
}

/** A problem found in a GeoJSON text, with the feature it is in when there is one. */
export type GeoJsonProblem = Problem;

const geometryTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];
const allTypes = [...geometryTypes, 'Feature', 'FeatureCollection'];

/** The JSON kind of a value as a keyword (`array`, `object`, `string`, …), the same in every language. */
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Checks a GeoJSON document against RFC 7946 the way `geojsonhint` does: exact type names,
 * required members, positions of 2–3 numbers, lines of two or more positions, closed rings of
 * four or more, members that would change an object's meaning. Polygons wound against the
 * right-hand rule are warnings (they are rewound on import), everything else an error.
 * @param text the file's text
 * @returns errors (the file must be refused) and warnings; the parsed document and what it holds
 */
export function checkGeoJson(text: string): { errors: GeoJsonProblem[]; warnings: GeoJsonProblem[]; summary?: GeoJsonSummary; document?: unknown } {
  const errors: GeoJsonProblem[] = [];
  const warnings: GeoJsonProblem[] = [];
  let hasZ = false;
  let root: unknown;
  const json = text.replace(/^\uFEFF/, '');
  try {
    root = JSON.parse(json);
  } catch (err) {
    return { errors: [notJson(json, (err as Error).message)], warnings };
  }
  let featureIndex: number | undefined;
  const error = (code: ProblemCode, params: ProblemParams = {}) => errors.push(problem(code, params, { featureIndex }));

  const typeOf = (obj: Record<string, unknown>, allowed: string[], missing: ProblemCode): string | undefined => {
    const t = obj.type;
    if (typeof t !== 'string') {
      error(t === undefined ? missing : 'geojson.typeNotString');
      return undefined;
    }
    if (!allowed.includes(t)) {
      const cased = allTypes.find((a) => a.toLowerCase() === t.toLowerCase());
      if (cased) error('geojson.typeCase', { type: t, expected: cased });
      else if (allowed.length < allTypes.length) error('geojson.typeNotAllowed', { type: t, allowed: allowed.join(', ') });
      else error('geojson.typeUnknown', { type: t });
      return undefined;
    }
    return t;
  };

  const bbox = (obj: Record<string, unknown>) => {
    if (!('bbox' in obj)) return;
    const b = obj.bbox;
    if (!Array.isArray(b) || b.some((n) => typeof n !== 'number') || (b.length !== 4 && b.length !== 6)) {
      error('geojson.bbox');
    }
  };

  const position = (p: unknown): boolean => {
    if (!Array.isArray(p)) {
      if (typeof p === 'number') error('geojson.positionNotNested');
      else error('geojson.positionNotArray', { found: kind(p) });
      return false;
    }
    if (p.length < 2) {
      error('geojson.positionTooShort');
      return false;
    }
    if (p.length > 3) {
      error('geojson.positionTooLong', { count: p.length });
      return false;
    }
    if (p.length === 3) hasZ = true;
    if (p.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
      error('geojson.coordinateNotNumber', { value: JSON.stringify(p).slice(0, 60) });
      return false;
    }
    return true;
  };

  /** Checks an array of positions: those of a geometry of `type`, or of a polygon ring (`ring`). */
  const positions = (ps: unknown, min: number, type: string | 'ring'): boolean => {
    if (!Array.isArray(ps)) {
      if (type === 'ring') error('geojson.ringNotArray', { found: kind(ps) });
      else error('geojson.positionsNotArray', { type, found: kind(ps) });
      return false;
    }
    if (!ps.every(position)) return false;
    if (ps.length < min) {
      if (type === 'ring') error('geojson.ringTooShort', { count: ps.length });
      else error('geojson.tooFewPositions', { type, min, count: ps.length });
      return false;
    }
    return true;
  };

  /** Signed area of a ring in the plane: positive when counter-clockwise. */
  const area = (ring: number[][]) => {
    let sum = 0;
    for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    return sum / 2;
  };

  let windingWarned = false;
  const polygon = (rings: unknown) => {
    if (!Array.isArray(rings)) {
      error('geojson.polygonNotArray', { found: kind(rings) });
      return;
    }
    rings.forEach((ring, r) => {
      if (!positions(ring, 4, 'ring')) return;
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first.length !== last.length || first.some((v, i) => v !== last[i])) {
        error('geojson.ringNotClosed');
        return;
      }
      const ccw = area(ring as number[][]) > 0;
      if (!windingWarned && ccw !== (r === 0)) {
        windingWarned = true;
        warnings.push(problem('geojson.winding', {}, { featureIndex }));
      }
    });
  };

  const geometry = (g: unknown, nested = false): void => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) {
      error('geojson.geometryNotObject', { found: kind(g) });
      return;
    }
    const obj = g as Record<string, unknown>;
    const t = typeOf(obj, geometryTypes, 'geojson.geometryNoType');
    if (!t) return;
    bbox(obj);
    for (const member of ['properties', 'geometry', 'features']) {
      if (member in obj) error('geojson.geometryForeignMember', { type: t, member });
    }
    if (t === 'GeometryCollection') {
      if ('coordinates' in obj) error('geojson.collectionCoordinates');
      if (!Array.isArray(obj.geometries)) return void error('geojson.collectionNoGeometries');
      if (nested) error('geojson.collectionNested');
      if (obj.geometries.length === 1) error('geojson.collectionSingle');
      for (const member of obj.geometries) geometry(member, true);
      return;
    }
    if ('geometries' in obj) error('geojson.geometriesMember', { type: t });
    if (!('coordinates' in obj)) return void error('geojson.noCoordinates', { type: t });
    const c = obj.coordinates;
    if (t === 'Point') position(c);
    else if (t === 'MultiPoint') positions(c, 0, 'MultiPoint');
    else if (t === 'LineString') positions(c, 2, 'LineString');
    else if (t === 'MultiLineString') {
      if (!Array.isArray(c)) error('geojson.multiLineNotArray', { found: kind(c) });
      else c.forEach((line) => positions(line, 2, 'LineString'));
    } else if (t === 'Polygon') polygon(c);
    else if (t === 'MultiPolygon') {
      if (!Array.isArray(c)) error('geojson.multiPolygonNotArray', { found: kind(c) });
      else c.forEach(polygon);
    }
  };

  const feature = (f: unknown) => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) return void error('geojson.featureNotObject', { found: kind(f) });
    const obj = f as Record<string, unknown>;
    if (typeOf(obj, ['Feature'], 'geojson.featureNoType') !== 'Feature') return;
    bbox(obj);
    for (const member of ['features', 'coordinates', 'geometries']) {
      if (member in obj) error('geojson.featureForeignMember', { member });
    }
    if ('id' in obj && typeof obj.id !== 'string' && typeof obj.id !== 'number') error('geojson.featureId');
    if (!('properties' in obj)) error('geojson.featureNoProperties');
    else if (obj.properties !== null && (typeof obj.properties !== 'object' || Array.isArray(obj.properties))) {
      error('geojson.featurePropertiesType', { found: kind(obj.properties) });
    }
    if (!('geometry' in obj)) error('geojson.featureNoGeometry');
    else if (obj.geometry !== null) geometry(obj.geometry);
  };

  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { errors: [problem('geojson.notObject', { found: kind(root) })], warnings };
  }
  const obj = root as Record<string, unknown>;
  const t = typeOf(obj, allTypes, 'geojson.rootNoType');
  if (t === 'FeatureCollection') {
    bbox(obj);
    for (const member of ['coordinates', 'geometry', 'properties', 'geometries']) {
      if (member in obj) error('geojson.collectionForeignMember', { member });
    }
    if (!Array.isArray(obj.features)) error('geojson.noFeaturesArray');
    else {
      obj.features.forEach((f, i) => {
        featureIndex = i;
        feature(f);
      });
    }
  } else if (t === 'Feature') {
    featureIndex = 0;
    feature(obj);
  } else if (t) geometry(obj);
  const name = t === 'FeatureCollection' && typeof obj.name === 'string' ? obj.name : undefined;
  return { errors, warnings, summary: { ...(name ? { name } : {}), epsg: crsEpsg(obj.crs), hasZ }, document: root };
}
