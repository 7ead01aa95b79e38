import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Vector tiles: GET /api/tiles/{layerId}/{z}/{x}/{y}.mvt (to be built). */
const routes: FastifyPluginAsyncTypebox = async () => {};
export default routes;
