import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { mayReadRecords, mayReadRestrictedFields, visibleLayerStats } from '../../access/layerAccess.js';
import { layerStats } from '../../layers/layerStats.js';
import type { ResolvedLayer } from '../../layers/registry.js';
import { notFound } from '../../plugins/errors.js';
import { ErrorBody, LayerSummary } from './schemas.js';

/** Absolute base URL of this server as the client reached it (behind proxies too). */
export const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

const mvtFieldType = (type: string) => (type === 'integer' || type === 'number' ? 'Number' : type === 'boolean' ? 'Boolean' : 'String');

/** Whether a layer belongs to the request's municipality, or to all municipalities. */
export const inRequestMunicipality = (request: FastifyRequest, layer: ResolvedLayer) =>
  layer.municipalityId === null || layer.municipalityId === request.municipality?.id;

const routes: FastifyPluginAsyncTypebox = async (app) => {
  async function describe(layer: ResolvedLayer, request: FastifyRequest): Promise<Static<typeof LayerSummary>> {
    // Count and extent only for readers of the records: with one site in a parish the extent is its position.
    const stats = await visibleLayerStats(request.user, layer, () => layerStats(app.pg.pool, layer));
    const base = baseUrl(request);
    const tileFields = Object.fromEntries(layer.fields.filter((f) => !f.restricted).map((f) => [f.name, mvtFieldType(f.type)]));
    return {
      id: layer.id,
      municipalityId: layer.municipalityId,
      group: layer.group,
      title: layer.title,
      description: layer.description as Record<string, string>,
      geometryType: layer.geometryType,
      fields: layer.fields,
      style: layer.style,
      restricted: layer.restricted,
      access: {
        records: mayReadRecords(request.user, layer),
        restrictedFields: mayReadRestrictedFields(request.user, layer),
      },
      minZoom: layer.minZoom,
      maxZoom: layer.maxZoom,
      featureCount: stats?.featureCount ?? null,
      extent: stats?.extent ?? null,
      dataVersion: layer.dataVersion,
      tileJson: {
        tilejson: '3.0.0',
        name: layer.title.lv,
        // The data version in the URL lets browsers and HTTP caches keep tiles until the data changes.
        tiles: [`${base}/api/tiles/${layer.id}/{z}/{x}/{y}.mvt?v=${layer.dataVersion}`],
        minzoom: layer.minZoom,
        maxzoom: Math.min(layer.maxZoom, 22),
        ...(stats?.extent ? { bounds: stats.extent } : {}),
        vector_layers: [{ id: layer.id, fields: tileFields, minzoom: layer.minZoom, maxzoom: Math.min(layer.maxZoom, 22) }],
      },
      ogcCollection: `${base}/ogc/collections/${layer.id}`,
    };
  }

  app.get(
    '/',
    {
      schema: {
        summary: 'The layer catalog',
        description:
          "The layers of the request's municipality (X-Municipality, subdomain or the default; see docs/accounts.md) and the shared ones, " +
          'with titles (lv/en/uk), fields, extent, feature count, default style and a TileJSON.',
        tags: ['layers'],
        response: { 200: Type.Object({ layers: Type.Array(LayerSummary) }) },
      },
    },
    async (request) => {
      const layers = (await app.layers.list()).filter((l) => inRequestMunicipality(request, l));
      const described = [];
      // One at a time: the embedded database serves a single connection.
      for (const layer of layers) described.push(await describe(layer, request));
      return { layers: described };
    },
  );

  app.get(
    '/:layerId',
    {
      schema: {
        summary: 'One layer of the catalog',
        tags: ['layers'],
        params: Type.Object({ layerId: Type.String({ maxLength: 64 }) }),
        response: { 200: LayerSummary, 404: ErrorBody },
      },
    },
    async (request) => {
      const layer = await app.layers.get(request.params.layerId);
      if (!layer) throw notFound(`There is no layer "${request.params.layerId}". GET /api/layers lists the layers.`);
      return describe(layer, request);
    },
  );
};
export default routes;
