import { describe, expect, it } from 'vitest';
import { TileCache } from '../../../server/src/tiles/tileCache.js';

const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe('TileCache', () => {
  it('returns the kept bytes for a repeated key without building again', async () => {
    const cache = new TileCache(1024 * 1024);
    let builds = 0;
    const build = async () => (builds++, bytes(100));
    const first = await cache.get('a', build);
    const second = await cache.get('a', build);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.tile).toBe(first.tile);
    expect(builds).toBe(1);
  });

  it('stays within its byte budget, dropping the least recently used tiles first', async () => {
    const cache = new TileCache(10_000);
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, async () => bytes(3000));
    expect(cache.stats.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.stats.tiles).toBe(3);
    expect((await cache.get('a', async () => bytes(3000))).cached).toBe(false);
    expect((await cache.get('d', async () => bytes(3000))).cached).toBe(true);
  });

  it('keeps empty tiles too, so empty areas are not queried again', async () => {
    const cache = new TileCache(10_000);
    await cache.get('empty', async () => Buffer.alloc(0));
    expect((await cache.get('empty', async () => bytes(1))).tile).toHaveLength(0);
  });

  it('lets concurrent requests for one tile share a single build', async () => {
    const cache = new TileCache(10_000);
    let builds = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const build = async () => {
      builds++;
      await gate;
      return bytes(10);
    };
    const pending = Promise.all([cache.get('k', build), cache.get('k', build), cache.get('k', build)]);
    release();
    const results = await pending;
    expect(builds).toBe(1);
    expect(new Set(results.map((r) => r.tile)).size).toBe(1);
  });

  it('does not keep a failed build, so the next request tries again', async () => {
    const cache = new TileCache(10_000);
    await expect(cache.get('k', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect((await cache.get('k', async () => bytes(5))).tile).toHaveLength(5);
  });

  it('keeps nothing when its budget is 0', async () => {
    const cache = new TileCache(0);
    await cache.get('k', async () => bytes(5));
    expect((await cache.get('k', async () => bytes(6))).tile).toHaveLength(6);
    expect(cache.stats).toEqual({ tiles: 0, bytes: 0 });
  });
});
