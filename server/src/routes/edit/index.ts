import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { personalData } from '../../plugins/securityHeaders.js';
import { Type } from 'typebox';
import { assertRecordsReadable, recordView } from '../../access/layerAccess.js';
import { hasRole } from '../../auth/roles.js';
import { answering, inEdit } from '../../editing/context.js';
import { createFeature, deleteFeature, featureHistory, loadFeature, restoreFeature, updateFeature } from '../../editing/service.js';
import { specForTable, type EditField } from '../../editing/specs.js';
import { notFound } from '../../plugins/errors.js';
import { ErrorBody } from '../layers/schemas.js';
import {
  ConflictBody,
  CreateBody,
  DeleteQuery,
  FeatureBody,
  FeatureParams,
  History,
  LayerForm,
  LayerParams,
  PatchBody,
  RestoreBody,
} from './schemas.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const full = (x: { lv: string; en?: string; uk?: string }) => ({ lv: x.lv, en: x.en ?? x.lv, uk: x.uk ?? x.en ?? x.lv });

/** Editing of domain features on the map (under /api/layers): forms, create, update, delete, history, restore. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:layerId/form',
    {
      schema: {
        summary: 'The attribute form of a layer',
        description: 'Fields with types, required flags, ranges, patterns and options; editable for editors and admins of its municipality.',
        tags: ['editing'],
        params: LayerParams,
        response: { 200: LayerForm, ...errors },
      },
    },
    async (request) => {
      const layer = await app.layers.get(request.params.layerId);
      if (!layer) throw notFound(`There is no layer "${request.params.layerId}". GET /api/layers lists the layers.`);
      assertRecordsReadable(request.user, layer, 'records');
      const spec = specForTable(layer.sourceTable);
      if (!spec || layer.municipalityId === null) {
        const fields: EditField[] = layer.fields.map((f) => ({
          name: f.name,
          title: full(f.title),
          type: f.values ? 'enum' : f.type === 'datetime' ? 'text' : f.type,
          required: false,
          ...(f.values ? { options: Object.entries(f.values).map(([value, title]) => ({ value, title: full(title) })) } : {}),
          ...(f.restricted ? { restricted: true } : {}),
        }));
        return { editable: false, geometryType: layer.geometryType, fields };
      }
      const editable = hasRole(request.user, 'editor', layer.municipalityId);
      return { editable, geometryType: spec.geometryType, fields: spec.fields, workflow: spec.workflow };
    },
  );

  app.post(
    '/:layerId/features',
    {
      schema: {
        summary: 'Create a feature',
        tags: ['editing'],
        params: LayerParams,
        body: CreateBody,
        response: { 201: FeatureBody, ...errors },
      },
    },
    async (request, reply) => {
      const feature = await inEdit(request, request.params.layerId, (ctx) =>
        createFeature(ctx, request.body.geometry, request.body.properties),
      );
      return reply.status(201).send({ feature });
    },
  );

  app.patch(
    '/:layerId/features/:featureId',
    {
      schema: {
        summary: 'Change a feature (optimistic locking by version)',
        tags: ['editing'],
        params: FeatureParams,
        body: PatchBody,
        response: { 200: FeatureBody, 409: ConflictBody, ...errors },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { version, geometry, properties } = request.body;
        const feature = await inEdit(request, request.params.layerId, (ctx) =>
          updateFeature(ctx, request.params.featureId, version, { geometry, properties }),
        );
        return { feature };
      }),
  );

  app.delete(
    '/:layerId/features/:featureId',
    {
      schema: {
        summary: 'Delete a feature (optimistic locking by version)',
        tags: ['editing'],
        params: FeatureParams,
        querystring: DeleteQuery,
        response: { 204: Type.Null(), 409: ConflictBody, ...errors },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        await inEdit(request, request.params.layerId, (ctx) => deleteFeature(ctx, request.params.featureId, request.query.version));
        return reply.status(204).send(null);
      }),
  );

  app.get(
    '/:layerId/features/:featureId/editable',
    {
      schema: {
        summary: 'A feature as the editor edits it: every field, version and updated_at (editors and admins)',
        tags: ['editing'],
        params: FeatureParams,
        response: { 200: FeatureBody, ...errors },
      },
    },
    async (request, reply) =>
      inEdit(request, request.params.layerId, async (ctx) => {
        personalData(reply);
        const feature = await loadFeature(ctx, request.params.featureId);
        if (!feature) throw notFound(`There is no feature ${request.params.featureId} in the layer "${ctx.layer.id}".`);
        // Every field, restricted ones included: the same read as the attribute table's item.
        await app.audit.auditRead(request, ctx.layer, recordView(request.user, ctx.layer), { via: 'edit.feature', featureId: feature.id }, ctx.db);
        return { feature };
      }),
  );

  app.get(
    '/:layerId/features/:featureId/history',
    {
      schema: {
        summary: 'Every recorded change of a feature, newest first',
        tags: ['editing'],
        params: FeatureParams,
        response: { 200: History, ...errors },
      },
    },
    async (request, reply) =>
      inEdit(request, request.params.layerId, async (ctx) => {
        personalData(reply);
        const history = await featureHistory(ctx, request.params.featureId);
        if (!history.length && !(await loadFeature(ctx, request.params.featureId))) {
          throw notFound(`There is no feature ${request.params.featureId} in the layer "${ctx.layer.id}" and no record of one.`);
        }
        // Every earlier state, restricted fields included.
        await app.audit.auditRead(
          request,
          ctx.layer,
          recordView(request.user, ctx.layer),
          { via: 'edit.history', featureId: request.params.featureId, count: history.length },
          ctx.db,
        );
        return history;
      }),
  );

  app.post(
    '/:layerId/features/:featureId/restore',
    {
      schema: {
        summary: 'Bring back an earlier state of a feature as a new version',
        tags: ['editing'],
        params: FeatureParams,
        body: RestoreBody,
        response: { 200: FeatureBody, 409: ConflictBody, ...errors },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const feature = await inEdit(request, request.params.layerId, (ctx) =>
          restoreFeature(ctx, request.params.featureId, request.body.version, request.body.toVersion),
        );
        return { feature };
      }),
  );
};

export default routes;
