import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import type { ReadRole, ResolvedLayer } from '../layers/registry.js';
import { assertReadRoleAllowed } from './layerAccess.js';

/**
 * Sets who reads a layer's records, in one transaction with its `layer.access` audit entry, and
 * makes every surface see it at once. The administrators' switch (routes/admin/layerAccess.ts)
 * and the Data page's public/private switch (routes/datasets) both come here, so the ceiling for
 * personal data (assertReadRoleAllowed, and the database's CHECK) holds for both.
 */
export async function changeReadRole(
  app: FastifyInstance,
  request: FastifyRequest,
  layer: ResolvedLayer & { municipalityId: number },
  readRole: ReadRole,
): Promise<void> {
  assertReadRoleAllowed(layer, readRole);
  await inTransaction(app.pg.pool, async (db) => {
    await db.query('UPDATE layer SET read_role = $2, updated_at = now() WHERE id = $1', [layer.id, readRole]);
    await app.audit.recordIn(db, request, {
      action: 'layer.access',
      municipalityId: layer.municipalityId,
      layerId: layer.id,
      details: { before: { readRole: layer.readRole }, after: { readRole } },
    });
  });
  app.layers.invalidate();
}
