import type { GeometryType } from '../../layers/types.js';

/** A field as GDAL's GeoJSON driver would type it (only the types this module can be sure of). */
export interface GeoJsonField {
  name: string;
  type: 'Integer' | 'Integer64' | 'Real' | 'String' | 'Boolean';
}

/**
 * How the features of a checked GeoJSON FeatureCollection can be staged without GDAL: their fields
 * typed as GDAL types them, and the geometry column's type — the published type when every
 * feature has a non-empty geometry of one family, else `Geometry` (any).
 */
export interface GeoJsonSchema {
  fields: GeoJsonField[];
  geometryType: GeometryType | 'Geometry';
}

/** Why a document is left to GDAL: something its driver reads in a way this module does not copy. */
export type SchemaFallback = { fallback: string };

const int32 = 2 ** 31 - 1;
/** Array-index keys come first in a parsed object whatever the text's order, which GDAL keeps. */
const indexLike = /^(0|[1-9]\d{0,9})$/;
/**
 * Strings GDAL's driver may take for dates or times (`2023-01-05`, `2023/1/5`, `12:30`); a field
 * holding one is left to GDAL rather than guessing its rules.
 */
const dateLike = /^\s*\d{1,4}[-/]\d{1,2}[-/]\d|^\s*\d{1,2}:\d{2}/;

const families: Record<string, [family: 'Point' | 'LineString' | 'Polygon', multi: boolean]> = {
  Point: ['Point', false],
  MultiPoint: ['Point', true],
  LineString: ['LineString', false],
  MultiLineString: ['LineString', true],
  Polygon: ['Polygon', false],
  MultiPolygon: ['Polygon', true],
};

/** Whether a checked geometry has no coordinates at all (`MultiPoint []`, `Polygon []`). */
function isEmpty(g: { type: string; coordinates?: unknown[] }): boolean {
  return !g.coordinates?.length;
}

