import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createSession, deleteExpiredSessions, deleteSession, loadSession, type NewSession } from '../auth/repository.js';
import { hasRole, type Role, type SessionUser } from '../auth/roles.js';
import { isTokenShaped, sameSecret } from '../auth/tokens.js';
import { forbidden, UserError } from './errors.js';

export const SESSION_COOKIE = 'gis_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A session ends 12 hours after sign-in, or after 2 hours without a request. */
export const SESSION_TTL_SECONDS = 12 * 3600;
export const SESSION_IDLE_SECONDS = 2 * 3600;

/** A password reset token on its way to its owner (mail, once a mail server is configured). */
export interface ResetDelivery {
  email: string;
  token: string;
}

/** A notice to an existing account that it was given a role in a municipality. */
export interface MembershipNotice {
  email: string;
  municipalityName: string;
  role: Role;
}

export interface AuthService {
  /**
   * Hands a reset token to its owner. Without a mail server it is written to the server log (as
   * the operator's way to pass it on); tests replace it to read the token.
   */
  deliverResetToken(delivery: ResetDelivery): void;
  /**
   * Tells an existing account it was given a role by an invitation (it needs no password link).
   * Without a mail server it is written to the server log; tests replace it to read the notice.
   */
  deliverMembershipNotice(notice: MembershipNotice): void;
  /** Sets the session cookie for a session just created. */
  setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession): void;
  clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
  }
  interface FastifyRequest {
    /** The signed-in user, or null for an anonymous request (no, unknown, expired or forged cookie). */
    user: SessionUser | null;
    /** The cookie token of the request's live session, or null. */
    sessionToken: string | null;
    /** The live session's CSRF token (returned by GET /api/auth/me), or null. */
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    /** false: the route needs no CSRF token (sign-in and reset, which no session protects yet). */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Paths whose handlers may ask who the user is; static client files never do. */
const SIGNED_PATHS = /^\/(api|ogc|wms)(\/|\?|$)/;

/**
 * Sessions in httpOnly SameSite=Lax cookies backed by the `session` table: decorates `request.user`,
 * refuses a state-changing request made with the session cookie unless it carries the session's
 * synchronizer token in `X-CSRF-Token` (and, when the browser sends an Origin, comes from this
 * site), and registers the rate limiter the auth routes use.
 */
export default fp(
  async (app) => {
    await app.register(fastifyCookie);
    // Only routes that ask for it (config.rateLimit) are limited.
    await app.register(fastifyRateLimit, { global: false });

    app.decorateRequest('user', null);
    app.decorateRequest('sessionToken', null);
    app.decorateRequest('csrfToken', null);

    const service: AuthService = {
      deliverResetToken({ email, token }) {
        app.log.warn(
          { email, resetToken: token },
          'password reset requested; no mail server is configured, so pass this token to its owner (valid 1 hour, once)',
        );
      },
      deliverMembershipNotice({ email, municipalityName, role }) {
        app.log.info({ email, municipality: municipalityName, role }, 'an existing account was given a role by an invitation; no mail server is configured to tell its owner');
      },
      setSessionCookie(request, reply, session) {
        reply.setCookie(SESSION_COOKIE, session.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
          expires: session.expiresAt,
        });
      },
      clearSessionCookie(request, reply) {
        reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
      },
    };
    app.decorate('auth', service);

    // Expired sessions are refused on read; this only keeps the table small.
    const sweep = setInterval(() => {
      deleteExpiredSessions(app.pg.pool).catch((err) => app.log.warn({ err }, 'removing expired sessions failed'));
    }, 3600_000);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));

    app.addHook('onRequest', async (request) => {
      if (!SIGNED_PATHS.test(request.url)) return;
      const unsafe = UNSAFE.has(request.method);
      if (unsafe) checkOrigin(request);

      const token = request.cookies[SESSION_COOKIE];
      // Anything that is not one of our tokens is treated as no cookie at all, without a query.
      if (!isTokenShaped(token)) return;
      const session = await loadSession(app.pg.pool, token, SESSION_IDLE_SECONDS);
      if (!session) return;
      request.user = session.user;
      request.sessionToken = token;
      request.csrfToken = session.csrfToken;

      if (unsafe && request.routeOptions.config?.csrf !== false) {
        const given = request.headers[CSRF_HEADER];
        if (typeof given !== 'string' || !given || !sameSecret(given, session.csrfToken)) {
          throw forbidden(
            'This request changes data and needs the X-CSRF-Token header with the token your sign-in returned ' +
              '(GET /api/auth/me returns it again). Reload the page and try again.',
          );
        }
      }
    });
  },
  { name: 'auth', dependencies: ['database', 'errors'] },
);

/**
 * A browser names the page that sent a request in Origin; a state-changing request from another
 * site is refused even before SameSite and the CSRF token are looked at. Clients that send no
 * Origin (curl, QGIS, scripts) carry no ambient browser credentials and pass.
 */
function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin) return;
  let same = false;
  try {
    const from = new URL(origin);
    // Read the Host header with the origin's scheme, so a default port written out compares equal.
    same = from.host === new URL(`${from.protocol}//${request.host}`).host;
  } catch {
    same = false;
  }
  if (!same) {
    throw forbidden(`Requests that change data must come from this site; the browser said it came from "${origin.slice(0, 100)}".`);
  }
}

/** The signed-in user, or 401 for an anonymous request. */
export function requireUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new UserError(401, 'Sign in first: POST /api/auth/login with your email and password.');
  return request.user;
}

/** The signed-in user if they hold at least `role` in the municipality; 401 anonymous, 403 otherwise. */
export function requireRole(request: FastifyRequest, role: Role, municipalityId: number | null): SessionUser {
  const user = requireUser(request);
  if (!hasRole(user, role, municipalityId)) {
    throw forbidden(`This needs the ${role} role in the municipality${municipalityId === null ? '' : ` (id ${municipalityId})`}.`);
  }
  return user;
}

/**
 * The signed-in platform administrator (the hosting IT centre), for actions that reach past one
 * municipality: disabling an account, which ends it in every municipality. 401 anonymous, 403 otherwise.
 */
export function requirePlatformAdmin(request: FastifyRequest): SessionUser {
  const user = requireUser(request);
  if (!user.platformAdmin) throw forbidden('This needs a platform administrator: it affects the account in every municipality.');
  return user;
}

/**
 * Signs the user in: whatever session the browser had ends (no session fixation), a new one with a
 * new token starts, and its cookie is set. Password and OpenID Connect sign-in both end here.
 */
export async function beginSession(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<{ user: SessionUser; csrfToken: string }> {
  const pool = request.server.pg.pool;
  if (request.sessionToken) await deleteSession(pool, request.sessionToken);
  const session = await createSession(pool, userId, { ttlSeconds: SESSION_TTL_SECONDS, ip: request.ip, userAgent: request.headers['user-agent'] });
  const loaded = await loadSession(pool, session.token, SESSION_IDLE_SECONDS);
  if (!loaded) throw new Error('a session just created could not be read back');
  request.server.auth.setSessionCookie(request, reply, session);
  return { user: loaded.user, csrfToken: session.csrfToken };
}

/** Ends the request's session in the database and in the browser. */
export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.sessionToken) await deleteSession(request.server.pg.pool, request.sessionToken);
  request.server.auth.clearSessionCookie(request, reply);
  request.user = null;
  request.sessionToken = null;
  request.csrfToken = null;
}
