import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isPublicLayer } from '../../access/layerAccess.js';
import { parseTileCoordinates } from '../../tiles/tileCoordinates.js';
import { createTileRepository } from '../../tiles/tileRepository.js';
import { ifNoneMatchHits, TileService } from '../../tiles/tileService.js';
import { ErrorBody } from '../layers/schemas.js';

export const mvtMediaType = 'application/vnd.mapbox-vector-tile';

// z/x/y arrive as text and are read by parseTileCoordinates, whose 400 names the valid range
// (a schema type would answer "1e99" or "x=-1" with a bare "must be integer").
const TileParams = Type.Object({
  layerId: Type.String({ maxLength: 64, description: 'Layer id from GET /api/layers, e.g. "marupe-sewer-connections".' }),
  z: Type.String({ description: 'Zoom level: an integer from 0 to 22.', examples: ['14'] }),
  x: Type.String({ description: 'Tile column: an integer from 0 to 2^z − 1.', examples: ['9287'] }),
  y: Type.String({ description: 'Tile row from the north: an integer from 0 to 2^z − 1.', examples: ['5000'] }),
});

const cacheHeaders = {
  etag: Type.String({ description: 'Changes when the layer data changes; send it back in If-None-Match.' }),
  'cache-control': Type.String({ description: 'public, max-age=<TILE_MAX_AGE> (private for a restricted layer)' }),
  'x-tile-cache': Type.String({ description: '"hit" when the server had the tile in memory, else "miss".' }),
};

// fastify-swagger documents a binary body through `content` with a binary string schema; the
// handler sends a Buffer, which Fastify passes through without serialising.
const MvtTile = Type.Unsafe<Buffer>({
  description: 'A Mapbox Vector Tile (2.1) with one layer named after the layer id: feature ids and the public fields.',
  headers: cacheHeaders,
  content: { [mvtMediaType]: { schema: { type: 'string', format: 'binary' } } },
});

const errorWith = (description: string) => Type.Object(ErrorBody.properties, { description });

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tiles = new TileService(app.layers, createTileRepository(app.pg.pool, app.database.capabilities), {
    cacheBytes: app.config.tileCacheBytes,
  });

  app.get(
    '/:layerId/:z/:x/:y.mvt',
    {
      schema: {
        summary: 'A vector tile of one layer',
        description:
          'Mapbox Vector Tile in Web Mercator (XYZ). Restricted fields are never included. Tiles of a restricted layer ' +
          'go only to editors and admins of its municipality, with Cache-Control: private; everyone else gets 403.',
        tags: ['tiles'],
        params: TileParams,
        response: {
          200: MvtTile,
          204: Type.Null({ description: 'No feature of the layer in this tile, or z below the layer’s minimum zoom.' }),
          304: Type.Null({ description: 'The tile named in If-None-Match is still current.' }),
          400: errorWith('z, x or y is not a tile of the scheme; the message names the valid range.'),
          403: errorWith('The layer holds personal data and is available only to authorised roles.'),
          404: errorWith('There is no such layer.'),
        },
      },
    },
    async (request, reply) => {
      const tile = parseTileCoordinates(request.params);
      const layer = await tiles.tileableLayer(request.params.layerId, request.user);
      // Tiles of a restricted layer depend on who asks: no shared HTTP cache may keep them.
      reply.header('cache-control', `${isPublicLayer(layer) ? 'public' : 'private'}, max-age=${app.config.tileMaxAge}`);
      if (!isPublicLayer(layer)) reply.header('vary', 'Cookie');
      if (tile.z < layer.minZoom) return reply.code(204).send(null);

      const etag = tiles.etag(layer, tile);
      reply.header('etag', etag);
      if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send(null);

      const served = await tiles.tile(layer, tile);
      reply.header('x-tile-cache', served.cached ? 'hit' : 'miss');
      if (!served.body.length) return reply.code(204).send(null);
      await app.audit.auditTileRead(request, layer, tile);
      return reply.type(mvtMediaType).send(served.body);
    },
  );
};
export default routes;
