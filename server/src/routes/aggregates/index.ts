import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { assertAggregatesReadable, isPublicLayer } from '../../access/layerAccess.js';
import { aggregateByUnit } from '../../aggregates/unitAggregates.js';
import { protectedDashboardOf, unitsHiddenToday } from '../../dashboards/suppressionCells.js';
import { notFound } from '../../plugins/errors.js';
import { withLayerScope } from '../../tenancy/scope.js';
import { ErrorBody, LocalizedText } from '../layers/schemas.js';

const Localized = LocalizedText;
const Aggregate = Type.Object({
  layerId: Type.String(),
  by: Type.Union([Type.Literal('parish'), Type.Literal('village')]),
  threshold: Type.Union([Type.Integer(), Type.Null()], { description: 'Counts from 1 to threshold − 1 are suppressed; null for readers of the records.' }),
  measures: Type.Array(Type.Object({ name: Type.String(), title: Localized, kind: Type.Union([Type.Literal('sum'), Type.Literal('countTrue')]) })),
  units: Type.Array(
    Type.Object({
      unitId: Type.Integer(),
      name: Type.String(),
      kind: Type.String(),
      point: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: 'A point inside the unit (lon, lat), for labels.' }),
      count: Type.Union([Type.Integer(), Type.Null()]),
      values: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
      suppressed: Type.Boolean(),
    }),
  ),
  total: Type.Object({
    count: Type.Union([Type.Integer(), Type.Null()]),
    values: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
    suppressed: Type.Boolean({ description: 'Whether the total is hidden too (small-count suppression; docs/accounts.md).' }),
  }),
  computedAt: Type.String({ format: 'date-time' }),
});

/** Aggregates of a layer per territorial unit (under /api/layers). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:layerId/aggregate',
    {
      schema: {
        summary: 'Counts and sums of a layer per parish or village',
        description:
          'Per territorial unit of the layer’s municipality: the number of features, the sums of its numeric fields and the ' +
          'counts of its true boolean fields. For a restricted layer (personal data) officials and stronger roles get it with ' +
          'counts of 1–4 suppressed and complementary suppression (per village every non-zero count is hidden: villages cut ' +
          'across the published parish table), never a single record or its position; editors and admins, who may read the records, ' +
          'get it unsuppressed. Anonymous users and viewers get 401/403 for restricted layers, and everyone below the read role of a ' +
          'layer an administrator closed (server/src/access/layerAccess.ts decides).',
        tags: ['layers'],
        params: Type.Object({ layerId: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          { by: Type.Optional(Type.Union([Type.Literal('parish'), Type.Literal('village')], { description: 'parish (parishes and towns, default) or village' })) },
          { additionalProperties: false },
        ),
        response: { 200: Aggregate, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const layer = await app.layers.get(request.params.layerId);
      if (!layer) throw notFound(`There is no layer "${request.params.layerId}". GET /api/layers lists the layers.`);
      const access = assertAggregatesReadable(request.user, layer);
      const suppress = access === 'suppressed';
      if (!isPublicLayer(layer)) reply.header('cache-control', 'private, no-store');
      // A parish the dashboard of the same records hides is hidden here too (docs/accounts.md).
      const municipality = layer.municipalityId === null ? null : await app.municipalities.byIdOrNull(layer.municipalityId);
      const dashboard = suppress ? await protectedDashboardOf(app.layers, municipality, layer) : null;
      return withLayerScope(app.pg.pool, layer, async (db) => {
        const hiddenOnDashboard = dashboard ? await unitsHiddenToday(db, dashboard, layer.municipalityId!) : () => false;
        return aggregateByUnit(db, layer, request.query.by ?? 'parish', suppress, hiddenOnDashboard);
      });
    },
  );
};

export default routes;
