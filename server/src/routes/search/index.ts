import { withMunicipality } from '../../tenancy/scope.js';
import { mayReadRecords } from '../../access/layerAccess.js';
import { inRequestMunicipality } from '../layers/index.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Type } from 'typebox';
import { badRequest, type UserError } from '../../plugins/errors.js';
import { MAX_QUERY_LENGTH, search } from '../../search/search.js';
import { ErrorBody } from '../layers/schemas.js';

const MAX_RESULTS = 50;

const SearchQuery = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
    description:
      'An address (case and Latvian diacritics ignored: "marupes iela 3"), a cadastre designation (11, 14 or 17 digits, ' +
      'spaces allowed), LKS-92 coordinates "X Y" (northing first, e.g. "306000 503000") or WGS-84 "lat, lon" ' +
      '(e.g. "56.95, 24.05").',
    examples: ['Daugavas iela 2'],
  }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RESULTS, default: 10, description: 'The most results to return.' })),
});

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude] in WGS-84.' });

const SearchResult = Type.Object({
  kind: Type.Enum(['address', 'cadastre', 'coordinates']),
  label: Type.String({ description: 'What to show: the address, the designation with its address, or the point in LKS-92 and WGS-84.' }),
  center: Position,
  bbox: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north] in WGS-84.' })),
  layerId: Type.Optional(Type.String({ description: 'The layer holding the feature found.' })),
  featureId: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: 'The feature id in that layer.' })),
});

const SearchAnswer = Type.Object({
  results: Type.Array(SearchResult),
  hints: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Advice when the query nearly matched something, e.g. a cadastre designation with a wrong number of digits.',
    }),
  ),
});

const advice: Record<string, string> = {
  q: `The search query "q" must have 1 to ${MAX_QUERY_LENGTH} characters: an address, a cadastre designation or coordinates.`,
  limit: `The limit must be a whole number from 1 to ${MAX_RESULTS}, e.g. limit=10.`,
};

function formatSchemaError(errors: FastifySchemaValidationError[], context: string): UserError {
  const first = errors[0];
  const name = first?.instancePath.replace(/^\//, '') || (first?.params as { missingProperty?: string })?.missingProperty || '';
  return badRequest(advice[name] ?? `The ${context} parameter "${name}" ${first?.message ?? 'is not valid'}.`);
}

/** The map's search box (under /api/search). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Search addresses, cadastre designations and coordinates',
        description:
          'Coordinates first (with both CRSs in the label), then features whose cadastre designation matches (a building ' +
          'or premises designation also finds its land parcel), then addresses: those starting with the query, then those ' +
          'containing every word of it at a word start, shorter first. Restricted layers and fields are never searched.',
        tags: ['search'],
        querystring: SearchQuery,
        response: { 200: SearchAnswer, 400: ErrorBody },
      },
    },
    async (request) => {
      const { q, limit = 10 } = request.query;
      // Row-level security keeps every other municipality's addresses and parcels out of the answer.
      const municipality = request.municipality;
      if (!municipality) return { results: [] };
      // The registry is read first: inside the transaction the embedded database's one connection is taken.
      const layers = (await app.layers.list()).filter((l) => inRequestMunicipality(request, l) && mayReadRecords(request.user, l));
      return withMunicipality(app.pg.pool, municipality.id, (client) => search(client, layers, q, limit));
    },
  );
};
export default routes;
