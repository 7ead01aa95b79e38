import fastifyHelmet from '@fastify/helmet';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The client's Content-Security-Policy: everything from this origin (tiles, WMS through /wms,
 * fonts, the API); MapLibre's worker may be a blob: URL and its images blob:/data: URLs; Svelte and
 * MapLibre set inline style attributes. No inline or foreign scripts, no plugins, no framing.
 */
const appDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  childSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** Pages made to be framed by municipalities' websites: any ancestor, no X-Frame-Options. */
const embedHelmet = {
  frameguard: false as const,
  contentSecurityPolicy: { useDefaults: false, directives: { ...appDirectives, frameAncestors: ['*'] } },
};

/**
 * The interactive API docs (Swagger UI): its scripts are files of its own, so the app's policy
 * holds; its spec-validator badge is an image from validator.swagger.io.
 */
const docsHelmet = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { ...appDirectives, imgSrc: ["'self'", 'data:', 'blob:', 'https://validator.swagger.io'] },
  },
};

/**
 * Security headers on every answer (@fastify/helmet): the CSP above, `X-Content-Type-Options:
 * nosniff`, `Referrer-Policy: same-origin`, framing refused (`frame-ancestors 'none'`,
 * `X-Frame-Options: DENY`) except for /embed/*, and `Strict-Transport-Security` only on requests
 * that came over TLS (directly, or from a trusted proxy's X-Forwarded-Proto: TRUST_PROXY). Register
 * before the routes: it adapts the options of /embed and /api/docs routes as they are added.
 */
export default fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      if (route.helmet !== undefined) return;
      if (route.url.startsWith('/embed/')) route.helmet = embedHelmet;
      else if (route.url === '/api/docs' || route.url.startsWith('/api/docs/')) route.helmet = docsHelmet;
    });
    await app.register(fastifyHelmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: appDirectives },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
      // Tiles and OGC answers of public layers are meant for other portals too; what is not public
      // needs a session cookie, which SameSite=Lax keeps off other sites' subresource requests.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      // Sent below, and only over TLS: over plain http it would be meaningless or wrong.
      strictTransportSecurity: false,
    });
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    });
  },
  { name: 'security-headers' },
);

/**
 * Marks an answer that carries personal data so that no browser or proxy keeps a copy
 * (`Cache-Control: no-store`): restricted-layer records, restricted fields, edit forms, the audit
 * log, members and the signed-in user.
 */
export function personalData(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}
