import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({
    mode: Type.Union([Type.Literal('embedded'), Type.Literal('external')]),
    reachable: Type.Boolean(),
    server: Type.String(),
    mvt: Type.Boolean({ description: 'Vector tiles encoded by PostGIS (ST_AsMVT) rather than by the server.' }),
  }),
  postgis: Type.String(),
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { schema: { summary: 'Service and database health', tags: ['health'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const { mode, capabilities } = app.database;
      let reachable = true;
      try {
        await app.pg.query('SELECT 1');
      } catch (err) {
        app.log.error({ err }, 'health check query failed');
        reachable = false;
      }
      return reply.status(reachable ? 200 : 503).send({
        status: reachable ? 'ok' : 'degraded',
        database: { mode, reachable, server: capabilities.serverVersion, mvt: capabilities.mvt },
        postgis: capabilities.postgisVersion,
      });
    },
  );
};
export default routes;
