import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Type } from 'typebox';
import { createPasswordReset, inviteToMunicipality, setMembership } from '../../auth/repository.js';
import { inTransaction } from '../../db/transaction.js';
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
          'Gives the email the role in the municipality. A new account is created without a password and sent a password ' +
          'reset token; an existing account is sent a notice (both to the server log while no mail server is configured). ' +
          'The answer is the same either way. Needs X-CSRF-Token.',
        tags: ['admin'],
        body: InviteBody,
        response: { 201: Type.Object({ id: Type.Integer() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const { email, name, language, municipalityId, role } = request.body;
      requireRole(request, 'admin', municipalityId);
      // The answer is the same whether or not the email had an account, so an invitation does not
      // tell an administrator who else uses the platform; only the owner learns which it was. Both
      // paths write in one transaction (one commit), so they also take about as long.
      const { userId, delivery } = await inTransaction(app.pg.pool, async (client) => {
        const { userId, created } = await inviteToMunicipality(client, { email, name, language, municipalityId, role });
        await app.audit.recordIn(client, request, { action: 'user.invite', municipalityId, details: { after: { userId, email, role } } });
        if (created) return { userId, delivery: { reset: await createPasswordReset(client, email, 7 * 24 * 3600) } };
        const { rows } = await client.query<{ name: string }>('SELECT name FROM municipality WHERE id = $1', [municipalityId]);
        return { userId, delivery: { notice: { email, municipalityName: rows[0]?.name ?? '', role } } };
      });
      if ('reset' in delivery) {
        if (delivery.reset) app.auth.deliverResetToken(delivery.reset);
      } else app.auth.deliverMembershipNotice(delivery.notice);
      return reply.code(201).send({ id: userId });
    },
  );

  app.put(
    '/memberships',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: "Change a member's role in a municipality (admin)",
        description:
          "A municipality's administrator changes the roles of the municipality's members (new members are invited with " +
          'POST /api/admin/users); a platform administrator may also give a role to any account. Needs X-CSRF-Token.',
        tags: ['admin'],
        body: MembershipBody,
        response: { 200: MembershipBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { userId, municipalityId, role } = request.body;
      const admin = requireRole(request, 'admin', municipalityId);
      const { rows } = await app.pg.query<{ role: string | null }>(
        `SELECT (SELECT role FROM membership WHERE user_id = u.id AND municipality_id = $2) AS role FROM app_user u WHERE u.id = $1`,
        [userId, municipalityId],
      );
      // A municipality's administrator changes the roles of its members; people join by invitation
      // (POST /api/admin/users), so an account id from elsewhere gets the same answer as no account.
      if (!rows[0] || (rows[0].role === null && !admin.platformAdmin)) throw new UserError(404, `User ${userId} is not a member of this municipality.`);
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
