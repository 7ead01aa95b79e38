import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { CSV_CONTENT_TYPE, csvStream, GEOJSON_CONTENT_TYPE, geojsonStream } from '../../features/exportFormats.js';
import { parseFilter } from '../../features/filterSql.js';
import { compileSelection, countFeatures, exportFeatures, getFeature, listFeatures } from '../../features/repository.js';
import type { FastifyRequest } from 'fastify';
import { assertRecordsReadable, recordView } from '../../access/layerAccess.js';
import { personalData } from '../../plugins/securityHeaders.js';
import type { ResolvedLayer } from '../../layers/registry.js';
import { badRequest, notFound, type UserError } from '../../plugins/errors.js';
import { ErrorBody } from '../layers/schemas.js';
import { withLayerScope } from '../../tenancy/scope.js';
import {
  DEFAULT_PAGE,
  ExportFile,
  ExportQuery,
  FeatureDetail,
  FeaturePage,
  FeatureParams,
  FeaturesQuery,
  LayerParams,
  MAX_EXPORT_ROWS,
  MAX_PAGE,
} from './schemas.js';

/** What to tell a user whose parameter failed its schema, by parameter name. */
const advice: Record<string, string> = {
  limit: `The limit must be a whole number from 1 to ${MAX_PAGE}, e.g. limit=${DEFAULT_PAGE}.`,
  offset: 'The offset must be a whole number of 0 or more, e.g. offset=100.',
  order: 'The order must be asc or desc.',
  format: 'The format must be csv or geojson.',
  sort: 'The sort must be a field name of the layer (at most 64 characters) or id.',
  filter: 'The filter must be a JSON array of conditions of at most 20 000 characters.',
  layerId: 'A layer id has at most 64 characters; GET /api/layers lists the layers.',
  featureId: 'A feature id has 1 to 64 characters.',
};

function formatSchemaError(errors: FastifySchemaValidationError[], context: string): UserError {
  const first = errors[0];
  const name = first?.instancePath.replace(/^\//, '') ?? '';
  return badRequest(advice[name] ?? `The ${context} parameter "${name}" ${first?.message ?? 'is not valid'}.`);
}

/**
 * The layer for reading records as this request's user sees it (restricted fields included for
 * editors and admins): 404 when unknown, 403 when the user may not read its records.
 */
async function readableLayer(request: FastifyRequest, layerId: string): Promise<{ layer: ResolvedLayer; view: ResolvedLayer }> {
  const layer = await request.server.layers.get(layerId);
  if (!layer) throw notFound(`There is no layer "${layerId}". GET /api/layers lists the layers.`);
  assertRecordsReadable(request.user, layer, 'records');
  return { layer, view: recordView(request.user, layer) };
}

const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** The attribute table of a layer: pages of features, one feature, and exports (under /api/layers). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:layerId/features',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'A page of the attribute table',
        description:
          'Features of a layer with their non-restricted fields and WGS-84 bounding boxes, filtered by structured ' +
          'conditions, sorted and paged. Restricted layers answer 403.',
        tags: ['features'],
        params: LayerParams,
        querystring: FeaturesQuery,
        response: { 200: FeaturePage, ...errors },
      },
    },
    async (request, reply) => {
      const { limit = DEFAULT_PAGE, offset = 0, sort, order, filter } = request.query;
      const { layer, view } = await readableLayer(request, request.params.layerId);
      const compiled = compileSelection(view, { conditions: parseFilter(filter), sort, order });
      // One query after the other: the embedded database serves a single connection.
      const { total, features } = await withLayerScope(app.pg.pool, layer, async (db) => {
        const total = await countFeatures(db, view, compiled);
        return { total, features: offset < total ? await listFeatures(db, view, compiled, { limit, offset }) : [] };
      });
      if (await app.audit.auditRead(request, layer, view, { via: 'features.list', count: features.length, selection: { filter, sort, order, limit, offset } })) {
        personalData(reply);
      }
      return { total, limit, offset, features };
    },
  );

  app.get(
    '/:layerId/features/:featureId',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'One feature with its geometry',
        description: 'The non-restricted fields, the GeoJSON geometry in WGS-84 and the bounding box.',
        tags: ['features'],
        params: FeatureParams,
        response: { 200: FeatureDetail, ...errors },
      },
    },
    async (request, reply) => {
      const { layerId, featureId } = request.params;
      const { layer, view } = await readableLayer(request, layerId);
      const feature = await withLayerScope(app.pg.pool, layer, (db) => getFeature(db, view, featureId));
      if (!feature) throw notFound(`The layer "${layerId}" has no feature "${featureId}".`);
      if (await app.audit.auditRead(request, layer, view, { via: 'features.item', featureId: feature.id })) {
        personalData(reply);
      }
      return feature;
    },
  );

  app.get(
    '/:layerId/export',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Export the filtered attribute table',
        description:
          `Every feature matching the filter (same filter and sort as /features, no paging; at most ${MAX_EXPORT_ROWS} ` +
          'rows) as CSV for Latvian Excel — UTF-8 with BOM, ";" separator, decimal commas, Latvian headers, X/Y in ' +
          'LKS-92 (X = northing) and WGS-84 longitude/latitude (a point on the feature for lines and polygons) — ' +
          'or as a GeoJSON FeatureCollection in WGS-84.',
        tags: ['features'],
        params: LayerParams,
        querystring: ExportQuery,
        response: { 200: ExportFile, ...errors },
      },
    },
    async (request, reply) => {
      const { format = 'csv', sort, order, filter } = request.query;
      const { layer, view } = await readableLayer(request, request.params.layerId);
      const compiled = compileSelection(view, { conditions: parseFilter(filter), sort, order });
      const total = await withLayerScope(app.pg.pool, layer, (db) => countFeatures(db, view, compiled));
      if (total > MAX_EXPORT_ROWS) {
        throw badRequest(
          `${total} features match, but an export holds at most ${MAX_EXPORT_ROWS}. Narrow the filter ` +
            '(e.g. by status, date or area) and export in parts.',
          { total, max: MAX_EXPORT_ROWS },
        );
      }
      const csv = format === 'csv';
      // Written before the rows stream out: the export holds the connection while it streams.
      if (await app.audit.auditRead(request, layer, view, { via: 'features.export', count: total, selection: { filter, sort, order, format } })) {
        personalData(reply);
      }
      const rows = exportFeatures(app.pg.pool, view, compiled, csv ? 'anchor' : 'geometry');
      return reply
        .header('content-disposition', `attachment; filename="${layer.id}.${csv ? 'csv' : 'geojson'}"`)
        .header('x-feature-count', String(total))
        .type(csv ? CSV_CONTENT_TYPE : GEOJSON_CONTENT_TYPE)
        .send(csv ? csvStream(view, rows) : geojsonStream(rows));
    },
  );
};
export default routes;
