import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, UserError } from './errors.js';

/**
 * preHandler for platform-wide admin actions (adding a WMS source to the shared catalog): the
 * request comes from a signed-in administrator — a platform administrator or the admin of any
 * municipality — with the session's CSRF token, or, for automation without a browser, carries
 * `Authorization: Bearer <ADMIN_TOKEN>` when that is configured on the server.
 */
export async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const user = request.user;
  if (user && (user.platformAdmin || user.memberships.some((m) => m.role === 'admin'))) return;

  const expected = request.server.config.adminToken;
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
  // Compare digests so the comparison takes the same time whatever the token's length.
  if (expected && given && timingSafeEqual(digest(given), digest(expected))) return;

  if (user) throw forbidden('This action needs the admin role.');
  reply.header('www-authenticate', 'Bearer realm="admin"');
  throw new UserError(
    401,
    expected
      ? 'Sign in as an administrator, or send the header "Authorization: Bearer <ADMIN_TOKEN>".'
      : 'Sign in as an administrator (no ADMIN_TOKEN is configured on the server for automation).',
  );
}

const digest = (text: string) => createHash('sha256').update(text).digest();
