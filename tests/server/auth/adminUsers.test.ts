import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, type SignedIn } from '../../helpers/users.js';

describeEachDatabase(
  'users and roles (admin API)',
  (ctx) => {
    let admin: SignedIn;
    let editor: SignedIn;
    let otherAdmin: SignedIn;
    let testa: number;

    beforeAll(async () => {
      const { app } = ctx();
      testa = await municipalityId(app, 'testa');
      admin = await signIn(app, await addUser(app, { role: 'admin', municipality: testa }));
      editor = await signIn(app, await addUser(app, { role: 'editor', municipality: testa }));
      otherAdmin = await signIn(app, await addUser(app, { role: 'admin', municipality: await otherMunicipality(app) }));
    });

    it('invites a user with a role; the invitee sets a password with the token and signs in', async () => {
      const { app } = ctx();
      const delivered: { email: string; token: string }[] = [];
      const original = app.auth.deliverResetToken;
      app.auth.deliverResetToken = (d) => void delivered.push(d);
      try {
        const email = `invited-${randomUUID().slice(0, 8)}@tests.example.lv`;
        const res = await app.inject({
          method: 'POST',
          url: '/api/admin/users',
          headers: admin.headers,
          payload: { email, name: 'Jauns lietotājs', municipalityId: testa, role: 'official' },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(delivered.map((d) => d.email)).toEqual([email]);
        const password = 'invited user passphrase';
        const set = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token: delivered[0].token, password } });
        expect(set.statusCode).toBe(200);
        const session = await signIn(app, { id: 0, email, password });
        const me = await app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } });
        expect(me.json().user.memberships).toEqual([{ municipalityId: testa, municipalityCode: 'testa', municipalityName: 'Testa novads', role: 'official' }]);
        const again = await app.inject({ method: 'POST', url: '/api/admin/users', headers: admin.headers, payload: { email, name: 'x', municipalityId: testa, role: 'viewer' } });
        expect(again.statusCode).toBe(201);
        expect(again.json()).toEqual(res.json());
        expect(delivered).toHaveLength(1);
      } finally {
        app.auth.deliverResetToken = original;
      }
    });

    it('changes a role and records before and after in the audit log', async () => {
      const { app } = ctx();
      const user = await addUser(app, { role: 'viewer', municipality: testa });
      const res = await app.inject({ method: 'PUT', url: '/api/admin/memberships', headers: admin.headers, payload: { userId: user.id, municipalityId: testa, role: 'editor' } });
      expect(res.statusCode, res.body).toBe(200);
      const { rows } = await app.pg.query(`SELECT details FROM audit_log WHERE action = 'membership.update' AND user_id = $1`, [admin.id]);
      expect(rows.at(-1).details).toEqual({ userId: user.id, before: { role: 'viewer' }, after: { role: 'editor' } });
    });

    it('refuses editors, admins of another municipality, a missing CSRF token, unknown roles and extra fields, writing nothing', async () => {
      const { app } = ctx();
      const user = await addUser(app, { role: 'viewer', municipality: testa });
      const put = (headers: Record<string, string>, payload: object) => app.inject({ method: 'PUT', url: '/api/admin/memberships', headers, payload });
      const body = { userId: user.id, municipalityId: testa, role: 'admin' };
      expect((await put(editor.headers, body)).statusCode).toBe(403);
      expect((await put(otherAdmin.headers, body)).statusCode).toBe(403);
      expect((await put({ cookie: admin.cookie }, body)).statusCode).toBe(403);
      expect((await put({}, body)).statusCode).toBe(401);
      const unknownRole = await put(admin.headers, { ...body, role: 'superuser' });
      expect(unknownRole.statusCode).toBe(400);
      expect(unknownRole.json().message).toMatch(/viewer, official, editor or admin/);
      const extra = await put(admin.headers, { ...body, platformAdmin: true });
      expect(extra.statusCode).toBe(400);
      expect(extra.json().message).toMatch(/"platformAdmin"/);
      const { rows } = await app.pg.query('SELECT role FROM membership WHERE user_id = $1', [user.id]);
      expect(rows).toEqual([{ role: 'viewer' }]);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
