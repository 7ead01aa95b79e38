import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from './config.js';
import type { DatabaseProfile } from './db/database.js';
import { LayerRegistry } from './layers/registry.js';
import audit from './plugins/audit.js';
import auth from './plugins/auth.js';
import connectionShare from './plugins/connectionShare.js';
import database from './plugins/database.js';
import errors from './plugins/errors.js';
import inputGuard from './plugins/inputGuard.js';
import securityHeaders from './plugins/securityHeaders.js';
import tenancy from './plugins/tenancy.js';
import wms from './plugins/wms.js';
import healthRoutes from './routes/health/index.js';
import layerRoutes from './routes/layers/index.js';
import tileRoutes from './routes/tiles/index.js';
import ogcRoutes from './ogc/index.js';
import featureRoutes from './routes/features/index.js';
import aggregateRoutes from './routes/aggregates/index.js';
import searchRoutes from './routes/search/index.js';
import basemapRoutes from './routes/basemaps/index.js';
import wmsRoutes from './wms/routes.js';
import uploads from './plugins/uploads.js';
import uploadRoutes from './routes/uploads/index.js';
import datasetRoutes from './routes/datasets/index.js';
import authRoutes from './routes/auth/index.js';
import auditRoutes from './routes/audit/index.js';
import adminRoutes from './routes/admin/index.js';
import embedRoutes from './routes/embed/index.js';
import editRoutes from './routes/edit/index.js';
import workflowRoutes from './routes/workflows/index.js';
import worklistRoutes from './routes/worklists/index.js';
import accommodationRoutes from './routes/accommodation/index.js';
import publicRoutes from './routes/public/index.js';
import dashboardRoutes from './routes/dashboards/index.js';
import analysisRoutes from './routes/analysis/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    layers: LayerRegistry;
  }
}

export interface BuildOptions {
  config: AppConfig;
  database: DatabaseProfile;
  /** Apply pending migrations while starting (default true). */
  migrate?: boolean;
  logger?: boolean | object;
}

/** Builds the Fastify application; used by `server.ts` and by every test. */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? { level: opts.config.logLevel },
    // Forwarding headers only from the configured proxies; by default the socket's peer is the client.
    trustProxy: fastifyTrustProxy(opts.config.trustProxy),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', opts.config);
  await app.register(errors);
  await app.register(inputGuard);
  // Before every route: it shapes the headers of /embed and /api/docs as they are added.
  await app.register(securityHeaders);
  // Before every route too: JSON, GeoJSON, CSV and HTML answers of 1 KB and more go out as brotli
  // or gzip to clients that accept them. The built client's files are compressed at build time and
  // sent as they are (serveClient); an answer that already has a Content-Encoding is left alone.
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Pašvaldību ĢIS API',
        description: 'Layer catalog, vector tiles and OGC API – Features for Latvian municipal GIS layers.',
        version: '0.1.0',
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(database, { profile: opts.database, migrate: opts.migrate ?? true });
  app.decorate('layers', new LayerRegistry(app.pg.pool, 2000, (msg) => app.log.warn(msg)));
  await app.register(tenancy);
  await app.register(auth);
  await app.register(connectionShare);
  await app.register(audit);
  await app.register(wms);
  await app.register(uploads);

  await app.register(healthRoutes, { prefix: '/api/health' });
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(auditRoutes, { prefix: '/api/audit' });
  await app.register(adminRoutes, { prefix: '/api/admin' });
  await app.register(layerRoutes, { prefix: '/api/layers' });
  await app.register(tileRoutes, { prefix: '/api/tiles' });
  await app.register(featureRoutes, { prefix: '/api/layers' });
  await app.register(aggregateRoutes, { prefix: '/api/layers' });
  await app.register(searchRoutes, { prefix: '/api/search' });
  await app.register(basemapRoutes, { prefix: '/api/basemaps' });
  await app.register(ogcRoutes, { prefix: '/ogc' });
  await app.register(wmsRoutes, { prefix: '/wms' });
  await app.register(uploadRoutes, { prefix: '/api/uploads' });
  await app.register(datasetRoutes, { prefix: '/api/datasets' });
  await app.register(editRoutes, { prefix: '/api/layers' });
  await app.register(workflowRoutes, { prefix: '/api/workflows' });
  await app.register(worklistRoutes, { prefix: '/api/worklists' });
  await app.register(accommodationRoutes, { prefix: '/api/accommodation' });
  await app.register(publicRoutes, { prefix: '/api/public' });
  await app.register(dashboardRoutes, { prefix: '/api/dashboards' });
  await app.register(analysisRoutes, { prefix: '/api/analysis' });

  await app.register(embedRoutes, { prefix: '/embed' });

  await serveClient(app, opts.config.clientDir);
  return app;
}

/**
 * TRUST_PROXY as Fastify's option: a hop count becomes the function Fastify itself makes of one
 * (its types accept only addresses and functions).
 */
function fastifyTrustProxy(trust: AppConfig['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * How long browsers may keep a file of the built client. Vite names every file under /assets/ by a
 * hash of its content, so a changed file has a new name: they are kept for a year without asking.
 * Everything else (index.html, embed.html, the favicon) names those hashed files, so it is asked
 * for again on every visit (`no-cache`: revalidated with its ETag, a 304 when unchanged).
 */
export function clientCacheControl(relativePath: string): string {
  return /^assets[\\/]/.test(relativePath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the built single-page client at / with index.html as the fallback for its routes: the
 * brotli or gzip copy written at build time (scripts/lib/precompress.ts) when the browser accepts
 * it, with the cache lifetime of clientCacheControl.
 */
async function serveClient(app: FastifyInstance, clientDir: string) {
  const hasClient = existsSync(path.join(clientDir, 'index.html'));
  if (hasClient) {
    await app.register(fastifyStatic, {
      root: clientDir,
      wildcard: false,
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', clientCacheControl(path.relative(clientDir, filePath)));
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const apiPath = /^\/(api|ogc|wms)(\/|$)/.test(request.url);
    if (request.method === 'GET' && hasClient && !apiPath) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `There is no ${request.method} ${request.url.split('?')[0]}. The API is described at /api/docs.`,
    });
  });
}
