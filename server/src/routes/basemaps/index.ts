import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { requireAdmin } from '../../plugins/adminToken.js';
import type { CatalogSource } from '../../wms/sourceCatalog.js';
import { administeredMunicipality } from '../admin/members.js';
import { addWmsSource } from '../../wms/addSource.js';
import { defaultBasemap, describeBasemapSource, offlineBasemap } from '../../wms/basemapList.js';
import { baseUrl } from '../layers/index.js';
import { ErrorBody } from '../layers/schemas.js';
import { AddSourceBody, AddSourceResult, BasemapCatalog } from './schemas.js';

/** Basemaps: the WMS sources the browser may draw through /wms, and adding one by URL. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  /** Whether a key may go to the source for this municipality's requests (see WmsKeyring). */
  const keyAvailable = async (source: CatalogSource, municipalityId?: number) => !!(await app.wms.keyring.keyFor(source, municipalityId));

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
      const municipalityId = request.municipality?.id;
      const sources = await Promise.all(
        (await app.wms.catalog.list(municipalityId)).map(async (s) => describeBasemapSource(s, await keyAvailable(s, municipalityId), base)),
      );
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
          "Adding the same URL again refreshes its layers. A municipality's administrator adds a source of the request " +
          'municipality, seen only there; a platform administrator (or automation with "Authorization: Bearer <ADMIN_TOKEN>") ' +
          'adds a shared one. An id held by another owner is refused (403). A key named in keyEnv goes only to the hosts it ' +
          "is bound to: the server's to the shipped catalog's hosts, a municipality's also to its own sources. Needs an " +
          'administrator session (with X-CSRF-Token) or the admin token.',
        tags: ['basemaps'],
        body: AddSourceBody,
        response: { 200: AddSourceResult, 201: AddSourceResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const owner = sourceOwner(request);
      const { source, created, skipped } = await addWmsSource(
        { config: app.config.wms, catalog: app.wms.catalog, keyring: app.wms.keyring, repository: app.wms.repository },
        request.body,
        owner,
      );
      const stored: CatalogSource = { ...source, origin: 'database', municipalityId: owner };
      const described = describeBasemapSource(stored, await keyAvailable(stored, owner ?? undefined), baseUrl(request));
      return reply.code(created ? 201 : 200).send({ source: described, skippedLayers: skipped });
    },
  );
};
export default routes;

/**
 * Whose source an admin request adds: shared (null) for a platform administrator or the admin
 * token; otherwise the request municipality's, which the user must administer.
 */
function sourceOwner(request: FastifyRequest): number | null {
  if (!request.user || request.user.platformAdmin) return null;
  return administeredMunicipality(request);
}
