import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertRecordsReadable } from '../access/layerAccess.js';
import { requireRole } from '../plugins/auth.js';
import { badRequest, notFound } from '../plugins/errors.js';
import type { ResolvedLayer } from '../layers/registry.js';
import { withMunicipality } from '../tenancy/scope.js';
import { EditRefusal, type EditContext } from './service.js';
import { specForTable, type EditSpec } from './specs.js';

/** The editable layer: 404 unknown, 400 not editable, 401/403 unless an editor of its municipality who reads its records. */
export async function editableLayer(request: FastifyRequest, layerId: string): Promise<{ layer: EditContext['layer']; spec: EditSpec }> {
  const layer = await request.server.layers.get(layerId);
  if (!layer) throw notFound(`There is no layer "${layerId.slice(0, 80)}". GET /api/layers lists the layers.`);
  const spec = specForTable(layer.sourceTable);
  if (!spec || layer.municipalityId === null) {
    throw badRequest(`The layer "${layer.id}" is not edited here; the sewer connections, street transfers and accommodation sites are.`);
  }
  requireRole(request, 'editor', layer.municipalityId);
  // An edit answers with the feature: only for editors who may read the layer's records (an
  // administrator may have closed it to admins).
  assertRecordsReadable(request.user, layer, 'records');
  return { layer: layer as ResolvedLayer & { municipalityId: number }, spec };
}

/**
 * Runs an edit in one transaction scoped to the layer's municipality (the registry is read before
 * it: the embedded database has one connection).
 */
export async function inEdit<T>(request: FastifyRequest, layerId: string, work: (ctx: EditContext) => Promise<T>): Promise<T> {
  const { layer, spec } = await editableLayer(request, layerId);
  const result = await withMunicipality(request.server.pg.pool, layer.municipalityId, (db) => work({ db, request, layer, spec }));
  // The table's trigger bumped the layer's data version; read it now, so tile cache keys and the
  // catalog's tile URLs change at once, not at the registry's next refresh.
  request.server.layers.invalidate();
  return result;
}

/** Sends a refusal that carries more than a message (409 with the current feature, 400 with allowed steps). */
export async function answering<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof EditRefusal) return reply.status(err.statusCode).send(err.body) as never;
    throw err;
  }
}
