// Types for the parts of `shapefile` (mbostock, 0.6) the boundary importer uses.
declare module 'shapefile' {
  import type { Geometry } from 'geojson';

  export interface ShapefileFeature {
    type: 'Feature';
    properties: Record<string, unknown> | null;
    geometry: Geometry | null;
  }

  export interface Source<T> {
    bbox?: [number, number, number, number];
    read(): Promise<{ done: true; value: undefined } | { done: false; value: T }>;
    cancel(): Promise<void>;
  }

  /** Opens an in-memory (or on-disk) .shp with its .dbf; `encoding` is the DBF's character set. */
  export function open(
    shp: ArrayBuffer | Uint8Array | string,
    dbf?: ArrayBuffer | Uint8Array | string | null,
    options?: { encoding?: string },
  ): Promise<Source<ShapefileFeature>>;
}
