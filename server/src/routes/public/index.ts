import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { mayReadAggregates, mayReadRecords, publishesSuppressedSummary } from '../../access/layerAccess.js';
import { notFound } from '../../plugins/errors.js';
import { withMunicipality } from '../../tenancy/scope.js';
import { refugeeHelp } from '../../workflows/accommodation.js';
import { ErrorBody } from '../layers/schemas.js';

const Collection = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) });

/** Data for the public embeddable maps (under /api/public): nothing personal, nothing per site. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/municipalities',
    {
      schema: {
        summary: 'The municipalities hosted here (for choosing one)',
        tags: ['public'],
        response: { 200: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) },
      },
    },
    async (_request, reply) => {
      reply.header('Cache-Control', 'public, max-age=300');
      const all = await app.municipalities.list();
      return all.map((m) => ({ code: m.code, name: m.name })).sort((a, b) => a.name.localeCompare(b.name, 'lv'));
    },
  );

  app.get(
    '/:municipalityCode/refugee-help',
    {
      schema: {
        summary: 'Aid points, bus stops and free places per parish for the public refugee help map',
        description:
          'GeoJSON in EPSG:4326. Free places are counted per parish or town over sites in use; a unit with 1–4 sites shows ' +
          'no numbers (suppressed, with secondary suppression), and single sites are never given. A part whose layer is not ' +
          'open to anonymous visitors (server/src/access/layerAccess.ts) is an empty collection.',
        tags: ['public'],
        params: Type.Object({ municipalityCode: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object({
            municipality: Type.Object({ code: Type.String(), name: Type.String() }),
            aidPoints: Collection,
            busStops: Collection,
            freePlaces: Collection,
          }),
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const municipality = await app.municipalities.byCodeOrNull(request.params.municipalityCode);
      if (!municipality) throw notFound(`There is no municipality "${request.params.municipalityCode.slice(0, 64)}".`);
      // The public map shows what an anonymous visitor may read of each layer, as the access module
      // decides: aid points and bus stops as records, free places per parish as a suppressed summary.
      const layer = (key: string) => app.layers.get(`${municipality.code}-${key}`);
      const [aid, stops, sites, parishes] = await Promise.all([layer('aid-points'), layer('bus-stops'), layer('accommodation-sites'), layer('parishes')]);
      const shown = {
        aidPoints: !!aid && mayReadRecords(null, aid),
        busStops: !!stops && mayReadRecords(null, stops),
        freePlaces: !!sites && !!parishes && mayReadRecords(null, parishes) && (mayReadAggregates(null, sites) || publishesSuppressedSummary(sites)),
      };
      const all = await withMunicipality(app.pg.pool, municipality.id, (db) => refugeeHelp(db, municipality.id));
      const none = { type: 'FeatureCollection' as const, features: [] };
      const data = {
        aidPoints: shown.aidPoints ? all.aidPoints : none,
        busStops: shown.busStops ? all.busStops : none,
        freePlaces: shown.freePlaces ? all.freePlaces : none,
      };
      reply.header('Cache-Control', 'public, max-age=300').header('Access-Control-Allow-Origin', '*');
      return { municipality: { code: municipality.code, name: municipality.name }, ...data };
    },
  );
};

export default routes;
