import { describe, expect, it } from 'vitest';
import { trustProxy } from '../../../server/src/config.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, TEST_PASSWORD } from '../../helpers/users.js';

/** A sign-in attempt from `remoteAddress` claiming to come from `forwardedFor`. */
const forwardedLogin = (forwardedFor: string, i: number) => ({
  method: 'POST' as const,
  url: '/api/auth/login',
  remoteAddress: '127.0.0.1',
  headers: { 'x-forwarded-for': forwardedFor },
  payload: { email: `xff-${i}@tests.example.lv`, password: 'not the password' },
});

/** The address recorded with the user's latest sign-in event. */
async function latestAuditIp(app: import('fastify').FastifyInstance, userId: number): Promise<string | null> {
  const { rows } = await app.pg.query<{ ip: string | null }>(
    `SELECT ip FROM audit_log WHERE user_id = $1 AND action LIKE 'auth.login%' ORDER BY id DESC LIMIT 1`,
    [userId],
  );
  return rows[0]?.ip ?? null;
}

describeEachDatabase(
  'forwarding headers without a configured proxy (TRUST_PROXY unset)',
  (ctx) => {
    it('limits 30 sign-ins with a new X-Forwarded-For each after AUTH_RATE_LIMIT, as one address', async () => {
      const { app } = ctx();
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) codes.push((await app.inject(forwardedLogin(`198.51.100.${i + 1}`, i))).statusCode);
      expect(codes.slice(0, 5).every((c) => c === 401)).toBe(true);
      expect(codes.filter((c) => c === 429)).toHaveLength(25);
    });

    it("records the socket's address in the audit log, not the one the client claims", async () => {
      const { app } = ctx();
      const user = await addUser(app);
      // A fresh address for the rate limiter is not needed: the right password is checked before the limit is near.
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.7',
        headers: { 'x-forwarded-for': '203.0.113.99' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(await latestAuditIp(app, user.id)).toBe('192.0.2.7');
    });

    it('builds OGC links from the Host header, ignoring X-Forwarded-Host and X-Forwarded-Proto', async () => {
      const { app } = ctx();
      const res = await app.inject({
        url: '/ogc',
        headers: { host: 'gis.example.lv', 'x-forwarded-host': 'evil.example.com', 'x-forwarded-proto': 'https' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('evil.example.com');
      const hrefs = (res.json().links as { href: string }[]).map((l) => l.href);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href.startsWith('http://gis.example.lv/')).toBe(true);
    });

    it('does not mark the session cookie Secure because a client says https', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.8',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.cookies.find((c) => c.name === 'gis_session')?.secure).toBeFalsy();
    });
  },
  { env: { AUTH_RATE_LIMIT: '5' } },
);

describeEachDatabase(
  'forwarding headers from a configured proxy (TRUST_PROXY=127.0.0.1)',
  (ctx) => {
    it('limits per forwarded client address, so clients behind the proxy do not share one limit', async () => {
      const { app } = ctx();
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) codes.push((await app.inject(forwardedLogin(`198.51.100.${i + 1}`, i))).statusCode);
      expect(codes.filter((c) => c === 429)).toHaveLength(0);
    });

    it('records the forwarded client address in the audit log and builds OGC links from X-Forwarded-Host', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.99' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(await latestAuditIp(app, user.id)).toBe('203.0.113.99');
      const ogc = await app.inject({ url: '/ogc', headers: { host: 'internal:3000', 'x-forwarded-host': 'gis.example.lv', 'x-forwarded-proto': 'https' } });
      expect((ogc.json().links as { href: string }[]).every((l) => l.href.startsWith('https://gis.example.lv/'))).toBe(true);
    });

    it('marks the cookie Secure behind an https proxy', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.cookies.find((c) => c.name === 'gis_session')?.secure).toBe(true);
    });

    it('ignores the headers from a peer that is not the configured proxy', async () => {
      const { app } = ctx();
      const user = await addUser(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.9',
        headers: { 'x-forwarded-for': '203.0.113.98' },
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(await latestAuditIp(app, user.id)).toBe('192.0.2.9');
    });
  },
  { env: { AUTH_RATE_LIMIT: '5', TRUST_PROXY: '127.0.0.1' } },
);

describe('TRUST_PROXY', () => {
  it('trusts nobody by default, and reads hop counts, addresses, CIDRs and the loopback name', () => {
    expect(trustProxy(undefined)).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy('false')).toBe(false);
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  });

  it('refuses "true" and anything that is not an address, CIDR or hop count, naming the variable', () => {
    for (const bad of ['true', 'proxy.example.lv', '10.0.0.0/33', '1.2.3']) expect(() => trustProxy(bad)).toThrow(/TRUST_PROXY/);
  });
});
