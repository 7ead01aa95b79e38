import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { badRequest, notFound } from '../plugins/errors.js';
import { ErrorBody } from '../routes/layers/schemas.js';
import { MAX_ZOOM } from './types.js';
import { parseTileAddress } from './tileGrid.js';
import type { TileAnswer } from './tileProxy.js';

// z/x/y arrive as text so that the 400 can name the valid range for the zoom asked.
const TileParams = Type.Object({
  sourceId: Type.String({ maxLength: 64, description: 'Source id from GET /api/basemaps, e.g. "lvm-geo".' }),
  layer: Type.String({ maxLength: 200, description: 'WMS layer name of that source, URL-encoded, e.g. "public%3AOrto_LKS".' }),
  z: Type.String({ description: `Zoom level: an integer from 0 to ${MAX_ZOOM}.`, examples: ['14'] }),
  x: Type.String({ description: 'Tile column: an integer from 0 to 2^z − 1.', examples: ['9285'] }),
  y: Type.String({ description: 'Tile row from the north: an integer from 0 to 2^z − 1.', examples: ['5026'] }),
});

const tileHeaders = {
  'x-tile-status': Type.String({
    description: 'hit (disk cache), miss (fetched now), stale (cached copy, upstream failing), upstream-unavailable or key-missing (placeholder).',
  }),
  etag: Type.String({ description: 'Content hash; send it back in If-None-Match.' }),
  'cache-control': Type.String({ description: 'public, max-age=<seconds left in the cache>; no-store for placeholders.' }),
};

// A Buffer passes through Fastify unserialised; the schema documents it for OpenAPI.
const TileImage = Type.Unsafe<Buffer>({
  description: 'A 256 px EPSG:3857 tile (PNG, or JPEG for JPEG sources), or a light grey placeholder when the upstream is unavailable.',
  headers: tileHeaders,
  content: {
    'image/png': { schema: { type: 'string', format: 'binary' } },
    'image/jpeg': { schema: { type: 'string', format: 'binary' } },
  },
});

/** The WMS tile proxy: catalog sources only, cached on disk, keys added server-side. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:sourceId/:layer/:z/:x/:y.png',
    {
      schema: {
        summary: 'A basemap tile from a WMS source',
        description:
          'GetMap for the tile’s EPSG:3857 extent from a source of the WMS catalog, cached on disk. Never fetches a URL from the request.',
        tags: ['basemaps'],
        params: TileParams,
        response: {
          200: TileImage,
          304: Type.Null({ description: 'The tile named in If-None-Match is still current.' }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { sourceId, layer: layerName, z, x, y } = request.params;
      const address = parseTileAddress(z, x, y);
      if ('problem' in address) throw badRequest(address.problem);
      const municipalityId = request.municipality?.id;
      const { source, layer } = await app.wms.catalog.find(sourceId, layerName, municipalityId);
      if (!source) throw notFound(`There is no WMS source "${sourceId}". GET /api/basemaps lists the basemaps.`);
      if (!layer) throw notFound(`The WMS source "${sourceId}" has no layer "${layerName}". GET /api/basemaps lists its layers.`);
      return sendTile(request, reply, await app.wms.proxy.tile(source, layer, address.tile, municipalityId));
    },
  );
};
export default routes;

function sendTile(request: FastifyRequest, reply: FastifyReply, tile: TileAnswer) {
  reply.header('x-tile-status', tile.status);
  reply.header('cache-control', tile.maxAge > 0 ? `public, max-age=${tile.maxAge}` : 'no-store');
  if (tile.upstreamMs !== undefined) reply.header('server-timing', `upstream;dur=${tile.upstreamMs.toFixed(1)}`);
  if (tile.etag) {
    reply.header('etag', tile.etag);
    const asked = request.headers['if-none-match'];
    if (asked && asked.split(',').some((tag) => tag.trim().replace(/^W\//, '') === tile.etag)) {
      return reply.code(304).send(null);
    }
  }
  return reply.type(tile.contentType).send(tile.bytes);
}
