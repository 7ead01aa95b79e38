import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { layerStats } from '../layers/layerStats.js';
import type { ResolvedLayer } from '../layers/registry.js';
import { assertRecordsReadable, mayReadRecords, recordView, visibleLayerStats } from '../access/layerAccess.js';
import { personalData } from '../plugins/securityHeaders.js';
import { notFound } from '../plugins/errors.js';
import { baseUrl, inRequestMunicipality } from '../routes/layers/index.js';
import { ErrorBody } from '../routes/layers/schemas.js';
import { describeCollection, localized } from './collections.js';
import { CRS84, parseCrs, servedCrs, type ServedCrs } from './crs.js';
import { featureJsonSchema } from './featureSchema.js';
import { countFeatures, findFeature, findFeatures, type FeatureRecord } from './featureRepository.js';
import { featureUrl, collectionUrl, link, mediaType, ogcRoot, pageLinks } from './links.js';
import { ogcErrorFormatter, pickLanguage, readItemsQuery } from './requestParams.js';
import { withLayerRead, withLayerScope } from '../tenancy/scope.js';
import transactions from './transactions.js';
import {
  CollectionParams,
  Collections,
  Collection,
  CommonQuery,
  Conformance,
  DEFAULT_LIMIT,
  Feature,
  FeatureCollection,
  FeatureParams,
  FeatureQuery,
  ItemsQuery,
  LandingPage,
  MAX_LIMIT,
  type Language,
} from './schemas.js';

/** Conformance classes this API implements. */
export const conformanceClasses = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
];

const tags = ['OGC API – Features'];
const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const geojson = (schema: TSchema) => ({ content: { [mediaType.geojson]: { schema } } });
const accepts = (schema: { properties: Record<string, unknown> }) => ogcErrorFormatter(Object.keys(schema.properties));

/** Sends features with the CRS header Part 2 asks for; JSON whatever the Accept header says. */
const asGeoJson = (reply: FastifyReply, crs: ServedCrs) => reply.header('Content-Crs', `<${crs.uri}>`).type(mediaType.geojson);

/** The language of titles for this request, announced in headers so HTTP caches keep one copy per language. */
function negotiateLanguage(request: { query: { lang?: Language }; headers: FastifyRequest['headers'] }, reply: FastifyReply): Language {
  const lang = pickLanguage(request.query.lang, request.headers['accept-language']);
  reply.header('Content-Language', lang).header('Vary', 'Accept-Language');
  return lang;
}

const toFeature = (record: FeatureRecord, links?: ReturnType<typeof link>[]) => ({
  type: 'Feature' as const,
  id: record.id,
  geometry: record.geometry,
  properties: record.properties,
  ...(links ? { links } : {}),
});