/** Whether the number written for `key` somewhere in the text has a decimal point or an exponent (GDAL reads `1.0` as a real). */
function writtenAsReal(text: string, key: string): boolean {
  const literal = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${literal}\\s*:\\s*-?\\d+[.eE]`).test(text);
}

/** Whether `to` can be reached from `from` along the `after` edges. */
function reaches(after: Map<string, Set<string>>, from: string, to: string): boolean {
  const stack = [from];
  const seen = new Set(stack);
  while (stack.length) {
    const node = stack.pop()!;
    if (node === to) return true;
    for (const next of after.get(node) ?? []) if (!seen.has(next)) seen.add(next), stack.push(next);
  }
  return false;
}

/** Records that `second` followed `first` in a feature, unless an earlier feature had them the other way round. */
function follow(after: Map<string, Set<string>>, first: string, second: string) {
  const edges = after.get(first);
  if (edges?.has(second) || reaches(after, second, first)) return;
  if (edges) edges.add(second);
  else after.set(first, new Set([second]));
}

/**
 * The field order of GDAL's GeoJSON driver: every field after those it followed in some feature,
 * and among the fields free to come next, the first by name (as bytes: upper case first).
 */
function fieldOrder(names: string[], after: Map<string, Set<string>>): string[] {
  const before = new Map(names.map((n) => [n, 0]));
  for (const edges of after.values()) for (const n of edges) before.set(n, before.get(n)! + 1);
  const free = names.filter((n) => before.get(n) === 0);
  const order: string[] = [];
  while (free.length) {
    let first = 0;
    for (let i = 1; i < free.length; i++) if (free[i] < free[first]) first = i;
    const [name] = free.splice(first, 1);
    order.push(name);
    for (const next of after.get(name) ?? []) {
      before.set(next, before.get(next)! - 1);
      if (before.get(next) === 0) free.push(next);
    }
  }
  return order;
}

/**
 * Types the fields and the geometry of a GeoJSON FeatureCollection that `checkGeoJson` found
 * valid, the way GDAL's GeoJSON driver (3.6) lists them: fields in the order the features give
 * them (ties by name, see `fieldOrder`), integers as Integer (Integer64 past 32 bits), any real
 * or integer mix as Real, JSON booleans as Boolean, only nulls as String. Whatever the driver reads in ways not copied here — dates, lists,
 * objects, string ids, mixed kinds, keys that a parsed object reorders or that differ only in
 * case — gives a fallback with the reason, and the caller lets GDAL read the file.
 * @param root the parsed document
 * @param text its text: JSON.parse reads `1.0` as 1, GDAL as a real, so the text is asked
 * @returns the schema, or why GDAL must read it
 * @example geojsonSchema({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { n: 1 }, geometry: null }] }, text)
 *   // → { fields: [{ name: 'n', type: 'Integer' }], geometryType: 'Geometry' }
 */
export function geojsonSchema(root: unknown, text: string): GeoJsonSchema | SchemaFallback {
  const doc = root as { type?: string; features?: { id?: unknown; properties?: Record<string, unknown> | null; geometry?: { type: string; coordinates?: unknown[] } | null }[] };
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) return { fallback: 'not a FeatureCollection' };
  const kinds = new Map<string, 'int' | 'int64' | 'real' | 'string' | 'boolean' | 'null'>();
  const lowerNames = new Set<string>();
  const seenFamilies = new Set<string>();
  let multi = false;
  let uniform = true;
  /** Which keys follow which in some feature (the order GDAL keeps). */
  const after = new Map<string, Set<string>>();
  for (const feature of doc.features) {
    if (feature.id !== undefined && !Number.isInteger(feature.id)) return { fallback: 'a feature id that is not an integer (GDAL makes it a field)' };
    let previous: string | undefined;
    for (const [key, value] of Object.entries(feature.properties ?? {})) {
      if (previous !== undefined) follow(after, previous, key);
      previous = key;
      let kind = kinds.get(key);
      if (kind === undefined) {
        if (indexLike.test(key)) return { fallback: `the property name "${key}" is a number` };
        if (key.startsWith('_upload_')) return { fallback: `the property name "${key}" is the pipeline's own` };
        // PostgreSQL cuts longer column names, so two could become one.
        if (Buffer.byteLength(key) > 63) return { fallback: `the property name "${key}" is longer than a column name may be` };
        if (lowerNames.has(key.toLowerCase())) return { fallback: `property names differing only in case (${key})` };
        lowerNames.add(key.toLowerCase());
        kind = 'null';
      }
      let next: typeof kind;
      if (value === null) next = kind;
      else if (typeof value === 'number') {
        const integral = Number.isInteger(value);
        if (integral && Math.abs(value) >= 2 ** 63) return { fallback: `a number too large for a 64-bit integer in "${key}"` };
        const valueKind = !integral ? 'real' : Math.abs(value) > int32 ? 'int64' : 'int';
        if (kind === 'null' || kind === valueKind) next = valueKind;
        else if (kind === 'int' || kind === 'int64' || kind === 'real') next = kind === 'real' || valueKind === 'real' ? 'real' : 'int64';
        else return { fallback: `numbers mixed with other values in "${key}"` };
      } else if (typeof value === 'string') {
        if (dateLike.test(value)) return { fallback: `a date or time in "${key}"` };
        if (value.includes('\0')) return { fallback: `a NUL character in "${key}"` };
        if (kind !== 'null' && kind !== 'string') return { fallback: `text mixed with other values in "${key}"` };
        next = 'string';
      } else if (typeof value === 'boolean') {
        if (kind !== 'null' && kind !== 'boolean') return { fallback: `true/false mixed with other values in "${key}"` };
        next = 'boolean';
      } else return { fallback: `a list or object in "${key}"` };
      kinds.set(key, next);
    }
    const g = feature.geometry;
    const family = g ? families[g.type] : undefined;
    if (!g || !family || isEmpty(g)) {
      uniform = false;
      continue;
    }
    seenFamilies.add(family[0]);
    multi ||= family[1];
  }
  const fields: GeoJsonField[] = [];
  for (const name of fieldOrder([...kinds.keys()], after)) {
    const kind = kinds.get(name)!;
    if ((kind === 'int' || kind === 'int64') && writtenAsReal(text, name)) return { fallback: `whole numbers written as reals in "${name}"` };
    fields.push({ name, type: ({ int: 'Integer', int64: 'Integer64', real: 'Real', string: 'String', boolean: 'Boolean', null: 'String' } as const)[kind] });
  }
  let geometryType: GeoJsonSchema['geometryType'] = 'Geometry';
  if (uniform && seenFamilies.size === 1) {
    const [family] = seenFamilies;
    geometryType = family === 'Point' && !multi ? 'Point' : (`Multi${family}` as GeometryType);
  }
  return { fields, geometryType };
}
