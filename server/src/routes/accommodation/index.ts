import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { assertRecordsReadable, mayReadRecords } from '../../access/layerAccess.js';
import type { ResolvedLayer } from '../../layers/registry.js';
import { requireUser } from '../../plugins/auth.js';
import { notFound } from '../../plugins/errors.js';
import { personalData } from '../../plugins/securityHeaders.js';
import { withMunicipality } from '../../tenancy/scope.js';
import { FACILITY_LAYER_KEYS, nearbyFacilities, sitesWithFreePlaces } from '../../workflows/accommodation.js';
import { ErrorBody } from '../layers/schemas.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Nearby = Type.Array(
  Type.Object({
    category: Type.String(),
    id: nullable(Type.Integer()),
    name: nullable(Type.String()),
    address: nullable(Type.String()),
    distance_m: nullable(Type.Number()),
  }),
);

const FreePlacesQuery = Type.Object(
  {
    lon: Type.Number({ minimum: 20.8, maximum: 28.3, description: 'Longitude (EPSG:4326) in Latvia.' }),
    lat: Type.Number({ minimum: 55.6, maximum: 58.1, description: 'Latitude (EPSG:4326) in Latvia.' }),
    radius: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 5000, description: 'Metres.' })),
    minFree: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })),
  },
  { additionalProperties: false },
);

const FreePlacesSite = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  site_type: Type.String(),
  address_text: Type.String(),
  capacity: Type.Integer(),
  occupied: Type.Integer(),
  free: Type.Integer(),
  accessible: Type.Boolean(),
  distance_m: Type.Number(),
  lon: Type.Number(),
  lat: Type.Number(),
});

/** The request municipality's accommodation layer; 403 unless the user reads its records (editors, admins). */
async function accommodationLayer(request: FastifyRequest): Promise<ResolvedLayer & { municipalityId: number }> {
  if (!request.municipality) throw notFound('There is no municipality here yet.');
  requireUser(request);
  const layer = await request.server.layers.get(`${request.municipality.code}-accommodation-sites`);
  if (!layer || layer.municipalityId === null) throw notFound('This municipality has no accommodation layer.');
  assertRecordsReadable(request.user, layer, 'records');
  return layer as ResolvedLayer & { municipalityId: number };
}

/** Refugee accommodation helpers (under /api/accommodation): what is near a site, and where places are free. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/nearby',
    {
      schema: {
        summary: 'The nearest school, kindergarten, family doctor, shop, bus stop and aid point to a site',
        tags: ['workflows'],
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }),
        response: { 200: Nearby, ...errors },
      },
    },
    async (request, reply) => {
      const layer = await accommodationLayer(request);
      const nearby = await withMunicipality(app.pg.pool, layer.municipalityId, (db) => nearbyFacilities(db, layer.municipalityId, request.params.id));
      if (!nearby) throw notFound(`There is no accommodation site ${request.params.id} in this municipality.`);
      // Each category is a layer of its own (schools, shops…): a closed one is left out.
      const code = request.municipality!.code;
      const readable = new Set<string>();
      for (const [category, key] of Object.entries(FACILITY_LAYER_KEYS)) {
        const facilities = await app.layers.get(`${code}-${key}`);
        if (facilities && mayReadRecords(request.user, facilities)) readable.add(category);
      }
      if (await app.audit.auditRead(request, layer, layer, { via: 'accommodation.nearby', featureId: request.params.id })) personalData(reply);
      return nearby.filter((f) => readable.has(f.category));
    },
  );

  app.get(
    '/free-places',
    {
      schema: {
        summary: 'Sites in use with free places near a point, nearest first',
        description: 'Editors and admins; officials get per-parish aggregates from GET /api/layers/{id}/aggregate.',
        tags: ['workflows'],
        querystring: FreePlacesQuery,
        response: { 200: Type.Array(FreePlacesSite), ...errors },
      },
    },
    async (request, reply) => {
      const layer = await accommodationLayer(request);
      const { lon, lat, radius = 5000, minFree = 1 } = request.query;
      const sites = await withMunicipality(app.pg.pool, layer.municipalityId, (db) => sitesWithFreePlaces(db, layer.municipalityId, { lon, lat, radius, minFree }));
      if (await app.audit.auditRead(request, layer, layer, { via: 'accommodation.free-places', count: sites.length, selection: { ...request.query } })) {
        personalData(reply);
      }
      return sites;
    },
  );
};

export default routes;
