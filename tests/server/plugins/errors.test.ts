import Fastify from 'fastify';
import { expect, it } from 'vitest';
import errors from '../../../server/src/plugins/errors.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

describeEachDatabase('error handler', (ctx) => {
  /** A route that hands its query value to the test database as an integer, as a repository would. */
  async function appCasting() {
    const app = Fastify({ logger: false });
    await app.register(errors);
    app.get('/cast', async (request) => {
      const { value } = request.query as { value: string };
      try {
        return (await ctx().app.pg.query('SELECT $1::int AS n', [value])).rows[0];
      } catch (cause) {
        throw new Error('casting the value', { cause });
      }
    });
    return app;
  }

  it('answers a value the database refuses (out of range, not a number) with 400, not 500', async () => {
    const app = await appCasting();
    for (const value of ['2147483648', 'abc']) {
      const res = await app.inject(`/cast?value=${value}`);
      expect(res.statusCode, value).toBe(400);
      expect(res.json().message, value).toMatch(/^A value in the request cannot be used: .*(out of range|invalid input syntax)/);
    }
    expect((await app.inject('/cast?value=7')).json()).toEqual({ n: 7 });
    await app.close();
  });
});
