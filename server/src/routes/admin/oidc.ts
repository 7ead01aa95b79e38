import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { loadProvider } from '../../auth/oidc.js';
import { maskSecret } from '../../municipalities/secrets.js';
import { badRequest } from '../../plugins/errors.js';
import { ErrorBody } from '../layers/schemas.js';
import { administeredMunicipality } from './members.js';

const Role = Type.Union([Type.Literal('viewer'), Type.Literal('official'), Type.Literal('editor'), Type.Literal('admin')]);
const Provider = Type.Object({
  issuer: Type.String(),
  clientId: Type.String(),
  clientSecret: Type.String({ description: 'Only its last four characters.' }),
  displayName: Type.String(),
  scopes: Type.String(),
  groupsClaim: Type.String(),
  roleMap: Type.Record(Type.String(), Role),
  enabled: Type.Boolean(),
  redirectUri: Type.String({ description: 'Register this redirect URI at the identity provider.' }),
});
const ProviderBody = Type.Object(
  {
    issuer: Type.String({ pattern: '^https?://\\S+$', maxLength: 500 }),
    clientId: Type.String({ minLength: 1, maxLength: 200 }),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Leave out to keep the stored one.' })),
    displayName: Type.String({ minLength: 1, maxLength: 80 }),
    scopes: Type.Optional(Type.String({ pattern: '(^| )openid( |$)', maxLength: 300 })),
    groupsClaim: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_:.\\-/]{1,100}$' })),
    roleMap: Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Role, { maxProperties: 100 }),
    enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** The request municipality's OpenID Connect provider, for its administrators (under /api/admin). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  async function present(municipalityId: number, base: string) {
    const p = await loadProvider(app.pg.pool, municipalityId);
    if (!p) return null;
    const code = (await app.municipalities.byIdOrNull(municipalityId))?.code;
    const { municipalityId: _m, clientSecret, ...rest } = p;
    return { ...rest, clientSecret: maskSecret(clientSecret), redirectUri: `${base}/api/auth/oidc/${code}/callback` };
  }
  const base = (request: { protocol: string; host: string }) => `${request.protocol}://${request.host}`;

  app.get(
    '/oidc',
    {
      schema: {
        summary: "The municipality's OpenID Connect provider (admin)",
        tags: ['admin'],
        response: { 200: Type.Object({ provider: Type.Union([Provider, Type.Null()]) }), ...errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { provider: await present(administeredMunicipality(request), base(request)) };
    },
  );

  app.put(
    '/oidc',
    {
      schema: {
        summary: "Set the municipality's OpenID Connect provider (admin)",
        description: 'Issuer, client, the groups claim and which group gives which role. Needs X-CSRF-Token.',
        tags: ['admin'],
        body: ProviderBody,
        response: { 200: Type.Object({ provider: Provider }), ...errors },
      },
    },
    async (request, reply) => {
      const municipalityId = administeredMunicipality(request);
      const b = request.body;
      const before = await loadProvider(app.pg.pool, municipalityId);
      const secret = b.clientSecret ?? before?.clientSecret;
      if (!secret) throw badRequest('Give the client secret the identity provider issued for this client.');
      await app.pg.pool.query(
        `INSERT INTO oidc_provider (municipality_id, issuer, client_id, client_secret, display_name, scopes, groups_claim, role_map, enabled, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
         ON CONFLICT (municipality_id) DO UPDATE SET issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id,
           client_secret = EXCLUDED.client_secret, display_name = EXCLUDED.display_name, scopes = EXCLUDED.scopes,
           groups_claim = EXCLUDED.groups_claim, role_map = EXCLUDED.role_map, enabled = EXCLUDED.enabled, updated_at = now()`,
        [municipalityId, b.issuer, b.clientId, secret, b.displayName, b.scopes ?? 'openid email profile', b.groupsClaim ?? 'groups', JSON.stringify(b.roleMap), b.enabled],
      );
      await app.audit.record(request, {
        action: 'oidc.settings',
        municipalityId,
        details: { issuer: b.issuer, clientId: b.clientId, roleMap: b.roleMap, enabled: b.enabled, secretChanged: b.clientSecret !== undefined },
      });
      reply.header('cache-control', 'no-store');
      return { provider: (await present(municipalityId, base(request)))! };
    },
  );
};

export default routes;
