import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { LRUCache } from 'lru-cache';
import { Type } from 'typebox';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../../auth/password.js';
import {
  createPasswordReset,
  findLoginCandidate,
  recordLoginFailure,
  resetPassword,
  resetTokenEmail,
} from '../../auth/repository.js';
import { badRequest, UserError } from '../../plugins/errors.js';
import { beginSession, endSession, requireUser } from '../../plugins/auth.js';
import { personalData } from '../../plugins/securityHeaders.js';
import { ErrorBody } from '../layers/schemas.js';
import oidcRoutes from './oidc.js';
import { EMAIL_MAX, LoginBody, MessageBody, ResetConfirmBody, ResetRequestBody, SessionBody } from './schemas.js';

/** Failed sign-ins before an account is locked, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
const RESET_TTL_SECONDS = 3600;

const lockedMessage =
  `Too many failed sign-ins with this email: signing in is paused for ${LOCK_MINUTES} minutes. ` +
  'Wait, or set a new password with "Forgot password" (POST /api/auth/password-reset).';
const wrongMessage = 'The email or password is wrong.';

const advice: Record<string, string> = {
  email: `The email must be an address like name@example.lv of at most ${EMAIL_MAX} characters.`,
  password: 'The password must be text of 1 to 256 characters.',
  token: 'The token must be the text from the reset message (at most 100 characters).',
};

/** One sentence naming the field that is wrong; extra fields are named too. */
function formatSchemaError(errors: FastifySchemaValidationError[], context: string): UserError {
  const first = errors[0];
  const params = (first?.params ?? {}) as { additionalProperty?: string; missingProperty?: string };
  if (params.additionalProperty) {
    return badRequest(`The ${context} has a field "${params.additionalProperty.slice(0, 40)}" that this request does not take.`);
  }
  const name = params.missingProperty ?? first?.instancePath.replace(/^\//, '') ?? '';
  if (!name) return badRequest(`The ${context} must be a JSON object.`);
  if (params.missingProperty) return badRequest(`The ${context} field "${name}" is required.`);
  return badRequest(advice[name] ?? `The ${context} field "${name}" ${first?.message ?? 'is not valid'}.`);
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody };

/** Sign-in, sign-out, the current user and password reset (under /api/auth). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const rateLimit = {
    max: app.config.authRateLimit,
    timeWindow: '1 minute',
    errorResponseBuilder: (_req: unknown, ctx: { after: string }) =>
      new UserError(429, `Too many sign-in requests from your address: try again in ${ctx.after}.`),
  };
  // Failures for emails without an account, counted like real ones, so that the lockout message
  // does not tell whether an email has an account.
  const unknownFailures = new LRUCache<string, { failures: number; lockedUntil?: number }>({ max: 10_000, ttl: LOCK_MINUTES * 60_000 });

  /**
   * An entry in the audit log for a sign-in event, with the municipality signed in to (the
   * request's), so that its administrators see it; GET /api/audit also shows an administrator the
   * sign-in events of their municipality's members wherever they signed in.
   */
  const authEvent = (request: FastifyRequest, action: string, userId: number | null, details: Record<string, unknown> = {}) =>
    app.audit.recordSignIn(request, { action, userId, details });
  /** A failed sign-in names the account when there is one; an unknown email only by a digest, to spot guessing. */
  const attempted = (email: string) => ({ emailDigest: createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16) });

  await app.register(oidcRoutes);

  app.post(
    '/login',
    {
      config: { csrf: false, rateLimit },
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Sign in with email and password',
        description:
          'Sets an httpOnly SameSite=Lax session cookie (a new session on every sign-in) and returns the user with ' +
          `the CSRF token for X-CSRF-Token. After ${MAX_FAILED_LOGINS} failures the email is locked for ${LOCK_MINUTES} minutes.`,
        tags: ['auth'],
        body: LoginBody,
        response: { 200: SessionBody, ...errors },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const key = email.toLowerCase();
      const unknown = unknownFailures.get(key);
      if (unknown?.lockedUntil && unknown.lockedUntil > Date.now()) throw new UserError(429, lockedMessage);

      const candidate = await findLoginCandidate(app.pg.pool, email);
      if (candidate?.lockedUntil) {
        await authEvent(request, 'auth.login_failed', candidate.id, { method: 'password', reason: 'locked' });
        throw new UserError(429, lockedMessage);
      }
      const usable = candidate && !candidate.disabled && candidate.passwordHash;
      // Verify against a decoy when there is no usable account, so the answer takes as long.
      const ok = (await verifyPassword(password, usable ? candidate.passwordHash! : await decoyHash())) && !!usable;
      if (!ok) {
        await authEvent(request, 'auth.login_failed', candidate?.id ?? null, { method: 'password', ...(candidate ? {} : attempted(email)) });
        if (candidate) {
          if (await recordLoginFailure(app.pg.pool, candidate.id, MAX_FAILED_LOGINS, LOCK_MINUTES)) {
            await authEvent(request, 'auth.lockout', candidate.id, { minutes: LOCK_MINUTES });
            throw new UserError(429, lockedMessage);
          }
        } else {
          const failures = (unknown?.failures ?? 0) + 1;
          const locked = failures >= MAX_FAILED_LOGINS;
          unknownFailures.set(key, locked ? { failures: 0, lockedUntil: Date.now() + LOCK_MINUTES * 60_000 } : { failures });
          if (locked) throw new UserError(429, lockedMessage);
        }
        throw new UserError(401, wrongMessage);
      }

      // Session fixation: whatever session the browser had ends; the new one has a new id.
      const signedIn = await beginSession(request, reply, candidate.id);
      await authEvent(request, 'auth.login', candidate.id, { method: 'password' });
      request.log.info({ userId: candidate.id }, 'signed in');
      return signedIn;
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        summary: 'Sign out',
        description: 'Ends the session (needs X-CSRF-Token) and clears the cookie. Anonymous requests succeed too.',
        tags: ['auth'],
        response: { 204: Type.Null({ description: 'Signed out.' }), 403: ErrorBody },
      },
    },
    async (request, reply) => {
      if (request.user) await authEvent(request, 'auth.logout', request.user.id);
      await endSession(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        summary: 'The signed-in user',
        description: 'The user, their memberships and the CSRF token of the session; 401 when nobody is signed in.',
        tags: ['auth'],
        response: { 200: SessionBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      personalData(reply);
      return { user, csrfToken: request.csrfToken! };
    },
  );

  app.post(
    '/password-reset',
    {
      config: { csrf: false, rateLimit },
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Ask for a password reset token',
        description:
          'Sends a one-time token valid for 1 hour to the email (written to the server log while no mail server is ' +
          'configured). The answer is the same whether or not the email has an account.',
        tags: ['auth'],
        body: ResetRequestBody,
        response: { 202: MessageBody, 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const reset = await createPasswordReset(app.pg.pool, request.body.email, RESET_TTL_SECONDS);
      if (reset) app.auth.deliverResetToken(reset);
      return reply.code(202).send({
        message: 'If this email has an account, a reset token is on its way; it is valid for 1 hour and can be used once.',
      });
    },
  );

  app.post(
    '/password-reset/confirm',
    {
      config: { csrf: false, rateLimit },
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Set a new password with a reset token',
        description: 'Uses the token up, clears a lockout and ends every session of the account.',
        tags: ['auth'],
        body: ResetConfirmBody,
        response: { 200: MessageBody, 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => {
      const { token, password } = request.body;
      const email = await resetTokenEmail(app.pg.pool, token);
      if (!email) throw badRequest('This reset token is unknown, used or expired; ask for a new one.');
      const problem = passwordProblem(password, email);
      if (problem) throw badRequest(problem);
      const done = await resetPassword(app.pg.pool, token, await hashPassword(password));
      if (!done) throw badRequest('This reset token is unknown, used or expired; ask for a new one.');
      await authEvent(request, 'auth.password_reset', done.userId);
      request.log.info({ userId: done.userId }, 'password reset');
      return { message: 'The password is changed; sign in with it.' };
    },
  );
};
export default routes;
