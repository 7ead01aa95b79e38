import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { readIsAudited } from '../../access/layerAccess.js';
import { analysisLayer, requireGeometry, type AnalysisLayer } from '../../analysis/layers.js';
import { aggregate, nearest, pointInPolygon, withinDistance } from '../../analysis/tools.js';
import type { AnalysisResult } from '../../analysis/types.js';
import { notFound } from '../../plugins/errors.js';
import { withMunicipality } from '../../tenancy/scope.js';
import { ErrorBody } from '../layers/schemas.js';

const LayerId = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

const Result = Type.Object({
  tool: Type.String(),
  summary: Type.Object(
    { count: Type.Integer({ description: 'Features (or polygons) in the whole result.' }), truncated: Type.Boolean() },
    { additionalProperties: true },
  ),
  features: Type.Object({
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.Union([Type.String(), Type.Number()]),
        geometry: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
        properties: Type.Object({}, { additionalProperties: true }),
      }),
    ),
  }),
  computedAt: Type.String({ format: 'date-time' }),
  elapsedMs: Type.Integer(),
});

const responses = { 200: Result, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Spatial analysis on the map, computed in PostGIS (issue 7). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const municipalityOf = (request: FastifyRequest) => {
    if (!request.municipality) throw notFound('No municipality is set up here yet, so there are no layers to analyse.');
    return request.municipality.id;
  };
  /** The named layers of the request's municipality, each checked for this user; read before any scope opens. */
  const layersOf = async (request: FastifyRequest, named: Record<string, string>) => {
    const m = municipalityOf(request);
    const out: Record<string, AnalysisLayer> = {};
    for (const [param, id] of Object.entries(named)) out[param] = await analysisLayer(app.layers, m, request.user, id, param);
    return { municipalityId: m, layers: out };
  };
  /** Audits reads of personal data; the entry is written before the answer leaves. */
  const audited = async (request: FastifyRequest, tool: string, layers: AnalysisLayer[], result: AnalysisResult) => {
    for (const l of layers) {
      if (readIsAudited(l.layer, l.view)) {
        await app.audit.recordRead(request, l.layer, { via: `analysis.${tool}`, count: result.summary.count, selection: request.body as Record<string, unknown> });
      }
    }
    return result;
  };

  app.post(
    '/within-distance',
    {
      schema: {
        summary: 'Features within (or beyond) a distance of another layer, or that layer’s buffer',
        description:
          'The features of `layer` within `distance` metres of any feature of `of` (with `outside`: farther than that), e.g. the ' +
          'addresses within 50 m of a sewer main; with `output: "buffer"` the dissolved buffer polygon of `of` instead. ' +
          'Both layers belong to the request’s municipality and the user must be allowed to read their records.',
        tags: ['analysis'],
        body: Type.Object(
          {
            layer: LayerId('The layer whose features are selected.'),
            of: LayerId('The layer the distance is measured to.'),
            distance: Type.Number({ exclusiveMinimum: 0, maximum: 5000, description: 'Metres, more than 0 and at most 5000.' }),
            outside: Type.Optional(Type.Boolean({ description: 'Select the features farther than the distance instead.' })),
            output: Type.Optional(Type.Union([Type.Literal('features'), Type.Literal('buffer')])),
          },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) => {
      const body = request.body;
      const { municipalityId, layers } = await layersOf(request, { layer: body.layer, of: body.of });
      const result = await withMunicipality(app.pg.pool, municipalityId, (db) => withinDistance(db, layers.layer, layers.of, body));
      return audited(request, 'within-distance', body.output === 'buffer' ? [layers.of] : [layers.layer], result);
    },
  );

  app.post(
    '/aggregate',
    {
      schema: {
        summary: 'Count, sum, length or area of one layer per polygon of another',
        description:
          'Per polygon of `by` (e.g. the parishes or villages): the number of features of `layer` inside it, the sum of its ' +
          'numeric `field`, the length in km of its lines or the area in ha of its polygons (clipped to the polygon).',
        tags: ['analysis'],
        body: Type.Object(
          {
            layer: LayerId('The layer whose features are counted or measured.'),
            by: LayerId('A polygon layer, e.g. parishes or villages.'),
            stat: Type.Union([Type.Literal('count'), Type.Literal('sum'), Type.Literal('length'), Type.Literal('area')]),
            field: Type.Optional(Type.String({ maxLength: 63, description: 'The numeric field to sum (for stat "sum").' })),
          },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) => {
      const body = request.body;
      const { municipalityId, layers } = await layersOf(request, { layer: body.layer, by: body.by });
      requireGeometry(layers.by, ['Polygon'], 'by', 'to aggregate by');
      if (body.stat === 'length') requireGeometry(layers.layer, ['LineString', 'Polygon'], 'layer', 'to measure length');
      if (body.stat === 'area') requireGeometry(layers.layer, ['Polygon'], 'layer', 'to measure area');
      const result = await withMunicipality(app.pg.pool, municipalityId, (db) => aggregate(db, layers.layer, layers.by, body));
      return audited(request, 'aggregate', [layers.layer], result);
    },
  );

  app.post(
    '/nearest',
    {
      schema: {
        summary: 'Each feature’s nearest feature of another layer, with the distance',
        description:
          'Each feature of `layer` with its nearest feature of `of` (optionally only those matching `where`, equality on public ' +
          'fields) and the distance in metres; as lines from the feature to its nearest (default) or as the features’ points.',
        tags: ['analysis'],
        body: Type.Object(
          {
            layer: LayerId('The layer whose features look for their nearest.'),
            of: LayerId('The layer the nearest feature is taken from, e.g. a facilities layer such as schools.'),
            where: Type.Optional(
              Type.Record(Type.String({ maxLength: 63 }), Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]), {
                maxProperties: 5,
                description: 'Only features of `of` whose fields equal these values, e.g. {"kind": "gravity"}.',
              }),
            ),
            output: Type.Optional(Type.Union([Type.Literal('lines'), Type.Literal('points')])),
          },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) => {
      const body = request.body;
      const { municipalityId, layers } = await layersOf(request, { layer: body.layer, of: body.of });
      const result = await withMunicipality(app.pg.pool, municipalityId, (db) => nearest(db, layers.layer, layers.of, body));
      return audited(request, 'nearest', [layers.layer, layers.of], result);
    },
  );

  app.post(
    '/point-in-polygon',
    {
      schema: {
        summary: 'Which polygon each feature falls in',
        description:
          'Each feature of `layer` (e.g. an uploaded dataset) with the id and name of the polygon of `by` (parishes or villages) ' +
          'it falls in, and how many fall in none.',
        tags: ['analysis'],
        body: Type.Object(
          { layer: LayerId('The layer whose features are placed.'), by: LayerId('A polygon layer, e.g. parishes or villages.') },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) => {
      const body = request.body;
      const { municipalityId, layers } = await layersOf(request, { layer: body.layer, by: body.by });
      requireGeometry(layers.by, ['Polygon'], 'by', 'to join with');
      const result = await withMunicipality(app.pg.pool, municipalityId, (db) => pointInPolygon(db, layers.layer, layers.by));
      return audited(request, 'point-in-polygon', [layers.layer], result);
    },
  );
};

export default routes;
