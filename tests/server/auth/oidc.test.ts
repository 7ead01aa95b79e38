import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { followToCallback, startIdentityProvider, type TestIdentityProvider } from '../../helpers/oidcProvider.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality, signedInAs, type SignedIn } from '../../helpers/users.js';

const HOST = 'gis.test';
const site = `http://${HOST}`;

describeEachDatabase(
  'OpenID Connect sign-in per municipality',
  (ctx) => {
    let idp: TestIdentityProvider;
    let code: string;
    let admin: SignedIn;
    const suffix = Math.random().toString(36).slice(2, 8);
    const email = (name: string) => `${name}-${suffix}@idp.example.lv`;

    beforeAll(async () => {
      const { app } = ctx();
      code = `oidc-${suffix}`;
      const m = await otherMunicipality(app, code);
      admin = await signedInAs(app, 'admin', m);
      idp = await startIdentityProvider([`${site}/api/auth/oidc/${code}/callback`]);
      idp.users.set('anna', { email: email('anna'), name: 'Anna Bērziņa', groups: ['GIS-Planotaji'] });
      idp.users.set('juris', { email: email('juris'), name: 'Juris Kalniņš', groups: ['Gramatvediba'] });
      const res = await app.inject({
        method: 'PUT',
        url: '/api/admin/oidc',
        headers: { ...admin.headers, 'x-municipality': code, host: HOST },
        payload: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          displayName: 'Pašvaldības konts',
          groupsClaim: 'groups',
          scopes: 'openid email profile groups',
          roleMap: { 'GIS-Planotaji': 'viewer', 'GIS-Redaktori': 'editor' },
          enabled: true,
        },
      });
      expect(res.statusCode, res.body).toBe(200);
    });
    afterAll(async () => {
      await idp?.close();
    });

    /** The whole flow as a browser does it; returns the app's answer at the callback. */
    async function signInAtIdp(app: FastifyInstance, subject: string, tamper: (callback: URL) => URL = (u) => u) {
      idp.signInAs(subject);
      const start = await app.inject({ url: `/api/auth/oidc/${code}/start`, headers: { host: HOST } });
      expect(start.statusCode, start.body).toBe(302);
      const back = tamper(await followToCallback(start.headers.location as string, `${site}/api/auth/oidc/${code}/callback`));
      return app.inject({ url: back.pathname + back.search, headers: { host: HOST, accept: 'application/json' } });
    }
    const sessionOf = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === 'gis_session' && c.value)?.value;
    const me = async (app: FastifyInstance, token: string) => (await app.inject({ url: '/api/auth/me', headers: { cookie: `gis_session=${token}` } })).json();

    it('signs a user in through the provider and gives the role their group maps to', async () => {
      const { app } = ctx();
      const res = await signInAtIdp(app, 'anna');
      expect(res.statusCode, res.body).toBe(302);
      expect(res.headers.location).toBe('/');
      const token = sessionOf(res)!;
      const who = await me(app, token);
      expect(who.user).toMatchObject({ email: email('anna'), name: 'Anna Bērziņa' });
      expect(who.user.memberships).toEqual([expect.objectContaining({ municipalityCode: code, role: 'viewer' })]);
      const { rows } = await app.pg.pool.query(`SELECT details FROM audit_log WHERE action = 'auth.login' AND user_id = $1`, [who.user.id]);
      expect(rows[0].details).toMatchObject({ method: 'oidc', issuer: idp.issuer, role: 'viewer' });
    });

    it('changes the role at the next sign-in when the groups at the provider change', async () => {
      const { app } = ctx();
      idp.users.get('anna')!.groups = ['GIS-Planotaji', 'GIS-Redaktori'];
      const token = sessionOf(await signInAtIdp(app, 'anna'))!;
      expect((await me(app, token)).user.memberships).toEqual([expect.objectContaining({ role: 'editor' })]);
      const { rows } = await app.pg.pool.query('SELECT count(*)::int AS n FROM app_user WHERE email = $1', [email('anna')]);
      expect(rows[0].n).toBe(1);
    });

    it('refuses a user whose groups give no role, and takes a role away when the groups do', async () => {
      const { app } = ctx();
      const res = await signInAtIdp(app, 'juris');
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toMatch(/None of your groups .*Gramatvediba/);
      expect(sessionOf(res)).toBeUndefined();
      const { rows } = await app.pg.pool.query('SELECT count(*)::int AS n FROM app_user WHERE email = $1', [email('juris')]);
      expect(rows[0].n).toBe(0);

      idp.users.get('anna')!.groups = [];
      expect((await signInAtIdp(app, 'anna')).statusCode).toBe(403);
      const { rows: left } = await app.pg.pool.query(
        `SELECT count(*)::int AS n FROM membership m JOIN app_user u ON u.id = m.user_id WHERE u.email = $1`,
        [email('anna')],
      );
      expect(left[0].n).toBe(0);
      idp.users.get('anna')!.groups = ['GIS-Planotaji'];
    });

    it('refuses tampered callbacks: a wrong state, a replayed code, an error from the provider', async () => {
      const { app } = ctx();
      const wrongState = await signInAtIdp(app, 'anna', (u) => {
        u.searchParams.set('state', 'forged-state');
        return u;
      });
      expect(wrongState.statusCode).toBe(400);
      expect(wrongState.json().message).toMatch(/unknown, already used or expired/);

      let kept: URL | undefined;
      const first = await signInAtIdp(app, 'anna', (u) => (kept = new URL(u.href)));
      expect(first.statusCode).toBe(302);
      const replay = await app.inject({ url: kept!.pathname + kept!.search, headers: { host: HOST, accept: 'application/json' } });
      expect(replay.statusCode).toBe(400);
      expect(sessionOf(replay)).toBeUndefined();

      const denied = await app.inject({ url: `/api/auth/oidc/${code}/callback?error=access_denied&state=x`, headers: { host: HOST, accept: 'application/json' } });
      expect(denied.statusCode).toBe(400);
      expect(denied.json().message).toMatch(/access_denied/);

      // A browser is sent back to the app with the reason instead.
      const browser = await app.inject({ url: `/api/auth/oidc/${code}/callback?error=access_denied&state=x`, headers: { host: HOST, accept: 'text/html' } });
      expect(browser.statusCode).toBe(302);
      expect(browser.headers.location).toMatch(/^\/\?signin_error=/);
    });

    it("records OpenID Connect sign-ins and refused callbacks in the municipality's audit log", async () => {
      const { app } = ctx();
      expect((await signInAtIdp(app, 'anna')).statusCode).toBe(302);
      const forged = await signInAtIdp(app, 'anna', (u) => {
        u.searchParams.set('state', 'forged-state');
        return u;
      });
      expect(forged.statusCode).toBe(400);
      const res = await app.inject({ url: '/api/audit?action=auth.login_failed&limit=5', headers: { ...admin.headers, 'x-municipality': code, host: HOST } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().entries[0]).toMatchObject({ municipalityCode: code, details: { method: 'oidc', reason: expect.stringMatching(/unknown, already used or expired/) } });
      const logins = await app.inject({ url: '/api/audit?action=auth.login&limit=5', headers: { ...admin.headers, 'x-municipality': code, host: HOST } });
      expect(logins.json().entries[0]).toMatchObject({ municipalityCode: code, userEmail: email('anna'), details: { method: 'oidc' } });
    });

    it('shows the client secret only masked, and offers the sign-in to the municipality', async () => {
      const { app } = ctx();
      const res = await app.inject({ url: '/api/admin/oidc', headers: { ...admin.headers, 'x-municipality': code, host: HOST } });
      expect(res.body).not.toContain(idp.clientSecret);
      expect(res.json().provider).toMatchObject({ clientSecret: '••••6789', redirectUri: `${site}/api/auth/oidc/${code}/callback` });
      const providers = (await app.inject({ url: '/api/auth/providers', headers: { 'x-municipality': code } })).json();
      expect(providers.oidc).toEqual({ displayName: 'Pašvaldības konts', startUrl: `/api/auth/oidc/${code}/start` });
      expect((await app.inject({ url: '/api/auth/oidc/testa/start' })).statusCode).toBe(404);
      const badRole = await app.inject({
        method: 'PUT',
        url: '/api/admin/oidc',
        headers: { ...admin.headers, 'x-municipality': code },
        payload: { issuer: idp.issuer, clientId: 'x', displayName: 'X', roleMap: { G: 'superuser' }, enabled: true },
      });
      expect(badRole.statusCode).toBe(400);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
