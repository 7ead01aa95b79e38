import { open } from 'node:fs/promises';
import type { StagingOptions } from '../gdal/types.js';

/** Shape types of the ESRI specification (plain, Z and M variants) and the published type of each. */
const published: Record<number, StagingOptions['geometryType']> = {
  1: 'POINT', 11: 'POINT', 21: 'POINT',
  8: 'MULTIPOINT', 18: 'MULTIPOINT', 28: 'MULTIPOINT',
  3: 'MULTILINESTRING', 13: 'MULTILINESTRING', 23: 'MULTILINESTRING',
  5: 'MULTIPOLYGON', 15: 'MULTIPOLYGON', 25: 'MULTIPOLYGON',
};

/**
 * The geometry type a shapefile's layer is published as, read from its header (every shape of a
 * shapefile is of the header's type, or null): lines and polygons as Multi, points as they are.
 * Undefined for a MultiPatch, a null-shape file or a header that cannot be read.
 * @param shp the .shp file
 * @returns `POINT`, `MULTIPOINT`, `MULTILINESTRING` or `MULTIPOLYGON`
 * @example await shapefileGeometryType('kvartali.shp') // → 'MULTIPOLYGON'
 */
export async function shapefileGeometryType(shp: string): Promise<StagingOptions['geometryType'] | undefined> {
  const handle = await open(shp, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(36), 0, 36, 0);
    // File code 9994, big-endian, then the shape type at byte 32, little-endian.
    if (bytesRead < 36 || buffer.readInt32BE(0) !== 9994) return undefined;
    return published[buffer.readInt32LE(32)];
  } finally {
    await handle.close();
  }
}
