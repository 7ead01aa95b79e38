import type { LayerRegistry, ResolvedLayer } from '../layers/registry.js';
import { assertRecordsReadable } from '../access/layerAccess.js';
import type { SessionUser } from '../auth/roles.js';
import { notFound } from '../plugins/errors.js';
import { TileCache } from './tileCache.js';
import type { TileCoordinates } from './tileCoordinates.js';
import { tileStatement } from './tileQueries.js';
import type { TileRepository } from './tileRepository.js';

/** A tile ready to send: its bytes (empty for an empty tile) and its entity tag. */
export interface ServedTile {
  etag: string;
  /** Empty when the tile holds nothing of the layer (answered 204). */
  body: Buffer;
  cached: boolean;
}

/**
 * Vector tiles of registry layers: who may have them, what their ETag is, and where their bytes
 * come from (memory, else the repository).
 */
export class TileService {
  private readonly cache: TileCache;

  constructor(
    private readonly layers: LayerRegistry,
    private readonly repository: TileRepository,
    opts: { cacheBytes: number },
  ) {
    this.cache = new TileCache(opts.cacheBytes);
  }

  /**
   * The layer a tile request names, if this user may have its tiles. Tiles never carry restricted
   * fields; tiles of a restricted layer go only to the roles that may read its records.
   * @throws UserError 404 for an unknown layer, 403 for a restricted one the user may not read
   */
  async tileableLayer(layerId: string, user: SessionUser | null = null): Promise<ResolvedLayer> {
    const layer = await this.layers.get(layerId);
    if (!layer) throw notFound(`There is no layer "${layerId}". GET /api/layers lists the layers.`);
    assertRecordsReadable(user, layer, 'tiles');
    return layer;
  }

  /**
   * The entity tag of a tile: it changes when the layer's data (its data version), its fields or
   * filter (the statement signature) or the tile encoding change, and only then.
   */
  etag(layer: ResolvedLayer, tile: TileCoordinates): string {
    const { signature } = tileStatement(layer, this.repository.encoding);
    return `"${layer.id}.${layer.dataVersion}.${signature}.${tile.z}.${tile.x}.${tile.y}"`;
  }

  /** The tile's bytes, from memory when this version of it was built before. */
  async tile(layer: ResolvedLayer, tile: TileCoordinates): Promise<ServedTile> {
    const etag = this.etag(layer, tile);
    const { tile: body, cached } = await this.cache.get(etag, () => this.repository.fetchTile(layer, tile));
    return { etag, body, cached };
  }

  get cacheStats() {
    return this.cache.stats;
  }
}

/**
 * Whether an `If-None-Match` header names this entity tag (weak comparison, as RFC 9110 asks
 * for If-None-Match), or is `*`.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === etag);
}
