import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** To be built (issue 3). */
const routes: FastifyPluginAsyncTypebox = async () => {};
export default routes;
