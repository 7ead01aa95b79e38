import type { FastifyRequest } from 'fastify';
import type { Actor } from './service.js';

/** The request's user and address, as the audit log records who changed a dataset. */
export const actorOf = (request: FastifyRequest): Actor => ({ userId: request.user?.id ?? null, ip: request.ip });
