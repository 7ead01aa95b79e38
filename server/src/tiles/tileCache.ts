import { LRUCache } from 'lru-cache';

/**
 * Encoded tiles kept in memory, bounded by their total size, least recently used out first.
 * Keys carry the layer's data version, so a data change makes old entries unreachable (they age
 * out) rather than needing an invalidation step. Concurrent requests for a tile being built
 * share the one database query instead of each running it.
 */
export class TileCache {
  private readonly tiles: LRUCache<string, Buffer> | undefined;
  private readonly building = new Map<string, Promise<Buffer>>();

  /** @param maxBytes - total size of the kept tiles; 0 keeps none (every tile is built afresh) */
  constructor(maxBytes: number) {
    this.tiles =
      maxBytes > 0
        ? new LRUCache<string, Buffer>({
            maxSize: maxBytes,
            // Empty tiles are worth keeping too; count them as small rather than free.
            sizeCalculation: (tile) => Math.max(tile.byteLength, 64),
          })
        : undefined;
  }

  /**
   * The tile under `key`, built with `build` when it is not kept yet.
   * @returns the tile bytes and whether they came from memory
   */
  async get(key: string, build: () => Promise<Buffer>): Promise<{ tile: Buffer; cached: boolean }> {
    const kept = this.tiles?.get(key);
    if (kept) return { tile: kept, cached: true };
    let pending = this.building.get(key);
    if (!pending) {
      pending = build().finally(() => this.building.delete(key));
      this.building.set(key, pending);
      const tile = await pending;
      this.tiles?.set(key, tile);
      return { tile, cached: false };
    }
    return { tile: await pending, cached: false };
  }

  /** Number of kept tiles and their total size, for logs and benchmarks. */
  get stats() {
    return { tiles: this.tiles?.size ?? 0, bytes: this.tiles?.calculatedSize ?? 0 };
  }
}
