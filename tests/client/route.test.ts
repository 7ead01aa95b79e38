import { describe, expect, it } from 'vitest';
import { isRoute, pageHash, pageOf } from '../../client/src/lib/route.js';
import { parsePermalink } from '../../client/src/lib/map/permalink.js';

describe('pages in the hash', () => {
  it('opens the Data page at #/data and the map for everything else', () => {
    expect(pageOf('#/data')).toBe('data');
    expect(pageOf('#/data/')).toBe('data');
    expect(pageOf(pageHash('data'))).toBe('data');
    expect(pageOf('')).toBe('map');
    expect(pageOf('#')).toBe('map');
    expect(pageOf('#map=14/56.9/24.0&layers=a,b')).toBe('map');
    expect(pageOf('#/unknown')).toBe('map');
    expect(pageOf('#map=99/abc')).toBe('map');
  });

  it('never takes a route for a permalink, and a permalink is never a route', () => {
    expect(isRoute('#/data')).toBe(true);
    expect(isRoute('#map=14/56.9/24.0')).toBe(false);
    expect(isRoute('')).toBe(false);
    // The permalink parser would call a route malformed; the app asks isRoute first.
    expect(parsePermalink('#/data').kind).toBe('malformed');
  });
});
