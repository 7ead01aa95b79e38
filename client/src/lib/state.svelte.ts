import { getContext, setContext } from 'svelte';
import type { BasemapCatalog, Layer } from './api';
import type { MessageKey, MessageParams } from './i18n/messages';
import type { BasemapOption } from './map/basemaps';
import type { MeasureMode } from './measure/measure';

export interface LayerState {
  visible: boolean;
  /** 0–1, applied on top of the style's own opacity. */
  opacity: number;
}

export interface Notice {
  id: number;
  key: MessageKey;
  params?: MessageParams;
  tone: 'info' | 'warning' | 'error';
}

export interface SearchMark {
  center: [number, number];
  label: string;
}

/** The groups of the layer panel, in the order they are listed. */
export const layerGroups = ['reference', 'sewer', 'streets', 'accommodation', 'uploads'] as const;

/** Layers on when no permalink says otherwise: the working layers and the territorial outlines. */
const shownByDefault = (layer: Layer) =>
  !layer.restricted && (layer.group === 'sewer' || layer.group === 'streets' || /-(parishes|villages)$/.test(layer.id));

let noticeId = 0;

/** Everything the explorer's components share: catalog, what is shown, selection and tools. */
export class Explorer {
  layers = $state.raw<Layer[]>([]);
  layerState = $state<Record<string, LayerState>>({});
  /** Layer ids, topmost first. */
  order = $state<string[]>([]);
  basemapCatalog = $state.raw<BasemapCatalog | null>(null);
  basemaps = $state.raw<BasemapOption[]>([]);
  basemap = $state('none');
  tableLayerId = $state<string | null>(null);
  /** Geometry of the selected feature, drawn over the map. */
  highlight = $state.raw<GeoJSON.Geometry | null>(null);
  searchMark = $state.raw<SearchMark | null>(null);
  measureMode = $state<MeasureMode | null>(null);
  drawerOpen = $state(false);
  notices = $state<Notice[]>([]);

  /** Takes the catalog; `visible` (from a permalink) overrides the default visibility. */
  setCatalog(layers: Layer[], visible?: string[]) {
    this.layers = layers;
    const state: Record<string, LayerState> = {};
    for (const layer of layers) {
      state[layer.id] = { visible: visible ? !layer.restricted && visible.includes(layer.id) : shownByDefault(layer), opacity: 1 };
    }
    this.layerState = state;
    // Points over lines over polygons reads best; the catalog's order breaks ties.
    const rank = (l: Layer) => (l.style.type === 'circle' ? 0 : l.style.type === 'line' ? 1 : 2);
    const ordered = [...layers].sort((a, b) => rank(a) - rank(b));
    if (visible) {
      // The permalink lists visible layers topmost first; keep that order among them.
      const index = (id: string) => (visible.includes(id) ? visible.indexOf(id) : visible.length + ordered.findIndex((l) => l.id === id));
      ordered.sort((a, b) => index(a.id) - index(b.id));
    }
    this.order = ordered.map((l) => l.id);
  }

  layer(id: string | null | undefined): Layer | undefined {
    return id ? this.layers.find((l) => l.id === id) : undefined;
  }

  /** Visible layer ids, topmost first. */
  get visibleIds(): string[] {
    return this.order.filter((id) => this.layerState[id]?.visible);
  }

  setVisible(id: string, visible: boolean) {
    const s = this.layerState[id];
    if (s && !this.layer(id)?.restricted) s.visible = visible;
  }

  setVisibleOnly(ids: string[]) {
    for (const [id, s] of Object.entries(this.layerState)) s.visible = ids.includes(id) && !this.layer(id)?.restricted;
  }

  /** Moves a layer one step up (-1) or down (+1) in the drawing order, within its group. */
  move(id: string, step: -1 | 1) {
    const group = this.layer(id)?.group;
    const i = this.order.indexOf(id);
    let j = i + step;
    while (j >= 0 && j < this.order.length && this.layer(this.order[j])?.group !== group) j += step;
    if (i < 0 || j < 0 || j >= this.order.length) return;
    const next = [...this.order];
    [next[i], next[j]] = [next[j], next[i]];
    this.order = next;
  }

  notify(key: MessageKey, params?: MessageParams, tone: Notice['tone'] = 'info') {
    const notice = { id: ++noticeId, key, params, tone };
    this.notices = [...this.notices, notice];
    setTimeout(() => this.dismiss(notice.id), 12_000);
  }

  dismiss(id: number) {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

const key = Symbol('explorer');
export const setExplorer = (explorer: Explorer) => setContext(key, explorer);
export const getExplorer = () => getContext<Explorer>(key);
