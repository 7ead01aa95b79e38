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

/** A problem found in a GeoJSON text, with the feature it is in when there is one. */
export interface GeoJsonProblem {
  message: string;
  featureIndex?: number;
}

const geometryTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];
const allTypes = [...geometryTypes, 'Feature', 'FeatureCollection'];

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/**
 * Checks a GeoJSON document against RFC 7946 the way `geojsonhint` does: exact type names,
 * required members, positions of 2–3 numbers, lines of two or more positions, closed rings of
 * four or more, members that would change an object's meaning. Polygons wound against the
 * right-hand rule are warnings (they are rewound on import), everything else an error.
 * @param text the file's text
 * @returns errors (the file must be refused) and warnings
 */
export function checkGeoJson(text: string): { errors: GeoJsonProblem[]; warnings: GeoJsonProblem[]; summary?: GeoJsonSummary } {
  const errors: GeoJsonProblem[] = [];
  const warnings: GeoJsonProblem[] = [];
  let hasZ = false;
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { errors: [{ message: `The file is not valid JSON: ${(err as Error).message}.` }], warnings };
  }
  let featureIndex: number | undefined;
  const error = (message: string) => errors.push({ message, ...(featureIndex !== undefined ? { featureIndex } : {}) });

  const typeOf = (obj: Record<string, unknown>, allowed: string[], what: string): string | undefined => {
    const t = obj.type;
    if (typeof t !== 'string') {
      error(`${what} has no "type" member.`);
      return undefined;
    }
    if (!allowed.includes(t)) {
      const cased = allTypes.find((a) => a.toLowerCase() === t.toLowerCase());
      error(cased ? `The type "${t}" must be written "${cased}" (GeoJSON type names are case-sensitive).` : `"${t}" is not a GeoJSON type${allowed.length < allTypes.length ? ` allowed here (expected ${allowed.join(', ')})` : ''}.`);
      return undefined;
    }
    return t;
  };

  const bbox = (obj: Record<string, unknown>) => {
    if (!('bbox' in obj)) return;
    const b = obj.bbox;
    if (!Array.isArray(b) || b.some((n) => typeof n !== 'number') || (b.length !== 4 && b.length !== 6)) {
      error('"bbox" must be an array of 4 or 6 numbers.');
    }
  };

  const position = (p: unknown): boolean => {
    if (!Array.isArray(p)) {
      error(`A position must be an array of numbers, but ${kind(p)} was found${typeof p === 'number' ? ': the coordinates need to be nested more deeply for this geometry type' : ''}.`);
      return false;
    }
    if (p.length < 2) {
      error('A position must have at least two numbers (x, y).');
      return false;
    }
    if (p.length > 3) {
      error(`A position must have two or three numbers, not ${p.length}.`);
      return false;
    }
    if (p.length === 3) hasZ = true;
    if (p.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
      error(`Coordinates must be numbers, but ${JSON.stringify(p).slice(0, 60)} was found.`);
      return false;
    }
    return true;
  };

  const positions = (ps: unknown, min: number, what: string): boolean => {
    if (!Array.isArray(ps)) {
      error(`The coordinates of a ${what} must be an array of positions, not ${kind(ps)}.`);
      return false;
    }
    if (!ps.every(position)) return false;
    if (ps.length < min) {
      error(`A ${what} needs at least ${min} positions, but has ${ps.length}.`);
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
      error(`The coordinates of a Polygon must be an array of rings, not ${kind(rings)}.`);
      return;
    }
    rings.forEach((ring, r) => {
      if (!positions(ring, 4, 'polygon ring')) return;
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first.length !== last.length || first.some((v, i) => v !== last[i])) {
        error('A polygon ring must end where it starts (its first and last positions differ).');
        return;
      }
      const ccw = area(ring as number[][]) > 0;
      if (!windingWarned && ccw !== (r === 0)) {
        windingWarned = true;
        warnings.push({ message: 'Polygons should follow the right-hand rule (outer rings counter-clockwise); they are rewound on import.', ...(featureIndex !== undefined ? { featureIndex } : {}) });
      }
    });
  };

  const geometry = (g: unknown, nested = false): void => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) {
      error(`A geometry must be an object, not ${kind(g)}.`);
      return;
    }
    const obj = g as Record<string, unknown>;
    const t = typeOf(obj, geometryTypes, 'A geometry');
    if (!t) return;
    bbox(obj);
    for (const member of ['properties', 'geometry', 'features']) {
      if (member in obj) error(`A ${t} geometry cannot contain a "${member}" member.`);
    }
    if (t === 'GeometryCollection') {
      if ('coordinates' in obj) error('A GeometryCollection cannot contain a "coordinates" member.');
      if (!Array.isArray(obj.geometries)) return void error('A GeometryCollection must have a "geometries" array.');
      if (nested) error('A GeometryCollection should not contain another GeometryCollection; flatten it.');
      if (obj.geometries.length === 1) error('A GeometryCollection with a single geometry should be that geometry itself.');
      for (const member of obj.geometries) geometry(member, true);
      return;
    }
    if ('geometries' in obj) error(`A ${t} cannot contain a "geometries" member.`);
    if (!('coordinates' in obj)) return void error(`The ${t} has no "coordinates" member.`);
    const c = obj.coordinates;
    if (t === 'Point') position(c);
    else if (t === 'MultiPoint') positions(c, 0, 'MultiPoint');
    else if (t === 'LineString') positions(c, 2, 'LineString');
    else if (t === 'MultiLineString') {
      if (!Array.isArray(c)) error(`The coordinates of a MultiLineString must be an array of lines, not ${kind(c)}.`);
      else c.forEach((line) => positions(line, 2, 'LineString'));
    } else if (t === 'Polygon') polygon(c);
    else if (t === 'MultiPolygon') {
      if (!Array.isArray(c)) error(`The coordinates of a MultiPolygon must be an array of polygons, not ${kind(c)}.`);
      else c.forEach(polygon);
    }
  };

  const feature = (f: unknown) => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) return void error(`Every feature must be an object, not ${kind(f)}.`);
    const obj = f as Record<string, unknown>;
    if (typeOf(obj, ['Feature'], 'A feature') !== 'Feature') return;
    bbox(obj);
    for (const member of ['features', 'coordinates', 'geometries']) {
      if (member in obj) error(`A Feature cannot contain a "${member}" member.`);
    }
    if ('id' in obj && typeof obj.id !== 'string' && typeof obj.id !== 'number') error('A feature "id" must be a string or a number.');
    if (!('properties' in obj)) error('A feature must have a "properties" member (it may be null).');
    else if (obj.properties !== null && (typeof obj.properties !== 'object' || Array.isArray(obj.properties))) {
      error(`A feature's "properties" must be an object or null, not ${kind(obj.properties)}.`);
    }
    if (!('geometry' in obj)) error('A feature must have a "geometry" member (it may be null).');
    else if (obj.geometry !== null) geometry(obj.geometry);
  };

  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { errors: [{ message: `The file must hold a GeoJSON object, not ${kind(root)}.` }], warnings };
  }
  const obj = root as Record<string, unknown>;
  const t = typeOf(obj, allTypes, 'The GeoJSON object');
  if (t === 'FeatureCollection') {
    bbox(obj);
    for (const member of ['coordinates', 'geometry', 'properties', 'geometries']) {
      if (member in obj) error(`A FeatureCollection cannot contain a "${member}" member.`);
    }
    if (!Array.isArray(obj.features)) error('A FeatureCollection must have a "features" array.');
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
  return { errors, warnings, summary: { ...(name ? { name } : {}), epsg: crsEpsg(obj.crs), hasZ } };
}
