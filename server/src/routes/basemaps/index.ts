import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAdmin } from '../../plugins/adminToken.js';
import { addWmsSource } from '../../wms/addSource.js';
import { defaultBasemap, describeBasemapSource, offlineBasemap } from '../../wms/basemapList.js';
import { baseUrl } from '../layers/index.js';
import { ErrorBody } from '../layers/schemas.js';
import { AddSourceBody, AddSourceResult, BasemapCatalog } from './schemas.js';

/** Basemaps: the WMS sources the browser may draw through /wms, and adding one by URL. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const keyConfigured = (keyEnv?: string) => !!keyEnv && !!app.config.wms.key(keyEnv);

  app.get(
    '/',
    {
      schema: {
        summary: 'Basemaps the map may use',
        description: 'WMS sources and layers with proxy tile URLs, attribution and availability, plus the offline fallback.',
        tags: ['basemaps'],
        response: { 200: BasemapCatalog },
      },
    },
    async (request) => {
      const base = baseUrl(request);
      const sources = (await app.wms.catalog.list()).map((s) => describeBasemapSource(s, keyConfigured(s.keyEnv), base));
      return { sources, fallback: offlineBasemap, default: defaultBasemap(sources) };
    },
  );

  app.post(
    '/sources',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Add a WMS source by URL (admin)',
        description:
          'Reads GetCapabilities (1.3.0, then 1.1.1), keeps the layers offering EPSG:3857 and serves them through /wms. ' +
          'Adding the same URL again refreshes its layers. Needs an administrator session (with X-CSRF-Token) or, for ' +
          'automation, "Authorization: Bearer <ADMIN_TOKEN>".',
        tags: ['basemaps'],
        body: AddSourceBody,
        response: { 200: AddSourceResult, 201: AddSourceResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { source, created, skipped } = await addWmsSource(
        { config: app.config.wms, catalog: app.wms.catalog, repository: app.wms.repository },
        request.body,
      );
      const described = describeBasemapSource({ ...source, origin: 'database' }, keyConfigured(source.keyEnv), baseUrl(request));
      return reply.code(created ? 201 : 200).send({ source: described, skippedLayers: skipped });
    },
  );
};
export default routes;
