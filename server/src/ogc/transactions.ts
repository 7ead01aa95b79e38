import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inEdit } from '../editing/context.js';
import { createFeature, deleteFeature, EditRefusal, loadFeature, updateFeature, type EditContext, type EditFeature } from '../editing/service.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { baseUrl } from '../routes/layers/index.js';
import { featureUrl, mediaType } from './links.js';

/**
 * OGC API – Features Part 4 (Create, Replace, Delete) for the editable domain layers, so GIS
 * specialists edit from QGIS: POST /collections/{id}/items, PUT and DELETE /collections/{id}/items/{fid}.
 * The same edit service as the map editor: field and geometry checks, optimistic locking (ETag =
 * the feature's version; If-Match checked, 412 with the current feature when stale) and an audit
 * entry with before/after in the same transaction. Geometry is CRS84 (EPSG:4326 longitude, latitude).
 */

const CRS84_URIS = ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/4326'];

const CollectionParams = Type.Object({ collectionId: Type.String({ maxLength: 64 }) });
const ItemParams = Type.Object({ collectionId: Type.String({ maxLength: 64 }), featureId: Type.String({ maxLength: 20 }) });
const FeatureInput = Type.Object(
  {
    type: Type.Literal('Feature'),
    id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }),
    properties: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { additionalProperties: true },
);

const etag = (f: EditFeature) => `"${f.properties.version}"`;

/** The version an If-Match header names (`"3"`, `W/"3"` or `3`), or undefined without one. */
function ifMatchVersion(request: FastifyRequest): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined || raw === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(raw));
  if (!m) throw badRequest('If-Match takes the ETag of the feature as GET or the last edit returned it, e.g. "3".');
  return Number(m[1]);
}

function checkContentCrs(request: FastifyRequest) {
  const raw = request.headers['content-crs'];
  if (!raw) return;
  const uri = String(raw).replace(/^<|>$/g, '');
  if (!CRS84_URIS.includes(uri)) {
    throw badRequest(`Edits are accepted in CRS84 (longitude, latitude) only; Content-Crs was <${uri.slice(0, 100)}>.`);
  }
}

const featureId = (raw: string) => {
  if (!/^\d{1,9}$/.test(raw)) throw notFound(`There is no feature "${raw.slice(0, 40)}" here; feature ids are numbers.`);
  return Number(raw);
};

/** Runs an edit at the version If-Match names (else the current one); a stale one answers 412 with the current feature. */
async function atVersion<T>(request: FastifyRequest, reply: FastifyReply, ctx: EditContext, id: number, work: (version: number) => Promise<T>): Promise<T> {
  const wanted = ifMatchVersion(request);
  let version = wanted;
  if (version === undefined) {
    const current = await loadFeature(ctx, id);
    if (!current) throw notFound(`There is no feature ${id} in the collection "${ctx.layer.id}".`);
    version = current.properties.version as number;
  }
  try {
    return await work(version);
  } catch (err) {
    if (err instanceof EditRefusal && err.statusCode === 409) throw new EditRefusal(412, err.message, { ...err.body, statusCode: 412, error: 'Precondition Failed' });
    throw err;
  }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // QGIS and GDAL send GeoJSON as application/geo+json.
  app.addContentTypeParser(mediaType.geojson, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  const send = (reply: FastifyReply, err: unknown) => {
    if (err instanceof EditRefusal) return reply.status(err.statusCode).send(err.body);
    throw err;
  };

  app.post(
    '/collections/:collectionId/items',
    { schema: { summary: 'Create a feature (Part 4)', tags: ['OGC API – Features'], params: CollectionParams, body: FeatureInput } },
    async (request, reply) => {
      checkContentCrs(request);
      try {
        const feature = await inEdit(request, request.params.collectionId, (ctx) =>
          createFeature(ctx, request.body.geometry, request.body.properties ?? {}, { ignoreServerColumns: true }),
        );
        return reply
          .status(201)
          .header('Location', featureUrl(baseUrl(request), request.params.collectionId, feature.id))
          .header('ETag', etag(feature))
          .type(mediaType.geojson)
          .send(feature);
      } catch (err) {
        return send(reply, err);
      }
    },
  );

  app.put(
    '/collections/:collectionId/items/:featureId',
    { schema: { summary: 'Replace a feature (Part 4); If-Match: its ETag', tags: ['OGC API – Features'], params: ItemParams, body: FeatureInput } },
    async (request, reply) => {
      checkContentCrs(request);
      const id = featureId(request.params.featureId);
      try {
        const feature = await inEdit(request, request.params.collectionId, (ctx) =>
          atVersion(request, reply, ctx, id, (version) =>
            updateFeature(ctx, id, version, { geometry: request.body.geometry, properties: request.body.properties ?? {}, ogc: true }),
          ),
        );
        return reply.status(200).header('ETag', etag(feature)).type(mediaType.geojson).send(feature);
      } catch (err) {
        return send(reply, err);
      }
    },
  );

  app.delete(
    '/collections/:collectionId/items/:featureId',
    { schema: { summary: 'Delete a feature (Part 4); If-Match: its ETag', tags: ['OGC API – Features'], params: ItemParams } },
    async (request, reply) => {
      const id = featureId(request.params.featureId);
      try {
        await inEdit(request, request.params.collectionId, (ctx) => atVersion(request, reply, ctx, id, (version) => deleteFeature(ctx, id, version)));
        return reply.status(204).send(null);
      } catch (err) {
        return send(reply, err);
      }
    },
  );
};

export default routes;
