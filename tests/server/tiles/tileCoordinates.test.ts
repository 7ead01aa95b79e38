import { describe, expect, it } from 'vitest';
import { parseTileCoordinates } from '../../../server/src/tiles/tileCoordinates.js';

describe('parseTileCoordinates', () => {
  it('reads integer z/x/y inside the tiling scheme', () => {
    expect(parseTileCoordinates({ z: '14', x: '9285', y: '5031' })).toEqual({ z: 14, x: 9285, y: 5031 });
    expect(parseTileCoordinates({ z: '0', x: '0', y: '0' })).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileCoordinates({ z: '22', x: String(2 ** 22 - 1), y: '0' })).toEqual({ z: 22, x: 2 ** 22 - 1, y: 0 });
  });

  it.each([
    [{ z: '23', x: '0', y: '0' }, /z must be an integer from 0 to 22; got "23"/],
    [{ z: '-1', x: '0', y: '0' }, /got "-1"/],
    [{ z: 'x', x: '0', y: '0' }, /got "x"/],
    [{ z: '1e1', x: '0', y: '0' }, /got "1e1"/],
    [{ z: '14', x: '16384', y: '0' }, /at zoom 14 is 0 to 16383; got x = "16384"/],
    [{ z: '14', x: '0', y: '0x10' }, /got y = "0x10"/],
    [{ z: '14', x: ' 1', y: '0' }, /got x = " 1"/],
    [{ z: '14', x: '1.0', y: '0' }, /got x = "1.0"/],
    [{ z: '14', x: '0', y: '1'.repeat(40) }, /got y = "1{24}…"/],
  ])('refuses %j with a 400 that names the valid range', (raw, message) => {
    try {
      parseTileCoordinates(raw);
      expect.unreachable();
    } catch (err) {
      expect((err as { statusCode: number }).statusCode).toBe(400);
      expect((err as Error).message).toMatch(message);
    }
  });
});
