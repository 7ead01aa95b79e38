import { describe, expect, it } from 'vitest';
import type { Layer } from '../../client/src/lib/api.js';
import { Explorer } from '../../client/src/lib/state.svelte.js';

/** A catalog entry as an anonymous visitor gets it: a restricted layer's records are not readable. */
const layer = (id: string, group: Layer['group'], type: Layer['style']['type'], restricted = false) =>
  ({
    id, group, restricted, style: { type, paint: {} }, title: { lv: id }, fields: [], municipalityId: 1, extent: null,
    access: { records: !restricted, restrictedFields: false },
  }) as unknown as Layer;
/** The same catalog as the server answers an editor: everything readable. */
const editorCatalog = (entries: Layer[]) => entries.map((l) => ({ ...l, access: { records: true, restrictedFields: true } }));

const catalog = [
  layer('m-parishes', 'reference', 'line'),
  layer('m-schools', 'reference', 'circle'),
  layer('m-sewer-mains', 'sewer', 'line'),
  layer('m-sewer-connections', 'sewer', 'circle'),
  layer('m-street-transfers', 'streets', 'fill'),
  layer('m-accommodation-sites', 'accommodation', 'circle', true),
];

describe('Explorer state', () => {
  it('shows the working layers and outlines by default, points above lines above polygons', () => {
    const explorer = new Explorer();
    explorer.setCatalog(catalog);
    expect(explorer.visibleIds).toEqual(['m-sewer-connections', 'm-parishes', 'm-sewer-mains', 'm-street-transfers']);
  });

  it('takes visibility and order from a permalink, never showing a restricted layer', () => {
    const explorer = new Explorer();
    explorer.setCatalog(catalog, ['m-street-transfers', 'm-schools', 'm-accommodation-sites']);
    expect(explorer.visibleIds).toEqual(['m-street-transfers', 'm-schools']);
    explorer.setVisible('m-accommodation-sites', true);
    expect(explorer.visibleIds).not.toContain('m-accommodation-sites');
  });

  it('moves a layer within its group only', () => {
    const explorer = new Explorer();
    explorer.setCatalog(catalog);
    const sewer = () => explorer.order.filter((id) => id.includes('sewer'));
    expect(sewer()).toEqual(['m-sewer-connections', 'm-sewer-mains']);
    explorer.move('m-sewer-mains', -1);
    expect(sewer()).toEqual(['m-sewer-mains', 'm-sewer-connections']);
    explorer.move('m-sewer-mains', -1);
    expect(sewer()).toEqual(['m-sewer-mains', 'm-sewer-connections']);
  });
});

describe('Explorer state after a new catalog', () => {
  it('keeps what the user set, adds new layers and shows a layer asked for on top', () => {
    const explorer = new Explorer();
    explorer.setCatalog(catalog);
    explorer.setVisible('m-schools', true);
    explorer.layerState['m-schools'].opacity = 0.5;
    const upload = layer('upload-punkti', 'uploads', 'circle');
    explorer.mergeCatalog([...catalog.filter((l) => l.id !== 'm-street-transfers'), upload], ['upload-punkti']);
    expect(explorer.order[0]).toBe('upload-punkti');
    expect(explorer.visibleIds).toContain('upload-punkti');
    expect(explorer.layerState['m-schools']).toEqual({ visible: true, opacity: 0.5 });
    expect(explorer.order).not.toContain('m-street-transfers');
  });

  it('unlocks restricted layers for an editor of their municipality and locks them again on sign-out', () => {
    const explorer = new Explorer();
    explorer.setCatalog(catalog);
    const sites = explorer.layer('m-accommodation-sites')!;
    expect(explorer.readable(sites)).toBe(false);
    explorer.user = { id: 1, email: 'e@x.lv', name: 'E', language: 'lv', memberships: [{ municipalityId: 1, municipalityCode: 'm', role: 'editor' }] };
    explorer.mergeCatalog(editorCatalog(catalog));
    explorer.setVisible('m-accommodation-sites', true);
    expect(explorer.visibleIds).toContain('m-accommodation-sites');
    explorer.user = null;
    explorer.mergeCatalog(catalog);
    expect(explorer.visibleIds).not.toContain('m-accommodation-sites');
  });
});
