import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ensureAdministrator } from '../../../server/src/auth/bootstrap.js';
import { DEMO_PASSWORD, demoAccounts, seedDemoAccounts } from '../../../server/src/demo/demoAccounts.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, signIn } from '../../helpers/users.js';

describeEachDatabase(
  'first administrator and demo accounts',
  (ctx) => {
    it('creates the platform administrator from ADMIN_EMAIL / ADMIN_PASSWORD once, and refuses a weak password', async () => {
      const { app } = ctx();
      const email = `first-admin-${randomUUID().slice(0, 8)}@tests.example.lv`;
      const password = 'a long admin passphrase';
      await ensureAdministrator(app, { ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
      await ensureAdministrator(app, { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'another long passphrase' });
      const session = await signIn(app, { id: 0, email, password });
      const me = await app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } });
      expect(me.json().user.platformAdmin).toBe(true);
      await expect(ensureAdministrator(app, { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'short' })).rejects.toThrow(/ADMIN_PASSWORD cannot be used.*12/);
      await expect(ensureAdministrator(app, { ADMIN_PASSWORD: 'a long admin passphrase' })).rejects.toThrow(/ADMIN_EMAIL is not/);
    });

    it('seeds one demo account per role that signs in with the documented password', async () => {
      const { app } = ctx();
      const testa = await municipalityId(app, 'testa');
      expect(await seedDemoAccounts(app.pg.pool, testa)).toEqual(demoAccounts.map((a) => a.email));
      expect(await seedDemoAccounts(app.pg.pool, testa)).toEqual([]);
      for (const account of demoAccounts) {
        const session = await signIn(app, { id: 0, email: account.email, password: DEMO_PASSWORD });
        const me = await app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } });
        expect(me.json().user.memberships).toEqual([{ municipalityId: testa, municipalityCode: 'testa', municipalityName: 'Testa novads', role: account.role }]);
      }
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
