import type { FastifyBaseLogger } from 'fastify';
import { buildGetMapUrl } from './getMapUrl.js';
import { placeholderTile } from './placeholder.js';
import { redact } from './redact.js';
import { SingleFlight } from './singleFlight.js';
import type { CatalogSource } from './sourceCatalog.js';
import { etagOf, type CachedTile, type TileCache } from './tileCache.js';
import type { TileAddress } from './tileGrid.js';
import type { WmsLayer, WmsSource } from './types.js';
import { describeNonImage, fetchUpstream, imageType, UpstreamError } from './upstream.js';

/** How a tile was answered; sent to the browser as `X-Tile-Status`. */
export type TileStatus = 'hit' | 'miss' | 'stale' | 'upstream-unavailable' | 'key-missing';

export interface TileAnswer {
  status: TileStatus;
  bytes: Buffer;
  contentType: string;
  etag?: string;
  /** Seconds browsers may keep it; 0 means do not store (placeholders). */
  maxAge: number;
  /** Milliseconds spent waiting for the upstream, on a miss. */
  upstreamMs?: number;
}

export interface TileProxyOptions {
  cache: TileCache;
  /** Seconds a cached tile is fresh. */
  ttl: number;
  timeoutMs: number;
  /** The service key that may go to this source for a request of the municipality (see WmsKeyring). */
  key(source: CatalogSource, municipalityId?: number): string | undefined | Promise<string | undefined>;
  log: FastifyBaseLogger;
  /** Consecutive failures after which a source is not asked for `breakerMs` (default 3). */
  breakerFailures?: number;
  breakerMs?: number;
}

/** A WMS tile is a few tens of kB; anything past this is not a tile. */
const MAX_TILE_BYTES = 8 * 1024 * 1024;
/** A stale tile served while the upstream is down is rechecked after this many seconds. */
const STALE_MAX_AGE = 60;

/**
 * Serves EPSG:3857 tiles from WMS sources of the catalog: from the disk cache while fresh,
 * otherwise one GetMap per tile however many browsers ask at once. When the upstream fails it
 * falls back to the stale cached tile, then to a grey placeholder, and after a few failures in a
 * row stops asking that source for a while so a map does not wait on timeouts tile after tile.
 */
export class TileProxy {
  private readonly flights = new SingleFlight<CachedTile & { upstreamMs: number }>();
  private readonly health = new Map<string, { failures: number; downUntil: number }>();
  private readonly breakerFailures: number;
  private readonly breakerMs: number;

  constructor(private readonly opts: TileProxyOptions) {
    this.breakerFailures = opts.breakerFailures ?? 3;
    this.breakerMs = opts.breakerMs ?? 30_000;
  }

  /** The tile image for a catalog source and layer; never throws for upstream trouble. */
  async tile(source: CatalogSource, layer: WmsLayer, tile: TileAddress, municipalityId?: number): Promise<TileAnswer> {
    const key = source.keyEnv ? await this.opts.key(source, municipalityId) : undefined;
    if (source.keyEnv && !key) return placeholder('key-missing');

    const cached = await this.opts.cache.read(source.id, layer.name, tile);
    const age = cached ? (Date.now() - cached.fetchedAt.getTime()) / 1000 : Infinity;
    if (cached && age < this.opts.ttl) {
      return { status: 'hit', bytes: cached.bytes, contentType: cached.contentType, etag: cached.etag, maxAge: Math.floor(this.opts.ttl - age) };
    }

    try {
      const flightKey = `${source.id}\n${layer.name}\n${tile.z}/${tile.x}/${tile.y}`;
      const fresh = await this.flights.run(flightKey, () => this.fetchAndStore(source, layer, tile, key));
      return { status: 'miss', bytes: fresh.bytes, contentType: fresh.contentType, etag: fresh.etag, maxAge: this.opts.ttl, upstreamMs: fresh.upstreamMs };
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (cached) return { status: 'stale', bytes: cached.bytes, contentType: cached.contentType, etag: cached.etag, maxAge: STALE_MAX_AGE };
      return placeholder('upstream-unavailable');
    }
  }

  private async fetchAndStore(source: WmsSource, layer: WmsLayer, tile: TileAddress, key: string | undefined) {
    const health = this.health.get(source.id) ?? { failures: 0, downUntil: 0 };
    this.health.set(source.id, health);
    if (health.downUntil > Date.now()) {
      throw new UpstreamError('unreachable', 'is resting after repeated failures');
    }
    const started = performance.now();
    try {
      const answer = await fetchUpstream(buildGetMapUrl(source, layer, tile, key), { timeoutMs: this.opts.timeoutMs, maxBytes: MAX_TILE_BYTES });
      const type = imageType(answer.body);
      health.failures = 0;
      if (answer.status !== 200 || !type) throw new UpstreamError('not-image', `answered ${describeNonImage(answer, key)}`);
      const upstreamMs = performance.now() - started;
      try {
        return { ...(await this.opts.cache.write(source.id, layer.name, tile, answer.body, type)), upstreamMs };
      } catch (err) {
        // A full or read-only disk must not take the basemap down with it.
        this.opts.log.error({ err, source: source.id, layer: layer.name }, 'WMS tile cache write failed');
        return { bytes: answer.body, contentType: type, fetchedAt: new Date(), etag: etagOf(answer.body), upstreamMs };
      }
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      // Only a host that does not answer counts towards resting it; a broken layer must not take its siblings down.
      if (err.kind === 'timeout' || err.kind === 'unreachable') health.failures++;
      const resting = health.failures >= this.breakerFailures;
      if (resting) health.downUntil = Date.now() + this.breakerMs;
      this.opts.log.warn(
        { source: source.id, layer: layer.name, tile: `${tile.z}/${tile.x}/${tile.y}`, failures: health.failures },
        redact(`WMS source "${source.id}" (${new URL(source.url).host}) ${err.reason}${resting ? `; not asking it again for ${this.breakerMs / 1000} s` : ''}`, key),
      );
      throw err;
    }
  }
}

function placeholder(status: 'upstream-unavailable' | 'key-missing'): TileAnswer {
  return { status, bytes: placeholderTile(), contentType: 'image/png', maxAge: 0 };
}
