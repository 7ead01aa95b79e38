import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** OGC API – Features under /ogc (to be built). */
const routes: FastifyPluginAsyncTypebox = async () => {};
export default routes;
