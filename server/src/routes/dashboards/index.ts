import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Decision dashboards: indicators computed in PostGIS from live data (issue 7). */
const routes: FastifyPluginAsyncTypebox = async () => {};

export default routes;
