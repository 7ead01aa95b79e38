import { badRequest } from '../plugins/errors.js';

/** A tile address in the Web Mercator (XYZ, y down from the north) tiling scheme. */
export interface TileCoordinates {
  z: number;
  x: number;
  y: number;
}

/** Highest zoom level served; MapLibre overzooms beyond it. */
export const maxTileZoom = 22;

// Plain decimal digits only: "1e3", "0x10", "1.0" and " 7" are refused rather than read as numbers.
const digits = /^[0-9]{1,8}$/;

/**
 * Reads z/x/y from URL text, accepting only integers inside the tiling scheme.
 *
 * @param raw - the path segments as received
 * @returns the tile address as integers
 * @throws UserError 400 naming the valid range when a value is not a tile coordinate
 * @example parseTileCoordinates({ z: '14', x: '9283', y: '4979' }) // { z: 14, x: 9283, y: 4979 }
 */
export function parseTileCoordinates(raw: { z: string; x: string; y: string }): TileCoordinates {
  const z = digits.test(raw.z) ? Number(raw.z) : NaN;
  if (!(z >= 0 && z <= maxTileZoom)) {
    throw badRequest(
      `The zoom level z must be an integer from 0 to ${maxTileZoom}; got "${shorten(raw.z)}".`,
      { z: shorten(raw.z) },
    );
  }
  const last = 2 ** z - 1;
  for (const axis of ['x', 'y'] as const) {
    const value = digits.test(raw[axis]) ? Number(raw[axis]) : NaN;
    if (!(value >= 0 && value <= last)) {
      throw badRequest(
        `The tile column x and row y must be integers from 0 to 2^z − 1, which at zoom ${z} is 0 to ${last}; ` +
          `got ${axis} = "${shorten(raw[axis])}".`,
        { [axis]: shorten(raw[axis]) },
      );
    }
  }
  return { z, x: Number(raw.x), y: Number(raw.y) };
}

/** Echo at most a short prefix of what was sent, so a long junk value does not fill the message. */
const shorten = (value: string) => (value.length > 24 ? `${value.slice(0, 24)}…` : value);
