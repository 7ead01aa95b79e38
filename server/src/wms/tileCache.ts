import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TileAddress } from './tileGrid.js';

export interface CachedTile {
  bytes: Buffer;
  contentType: 'image/png' | 'image/jpeg';
  /** When the tile was fetched from the upstream (file mtime). */
  fetchedAt: Date;
  /** Content hash, used as the ETag. */
  etag: string;
}

const extensions = { 'image/png': 'png', 'image/jpeg': 'jpg' } as const;

/**
 * WMS tiles on disk: `<dir>/<source>/<layer>/<z>/<x>/<y>.png|jpg`. Files are written to a
 * temporary name and renamed, so a reader never sees half a tile, even across processes.
 */
export class TileCache {
  constructor(private readonly dir: string) {}

  /** The cached tile, fresh or not (the caller decides with `fetchedAt`), or undefined. */
  async read(sourceId: string, layerName: string, tile: TileAddress): Promise<CachedTile | undefined> {
    for (const contentType of ['image/png', 'image/jpeg'] as const) {
      const file = this.file(sourceId, layerName, tile, contentType);
      try {
        const [bytes, info] = await Promise.all([readFile(file), stat(file)]);
        return { bytes, contentType, fetchedAt: info.mtime, etag: etagOf(bytes) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`reading cached tile ${file}`, { cause: err });
      }
    }
    return undefined;
  }

  /** Stores a tile atomically and returns it as a cache entry. */
  async write(sourceId: string, layerName: string, tile: TileAddress, bytes: Buffer, contentType: CachedTile['contentType']): Promise<CachedTile> {
    const file = this.file(sourceId, layerName, tile, contentType);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, file);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw new Error(`writing cached tile ${file}`, { cause: err });
    }
    return { bytes, contentType, fetchedAt: new Date(), etag: etagOf(bytes) };
  }

  private file(sourceId: string, layerName: string, { z, x, y }: TileAddress, contentType: CachedTile['contentType']): string {
    return path.join(this.dir, sourceId, layerDirectory(layerName), String(z), String(x), `${y}.${extensions[contentType]}`);
  }
}

/**
 * A directory name for a WMS layer name, which may hold ':' '/' or '..'. Readable names stay as
 * they are; others get a hash suffix so two names never share a directory.
 * @example layerDirectory('public:Orto_LKS') // 'public_Orto_LKS-1a2b3c4d'
 */
export function layerDirectory(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return safe === name ? name : `${safe}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
}

/** A strong ETag from the tile's bytes. */
export function etagOf(bytes: Buffer): string {
  return `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;
}
