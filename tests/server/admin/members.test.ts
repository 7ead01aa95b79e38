import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { MembershipNotice, ResetDelivery } from '../../../server/src/plugins/auth.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, type SignedIn, type TestUser } from '../../helpers/users.js';

/** Reset tokens and notices the app hands out while `work` runs. */
async function capturingMail<T>(app: FastifyInstance, work: (mail: { resets: ResetDelivery[]; notices: MembershipNotice[] }) => Promise<T>): Promise<T> {
  const mail = { resets: [] as ResetDelivery[], notices: [] as MembershipNotice[] };
  const { deliverResetToken, deliverMembershipNotice } = app.auth;
  app.auth.deliverResetToken = (d) => void mail.resets.push(d);
  app.auth.deliverMembershipNotice = (n) => void mail.notices.push(n);
  try {
    return await work(mail);
  } finally {
    app.auth.deliverResetToken = deliverResetToken;
    app.auth.deliverMembershipNotice = deliverMembershipNotice;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describeEachDatabase(
  'members of a municipality and accounts of the platform (admin API)',
  (ctx) => {
    let testa: number;
    let other: number;
    let adminA: SignedIn;
    let adminB: TestUser;
    let platformAdmin: TestUser;

    beforeAll(async () => {
      const { app } = ctx();
      testa = await municipalityId(app, 'testa');
      other = await otherMunicipality(app);
      adminA = await signIn(app, await addUser(app, { role: 'admin', municipality: testa }));
      adminB = await addUser(app, { role: 'admin', municipality: other });
      platformAdmin = await addUser(app, { platformAdmin: true });
    });

    const disable = (app: FastifyInstance, as: SignedIn, userId: number, disabled = true) =>
      app.inject({ method: 'PUT', url: `/api/admin/users/${userId}/disabled`, headers: as.headers, payload: { disabled } });
    const invite = (app: FastifyInstance, as: SignedIn, email: string, role = 'viewer') =>
      app.inject({ method: 'POST', url: '/api/admin/users', headers: as.headers, payload: { email, name: 'Uzaicinātais', municipalityId: testa, role } });

    it("refuses to give a role by account id to someone who is not the municipality's member", async () => {
      const { app } = ctx();
      const put = (userId: number) =>
        app.inject({ method: 'PUT', url: '/api/admin/memberships', headers: adminA.headers, payload: { userId, municipalityId: testa, role: 'viewer' } });
      // An account elsewhere answers exactly as no account at all.
      for (const userId of [adminB.id, platformAdmin.id, 999_999_999]) {
        const res = await put(userId);
        expect(res.statusCode).toBe(404);
        expect(res.json().message).toBe(`User ${userId} is not a member of this municipality.`);
      }
      const { rows } = await app.pg.query('SELECT count(*)::int AS n FROM membership WHERE user_id = ANY($1) AND municipality_id = $2', [[adminB.id, platformAdmin.id], testa]);
      expect(rows[0].n).toBe(0);
    });

    it("keeps a municipality's admin from disabling any account, even after inviting another municipality's admin or a platform admin", async () => {
      const { app } = ctx();
      const member = await addUser(app, { role: 'viewer', municipality: testa });
      await capturingMail(app, async () => {
        expect((await invite(app, adminA, adminB.email)).statusCode).toBe(201);
        expect((await invite(app, adminA, platformAdmin.email)).statusCode).toBe(201);
      });
      for (const victim of [member, adminB, platformAdmin]) {
        const res = await disable(app, adminA, victim.id);
        expect(res.statusCode).toBe(403);
        expect(res.json().message).toMatch(/platform administrator/);
      }
      const { rows } = await app.pg.query('SELECT count(*)::int AS n FROM app_user WHERE id = ANY($1) AND disabled', [[member.id, adminB.id, platformAdmin.id]]);
      expect(rows[0].n).toBe(0);
      // The other municipality's admin and the platform admin still sign in and keep their roles.
      const b = await signIn(app, adminB);
      const me = await app.inject({ url: '/api/auth/me', headers: { cookie: b.cookie } });
      expect(me.json().user.memberships.find((m: { municipalityId: number }) => m.municipalityId === other).role).toBe('admin');
      await signIn(app, platformAdmin);
    });

    it("takes a member's access to the municipality away by removing the role, which leaves the account and its other roles alone", async () => {
      const { app } = ctx();
      await capturingMail(app, async () => expect((await invite(app, adminA, adminB.email, 'editor')).statusCode).toBe(201));
      const b = await signIn(app, adminB);
      const removed = await app.inject({ method: 'DELETE', url: `/api/admin/memberships/${adminB.id}`, headers: adminA.headers });
      expect(removed.statusCode).toBe(204);
      const me = await app.inject({ url: '/api/auth/me', headers: { cookie: b.cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.memberships.map((m: { municipalityId: number }) => m.municipalityId)).toEqual([other]);
    });

    it('lets a platform admin disable and enable an account; disabling ends its sessions', async () => {
      const { app } = ctx();
      const platform = await signIn(app, platformAdmin);
      const member = await signIn(app, await addUser(app, { role: 'editor', municipality: other }));
      const res = await disable(app, platform, member.id);
      expect(res.statusCode, res.body).toBe(200);
      expect((await app.inject({ url: '/api/auth/me', headers: { cookie: member.cookie } })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: member.email, password: member.password } })).statusCode).toBe(401);
      expect((await disable(app, platform, member.id, false)).statusCode).toBe(200);
      await signIn(app, member);
      expect((await disable(app, platform, 999_999_999)).statusCode).toBe(404);
    });

    it('answers an invitation the same way whether or not the email has an account; only the owner learns which', async () => {
      const { app } = ctx();
      const existing = await addUser(app, { role: 'admin', municipality: other, label: 'existing' });
      const fresh = `fresh-${randomUUID().slice(0, 8)}@tests.example.lv`;
      const [known, unknown] = await capturingMail(app, async (mail) => {
        const known = await invite(app, adminA, existing.email, 'official');
        expect(mail.notices.map((n) => [n.email, n.role])).toEqual([[existing.email, 'official']]);
        expect(mail.resets).toEqual([]);
        const unknown = await invite(app, adminA, fresh, 'official');
        expect(mail.resets.map((r) => r.email)).toEqual([fresh]);
        return [known, unknown];
      });
      expect(known.statusCode).toBe(201);
      expect(unknown.statusCode).toBe(known.statusCode);
      expect(Object.keys(unknown.json())).toEqual(Object.keys(known.json()));
      expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
      expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
      // The existing account got the role and kept its password, name and other municipality.
      const me = await app.inject({ url: '/api/auth/me', headers: { cookie: (await signIn(app, existing)).cookie } });
      expect(me.json().user.memberships.map((m: { municipalityId: number; role: string }) => [m.municipalityId, m.role]).sort()).toEqual(
        [[testa, 'official'], [other, 'admin']].sort(),
      );
    });

    it('takes about as long to invite an existing account as a new one', async () => {
      const { app } = ctx();
      const existing = await Promise.all(Array.from({ length: 9 }, () => addUser(app, { label: 'timed' })));
      const took = { known: [] as number[], unknown: [] as number[] };
      await capturingMail(app, async () => {
        for (const account of existing) {
          let start = performance.now();
          await invite(app, adminA, account.email);
          took.known.push(performance.now() - start);
          start = performance.now();
          await invite(app, adminA, `timed-new-${randomUUID().slice(0, 8)}@tests.example.lv`);
          took.unknown.push(performance.now() - start);
        }
      });
      const known = median(took.known);
      const unknown = median(took.unknown);
      console.log(`invite medians [${ctx().kind}]: existing account ${known.toFixed(1)} ms, new account ${unknown.toFixed(1)} ms`);
      // Both take the same single statement in one transaction; the bound is loose because a loaded
      // 2-core CI machine moves single requests by tens of milliseconds (figures go in the log).
      expect(Math.abs(known - unknown)).toBeLessThan(Math.max(100, Math.max(known, unknown)));
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
