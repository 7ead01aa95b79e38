import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { analysisLayer, requireGeometry, type AnalysisLayer } from '../../analysis/layers.js';
import { aggregate, nearest, pointInPolygon, withinDistance } from '../../analysis/tools.js';
import { saveResultAsLayer } from '../../analysis/saveLayer.js';
import type { AnalysisResult } from '../../analysis/types.js';
import { inTransaction } from '../../db/transaction.js';
import { requireRole } from '../../plugins/auth.js';
import { badRequest, notFound } from '../../plugins/errors.js';
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

const WithinDistanceBody = Type.Object(
  {
    layer: LayerId('The layer whose features are selected.'),
    of: LayerId('The layer the distance is measured to.'),
    distance: Type.Number({ exclusiveMinimum: 0, maximum: 5000, description: 'Metres, more than 0 and at most 5000.' }),
    outside: Type.Optional(Type.Boolean({ description: 'Select the features farther than the distance instead.' })),
    output: Type.Optional(Type.Union([Type.Literal('features'), Type.Literal('buffer')])),
  },
  { additionalProperties: false },
);
/** Equality conditions on public fields of one of a tool's layers, bound as parameters. */
const WhereOf = (layer: string, example: string) =>
  Type.Optional(
    Type.Record(Type.String({ maxLength: 63 }), Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]), {
      maxProperties: 5,
      description: `Only features of \`${layer}\` whose fields equal these values, e.g. ${example}.`,
    }),
  );
