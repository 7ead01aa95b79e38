import { PNG } from 'pngjs';
import { TILE_SIZE } from './getMapUrl.js';

let cached: Buffer | undefined;

/**
 * The tile served when a basemap cannot be fetched: light grey with a slightly darker edge, so
 * a map of placeholders reads as "no imagery here" rather than as empty land. Encoded once.
 */
export function placeholderTile(): Buffer {
  if (cached) return cached;
  const png = new PNG({ width: TILE_SIZE, height: TILE_SIZE, colorType: 2 });
  for (let y = 0; y < TILE_SIZE; y++) {
    for (let x = 0; x < TILE_SIZE; x++) {
      const edge = x === 0 || y === 0;
      const i = (y * TILE_SIZE + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = edge ? 0xd6 : 0xea;
      png.data[i + 3] = 0xff;
    }
  }
  cached = PNG.sync.write(png, { colorType: 2 });
  return cached;
}
