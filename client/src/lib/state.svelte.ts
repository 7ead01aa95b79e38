import { getContext, setContext } from 'svelte';
import type { BasemapCatalog, Layer, SessionUser } from './api';
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

/** Points over lines over polygons reads best; the catalog's order breaks ties. */
const rank = (l: Layer) => (l.style.type === 'circle' ? 0 : l.style.type === 'line' ? 1 : 2);

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
  /** The signed-in user (null: anonymous); decides which restricted layers are readable. */
  user = $state.raw<SessionUser | null>(null);

  /** Takes the catalog; `visible` (from a permalink) overrides the default visibility. */
  setCatalog(layers: Layer[], visible?: string[]) {
    this.layers = layers;
    const state: Record<string, LayerState> = {};
    for (const layer of layers) {
      state[layer.id] = { visible: visible ? this.readable(layer) && visible.includes(layer.id) : shownByDefault(layer), opacity: 1 };
    }
    this.layerState = state;
    const ordered = [...layers].sort((a, b) => rank(a) - rank(b));
    if (visible) {
      // The permalink lists visible layers topmost first; keep that order among them.
      const index = (id: string) => (visible.includes(id) ? visible.indexOf(id) : visible.length + ordered.findIndex((l) => l.id === id));
      ordered.sort((a, b) => index(a.id) - index(b.id));
    }
    this.order = ordered.map((l) => l.id);
  }

  /**
   * Takes a fresh catalog (after sign-in, sign-out or a publish) and keeps what the user set: the
   * visibility, opacity and order of layers still in it. New layers take their default place;
   * `show` ids are made visible and put on top of their group.
   */
  mergeCatalog(layers: Layer[], show: string[] = []) {
    const previous = this.layerState;
    const state: Record<string, LayerState> = {};
    for (const layer of layers) {
      const kept = previous[layer.id];
      const visible = (kept ? kept.visible : shownByDefault(layer)) || show.includes(layer.id);
      state[layer.id] = { visible: visible && this.readable(layer), opacity: kept?.opacity ?? 1 };
    }
    const ids = new Set(layers.map((l) => l.id));
    const order = this.order.filter((id) => ids.has(id) && !show.includes(id));
    const byId = new Map(layers.map((l) => [l.id, l]));
    // Shown layers go first, then new ones above the first kept layer that draws under them.
    const added = [...layers.filter((l) => show.includes(l.id)), ...layers.filter((l) => !previous[l.id] && !show.includes(l.id)).sort((a, b) => rank(a) - rank(b))];
    for (const layer of added) {
      const at = show.includes(layer.id) ? 0 : order.findIndex((id) => rank(byId.get(id)!) >= rank(layer));
      order.splice(at < 0 ? order.length : at, 0, layer.id);
    }
    this.layers = layers;
    this.layerState = state;
    this.order = order;
    if (this.tableLayerId && (!ids.has(this.tableLayerId) || !this.readable(byId.get(this.tableLayerId)!))) this.tableLayerId = null;
  }

  /** Whether the current user may see the layer's records and tiles, as the catalog says for this user. */
  readable(layer: Layer): boolean {
    return layer.access.records;
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
    const layer = this.layer(id);
    if (s && layer && this.readable(layer)) s.visible = visible;
  }

  setVisibleOnly(ids: string[]) {
    for (const [id, s] of Object.entries(this.layerState)) {
      const layer = this.layer(id);
      s.visible = ids.includes(id) && !!layer && this.readable(layer);
    }
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
