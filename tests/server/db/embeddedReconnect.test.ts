import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';

describeEachDatabase('database connections', (ctx) => {
  it('keeps serving tiles after the pooled connection is replaced', async () => {
    const { app } = ctx();
    const tile = '/api/tiles/testa-sewer-connections/14/9285/5031.mvt';
    const first = await app.inject(tile);
    expect([200, 204]).toContain(first.statusCode);
    // Destroy the pooled connection, as an idle timeout or a dropped socket would.
    const client = await app.pg.connect();
    client.release(true);
    // A different tile, so it is read from the database with the same prepared statement name.
    const again = await app.inject('/api/tiles/testa-sewer-connections/14/9285/5030.mvt');
    expect([200, 204]).toContain(again.statusCode);
  });
});
