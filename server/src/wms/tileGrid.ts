import { MAX_ZOOM } from './types.js';

/** Half the width of the EPSG:3857 world in metres. */
const ORIGIN_SHIFT = 20037508.342789244;

/** A tile of the web-mercator (XYZ, y down) grid. */
export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/**
 * Reads z/x/y from URL text and checks the tile exists in the grid.
 * @returns the tile, or a message naming the valid range when it does not exist
 * @example parseTileAddress('3', '8', '0') // { problem: 'At zoom 3, x must be an integer from 0 to 7 (got 8).' }
 */
export function parseTileAddress(z: string, x: string, y: string): { tile: TileAddress } | { problem: string } {
  const zoom = wholeNumber(z);
  if (zoom === undefined || zoom > MAX_ZOOM) {
    return { problem: `The zoom level must be an integer from 0 to ${MAX_ZOOM} (got "${z}").` };
  }
  const last = 2 ** zoom - 1;
  for (const [axis, text] of [['x', x], ['y', y]] as const) {
    const value = wholeNumber(text);
    if (value === undefined || value > last) {
      return { problem: `At zoom ${zoom}, ${axis} must be an integer from 0 to ${last} (got "${text}").` };
    }
  }
  return { tile: { z: zoom, x: Number(x), y: Number(y) } };
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/**
 * The tile's extent in EPSG:3857 metres.
 * @returns [minX, minY, maxX, maxY]
 * @example tileBounds3857({ z: 0, x: 0, y: 0 }) // [-20037508.34…, -20037508.34…, 20037508.34…, 20037508.34…]
 */
export function tileBounds3857({ z, x, y }: TileAddress): [number, number, number, number] {
  const size = (2 * ORIGIN_SHIFT) / 2 ** z;
  return [-ORIGIN_SHIFT + x * size, ORIGIN_SHIFT - (y + 1) * size, -ORIGIN_SHIFT + (x + 1) * size, ORIGIN_SHIFT - y * size];
}
