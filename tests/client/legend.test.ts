import { describe, expect, it } from 'vitest';
import type { Layer } from '../../client/src/lib/api.js';
import { legendFor } from '../../client/src/lib/layers/legend.js';
import { domainLayerTemplates } from '../../server/src/layers/domainLayers.js';

const template = (key: string) => {
  const t = domainLayerTemplates.find((l) => l.key === key)!;
  return { title: t.title, style: t.style as unknown as Layer['style'], fields: t.fields as Layer['fields'] };
};

describe('legendFor', () => {
  it('draws one swatch per status of a match expression, labelled in the UI language', () => {
    const legend = legendFor(template('sewer-connections'), 'lv');
    expect(legend.map((e) => e.label)).toEqual([
      'Nav pieslēgts',
      'Iesniegts pieteikums',
      'Izsniegti tehniskie noteikumi',
      'Būvniecība',
      'Pieslēgts',
      'Atteikts',
      'Citi',
    ]);
    expect(legend[4]).toEqual({ label: 'Pieslēgts', color: '#1a9641', outline: '#ffffff', shape: 'circle' });
    expect(legendFor(template('sewer-connections'), 'uk')[4].label).toBe('Підключено');
    expect(legendFor(template('sewer-connections'), 'en').at(-1)!.label).toBe('Other');
  });

  it('gives a constant colour one swatch with the layer title', () => {
    expect(legendFor(template('schools'), 'en')).toEqual([{ label: 'Schools', color: '#1f78b4', outline: '#ffffff', shape: 'circle' }]);
  });

  it('keeps line dashes and fill outlines', () => {
    expect(legendFor(template('parishes'), 'lv')).toEqual([{ label: 'Pagasti un pilsētas', color: '#6a3d9a', shape: 'line', dashed: true }]);
    const transfers = legendFor(template('street-transfers'), 'lv');
    expect(transfers[0]).toMatchObject({ label: 'Iesniegums', shape: 'fill', outline: '#333333' });
  });

  it('labels values the field does not list by their code, and grouped values together', () => {
    const layer = {
      title: { lv: 'X' },
      fields: [{ name: 'kind', type: 'text' as const, title: { lv: 'Veids' }, values: { a: { lv: 'Ā', en: 'A' } } }],
      style: { type: 'fill' as const, paint: { 'fill-color': ['match', ['get', 'kind'], ['a', 'b'], '#111111', 'c', '#222222', '#333333'] } },
    };
    expect(legendFor(layer, 'en').map((e) => [e.label, e.color])).toEqual([
      ['A, b', '#111111'],
      ['c', '#222222'],
      ['Other', '#333333'],
    ]);
  });

  it('falls back to one neutral swatch for expressions it cannot read', () => {
    const layer = { title: { lv: 'Blīvums' }, fields: [], style: { type: 'fill' as const, paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'n'], 0, '#fff', 10, '#000'] } } };
    expect(legendFor(layer, 'lv')).toEqual([{ label: 'Blīvums', color: '#888888', shape: 'fill' }]);
  });
});
