import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectionShare } from '../db/connectionShare.js';

/**
 * The routes whose statements read a whole programme or layer of a municipality: work lists,
 * dashboards, analyses, exports and aggregates. One user's many parallel requests of these once took
 * the whole pool and stalled every other user for half a minute (issue 16).
 */
const HEAVY_ROUTES = [
  /^\/api\/worklists\/(sewer-unconnected|:id)$/,
  /^\/api\/dashboards\//,
  /^\/api\/analysis\//,
  /^\/api\/layers\/:layerId\/(export|aggregate)$/,
];

const releaseOf = new WeakMap<FastifyRequest, () => void>();

/** Whose share a request counts against: the signed-in user, else the client address. */
const ownerOf = (request: FastifyRequest) => (request.user ? `user:${request.user.id}` : `ip:${request.ip}`);

/**
 * Heavy requests take a place in the share before their handler runs and give it back when the
 * response has gone (or the client went away); at most the pool size less two run at once, so two
 * connections always stay for the map, the catalog and sign-in; one user holds at most a third of it.
 */
export default fp(
  async (app) => {
    const pool = app.pg.pool.options.max ?? 10;
    // A pool of one or two (the embedded database) has no connections to keep free: every request
    // already waits its turn at the pool, and a share would only turn a slow dashboard into a 503.
    if (pool <= 2) return;
    const limit = pool - 2;
    // One user gets a third of the share: their parallel requests queue behind each other instead of
    // taking every core of the database (each heavy statement keeps one core busy).
    const share = new ConnectionShare(limit, Math.max(1, Math.floor(limit / 3)), app.config.heavyRequestWaitMs);
    app.addHook('onRoute', (route) => {
      if (!HEAVY_ROUTES.some((r) => r.test(route.url))) return;
      const take = async (request: FastifyRequest) => {
        releaseOf.set(request, await share.acquire(ownerOf(request)));
      };
      route.preHandler = [take, ...(Array.isArray(route.preHandler) ? route.preHandler : route.preHandler ? [route.preHandler] : [])];
    });
    const giveBack = async (request: FastifyRequest) => releaseOf.get(request)?.();
    app.addHook('onResponse', giveBack);
    app.addHook('onRequestAbort', giveBack);
  },
  { name: 'connection-share', dependencies: ['database', 'auth'] },
);
