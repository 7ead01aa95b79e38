import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Type } from 'typebox';
import { createPasswordReset, createUser, setMembership } from '../../auth/repository.js';
import { requireRole } from '../../plugins/auth.js';
import { badRequest, UserError } from '../../plugins/errors.js';
import { ErrorBody } from '../layers/schemas.js';
import layerAccessRoutes from './layerAccess.js';
import memberRoutes from './members.js';
import municipalityRoutes from './municipality.js';
import oidcAdminRoutes from './oidc.js';
import { EMAIL_MAX } from '../auth/schemas.js';
import { bigintId, int4 } from '../bounds.js';

const Role = Type.Union([Type.Literal('viewer'), Type.Literal('official'), Type.Literal('editor'), Type.Literal('admin')], {
  description: 'viewer (planner), official, editor (GIS specialist) or admin.',
});

const InviteBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: EMAIL_MAX, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    name: Type.String({ maxLength: 200 }),
    language: Type.Optional(Type.Union([Type.Literal('lv'), Type.Literal('en'), Type.Literal('uk')])),
    municipalityId: int4(),
    role: Role,
  },
  { additionalProperties: false },
);
const MembershipBody = Type.Object(
  { userId: bigintId(), municipalityId: int4(), role: Role },
  { additionalProperties: false },
);

function formatSchemaError(errors: FastifySchemaValidationError[], context: string): UserError {
  const first = errors[0];
  const params = (first?.params ?? {}) as { additionalProperty?: string; missingProperty?: string };
  if (params.additionalProperty) return badRequest(`The ${context} has a field "${params.additionalProperty.slice(0, 40)}" that this request does not take.`);
  if (params.missingProperty) return badRequest(`The ${context} field "${params.missingProperty}" is required.`);
  const name = first?.instancePath.replace(/^\//, '') ?? '';
  if (name === 'role') return badRequest('The role must be viewer, official, editor or admin.');
  return badRequest(`The ${context} field "${name}" ${first?.message ?? 'is not valid'}.`);
}

/** Users and roles of a municipality, for its administrators (under /api/admin). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(memberRoutes);
  await app.register(layerAccessRoutes);
  await app.register(municipalityRoutes);
  await app.register(oidcAdminRoutes);
  app.post(
    '/users',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Invite a user to a municipality (admin)',
        description:
          'Creates the account without a password and sends it a password reset token (to the server log while no mail ' +
          'server is configured), with the role in the municipality. Needs X-CSRF-Token.',
        tags: ['admin'],
        body: InviteBody,
        response: { 201: Type.Object({ id: Type.Integer() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { email, name, language, municipalityId, role } = request.body;
      requireRole(request, 'admin', municipalityId);
      const id = await createUser(app.pg.pool, { email, name, language, passwordHash: null });
      if (id === undefined) throw new UserError(409, 'This email already has an account; change its role with PUT /api/admin/memberships.');
      await setMembership(app.pg.pool, id, municipalityId, role);
      await app.audit.record(request, { action: 'user.invite', municipalityId, details: { after: { userId: id, email, role } } });
      const reset = await createPasswordReset(app.pg.pool, email, 7 * 24 * 3600);
      if (reset) app.auth.deliverResetToken(reset);
      return reply.code(201).send({ id });
    },
  );

  app.put(
    '/memberships',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: "Set a user's role in a municipality (admin)",
        tags: ['admin'],
        body: MembershipBody,
        response: { 200: MembershipBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { userId, municipalityId, role } = request.body;
      requireRole(request, 'admin', municipalityId);
      const { rows } = await app.pg.query<{ role: string | null }>(
        `SELECT (SELECT role FROM membership WHERE user_id = u.id AND municipality_id = $2) AS role FROM app_user u WHERE u.id = $1`,
        [userId, municipalityId],
      );
      if (!rows[0]) throw new UserError(404, `There is no user ${userId}.`);
      await setMembership(app.pg.pool, userId, municipalityId, role);
      await app.audit.record(request, {
        action: 'membership.update',
        municipalityId,
        details: { userId, before: { role: rows[0].role }, after: { role } },
      });
      return { userId, municipalityId, role };
    },
  );
};
export default routes;
