import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';

describeEachDatabase('GET /api/health', (ctx) => {
  it('reports ok with the database mode and the PostGIS version', async () => {
    const { app, kind } = ctx();
    const res = await app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.database.mode).toBe(kind === 'embedded' ? 'embedded' : 'external');
    expect(body.database.reachable).toBe(true);
    expect(body.postgis).toMatch(/^3\.\d+/);
  });

  it('answers unknown API paths with a 404 that points to the docs', async () => {
    const res = await ctx().app.inject('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('/api/docs');
  });
});