/**
 * OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by reference) over the
 * layer registry: each layer is a collection. Layers holding personal data are listed; their
 * records go only to the roles the access module allows, and each such read is audited.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(transactions); // Part 4: create, replace, delete (server/src/ogc/transactions.ts)
  async function collectionLayer(collectionId: string): Promise<ResolvedLayer> {
    const layer = await app.layers.get(collectionId);
    if (!layer) throw notFound(`There is no collection "${collectionId.slice(0, 80)}". GET /ogc/collections lists them.`);
    return layer;
  }

  /**
   * The layer behind a collection whose records this request may read, and the view of it that
   * includes restricted fields for its editors and admins (the access module decides).
   */
  async function readableLayer(request: FastifyRequest, collectionId: string): Promise<{ layer: ResolvedLayer; view: ResolvedLayer }> {
    const layer = await collectionLayer(collectionId);
    assertRecordsReadable(request.user, layer, 'features');
    return { layer, view: recordView(request.user, layer) };
  }

  /** The layer's count and extent if this request may read its records (the access module decides), else null. */
  const statsFor = (request: FastifyRequest, layer: ResolvedLayer) =>
    visibleLayerStats(request.user, layer, () => withLayerScope(app.pg.pool, layer, (db) => layerStats(db, layer)));

  app.get(
    '/',
    {
      schema: { summary: 'OGC API – Features landing page', tags, querystring: CommonQuery, response: { 200: LandingPage, 400: ErrorBody } },
      schemaErrorFormatter: accepts(CommonQuery),
    },
    async (request, reply) => {
      const root = ogcRoot(baseUrl(request));
      const lang = negotiateLanguage(request, reply);
      return {
        title: { lv: 'Pašvaldību ĢIS — telpiskie dati', en: 'Municipal GIS — spatial data', uk: 'Муніципальна ГІС — просторові дані' }[lang],
        description: {
          lv: 'Pašvaldību slāņi kā OGC API – Features kolekcijas (GeoJSON; CRS84, LKS-92 / Latvia TM).',
          en: 'Municipal layers as OGC API – Features collections (GeoJSON; CRS84, LKS-92 / Latvia TM).',
          uk: 'Муніципальні шари як колекції OGC API – Features (GeoJSON; CRS84, LKS-92 / Latvia TM).',
        }[lang],
        links: [
          link(root, 'self', mediaType.json, 'This document'),
          link(`${baseUrl(request)}/api/docs/json`, 'service-desc', mediaType.openapi, 'The API definition (OpenAPI 3.0)'),
          link(`${baseUrl(request)}/api/docs`, 'service-doc', mediaType.html, 'The API documentation'),
          link(`${root}/conformance`, 'conformance', mediaType.json, 'Conformance classes implemented'),
          link(`${root}/collections`, 'data', mediaType.json, 'The collections (layers)'),
        ],
      };
    },
  );

  app.get(
    '/conformance',
    {
      schema: { summary: 'Conformance classes implemented', tags, querystring: CommonQuery, response: { 200: Conformance, 400: ErrorBody } },
      schemaErrorFormatter: accepts(CommonQuery),
    },
    async () => ({ conformsTo: conformanceClasses }),
  );

  app.get(
    '/collections',
    {
      schema: { summary: 'The collections: one per layer', tags, querystring: CommonQuery, response: { 200: Collections, 400: ErrorBody } },
      schemaErrorFormatter: accepts(CommonQuery),
    },
    async (request, reply) => {
      const base = baseUrl(request);
      const lang = negotiateLanguage(request, reply);
      const collections = [];
      // One at a time: the embedded database serves a single connection. A restricted layer is
      // listed only to those who may read it: GIS clients read a page of every listed collection,
      // and a 403 there fails a whole ogrinfo or ogr2ogr run. Its own URL still describes it.
      for (const layer of await app.layers.list()) {
        if (!mayReadRecords(request.user, layer) || !inRequestMunicipality(request, layer)) continue;
        collections.push(describeCollection(layer, await statsFor(request, layer), base, lang));
      }
      return {
        links: [link(`${ogcRoot(base)}/collections`, 'self', mediaType.json)],
        collections,
        crs: servedCrs.map((c) => c.uri),
      };
    },
  );

  app.get(
    '/collections/:collectionId',
    {
      schema: {
        summary: 'One collection',
        tags,
        params: CollectionParams,
        querystring: CommonQuery,
        response: { 200: Collection, 400: ErrorBody, 404: ErrorBody },
      },
      schemaErrorFormatter: accepts(CommonQuery),
    },
    async (request, reply) => {
      const layer = await collectionLayer(request.params.collectionId);
      const lang = negotiateLanguage(request, reply);
      return describeCollection(layer, await statsFor(request, layer), baseUrl(request), lang);
    },
  );

  app.get(
    '/collections/:collectionId/schema',
    {
      schema: {
        summary: "JSON Schema of a collection's features (public fields and their types)",
        tags,
        params: CollectionParams,
        querystring: CommonQuery,
        response: { 200: { content: { [mediaType.jsonSchema]: { schema: Type.Object({}, { additionalProperties: true }) } } }, 400: ErrorBody, 404: ErrorBody },
      },
      schemaErrorFormatter: accepts(CommonQuery),
    },
    async (request, reply) => {
      const layer = await collectionLayer(request.params.collectionId);
      const lang = negotiateLanguage(request, reply);
      reply.type(mediaType.jsonSchema);
      return featureJsonSchema(layer, `${collectionUrl(baseUrl(request), layer.id)}/schema`, lang);
    },
  );

  app.get(
    '/collections/:collectionId/items',
    {
      schema: {
        summary: "A page of a collection's features",
        description:
          `GeoJSON features with numberMatched/numberReturned and next/prev links; limit defaults to ${DEFAULT_LIMIT}, ` +
          `larger values than ${MAX_LIMIT} are served as ${MAX_LIMIT}. Unknown query parameters are refused with 400.`,
        tags,
        params: CollectionParams,
        querystring: ItemsQuery,
        response: { 200: geojson(FeatureCollection), ...errors },
      },
      schemaErrorFormatter: accepts(ItemsQuery),
    },
    async (request, reply) => {
      const { layer, view } = await readableLayer(request, request.params.collectionId);
      const { crs, bbox, limit, offset, selection } = readItemsQuery(request.query);
      // Statements bound to the layer's municipality by its own filter: the bbox may use the GiST index.
      const { matched, records } = await withLayerRead(app.pg.pool, view, async (db) => ({
        matched: await countFeatures(db, view, { bbox }),
        records: await findFeatures(db, view, { bbox, crs, limit, offset }),
      }));
      if (await app.audit.auditRead(request, layer, view, { via: 'ogc.items', count: records.length, selection: { ...request.query } })) {
        personalData(reply);
      }
      asGeoJson(reply, crs);
      return {
        type: 'FeatureCollection' as const,
        features: records.map((r) => toFeature(r)),
        links: pageLinks(baseUrl(request), layer.id, selection, { limit, offset, returned: records.length, matched }),
        numberMatched: matched,
        numberReturned: records.length,
        timeStamp: new Date().toISOString(),
      };
    },
  );

  app.get(
    '/collections/:collectionId/items/:featureId',
    {
      schema: {
        summary: 'One feature',
        tags,
        params: FeatureParams,
        querystring: FeatureQuery,
        response: { 200: geojson(Feature), ...errors },
      },
      schemaErrorFormatter: accepts(FeatureQuery),
    },
    async (request, reply) => {
      const { collectionId, featureId } = request.params;
      const { layer, view } = await readableLayer(request, collectionId);
      const crs = parseCrs(request.query.crs, 'crs');
      const record = await withLayerScope(app.pg.pool, layer, (db) => findFeature(db, view, featureId, crs));
      if (!record) throw notFound(`There is no feature "${featureId.slice(0, 80)}" in the collection "${layer.id}".`);
      if (await app.audit.auditRead(request, layer, view, { via: 'ogc.item', featureId: record.id })) {
        personalData(reply);
      }
      const base = baseUrl(request);
      asGeoJson(reply, crs);
      return toFeature(record, [
        link(`${featureUrl(base, layer.id, record.id)}${crs === CRS84 ? '' : `?crs=${encodeURIComponent(crs.uri)}`}`, 'self', mediaType.geojson),
        link(collectionUrl(base, layer.id), 'collection', mediaType.json, localized(layer.title, 'lv')),
      ]);
    },
  );
};

export default routes;
