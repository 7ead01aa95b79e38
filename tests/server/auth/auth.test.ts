import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, sessionCookie, signIn, TEST_PASSWORD } from '../../helpers/users.js';

const json = { 'content-type': 'application/json' };

describeEachDatabase(
  'sign-in, sessions and CSRF',
  (ctx) => {
    it('signs in with email (any case) and password, sets an httpOnly SameSite=Lax cookie and returns the user with memberships', async () => {
      const { app } = ctx();
      const testa = await municipalityId(app, 'testa');
      const user = await addUser(app, { role: 'editor', municipality: testa });
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email.toUpperCase(), password: TEST_PASSWORD } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.user).toMatchObject({ id: user.id, email: user.email, language: 'lv', platformAdmin: false });
      expect(body.user.memberships).toEqual([{ municipalityId: testa, municipalityCode: 'testa', municipalityName: 'Testa novads', role: 'editor' }]);
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = res.cookies.find((c) => c.name === 'gis_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie.secure).toBeFalsy();
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The database keeps only the token's hash.
      const { rows } = await app.pg.query('SELECT count(*)::int AS n FROM session WHERE id = $1::text::bytea OR csrf_token = $2', [cookie.value, 'x']);
      expect(rows[0].n).toBe(0);

      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `gis_session=${cookie.value}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toEqual(body);
    });

    it('answers 401 to /me for anonymous, unknown, forged and malformed cookies', async () => {
      const { app } = ctx();
      for (const cookie of [undefined, `gis_session=${'A'.repeat(43)}`, 'gis_session=forged', `gis_session=${'x'.repeat(5000)}`]) {
        const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers: cookie ? { cookie } : {} });
        expect(res.statusCode).toBe(401);
        expect(res.json().message).toMatch(/Sign in/);
      }
    });

    it('refuses a wrong password and an unknown email with the same message', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'not the password' } });
      const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@tests.example.lv', password: 'whatever it is' } });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().message).toBe(unknown.json().message);
      expect(sessionCookie(wrong)).toBeUndefined();
    });

    it('locks an email after 5 failures for 15 minutes, even for the right password, and says so the same way for unknown emails', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const attempt = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 5; i++) {
        known.push((await attempt(user.email, `wrong password ${i}`)).statusCode);
        unknown.push((await attempt('no-such-user@tests.example.lv', `wrong password ${i}`)).statusCode);
      }
      expect(known).toEqual([401, 401, 401, 401, 429]);
      expect(unknown).toEqual(known);
      const locked = await attempt(user.email, TEST_PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().message).toMatch(/paused for 15 minutes/);
      expect((await attempt('no-such-user@tests.example.lv', 'x')).json().message).toBe(locked.json().message);
      const { rows } = await app.pg.query('SELECT locked_until > now() + interval \'14 minutes\' AS locked FROM app_user WHERE id = $1', [user.id]);
      expect(rows[0].locked).toBe(true);
    });

    it('gives every sign-in a new session id and ends the old session on logout', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const first = await signIn(app, user);
      // Signing in again while carrying the old cookie: a new id, and the old one is gone.
      const again = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie: first.cookie }, payload: { email: user.email, password: TEST_PASSWORD } });
      const second = sessionCookie(again)!;
      expect(second).not.toBe(first.cookie);
      expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: first.cookie } })).statusCode).toBe(401);

      const csrfToken = again.json().csrfToken;
      const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: second, 'x-csrf-token': csrfToken } });
      expect(out.statusCode).toBe(204);
      expect(out.cookies.find((c) => c.name === 'gis_session')?.value).toBe('');
      expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: second } })).statusCode).toBe(401);
    });

    it('refuses a state-changing request with the session cookie but a missing or wrong CSRF token', async () => {
      const { app } = ctx();
      const session = await signIn(app, await addUser(app));
      const missing = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: session.cookie } });
      expect(missing.statusCode).toBe(403);
      expect(missing.json().message).toMatch(/X-CSRF-Token/);
      const wrong = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: session.cookie, 'x-csrf-token': 'A'.repeat(43) } });
      expect(wrong.statusCode).toBe(403);
      // Still signed in: nothing happened.
      expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    });

    it('refuses a state-changing request from another site (Origin) before anything else', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin: 'https://evil.example' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(403);
      expect(sessionCookie(res)).toBeUndefined();
      const same = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin: 'http://localhost:80', host: 'localhost:80' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(same.statusCode).toBe(200);
    });

    it('refuses bad input with a clear 400 and writes nothing', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const cases: [unknown, RegExp][] = [
        [{ email: `${'a'.repeat(250)}@x.lv`, password: 'p' }, /email/],
        [{ email: user.email, password: 'p'.repeat(257) }, /password/],
        [{ email: 'not-an-email', password: 'p' }, /email/],
        [{ email: user.email, password: TEST_PASSWORD, role: 'admin' }, /"role"/],
        // (Scalars are coerced to text by the app-wide validator settings; an object is not.)
        [{ email: user.email, password: { text: TEST_PASSWORD } }, /password/],
        [{ email: user.email }, /"password" is required/],
        [[user.email, TEST_PASSWORD], /JSON object|must be object/],
      ];
      for (const [payload, message] of cases) {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: json, payload: JSON.stringify(payload) });
        expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
        expect(res.json().message).toMatch(message);
      }
      const malformed = await app.inject({ method: 'POST', url: '/api/auth/login', headers: json, payload: '{"email": ' });
      expect(malformed.statusCode).toBe(400);
      const { rows } = await app.pg.query('SELECT count(s.id)::int AS n, max(failed_logins) AS f FROM session s RIGHT JOIN app_user u ON u.id = s.user_id WHERE u.id = $1', [user.id]);
      expect(rows[0]).toMatchObject({ n: 0, f: 0 });
    });

    it('resets a password with a one-time token and ends existing sessions', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const old = await signIn(app, user);
      const delivered: { email: string; token: string }[] = [];
      const original = app.auth.deliverResetToken;
      app.auth.deliverResetToken = (d) => void delivered.push(d);
      try {
        const asked = await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: user.email } });
        const unknown = await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: 'nobody@tests.example.lv' } });
        expect(asked.statusCode).toBe(202);
        expect(unknown.statusCode).toBe(202);
        expect(unknown.json()).toEqual(asked.json());
        expect(delivered).toHaveLength(1);
        const { token } = delivered[0];

        const short = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password: 'short' } });
        expect(short.statusCode).toBe(400);
        expect(short.json().message).toMatch(/at least 12 characters/);

        const newPassword = 'a brand new passphrase';
        const done = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password: newPassword } });
        expect(done.statusCode).toBe(200);
        expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: old.cookie } })).statusCode).toBe(401);
        const reused = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password: 'another passphrase!' } });
        expect(reused.statusCode).toBe(400);
        expect(reused.json().message).toMatch(/unknown, used or expired/);

        expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: TEST_PASSWORD } })).statusCode).toBe(401);
        await signIn(app, { ...user, password: newPassword });
      } finally {
        app.auth.deliverResetToken = original;
      }
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);

describeEachDatabase(
  'sign-in rate limit',
  (ctx) => {
    it('answers 429 once one address has made too many sign-in requests in a minute', async () => {
      const { app } = ctx();
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: `r${i}@tests.example.lv`, password: 'whatever it is' } });
        codes.push(res.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429]);
      const last = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'r@tests.example.lv', password: 'x' } });
      expect(last.json().message).toMatch(/Too many sign-in requests/);
    });
  },
  { env: { AUTH_RATE_LIMIT: '3' } },
);

describe('password hashing', () => {
  it('stores scrypt with its parameters and a per-password salt, and verifies', async () => {
    const { hashPassword, verifyPassword, passwordProblem } = await import('../../../server/src/auth/password.js');
    const a = await hashPassword('the same passphrase');
    const b = await hashPassword('the same passphrase');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('the same passphrase', a)).toBe(true);
    expect(await verifyPassword('the same passphrasE', a)).toBe(false);
    expect(await verifyPassword('x', 'sha1$abc')).toBe(false);
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/too few different/);
    expect(passwordProblem('a good long passphrase')).toBeUndefined();
  });
});
