import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from './errors.js';

/**
 * preHandler for admin-only endpoints until accounts exist: the request must carry
 * `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN configured the endpoint is off.
 */
export async function requireAdminToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const expected = request.server.config.adminToken;
  if (!expected) {
    throw new UserError(403, 'This admin action is disabled until ADMIN_TOKEN is set on the server or accounts are configured.');
  }
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
  // Compare digests so the comparison takes the same time whatever the token's length.
  if (!given || !timingSafeEqual(digest(given), digest(expected))) {
    reply.header('www-authenticate', 'Bearer realm="admin"');
    throw new UserError(401, 'This admin action needs the header "Authorization: Bearer <ADMIN_TOKEN>".');
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();
