import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import proj4 from 'proj4';

proj4.defs(
  'EPSG:3059',
  '+proj=tmerc +lat_0=0 +lon_0=24 +k=0.9996 +x_0=500000 +y_0=-6000000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
);

/** Fractional XYZ tile position of an EPSG:3059 point at zoom z (floor it for the tile). */
export function tilePosition(easting: number, northing: number, z: number): { x: number; y: number } {
  const [lon, lat] = proj4('EPSG:3059', 'EPSG:4326', [easting, northing]);
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  return {
    x: ((lon + 180) / 360) * n,
    y: ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n,
  };
}

/** The z/x/y of the tile holding an EPSG:3059 point. */
export function tileOf(easting: number, northing: number, z: number) {
  const p = tilePosition(easting, northing, z);
  return { z, x: Math.floor(p.x), y: Math.floor(p.y) };
}

export interface DecodedFeature {
  id: number | undefined;
  type: number;
  properties: Record<string, unknown>;
  geometry: { x: number; y: number }[][];
}

/** Decodes a tile into plain objects per layer, the way a map client reads it. */
export function decodeTile(bytes: Uint8Array): Record<string, { extent: number; features: DecodedFeature[] }> {
  // A copy starting at offset 0: pbf reads doubles through a DataView over the whole ArrayBuffer,
  // which for a Buffer slice of Node's pool would start at the wrong byte.
  const tile = new VectorTile(new Pbf(new Uint8Array(bytes)));
  const out: Record<string, { extent: number; features: DecodedFeature[] }> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f: VectorTileFeature = layer.feature(i);
      features.push({
        id: f.id,
        type: f.type,
        properties: { ...f.properties },
        geometry: f.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))),
      });
    }
    out[name] = { extent: layer.extent, features };
  }
  return out;
}

/**
 * The surveyor's formula in tile coordinates. The MVT spec (4.3.4.4) asks exterior rings to come
 * out positive (clockwise on screen, where y grows downwards) and holes negative.
 */
export function surveyorArea(ring: { x: number; y: number }[]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  }
  return twice / 2;
}
