// vt-pbf ships no types; this covers the one entry point the server uses.
declare module 'vt-pbf' {
  /** A feature in geojson-vt's tile form: coordinates already in tile pixels. */
  export interface TileFeatureInput {
    id?: number;
    /** 1 point, 2 line, 3 polygon. */
    type: 1 | 2 | 3;
    /** Points: [[x, y], …]; lines and polygons: rings of [x, y] (polygon rings closed). */
    geometry: number[][] | number[][][];
    tags: Record<string, string | number | boolean | null>;
  }
  export function fromGeojsonVt(
    layers: Record<string, { features: TileFeatureInput[] }>,
    options?: { version?: number; extent?: number },
  ): Uint8Array;
}
