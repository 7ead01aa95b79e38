import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Spatial analysis on the map, computed in PostGIS (issue 7). */
const routes: FastifyPluginAsyncTypebox = async () => {};

export default routes;
