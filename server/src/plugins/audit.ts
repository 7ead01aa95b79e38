import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { readIsAudited } from '../access/layerAccess.js';
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

/** A sign-in event: 'auth.login', 'auth.login_failed', 'auth.lockout', 'auth.logout', 'auth.password_reset'. */
export interface SignInEvent {
  action: string;
  userId: number | null;
  details?: Record<string, unknown>;
  /** The municipality signed in to; by default the request's (X-Municipality or the host). */
  municipalityId?: number | null;
}

/**
 * Tiles of a restricted layer come by the dozen with every pan: one entry per user, layer and
 * window (TILE_READ_WINDOW_MS) records that the user looked at the layer's map, with the first tile
 * asked for and the window, instead of one row per tile. Kept per server process.
 */
export const TILE_READ_WINDOW_MS = 10 * 60_000;

export interface AuditService {
  /** Appends an entry on behalf of the request's user (and address). */
  record(request: FastifyRequest, entry: Omit<AuditEntry, 'userId' | 'ip'>): Promise<void>;
  /** The same inside the caller's transaction: the entry commits or rolls back with the change. */
  recordIn(db: pg.PoolClient, request: FastifyRequest, entry: Omit<AuditEntry, 'userId' | 'ip'>): Promise<void>;
  /** Appends a 'read' entry for a read of personal data of the layer. */
  recordRead(request: FastifyRequest, layer: ResolvedLayer, read: RecordRead, db?: pg.PoolClient): Promise<void>;
  /**
   * The one call every route that hands out records makes: appends a 'read' entry when the access
   * module says this read is of personal data (readIsAudited(layer, view), `view` being the layer as
   * the user reads it, recordView). `db`: the request's transaction, when it holds one. Resolves
   * to whether it was such a read (the answer then carries personal data: personalData(reply)).
   */
  auditRead(request: FastifyRequest, layer: ResolvedLayer, view: ResolvedLayer, read: RecordRead, db?: pg.PoolClient): Promise<boolean>;
  /** A vector tile of the layer was served: audited like auditRead, once per user, layer and TILE_READ_WINDOW_MS. */
  auditTileRead(request: FastifyRequest, layer: ResolvedLayer, tile: { z: number; x: number; y: number }): Promise<void>;
  /** A sign-in event, with the municipality signed in to, so that its administrators see it. */
  recordSignIn(request: FastifyRequest, event: SignInEvent, db?: pg.PoolClient): Promise<void>;
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
    /** When each user last had a tile read of each layer audited (auditTileRead). */
    const tileReads = new Map<string, number>();
    const service: AuditService = {
      async record(request, entry) {
        await insertAuditEntry(app.pg.pool, { ...entry, userId: request.user?.id ?? null, ip: request.ip });
      },
      async recordIn(db, request, entry) {
        await insertAuditEntry(db, { ...entry, userId: request.user?.id ?? null, ip: request.ip });
      },
      async recordRead(request, layer, read, db) {
        const { via, featureId, count, selection } = read;
        await insertAuditEntry(db ?? app.pg.pool, {
          action: 'read',
          municipalityId: layer.municipalityId,
          layerId: layer.id,
          featureId: featureId ?? null,
          details: { via, ...(count === undefined ? {} : { count }), ...(selection ? { selection } : {}) },
          userId: request.user?.id ?? null,
          ip: request.ip,
        });
      },
      async auditRead(request, layer, view, read, db) {
        if (!readIsAudited(layer, view)) return false;
        await service.recordRead(request, layer, read, db);
        return true;
      },
      async auditTileRead(request, layer, tile) {
        // Tiles never carry restricted fields: the layer itself is the view.
        if (!readIsAudited(layer, layer)) return;
        const key = `${request.user?.id ?? 'anonymous'}\u0000${layer.id}`;
        const now = Date.now();
        const last = tileReads.get(key);
        if (last !== undefined && now - last < TILE_READ_WINDOW_MS) return;
        tileReads.set(key, now);
        if (tileReads.size > 10_000) {
          for (const [k, at] of tileReads) if (now - at >= TILE_READ_WINDOW_MS) tileReads.delete(k);
        }
        try {
          await service.recordRead(request, layer, { via: 'tiles', selection: { ...tile, windowMinutes: TILE_READ_WINDOW_MS / 60_000 } });
        } catch (err) {
          tileReads.delete(key);
          throw err;
        }
      },
      async recordSignIn(request, event, db) {
        await insertAuditEntry(db ?? app.pg.pool, {
          userId: event.userId,
          municipalityId: event.municipalityId === undefined ? (request.municipality?.id ?? null) : event.municipalityId,
          action: event.action,
          details: event.details ?? {},
          ip: request.ip,
        });
      },
    };
    app.decorate('audit', service);
  },
  { name: 'audit', dependencies: ['database', 'auth'] },
);
