import { describe, expect, it } from 'vitest';
import { ConnectionShare } from '../../../server/src/db/connectionShare.js';
import { DatabaseUnavailable } from '../../../server/src/db/unavailable.js';

const settled = () => new Promise((r) => setTimeout(r, 0));

describe('ConnectionShare (the heavy requests’ share of the pool)', () => {
  it('runs at most its limit at once and lets the next one in when one finishes', async () => {
    const share = new ConnectionShare(2, 2, 1000);
    const a = await share.acquire('u1');
    await share.acquire('u2');
    let third = false;
    const waiting = share.acquire('u3').then((release) => ((third = true), release));
    await settled();
    expect(third).toBe(false);
    expect(share.load).toEqual({ running: 2, waiting: 1 });
    a();
    a(); // giving back twice is harmless
    (await waiting)();
    expect(third).toBe(true);
    expect(share.load.running).toBe(1);
  });

  it("lets another user's request pass one user's queue of requests over their own share", async () => {
    const share = new ConnectionShare(3, 1, 1000);
    const first = await share.acquire('busy');
    const order: string[] = [];
    const more = [share.acquire('busy'), share.acquire('busy')].map((p) => p.then((release) => (order.push('busy'), release)));
    const other = share.acquire('colleague').then((release) => (order.push('colleague'), release));
    await settled();
    expect(order).toEqual(['colleague']);
    first();
    (await more[0])();
    (await more[1])();
    (await other)();
    expect(order).toEqual(['colleague', 'busy', 'busy']);
  });

  it('answers "busy, retry later" when no place comes within the wait', async () => {
    const share = new ConnectionShare(1, 1, 50);
    await share.acquire('u1');
    const error = await share.acquire('u2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailable);
    expect((error as DatabaseUnavailable).code).toBe('database.busy');
    expect((error as DatabaseUnavailable).retryAfterSeconds).toBeGreaterThan(0);
    expect(share.load.waiting).toBe(0);
  });
});
