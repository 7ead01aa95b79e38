import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { accountForIdentity, loadProvider, OidcSignIn } from '../../auth/oidc.js';
import { beginSession } from '../../plugins/auth.js';
import { notFound, UserError } from '../../plugins/errors.js';
import { baseUrl } from '../layers/index.js';
import { ErrorBody } from '../layers/schemas.js';

const CodeParams = Type.Object({ code: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) });

/** OpenID Connect sign-in through a municipality's identity provider (under /api/auth). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const signIn = new OidcSignIn(app.pg.pool);

  async function providerOf(code: string) {
    const municipality = await app.municipalities.byCodeOrNull(code);
    const provider = municipality && (await loadProvider(app.pg.pool, municipality.id));
    if (!municipality || !provider?.enabled) throw notFound(`The municipality "${code}" offers no OpenID Connect sign-in; sign in with your email and password.`);
    return { municipality, provider };
  }
  const callbackUri = (request: FastifyRequest, code: string) => `${baseUrl(request)}/api/auth/oidc/${code}/callback`;

  app.get(
    '/providers',
    {
      schema: {
        summary: 'Sign-in methods of the request municipality',
        description: 'Whether the municipality offers OpenID Connect sign-in, with the button text and the URL that starts it.',
        tags: ['auth'],
        response: {
          200: Type.Object({
            password: Type.Boolean(),
            oidc: Type.Union([Type.Object({ displayName: Type.String(), startUrl: Type.String() }), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const municipality = request.municipality;
      const provider = municipality && (await loadProvider(app.pg.pool, municipality.id));
      return {
        password: true,
        oidc: municipality && provider?.enabled ? { displayName: provider.displayName, startUrl: `/api/auth/oidc/${municipality.code}/start` } : null,
      };
    },
  );

  app.get(
    '/oidc/:code/start',
    {
      schema: {
        summary: "Start signing in at the municipality's identity provider",
        description: 'Redirects the browser to the provider with state, nonce and PKCE (S256).',
        tags: ['auth'],
        params: CodeParams,
        response: { 302: Type.Null(), 404: ErrorBody, 502: ErrorBody },
      },
    },
    async (request, reply) => {
      const { provider } = await providerOf(request.params.code);
      const url = await signIn.start(provider, callbackUri(request, request.params.code));
      return reply.redirect(url.href, 302);
    },
  );

  /** A browser that followed the provider's redirect gets the app with the reason; API clients get it as JSON. */
  function refuse(request: FastifyRequest, reply: FastifyReply, err: UserError) {
    if ((request.headers.accept ?? '').includes('text/html')) {
      return reply.redirect(`/?signin_error=${encodeURIComponent(err.message)}`, 302);
    }
    throw err;
  }

  app.get(
    '/oidc/:code/callback',
    {
      schema: {
        summary: 'Where the identity provider sends the browser back',
        description:
          'Checks state (once), the code with the PKCE verifier, and the ID token (signature, issuer, audience, nonce); maps the ' +
          "groups claim to the user's role in the municipality; starts a session and redirects to the app. A refused sign-in " +
          'writes no session: 400/403 (browsers are redirected to the app with the reason).',
        tags: ['auth'],
        params: CodeParams,
        querystring: Type.Object({}, { additionalProperties: true }),
        response: { 302: Type.Null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 502: ErrorBody },
      },
    },
    async (request, reply) => {
      const { municipality, provider } = await providerOf(request.params.code);
      let recorded = false;
      try {
        const who = await signIn.finish(provider, new URL(request.url, baseUrl(request)));
        const client = await app.pg.connect();
        let userId: number;
        try {
          await client.query('BEGIN');
          if (!who.role) {
            // Groups no longer give a role: an account already linked loses its role here.
            await client.query(
              `DELETE FROM membership m USING user_identity i
                WHERE i.issuer = $1 AND i.subject = $2 AND m.user_id = i.user_id AND m.municipality_id = $3`,
              [who.issuer, who.subject, municipality.id],
            );
            await app.audit.recordSignIn(
              request,
              { action: 'auth.login_failed', userId: null, municipalityId: municipality.id, details: { method: 'oidc', reason: 'no role', groups: who.groups.slice(0, 20) } },
              client,
            );
            await client.query('COMMIT');
            recorded = true;
            throw new UserError(403, `None of your groups at ${provider.displayName} (${who.groups.join(', ') || 'none'}) gives a role in ${municipality.name}. Ask the municipality's administrator.`);
          }
          userId = await accountForIdentity(client, municipality.id, who);
          await app.audit.recordSignIn(request, { action: 'auth.login', userId, municipalityId: municipality.id, details: { method: 'oidc', issuer: who.issuer, role: who.role } }, client);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        } finally {
          client.release();
        }
        await beginSession(request, reply, userId);
        request.log.info({ userId, municipality: municipality.code }, 'signed in with OpenID Connect');
        return reply.redirect('/', 302);
      } catch (err) {
        if (err instanceof UserError && err.statusCode < 500) {
          // A refused sign-in (wrong state, code, token or an error from the provider) is a failed sign-in to this municipality.
          if (!recorded) {
            await app.audit.recordSignIn(request, {
              action: 'auth.login_failed',
              userId: null,
              municipalityId: municipality.id,
              details: { method: 'oidc', reason: err.message.slice(0, 200) },
            });
          }
          return refuse(request, reply, err);
        }
        throw err;
      }
    },
  );
};

export default routes;
