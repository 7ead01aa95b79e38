/** A GeoJSON geometry that `checkGeoJson` accepted. */
export interface CheckedGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: CheckedGeometry[];
}

type Position = number[];

const wkbType: Record<string, number> = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6, GeometryCollection: 7 };
const multiOf: Record<string, string> = { Point: 'MultiPoint', LineString: 'MultiLineString', Polygon: 'MultiPolygon' };
const ewkbSrid = 0x20000000;

/**
 * One buffer reused for every geometry (grown when a larger one comes): encoding 100 000 points
 * allocated 100 000 buffers, which took longer than the COPY they were for.
 */
let buffer = Buffer.allocUnsafe(64 * 1024);
let at = 0;

/** Twice the signed area of a ring: positive when counter-clockwise. */
function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/** Bytes of one geometry's WKB without its SRID (2D). */
function size(type: string, c: unknown, parts?: CheckedGeometry[]): number {
  switch (type) {
    case 'Point':
      return 21;
    case 'LineString':
      return 9 + (c as Position[]).length * 16;
    case 'Polygon':
      return 9 + (c as Position[][]).reduce((n, ring) => n + 4 + ring.length * 16, 0);
    case 'GeometryCollection':
      return 9 + parts!.reduce((n, g) => n + size(g.type, g.coordinates, g.geometries), 0);
    default: {
      const single = type.slice(5);
      return 9 + (c as unknown[]).reduce<number>((n, part) => n + size(single, part), 0);
    }
  }
}

function writePosition(p: Position) {
  buffer.writeDoubleLE(p[0], at);
  buffer.writeDoubleLE(p[1], at + 8);
  at += 16;
}

function writePositions(ps: Position[], reverse: boolean) {
  at = buffer.writeUInt32LE(ps.length, at);
  if (reverse) for (let i = ps.length - 1; i >= 0; i--) writePosition(ps[i]);
  else for (let i = 0; i < ps.length; i++) writePosition(ps[i]);
}

function writeGeometry(type: string, c: unknown, parts: CheckedGeometry[] | undefined, srid?: number) {
  buffer[at] = 1;
  at = buffer.writeUInt32LE((wkbType[type] | (srid !== undefined ? ewkbSrid : 0)) >>> 0, at + 1);
  if (srid !== undefined) at = buffer.writeUInt32LE(srid, at);
  switch (type) {
    case 'Point':
      writePosition(c as Position);
      return;
    case 'LineString':
      writePositions(c as Position[], false);
      return;
    case 'Polygon': {
      const rings = c as Position[][];
      at = buffer.writeUInt32LE(rings.length, at);
      // Outer ring counter-clockwise, holes clockwise.
      for (let r = 0; r < rings.length; r++) writePositions(rings[r], r === 0 ? ringArea(rings[r]) < 0 : ringArea(rings[r]) > 0);
      return;
    }
    case 'GeometryCollection':
      at = buffer.writeUInt32LE(parts!.length, at);
      for (const part of parts!) writeGeometry(part.type, part.coordinates, part.geometries);
      return;
    default: {
      const list = c as unknown[];
      const single = type.slice(5);
      at = buffer.writeUInt32LE(list.length, at);
      for (const part of list) writeGeometry(single, part, undefined);
    }
  }
}

/**
 * Writes a GeoJSON geometry as hex EWKB for PostGIS: 2D (a third number is dropped), polygons with
 * outer rings counter-clockwise and holes clockwise (the right-hand rule the published layer keeps),
 * a single part promoted to its Multi type when `multi` is set.
 * @param g a geometry `checkGeoJson` found valid
 * @param srid the SRID written into the EWKB
 * @param multi write a Point, LineString or Polygon as a one-part Multi geometry
 * @returns the hex text PostGIS reads as geometry
 * @example geojsonToEwkb({ type: 'Point', coordinates: [500000, 300000] }, 3059, false) // → '0101000020eb0b…'
 */
export function geojsonToEwkb(g: CheckedGeometry, srid: number, multi: boolean): string {
  let type = g.type;
  let coordinates = g.coordinates;
  if (multi && multiOf[type]) {
    coordinates = [coordinates];
    type = multiOf[type];
  }
  const bytes = size(type, coordinates, g.geometries) + 4;
  if (bytes > buffer.length) buffer = Buffer.allocUnsafe(Math.max(bytes, buffer.length * 2));
  at = 0;
  writeGeometry(type, coordinates, g.geometries, srid);
  return buffer.toString('hex', 0, at);
}
