import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { datasetReadRole } from '../../access/layerAccess.js';
import { changeReadRole } from '../../access/readRoleChange.js';
import { notFound } from '../../plugins/errors.js';
import { uploadMunicipality } from '../../uploads/access.js';
import { actorOf } from '../../uploads/actor.js';
import { datasets } from '../../uploads/datasets.js';
import { Dataset, ErrorBody } from '../uploads/schemas.js';
import { int4 } from '../bounds.js';

const LayerParams = Type.Object({ layerId: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Uploaded datasets: their versions, delete, restore an earlier version. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        summary: 'Uploaded datasets with their versions',
        tags: ['uploads'],
        response: { 200: Type.Object({ datasets: Type.Array(Dataset) }), ...errors },
      },
    },
    async (request) => ({ datasets: await datasets.list(app.pg.pool, uploadMunicipality(request)) }),
  );

  app.delete(
    '/:layerId',
    {
      schema: {
        summary: 'Delete an uploaded dataset',
        description: 'Removes the layer from the catalog and drops the tables of all its versions, in one transaction.',
        tags: ['uploads'],
        params: LayerParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await app.uploads.removeDataset(uploadMunicipality(request), request.params.layerId, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/:layerId/access',
    {
      schema: {
        summary: 'Make an uploaded dataset public, or readable only by the municipality’s signed-in roles',
        description:
          'New datasets are read by the municipality’s signed-in roles (viewer and up) until an editor or admin makes them public ' +
          'here (the Data page’s switch). Takes effect at once for the catalog, tiles, OGC API, tables and exports; audited as ' +
          '`layer.access`. Editors and admins of the municipality; needs X-CSRF-Token.',
        tags: ['uploads'],
        params: LayerParams,
        body: Type.Object({ public: Type.Boolean({ description: 'true: anyone, also without signing in; false: signed-in roles of the municipality.' }) }, { additionalProperties: false }),
        response: { 200: Dataset, ...errors },
      },
    },
    async (request) => {
      const municipalityId = uploadMunicipality(request);
      const layer = await app.layers.get(request.params.layerId);
      if (!layer || layer.group !== 'uploads' || layer.municipalityId !== municipalityId) throw notFound(`There is no uploaded dataset "${request.params.layerId}".`);
      await changeReadRole(app, request, { ...layer, municipalityId }, datasetReadRole(layer, request.body.public));
      const [dataset] = await datasets.list(app.pg.pool, municipalityId, layer.id);
      return dataset;
    },
  );

  app.post(
    '/:layerId/restore',
    {
      schema: {
        summary: 'Restore an earlier version of an uploaded dataset',
        description: 'Points the layer back at that version (tiles and OGC serve it at once); later versions stay restorable. Only the kept versions (DATASET_KEEP_VERSIONS, default 10) can be restored.',
        tags: ['uploads'],
        params: LayerParams,
        body: Type.Object({ version: int4() }, { additionalProperties: false }),
        response: { 200: Dataset, ...errors },
      },
    },
    async (request) => {
      const municipalityId = uploadMunicipality(request);
      await app.uploads.restoreDataset(municipalityId, request.params.layerId, request.body.version, actorOf(request));
      const [dataset] = await datasets.list(app.pg.pool, municipalityId, request.params.layerId);
      if (!dataset) throw notFound(`There is no uploaded dataset "${request.params.layerId}".`);
      return dataset;
    },
  );
};

export default routes;
