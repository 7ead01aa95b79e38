import type { LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, signedInAs } from '../../helpers/users.js';

/** The directives of a Content-Security-Policy header by name. */
function csp(res: LightMyRequestResponse): Map<string, string> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(header.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.slice(d.indexOf(' ') + 1)]));
}

describeEachDatabase(
  'security headers (@fastify/helmet)',
  (ctx) => {
    it('sends a CSP without inline or foreign scripts, nosniff, a same-origin referrer and no framing on the app and the API', async () => {
      const { app } = ctx();
      for (const url of ['/', '/api/layers', '/api/no-such-thing']) {
        const res = await app.inject({ url });
        const policy = csp(res);
        expect(policy.get('default-src'), url).toBe("'self'");
        expect(policy.get('script-src'), url).toBe("'self'");
        expect(policy.get('worker-src'), url).toBe("'self' blob:");
        expect(policy.get('img-src'), url).toBe("'self' data: blob:");
        expect(policy.get('object-src'), url).toBe("'none'");
        expect(policy.get('frame-ancestors'), url).toBe("'none'");
        expect(res.headers['x-frame-options'], url).toBe('DENY');
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['referrer-policy'], url).toBe('same-origin');
        expect(res.headers['strict-transport-security'], url).toBeUndefined();
      }
    });

    it('lets any site frame the embeddable pages under /embed/', async () => {
      const res = await ctx().app.inject({ url: '/embed/refugee-help?m=testa' });
      expect(csp(res).get('frame-ancestors')).toBe('*');
      expect(csp(res).get('script-src')).toBe("'self'");
      expect(res.headers['x-frame-options']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('gives the API docs (Swagger UI) a policy they work with, still not framed', async () => {
      const { app } = ctx();
      const page = await app.inject({ url: '/api/docs/' });
      expect(page.statusCode).toBe(200);
      expect(csp(page).get('script-src')).toBe("'self'");
      expect(csp(page).get('frame-ancestors')).toBe("'none'");
      expect((await app.inject({ url: '/api/docs/json' })).headers['x-content-type-options']).toBe('nosniff');
    });

    it('sends Strict-Transport-Security only over TLS, here through a trusted proxy; a client saying https directly gets none', async () => {
      const { app } = ctx();
      const viaProxy = await app.inject({ url: '/api/layers', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https' } });
      expect(viaProxy.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
      const direct = await app.inject({ url: '/api/layers', remoteAddress: '192.0.2.10', headers: { 'x-forwarded-proto': 'https' } });
      expect(direct.headers['strict-transport-security']).toBeUndefined();
    });

    it('marks reads of personal data no-store, and leaves public records cacheable', async () => {
      const { app } = ctx();
      const editor = await signedInAs(app, 'editor', await municipalityId(app, 'testa'));
      const restricted = await app.inject({ url: '/api/layers/testa-accommodation-sites/features', headers: { cookie: editor.cookie } });
      expect(restricted.statusCode).toBe(200);
      expect(restricted.headers['cache-control']).toBe('no-store');
      const items = await app.inject({ url: '/ogc/collections/testa-accommodation-sites/items', headers: { cookie: editor.cookie } });
      expect(items.statusCode).toBe(200);
      expect(items.headers['cache-control']).toBe('no-store');
      const me = await app.inject({ url: '/api/auth/me', headers: { cookie: editor.cookie } });
      expect(me.headers['cache-control']).toBe('no-store');
      const anonymous = await app.inject({ url: '/api/layers/testa-addresses/features' });
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.headers['cache-control'] ?? '').not.toContain('no-store');
    });
  },
  { env: { TRUST_PROXY: '127.0.0.1', AUTH_RATE_LIMIT: '1000' } },
);
