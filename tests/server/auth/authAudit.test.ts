import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, signIn } from '../../helpers/users.js';

describeEachDatabase(
  'sign-in events in the audit log',
  (ctx) => {
    const entries = async (userId: number) =>
      (await ctx().app.pg.pool.query(`SELECT action, details, ip FROM audit_log WHERE user_id = $1 AND action LIKE 'auth.%' ORDER BY id`, [userId])).rows;

    it('records a sign-in and a sign-out with who, how and from where', async () => {
      const { app } = ctx();
      const user = await signIn(app, await addUser(app));
      const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers });
      expect(out.statusCode).toBe(204);
      const log = await entries(user.id);
      expect(log.map((e) => e.action)).toEqual(['auth.login', 'auth.logout']);
      expect(log[0].details).toEqual({ method: 'password' });
      expect(log[0].ip).toBe('127.0.0.1');
    });

    it('records failed sign-ins and the lockout, never the password tried', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      for (let i = 0; i < 5; i++) {
        await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: `guess number ${i}` } });
      }
      const log = await entries(user.id);
      expect(log.filter((e) => e.action === 'auth.login_failed')).toHaveLength(5);
      expect(log.filter((e) => e.action === 'auth.lockout')).toHaveLength(1);
      expect(JSON.stringify(log)).not.toContain('guess number');
    });

    it('names an unknown email only by a digest', async () => {
      const { app } = ctx();
      const email = `nobody-${Math.random().toString(36).slice(2)}@tests.example.lv`;
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'whatever it is' } });
      const { rows } = await app.pg.pool.query(
        `SELECT details FROM audit_log WHERE action = 'auth.login_failed' AND user_id IS NULL ORDER BY id DESC LIMIT 1`,
      );
      expect(rows[0].details.emailDigest).toMatch(/^[0-9a-f]{16}$/);
      expect(JSON.stringify(rows[0].details)).not.toContain(email);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
