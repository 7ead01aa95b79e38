import { describe, expect, it } from 'vitest';
import { formatPermalink, parsePermalink } from '../../client/src/lib/map/permalink.js';

describe('permalink', () => {
  it('reads the view, basemap and layers', () => {
    expect(parsePermalink('#map=14/56.9201/24.0500&base=lvm-geo/public:Orto_LKS&layers=a,b-c')).toEqual({
      kind: 'ok',
      state: { zoom: 14, center: [24.05, 56.9201], base: 'lvm-geo/public:Orto_LKS', layers: ['a', 'b-c'] },
    });
  });

  it('round-trips what it writes, basemap keys readable', () => {
    const state = { zoom: 15.25, center: [24.03125, 56.88772] as [number, number], base: 'lvm-geo/public:Topo50', layers: ['marupe-sewer-connections', 'marupe-parishes'] };
    const hash = formatPermalink(state);
    expect(hash).toBe('#map=15.25/56.88772/24.03125&base=lvm-geo/public:Topo50&layers=marupe-sewer-connections,marupe-parishes');
    const parsed = parsePermalink(hash);
    expect(parsed.kind).toBe('ok');
    if (parsed.kind !== 'ok') return;
    expect(parsed.state.zoom).toBe(15.25);
    expect(parsed.state.center[0]).toBeCloseTo(24.03125, 5);
    expect(parsed.state.layers).toEqual(state.layers);
  });

  it('writes fewer decimals when zoomed out', () => {
    expect(formatPermalink({ zoom: 7, center: [24.123456, 56.987654] })).toBe('#map=7/56.988/24.123');
  });

  it('treats an empty hash as no permalink', () => {
    expect(parsePermalink('')).toEqual({ kind: 'empty' });
    expect(parsePermalink('#')).toEqual({ kind: 'empty' });
  });

  it('keeps an empty layer list (every layer off)', () => {
    const parsed = parsePermalink('#map=10/56.9/24.1&layers=');
    expect(parsed.kind === 'ok' && parsed.state.layers).toEqual([]);
  });

  it.each([
    ['no map part', '#base=none'],
    ['words for numbers', '#map=abc/56.9/24.1'],
    ['two numbers', '#map=14/56.9'],
    ['zoom out of range', '#map=99/56.9/24.1'],
    ['latitude out of range', '#map=10/91/24.1'],
    ['longitude out of range', '#map=10/56.9/181'],
    ['exponent notation', '#map=1e1/56.9/24.1'],
    ['script in a layer id', '#map=10/56.9/24.1&layers=<script>alert(1)</script>'],
    ['broken URL encoding', '#map=10/56.9/24.1&layers=%E0%A4%A'],
    ['a quote in the basemap', '#map=10/56.9/24.1&base=x"onload'],
    ['a pair without "="', '#map=10/56.9/24.1&oops'],
    ['a huge hash', `#map=10/56.9/24.1&layers=${'a,'.repeat(3000)}`],
  ])('rejects %s as malformed, with a reason', (_what, hash) => {
    const parsed = parsePermalink(hash);
    expect(parsed.kind).toBe('malformed');
    expect(parsed.kind === 'malformed' && parsed.reason.length).toBeGreaterThan(5);
  });
});
