import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { changeReadRole } from '../../access/readRoleChange.js';
import { notFound } from '../../plugins/errors.js';
import { ErrorBody, LocalizedText } from '../layers/schemas.js';
import { administeredMunicipality } from './members.js';
import { int4 } from '../bounds.js';

const ReadRole = Type.Union(
  [Type.Literal('public'), Type.Literal('viewer'), Type.Literal('official'), Type.Literal('editor'), Type.Literal('admin')],
  { description: 'public: anyone, also without signing in; otherwise the weakest role of the municipality that reads the records.' },
);
const LayerAccess = Type.Object({
  id: Type.String(),
  title: LocalizedText,
  group: Type.String(),
  restricted: Type.Boolean({ description: 'Holds personal data: never public, aggregates for officials, every read audited.' }),
  readRole: ReadRole,
});
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Per-layer access of a municipality's layers, for its administrators (under /api/admin). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/layers',
    {
      schema: {
        summary: "Who reads each of the municipality's layers (admin)",
        tags: ['admin'],
        querystring: Type.Object({ municipalityId: Type.Optional(int4()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ layers: Type.Array(LayerAccess) }), ...errors },
      },
    },
    async (request) => {
      const municipalityId = administeredMunicipality(request, request.query.municipalityId);
      const layers = (await app.layers.list()).filter((l) => l.municipalityId === municipalityId);
      return { layers: layers.map((l) => ({ id: l.id, title: l.title, group: l.group, restricted: l.restricted, readRole: l.readRole })) };
    },
  );

  app.put(
    '/layers/:layerId/access',
    {
      schema: {
        summary: 'Make a layer public, or readable only from a role up (admin)',
        description: 'Layers with personal data can be opened at most to officials (400 otherwise, naming the ceiling). Takes effect at once for tiles, OGC API, tables and exports. Needs X-CSRF-Token.',
        tags: ['admin'],
        params: Type.Object({ layerId: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ readRole: ReadRole }, { additionalProperties: false }),
        response: { 200: LayerAccess, ...errors },
      },
    },
    async (request) => {
      const layer = await app.layers.get(request.params.layerId);
      if (!layer || layer.municipalityId === null) throw notFound(`There is no layer "${request.params.layerId}" of a municipality.`);
      administeredMunicipality(request, layer.municipalityId);
      const { readRole } = request.body;
      await changeReadRole(app, request, { ...layer, municipalityId: layer.municipalityId }, readRole);
      return { id: layer.id, title: layer.title, group: layer.group, restricted: layer.restricted, readRole };
    },
  );
};

export default routes;
