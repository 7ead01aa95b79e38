import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { editorHeaders } from '../../helpers/users.js';

describeEachDatabase(
  'input guard',
  (ctx) => {
    const features = '/api/layers/testa-addresses/features';

    it('names the query parameter that holds a NUL character', async () => {
      const res = await ctx().app.inject('/api/search?q=R%C4%ABga%00');
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('The query parameter "q" contains a NUL character (\\u0000), which text here cannot hold; remove it.');
    });

    it('names the path parameter that holds a NUL character', async () => {
      const res = await ctx().app.inject(`${features}/1%00`);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/^The path parameter "featureId" contains a NUL character/);
    });

    it('names the body property that holds a NUL character or a lone surrogate', async () => {
      for (const [email, words] of [
        ['a\u0000@tests.example.lv', /^The body parameter "email" contains a NUL character/],
        ['\ud800@tests.example.lv', /^The body parameter "email" contains an unpaired UTF-16 surrogate/],
      ] as const) {
        const res = await ctx().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'x' } });
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toMatch(words);
      }
    });

    it('refuses Infinity and numbers past 1e308 for a number, naming it', async () => {
      for (const value of ['Infinity', '1e309', '-Infinity']) {
        const res = await ctx().app.inject(`${features}?offset=${value}`);
        expect(res.statusCode, value).toBe(400);
        expect(res.json().message, value).toMatch(/"offset"/);
      }
    });

    it('refuses whole numbers beyond the database column they go into, naming the parameter', async () => {
      const { app } = ctx();
      const headers = await editorHeaders(app);
      for (const value of ['2147483648', '9223372036854775808']) {
        const res = await app.inject({ url: `/api/worklists/sewer-unconnected?village=${value}`, headers });
        expect(res.statusCode, value).toBe(400);
        expect(res.json().message, value).toMatch(/query parameter "village"/);
      }
      const res = await app.inject({ url: '/api/dashboards/sewer?unit=2147483648', headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/query parameter "unit" must be <= 2147483647/);
    });

    it('answers bodies that are not JSON, of another type or too large with 400, 415 or 413', async () => {
      const login = (payload: string, type = 'application/json') =>
        ctx().app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: { 'content-type': type } });
      expect((await login('{"email":')).statusCode).toBe(400);
      expect((await login('email=a', 'text/plain')).statusCode).toBe(400);
      expect((await login('<login/>', 'application/xml')).statusCode).toBe(415);
      expect((await login(`{"email":"${'x'.repeat(1_100_000)}"}`)).statusCode).toBe(413);
    });

    it('answers an upload without a multipart boundary with 400', async () => {
      const { app } = ctx();
      const res = await app.inject({
        method: 'POST',
        url: '/api/uploads',
        payload: 'x',
        headers: { ...(await editorHeaders(app)), 'content-type': 'multipart/form-data' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/multipart body cannot be read/);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