const AggregateBody = Type.Object(
  {
    layer: LayerId('The layer whose features are counted or measured.'),
    by: LayerId('A polygon layer, e.g. parishes or villages.'),
    stat: Type.Union([Type.Literal('count'), Type.Literal('sum'), Type.Literal('length'), Type.Literal('area')]),
    field: Type.Optional(Type.String({ maxLength: 63, description: 'The numeric field to sum (for stat "sum").' })),
    where: WhereOf('layer', '{"status": "applied"}'),
  },
  { additionalProperties: false },
);
const NearestBody = Type.Object(
  {
    layer: LayerId('The layer whose features look for their nearest.'),
    of: LayerId('The layer the nearest feature is taken from, e.g. a facilities layer such as schools.'),
    where: WhereOf('of', '{"kind": "gravity"}'),
    output: Type.Optional(Type.Union([Type.Literal('lines'), Type.Literal('points')])),
  },
  { additionalProperties: false },
);
const PointInPolygonBody = Type.Object(
  { layer: LayerId('The layer whose features are placed.'), by: LayerId('A polygon layer, e.g. parishes or villages.') },
  { additionalProperties: false },
);
const SaveBody = Type.Object(
  {
    tool: Type.Union([Type.Literal('within-distance'), Type.Literal('aggregate'), Type.Literal('nearest'), Type.Literal('point-in-polygon')]),
    params: Type.Object({}, { additionalProperties: true, description: 'The body the tool itself takes.' }),
    title: Type.Object({ lv: Type.String({ minLength: 1, maxLength: 120 }), en: Type.Optional(Type.String({ maxLength: 120 })) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const paramsSchema = {
  'within-distance': WithinDistanceBody,
  aggregate: AggregateBody,
  nearest: NearestBody,
  'point-in-polygon': PointInPolygonBody,
};

type Tool = keyof typeof paramsSchema;
const validators = Object.fromEntries(Object.entries(paramsSchema).map(([k, v]) => [k, Compile(v)])) as Record<Tool, ReturnType<typeof Compile>>;
type Params = {
  'within-distance': Static<typeof WithinDistanceBody>;
  aggregate: Static<typeof AggregateBody>;
  nearest: Static<typeof NearestBody>;
  'point-in-polygon': Static<typeof PointInPolygonBody>;
};

const descriptions: Record<Tool, { summary: string; description: string }> = {
  'within-distance': {
    summary: 'Features within (or beyond) a distance of another layer, or that layer’s buffer',
    description:
      'The features of `layer` within `distance` metres of any feature of `of` (with `outside`: farther than that), e.g. the ' +
      'addresses within 50 m of a sewer main; with `output: "buffer"` the dissolved buffer polygon of `of` instead.',
  },
  aggregate: {
    summary: 'Count, sum, length or area of one layer per polygon of another',
    description:
      'Per polygon of `by` (e.g. the parishes or villages): the number of features of `layer` inside it, the sum of its ' +
      'numeric `field`, the length in km of its lines or the area in ha of its polygons (clipped to the polygon).',
  },
  nearest: {
    summary: 'Each feature’s nearest feature of another layer, with the distance',
    description:
      'Each feature of `layer` with its nearest feature of `of` (optionally only those matching `where`, equality on public ' +
      'fields) and the distance in metres; as lines from the feature to its nearest (default) or as the features’ points.',
  },
  'point-in-polygon': {
    summary: 'Which polygon each feature falls in',
    description:
      'Each feature of `layer` (e.g. an uploaded dataset) with the id and name of the polygon of `by` (parishes or villages) ' +
      'it falls in, and how many fall in none.',
  },
};

const common =
  ' Both layers belong to the request’s municipality (another municipality’s layer is 404) and the user must be allowed to ' +
  'read their records (401/403 otherwise). The answer is a temporary layer in EPSG:4326 of at most 10 000 features.';

/** Spatial analysis on the map, computed in PostGIS (issue 7). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const municipalityOf = (request: FastifyRequest) => {
    if (!request.municipality) throw notFound('No municipality is set up here yet, so there are no layers to analyse.');
    return request.municipality.id;
  };

  /**
   * Runs a tool for the request: its layers are looked up and checked for this user before the
   * municipality's scope opens (the embedded database has one connection), then computed in it.
   * Reads of personal data are audited before the answer leaves.
   */
  async function execute<T extends Tool>(request: FastifyRequest, tool: T, params: Params[T]): Promise<AnalysisResult> {
    const m = municipalityOf(request);
    const get = (id: string, param: string) => analysisLayer(app.layers, m, request.user, id, param);
    let read: AnalysisLayer[];
    let result: AnalysisResult;
    if (tool === 'within-distance') {
      const p = params as Params['within-distance'];
      const [layer, of] = [await get(p.layer, 'layer'), await get(p.of, 'of')];
      result = await withMunicipality(app.pg.pool, m, (db) => withinDistance(db, layer, of, p));
      read = p.output === 'buffer' ? [of] : [layer];
    } else if (tool === 'aggregate') {
      const p = params as Params['aggregate'];
      const [layer, by] = [await get(p.layer, 'layer'), await get(p.by, 'by')];
      requireGeometry(by, ['Polygon'], 'by', 'to aggregate by');
      if (p.stat === 'length') requireGeometry(layer, ['LineString', 'Polygon'], 'layer', 'to measure length');
      if (p.stat === 'area') requireGeometry(layer, ['Polygon'], 'layer', 'to measure area');
      result = await withMunicipality(app.pg.pool, m, (db) => aggregate(db, layer, by, p));
      read = [layer];
    } else if (tool === 'nearest') {
      const p = params as Params['nearest'];
      const [layer, of] = [await get(p.layer, 'layer'), await get(p.of, 'of')];
      result = await withMunicipality(app.pg.pool, m, (db) => nearest(db, layer, of, p));
      read = [layer, of];
    } else {
      const p = params as Params['point-in-polygon'];
      const [layer, by] = [await get(p.layer, 'layer'), await get(p.by, 'by')];
      requireGeometry(by, ['Polygon'], 'by', 'to join with');
      result = await withMunicipality(app.pg.pool, m, (db) => pointInPolygon(db, layer, by));
      read = [layer];
    }
    for (const l of read) {
      await app.audit.auditRead(request, l.layer, l.view, { via: `analysis.${tool}`, count: result.summary.count, selection: params as Record<string, unknown> });
    }
    return result;
  }

  for (const tool of Object.keys(paramsSchema) as Tool[]) {
    app.post(
      `/${tool}`,
      { schema: { ...descriptions[tool], description: descriptions[tool].description + common, tags: ['analysis'], body: paramsSchema[tool], response: responses } },
      async (request) => execute(request, tool, request.body as Params[typeof tool]),
    );
  }

  app.post(
    '/save',
    {
      schema: {
        summary: 'Save an analysis result as a new dataset layer',
        description:
          'Runs the tool again with `params` and publishes its result as a new dataset layer of the request’s municipality, by ' +
          'the same path as an uploaded file (its own table, a dataset version, the layer registry). Editors and admins only. ' +
          'Only the first 10 000 features of a truncated result are saved.',
        tags: ['analysis'],
        body: SaveBody,
        response: {
          201: Type.Object({ layerId: Type.String(), featureCount: Type.Integer(), summary: Result.properties.summary }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { tool, params, title } = request.body;
      const m = municipalityOf(request);
      const user = requireRole(request, 'editor', m);
      if (!validators[tool].Check(params)) {
        const first = validators[tool].Errors(params)[0];
        throw badRequest(`"params" is not a valid body for ${tool}: ${first ? `${first.instancePath || 'params'} ${first.message}` : 'see /api/docs'}.`);
      }
      const result = await execute(request, tool, params as Params[typeof tool]);
      const saved = await inTransaction(app.pg.pool, async (client) => {
        const out = await saveResultAsLayer(client, result, { municipalityId: m, userId: user.id, title });
        await app.audit.recordIn(client, request, {
          action: 'dataset.publish',
          municipalityId: m,
          layerId: out.layerId,
          details: { after: { analysis: tool, params, featureCount: out.featureCount, upload: out.jobId } },
        });
        return out;
      });
      app.layers.invalidate();
      return reply.status(201).send({ layerId: saved.layerId, featureCount: saved.featureCount, summary: result.summary });
    },
  );
};

export default routes;
