import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { insertAuditEntry, type AuditEntry } from '../audit/repository.js';
import type { ResolvedLayer } from '../layers/registry.js';

/** A read of a layer's records, as the route saw it. */
export interface RecordRead {
  /** The endpoint family: 'ogc.items', 'ogc.item', 'features.list', 'features.item', 'features.export'. */
  via: string;
  featureId?: string | number;
  /** Records handed out (lists and exports). */
  count?: number;
  /** The selection that was asked for (filter, bbox, sort, paging), as the request gave it. */
  selection?: Record<string, unknown>;
}

export interface AuditService {
  /** Appends an entry on behalf of the request's user (and address). */
  record(request: FastifyRequest, entry: Omit<AuditEntry, 'userId' | 'ip'>): Promise<void>;
  /** The same inside the caller's transaction: the entry commits or rolls back with the change. */
  recordIn(db: pg.PoolClient, request: FastifyRequest, entry: Omit<AuditEntry, 'userId' | 'ip'>): Promise<void>;
  /** Appends a 'read' entry for a read of personal data of the layer. */
  recordRead(request: FastifyRequest, layer: ResolvedLayer, read: RecordRead): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditService;
  }
}

/**
 * The audit log writer. Entries are written inside the request that causes them, before its answer
 * is sent: if the entry cannot be written the request fails and the data does not leave.
 */
export default fp(
  async (app) => {
    const service: AuditService = {
      async record(request, entry) {
        await insertAuditEntry(app.pg.pool, { ...entry, userId: request.user?.id ?? null, ip: request.ip });
      },
      async recordIn(db, request, entry) {
        await insertAuditEntry(db, { ...entry, userId: request.user?.id ?? null, ip: request.ip });
      },
      async recordRead(request, layer, read) {
        const { via, featureId, count, selection } = read;
        await service.record(request, {
          action: 'read',
          municipalityId: layer.municipalityId,
          layerId: layer.id,
          featureId: featureId ?? null,
          details: { via, ...(count === undefined ? {} : { count }), ...(selection ? { selection } : {}) },
        });
      },
    };
    app.decorate('audit', service);
  },
  { name: 'audit', dependencies: ['database', 'auth'] },
);
