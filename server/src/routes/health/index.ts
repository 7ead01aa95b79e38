import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OUTAGE_RETRY_SECONDS } from '../../db/unavailable.js';

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
        app.log.warn({ err }, 'health check: the database is not reachable');
        reachable = false;
      }
      // Monitors and load balancers take the 503 as "not now"; the database pool reconnects by itself.
      if (!reachable) reply.header('retry-after', String(OUTAGE_RETRY_SECONDS));
      return reply.status(reachable ? 200 : 503).send({
        status: reachable ? 'ok' : 'degraded',
        database: { mode, reachable, server: capabilities.serverVersion, mvt: capabilities.mvt },
        postgis: capabilities.postgisVersion,
      });
    },
  );
};
export default routes;
