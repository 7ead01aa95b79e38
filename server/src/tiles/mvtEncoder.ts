import { fromGeojsonVt, type TileFeatureInput } from 'vt-pbf';

/** A row of `sql/queries/tile_features.sql`: id, the layer's public properties, pixel geometry. */
export interface TileFeatureRow {
  mvt_id: number | null;
  /** GeoJSON geometry in tile pixels (integers, y down), already clipped to the buffer. */
  mvt_geojson: string;
  [property: string]: unknown;
}

type Position = number[];
type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint' | 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString' | 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

/** Tile extent in pixels, as in the SQL and ST_AsMVT. */
export const tileExtent = 4096;

/**
 * Encodes one layer of a Mapbox Vector Tile (spec 2.1) from rows the database has prepared, the
 * way `ST_AsMVT` would: the feature id from `mvt_id`, null properties left out.
 *
 * @param layerName - name of the layer inside the tile (the layer id)
 * @param rows - features from `tile_features.sql`
 * @returns the tile bytes, or an empty buffer when no feature survived (an empty tile)
 */
export function encodeTileLayer(layerName: string, rows: TileFeatureRow[]): Buffer {
  const features: TileFeatureInput[] = [];
  for (const row of rows) {
    const shape = toTileGeometry(JSON.parse(row.mvt_geojson) as Geometry);
    if (!shape) continue;
    const tags: TileFeatureInput['tags'] = {};
    for (const [key, value] of Object.entries(row)) {
      if (key === 'mvt_id' || key === 'mvt_geojson' || value === null || value === undefined) continue;
      tags[key] = typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
    }
    features.push({ ...(row.mvt_id !== null && row.mvt_id >= 0 ? { id: row.mvt_id } : {}), ...shape, tags });
  }
  if (!features.length) return Buffer.alloc(0);
  const bytes = fromGeojsonVt({ [layerName]: { features } }, { version: 2, extent: tileExtent });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const px = (p: Position) => [Math.round(p[0]), Math.round(p[1])];
const ring = (r: Position[]) => r.map(px);

/** A polygon is kept only with its exterior ring; its holes follow it, as MVT rings must. */
function polygonRings(polygons: Position[][][]): Pick<TileFeatureInput, 'type' | 'geometry'> | undefined {
  const rings = polygons.filter((p) => p[0]?.length > 3).flatMap((p) => p.filter((r) => r.length > 3).map(ring));
  return rings.length ? { type: 3, geometry: rings } : undefined;
}

/** GeoJSON in pixels → geojson-vt's feature shape; undefined for what a tile cannot hold. */
function toTileGeometry(geometry: Geometry): Pick<TileFeatureInput, 'type' | 'geometry'> | undefined {
  switch (geometry.type) {
    case 'Point':
      return { type: 1, geometry: [px(geometry.coordinates)] };
    case 'MultiPoint':
      return geometry.coordinates.length ? { type: 1, geometry: ring(geometry.coordinates) } : undefined;
    case 'LineString':
      return geometry.coordinates.length > 1 ? { type: 2, geometry: [ring(geometry.coordinates)] } : undefined;
    case 'MultiLineString': {
      const lines = geometry.coordinates.filter((l) => l.length > 1).map(ring);
      return lines.length ? { type: 2, geometry: lines } : undefined;
    }
    case 'Polygon':
      return polygonRings([geometry.coordinates]);
    case 'MultiPolygon':
      return polygonRings(geometry.coordinates);
    default:
      // The SQL extracts one basic type per feature, so a collection here means nothing to draw.
      return undefined;
  }
}
