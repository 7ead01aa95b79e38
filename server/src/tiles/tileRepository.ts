import pg from 'pg';
import type { DatabaseCapabilities } from '../db/database.js';
import type { ResolvedLayer } from '../layers/registry.js';
import { withLayerScope } from '../tenancy/scope.js';
import { encodeTileLayer, type TileFeatureRow } from './mvtEncoder.js';
import type { TileCoordinates } from './tileCoordinates.js';
import { tileStatement, type TileEncoding, type TileStatement } from './tileQueries.js';

/** Reads one layer's vector tile from the database. */
export interface TileRepository {
  readonly encoding: TileEncoding;
  /**
   * @returns the encoded tile; an empty buffer when the tile holds no feature of the layer
   */
  fetchTile(layer: ResolvedLayer, tile: TileCoordinates): Promise<Buffer>;
}

/**
 * The tile repository the connected database supports: PostGIS encodes when it has `ST_AsMVT`,
 * otherwise the server encodes features the database has cut and quantised. The choice is made
 * once here, from the capabilities probed at start.
 */
export function createTileRepository(pool: pg.Pool, capabilities: DatabaseCapabilities): TileRepository {
  return capabilities.mvt ? new PostgisTileRepository(pool) : new ServerEncodedTileRepository(pool);
}

/**
 * Runs a tile statement kept to its layer's municipality. A statement that binds the municipality
 * itself (`"municipality_id" = $n`, checked when it is built) runs on the pool as the connecting
 * role, outside the tenant scope: under the scope's row-level security PostgreSQL may not use the
 * GiST index for `geom && tile_search_box`, because PostGIS's `&&` is not LEAKPROOF and so has to
 * wait until the policy has passed a row; every tile then read all of the municipality's rows of
 * the layer (3–4× slower on the demo data, and worse the larger the table). The statement's own
 * condition gives the same rows the policy would. Any other statement of a municipal layer reads
 * inside the scope.
 */
function readScoped<T>(
  pool: pg.Pool,
  layer: ResolvedLayer,
  statement: TileStatement,
  read: (db: pg.Pool | pg.PoolClient) => Promise<T>,
): Promise<T> {
  return statement.municipalityBound ? read(pool) : withLayerScope(pool, layer, read);
}

/** `ST_AsMVT` in the database: one bytea per tile. */
class PostgisTileRepository implements TileRepository {
  readonly encoding = 'postgis' as const;
  constructor(private readonly pool: pg.Pool) {}

  async fetchTile(layer: ResolvedLayer, tile: TileCoordinates): Promise<Buffer> {
    const statement = tileStatement(layer, this.encoding);
    const { rows } = await readScoped(this.pool, layer, statement, (db) =>
      db.query<{ mvt: Buffer | null }>({ name: statement.name, text: statement.text, values: statement.values(tile) }),
    )
      .catch((cause) => {
        throw new Error(`reading tile ${tile.z}/${tile.x}/${tile.y} of layer ${layer.id}`, { cause });
      });
    return rows[0]?.mvt ?? Buffer.alloc(0);
  }
}

// bigint properties (e.g. address codes) as numbers, like ST_AsMVT writes them; pg would give text.
const int8Oid = 20;
const featureTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Features prepared by `tile_features.sql`, encoded in Node with vt-pbf. */
class ServerEncodedTileRepository implements TileRepository {
  readonly encoding = 'server' as const;
  constructor(private readonly pool: pg.Pool) {}

  async fetchTile(layer: ResolvedLayer, tile: TileCoordinates): Promise<Buffer> {
    const statement = tileStatement(layer, this.encoding);
    const { rows } = await readScoped(this.pool, layer, statement, (db) =>
      db.query<TileFeatureRow>({ name: statement.name, text: statement.text, values: statement.values(tile), types: featureTypes }),
    )
      .catch((cause) => {
        throw new Error(`reading tile ${tile.z}/${tile.x}/${tile.y} of layer ${layer.id}`, { cause });
      });
    return encodeTileLayer(layer.id, rows);
  }
}
