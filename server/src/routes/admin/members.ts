import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { listMembers, removeMembership, setUserDisabled } from '../../auth/repository.js';
import { requirePlatformAdmin, requireRole } from '../../plugins/auth.js';
import { badRequest, UserError } from '../../plugins/errors.js';
import { personalData } from '../../plugins/securityHeaders.js';
import { ErrorBody } from '../layers/schemas.js';
import { bigintId, int4 } from '../bounds.js';

const Member = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  language: Type.String(),
  role: Type.String(),
  disabled: Type.Boolean(),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const MunicipalityQuery = Type.Object(
  { municipalityId: Type.Optional(int4({ description: "Default: the request's municipality." })) },
  { additionalProperties: false },
);
const UserParams = Type.Object({ userId: bigintId() });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** The municipality an admin request is about: the one asked for, else the request's; the caller must administer it. */
export function administeredMunicipality(request: FastifyRequest, asked?: number): number {
  const municipalityId = asked ?? request.municipality?.id;
  if (municipalityId === undefined) throw badRequest('There is no municipality yet.');
  requireRole(request, 'admin', municipalityId);
  return municipalityId;
}

/** The members of a municipality, for its administrators (under /api/admin). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/users',
    {
      schema: {
        summary: "The municipality's users and their roles (admin)",
        tags: ['admin'],
        querystring: MunicipalityQuery,
        response: { 200: Type.Object({ municipalityId: Type.Integer(), users: Type.Array(Member) }), ...errors },
      },
    },
    async (request, reply) => {
      const municipalityId = administeredMunicipality(request, request.query.municipalityId);
      personalData(reply);
      return { municipalityId, users: await listMembers(app.pg.pool, municipalityId) };
    },
  );

  app.delete(
    '/memberships/:userId',
    {
      schema: {
        summary: "Remove a user's role in the municipality (admin)",
        tags: ['admin'],
        params: UserParams,
        querystring: MunicipalityQuery,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const municipalityId = administeredMunicipality(request, request.query.municipalityId);
      const { userId } = request.params;
      if (userId === request.user!.id) throw badRequest('You cannot remove your own role; ask another administrator.');
      const role = (await listMembers(app.pg.pool, municipalityId)).find((m) => m.id === userId)?.role;
      if (!(await removeMembership(app.pg.pool, userId, municipalityId))) throw new UserError(404, `User ${userId} has no role in this municipality.`);
      await app.audit.record(request, { action: 'membership.remove', municipalityId, details: { userId, before: { role } } });
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/users/:userId/disabled',
    {
      schema: {
        summary: 'Disable or enable an account on the whole platform (platform admin)',
        description:
          'A disabled account cannot sign in anywhere and its sessions end at once. Only platform administrators ' +
          "may: a municipality's administrator removes a member's role instead (DELETE /api/admin/memberships/{userId}). " +
          'Needs X-CSRF-Token.',
        tags: ['admin'],
        params: UserParams,
        body: Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Object({ userId: Type.Integer(), disabled: Type.Boolean() }), ...errors },
      },
    },
    async (request) => {
      const admin = requirePlatformAdmin(request);
      const { userId } = request.params;
      const { disabled } = request.body;
      if (userId === admin.id) throw badRequest('You cannot disable your own account.');
      if (!(await setUserDisabled(app.pg.pool, userId, disabled))) throw new UserError(404, `There is no user ${userId}.`);
      await app.audit.record(request, { action: disabled ? 'user.disable' : 'user.enable', municipalityId: null, details: { userId } });
      return { userId, disabled };
    },
  );
};

export default routes;
