import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { assertRecordsReadable, isPublicLayer } from '../../access/layerAccess.js';
import { dashboards } from '../../dashboards/catalog.js';
import { compareMunicipalities } from '../../dashboards/comparison.js';
import { indicatorCsvRows } from '../../dashboards/csv.js';
import { assertIndicatorReadable, computeDashboard, dashboardAccess, indicatorLayers, openableDashboard, unitsGeoJson, type IndicatorLayers } from '../../dashboards/service.js';
import type { DashboardFilters, IndicatorResult } from '../../dashboards/types.js';
import type { ResolvedLayer } from '../../layers/registry.js';
import { notFound } from '../../plugins/errors.js';
import { ErrorBody, LocalizedText } from '../layers/schemas.js';
import { int4 } from '../bounds.js';

const DashboardIdParam = Type.Union([Type.Literal('sewer'), Type.Literal('streets'), Type.Literal('accommodation')]);
const Measure = Type.Union([Type.Literal('percent'), Type.Literal('count'), Type.Literal('km'), Type.Literal('eur'), Type.Literal('days'), Type.Literal('places')]);
const Column = Type.Object({ name: Type.String(), title: LocalizedText, measure: Measure });
const IndicatorShape = {
  id: Type.String(),
  kind: Type.Union([Type.Literal('kpi'), Type.Literal('series'), Type.Literal('categories'), Type.Literal('units'), Type.Literal('table')]),
  title: LocalizedText,
  definition: LocalizedText,
  columns: Type.Array(Column),
  categories: Type.Optional(Type.Record(Type.String(), LocalizedText)),
  headline: Type.Optional(Type.Boolean()),
  unitKind: Type.Optional(Type.Union([Type.Literal('parish'), Type.Literal('village'), Type.Literal('settlement')])),
  fields: Type.Optional(Type.Array(Type.Object({ name: Type.String(), title: LocalizedText }))),
};
const Row = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]));
const Indicator = Type.Object({
  ...IndicatorShape,
  rows: Type.Array(Row),
  suppressed: Type.Optional(Type.Array(Type.Boolean())),
  computedAt: Type.String({ format: 'date-time' }),
  elapsedMs: Type.Number(),
});
const Dashboard = Type.Object({
  dashboard: DashboardIdParam,
  title: LocalizedText,
  question: LocalizedText,
  municipality: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  filters: Type.Object({
    unitId: Type.Union([Type.Integer(), Type.Null()]),
    from: Type.Union([Type.String(), Type.Null()]),
    to: Type.Union([Type.String(), Type.Null()]),
    unit: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }), Type.Null()]),
  }),
  threshold: Type.Union([Type.Integer(), Type.Null()], { description: 'Counts from 1 to threshold − 1 are suppressed; null for readers of the records.' }),
  indicators: Type.Array(Indicator),
  withheld: Type.Optional(
    Type.Array(Type.String(), { description: 'Indicators left out: they read layers (or list records) this reader may not read.' }),
  ),
  computedAt: Type.String({ format: 'date-time' }),
  elapsedMs: Type.Number(),
});
const Filters = {
  unit: Type.Optional(int4({ description: 'A parish, town or village of the municipality: only what lies in it counts.' })),
  from: Type.Optional(Type.String({ format: 'date', description: 'First day of the period (YYYY-MM-DD).' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Last day of the period (YYYY-MM-DD); stocks are shown as at this day.' })),
};
const FiltersQuery = Type.Object(Filters, { additionalProperties: false });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

const filtersOf = (q: { unit?: number; from?: string; to?: string }): DashboardFilters => ({ unitId: q.unit ?? null, from: q.from ?? null, to: q.to ?? null });

/** Decision dashboards: indicators computed in PostGIS from live data on every request (issue 7). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * A `table` indicator lists records of the dashboard's layer (e.g. the longest-waiting
   * applications): audited as a read of them when the access module says they are personal data.
   */
  const auditRecordTables = async (request: FastifyRequest, layer: ResolvedLayer, indicators: IndicatorResult[]) => {
    const tables = indicators.filter((i) => i.kind === 'table' && i.rows.length > 0);
    if (!tables.length) return;
    const count = tables.reduce((a, i) => a + i.rows.length, 0);
    await app.audit.auditRead(request, layer, layer, { via: 'dashboards.table', count, selection: { indicators: tables.map((i) => i.id), ...(request.query as object) } });
  };

  /** The request's municipality; every dashboard is about one. */
  const municipalityOf = (request: FastifyRequest) => {
    if (!request.municipality) throw notFound('No municipality is set up here yet, so there are no dashboards.');
    return request.municipality;
  };

  /** Whether an anonymous visitor sees the whole dashboard too, so a shared cache may keep it. */
  const publicForEveryone = (definition: (typeof dashboards)[keyof typeof dashboards], read: IndicatorLayers) =>
    dashboardAccess(null, definition, read).access === 'full';

  app.get(
    '/',
    {
      schema: {
        summary: 'The dashboards and whether the user may open them',
        tags: ['dashboards'],
        response: {
          200: Type.Array(
            Type.Object({
              id: DashboardIdParam,
              title: LocalizedText,
              question: LocalizedText,
              access: Type.Union([Type.Literal('none'), Type.Literal('suppressed'), Type.Literal('full')]),
            }),
          ),
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      const municipality = municipalityOf(request);
      return Promise.all(
        Object.values(dashboards).map(async (d) => ({
          id: d.id,
          title: d.title,
          question: d.question,
          access: dashboardAccess(request.user, d, await indicatorLayers(app.layers, d, municipality)).access,
        })),
      );
    },
  );

  app.get(
    '/units',
    {
      schema: {
        summary: 'The municipality’s parishes and towns, villages, or settlements (towns and villages), for the choropleth (GeoJSON, EPSG:4326)',
        tags: ['dashboards'],
        querystring: Type.Object(
          {
            by: Type.Optional(
              Type.Union([Type.Literal('parish'), Type.Literal('village'), Type.Literal('settlement')], {
                description: 'parish (parishes and towns, default), village, or settlement (towns and villages)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            type: Type.Literal('FeatureCollection'),
            features: Type.Array(
              Type.Object({
                type: Type.Literal('Feature'),
                id: Type.Integer(),
                properties: Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }),
                geometry: Type.Unknown(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const municipality = municipalityOf(request);
      const by = request.query.by ?? 'parish';
      // The units are the records of the parishes (towns among them) or villages layer: its readers only.
      const keys = by === 'parish' ? ['parishes'] : by === 'village' ? ['villages'] : ['parishes', 'villages'];
      const layers = await Promise.all(keys.map((key) => app.layers.get(`${municipality.code}-${key}`)));
      for (const layer of layers) {
        if (!layer) throw notFound(`${municipality.name} has no ${by} layer.`);
        assertRecordsReadable(request.user, layer, 'records');
      }
      reply.header('cache-control', layers.every((l) => l && isPublicLayer(l)) ? 'public, max-age=300' : 'private, no-store');
      return unitsGeoJson(app.pg.pool, municipality.id, by);
    },
  );

  app.get(
    '/:dashboard',
    {
      schema: {
        summary: 'A dashboard’s indicators, computed now',
        description:
          'Every indicator of the dashboard for the request municipality, computed in PostGIS from live data, filtered to a ' +
          'territorial unit and a period. Personal-data dashboards (accommodation) give officials rows of 1–4 sites suppressed; ' +
          'editors and admins get them whole; viewers and anonymous visitors are refused.',
        tags: ['dashboards'],
        params: Type.Object({ dashboard: DashboardIdParam }),
        querystring: FiltersQuery,
        response: { 200: Dashboard, ...errors },
      },
    },
    async (request, reply) => {
      const municipality = municipalityOf(request);
      const { definition, access, indicators, layer, read } = await openableDashboard(app.layers, request.params.dashboard, municipality, request.user);
      // What it shows depends on who asks unless every indicator is whole for everyone.
      if (access !== 'full' || !publicForEveryone(definition, read)) reply.header('cache-control', 'private, no-store');
      const result = await computeDashboard(app.pg.pool, definition, municipality, filtersOf(request.query), indicators);
      await auditRecordTables(request, layer, result.indicators);
      return result;
    },
  );

  app.get(
    '/:dashboard/comparison',
    {
      schema: {
        summary: 'The dashboard’s KPIs for every municipality hosted here (officials)',
        tags: ['dashboards'],
        params: Type.Object({ dashboard: DashboardIdParam }),
        response: {
          200: Type.Object({
            dashboard: DashboardIdParam,
            indicators: Type.Array(Type.Object(IndicatorShape)),
            municipalities: Type.Array(
              Type.Object({
                id: Type.Integer(),
                code: Type.String(),
                name: Type.String(),
                own: Type.Boolean(),
                published: Type.Boolean(),
                values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
                suppressed: Type.Record(Type.String(), Type.Boolean()),
              }),
            ),
            computedAt: Type.String({ format: 'date-time' }),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      const definition = dashboards[request.params.dashboard];
      const compared = await compareMunicipalities(
        app.pg.pool,
        app.layers,
        definition,
        await app.municipalities.list(),
        municipalityOf(request),
        request.user,
      );
      return { dashboard: definition.id, ...compared, computedAt: new Date().toISOString() };
    },
  );

  app.get(
    '/:dashboard/indicators/:file',
    {
      schema: {
        summary: 'One indicator’s rows as CSV',
        description: 'The file is `<indicator id>.csv`, e.g. `sewer.by_settlement.csv`; the same filters and access as the dashboard. UTF-8 with BOM.',
        tags: ['dashboards'],
        params: Type.Object({ dashboard: DashboardIdParam, file: Type.String({ pattern: '^[a-z_]+\\.[a-z_]+\\.csv$', maxLength: 80 }) }),
        querystring: Type.Object({ ...Filters, lang: Type.Optional(Type.Union([Type.Literal('lv'), Type.Literal('en'), Type.Literal('uk')])) }, { additionalProperties: false }),
        response: { 200: Type.String({ description: 'CSV' }), ...errors },
      },
    },
    async (request, reply) => {
      const municipality = municipalityOf(request);
      const { definition, indicators, layer } = await openableDashboard(app.layers, request.params.dashboard, municipality, request.user);
      const id = request.params.file.replace(/\.csv$/, '');
      const indicator = definition.indicators.find((i) => i.id === id);
      if (!indicator) throw notFound(`The ${definition.id} dashboard has no indicator "${id}"; its indicators are ${definition.indicators.map((i) => i.id).join(', ')}.`);
      assertIndicatorReadable(request.user, indicator, indicators.get(indicator.id) ?? 'none');
      const result = await computeDashboard(app.pg.pool, definition, municipality, filtersOf(request.query), indicators, [indicator]);
      await auditRecordTables(request, layer, result.indicators);
      const csv = stringify(indicatorCsvRows(result.indicators[0], request.query.lang ?? 'lv'), { bom: true });
      return reply
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${municipality.code}-${id}.csv"`)
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );
};

export default routes;
