import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { answering, inEdit } from '../../editing/context.js';
import { updateFeature } from '../../editing/service.js';
import { editSpecs, specForWorkflow, type WorkflowId } from '../../editing/specs.js';
import { notFound } from '../../plugins/errors.js';
import { workflowStatuses, workflows } from '../../workflows/definitions.js';
import { ErrorBody } from '../layers/schemas.js';
import { ConflictBody, FeatureBody } from '../edit/schemas.js';
import { TransitionBody, TransitionParams, TransitionRefused, WorkflowList } from './schemas.js';

/** The request municipality's layer of a workflow, e.g. "marupe-sewer-connections". */
function workflowLayerId(request: FastifyRequest, workflow: WorkflowId): string {
  if (!request.municipality) throw notFound('There is no municipality here yet.');
  return `${request.municipality.code}-${specForWorkflow(workflow).layerKey}`;
}

/** The municipal workflows (under /api/workflows): their pipelines, and moving a feature along one. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        summary: 'The workflows of the request municipality',
        description: 'Statuses, allowed transitions and the fields each status needs; the municipality is X-Municipality or the default.',
        tags: ['workflows'],
        response: { 200: WorkflowList, 404: ErrorBody },
      },
    },
    async (request) =>
      editSpecs.map((spec) => {
        const flow = workflows[spec.workflow];
        return {
          id: spec.workflow,
          layerId: workflowLayerId(request, spec.workflow),
          statuses: workflowStatuses(spec.workflow),
          transitions: flow.transitions,
          required: flow.required,
        };
      }),
  );

  app.post(
    '/:workflow/:id/transition',
    {
      schema: {
        summary: 'Move a feature to another status of its workflow',
        description:
          'Body: {to, version, date?, …fields of the step}. A step the pipeline does not allow is refused with the allowed ones; ' +
          'missing required fields are named; a stale version answers 409 with the current feature.',
        tags: ['workflows'],
        params: TransitionParams,
        body: TransitionBody,
        response: { 200: FeatureBody, 400: TransitionRefused, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ConflictBody },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { to, version, date, ...fields } = request.body;
        const { workflow, id } = request.params;
        const feature = await inEdit(request, workflowLayerId(request, workflow), (ctx) =>
          updateFeature(ctx, id, version, { properties: fields, transition: { to, date }, action: 'workflow.transition' }),
        );
        return { feature };
      }),
  );
};

export default routes;
