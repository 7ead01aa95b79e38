import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';

describeEachDatabase('OpenAPI document', (ctx) => {
  it('describes every API route with its response schemas', async () => {
    const res = await ctx().app.inject('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/health/', '/api/layers/', '/api/layers/{layerId}']) {
      expect(Object.keys(doc.paths)).toContain(path);
      expect(doc.paths[path].get.responses['200']).toBeDefined();
    }
  });

  it('serves the interactive documentation page', async () => {
    const res = await ctx().app.inject('/api/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
