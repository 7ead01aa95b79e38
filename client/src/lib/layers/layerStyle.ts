import type { Layer, LayerStyle } from '../api';

const opacityProperties: Record<LayerStyle['type'], string[]> = {
  circle: ['circle-opacity', 'circle-stroke-opacity'],
  line: ['line-opacity'],
  fill: ['fill-opacity'],
};

/**
 * The opacity paint properties of a layer at the user's `opacity` (0–1): the style's own opacity
 * multiplied by it, so a fill drawn at 0.7 stays relatively lighter.
 */
export function opacityPaint(style: LayerStyle, opacity: number): Record<string, unknown> {
  const o = Math.min(1, Math.max(0, opacity));
  const paint: Record<string, unknown> = {};
  for (const property of opacityProperties[style.type]) {
    const base = style.paint?.[property];
    if (typeof base === 'number') paint[property] = Math.round(base * o * 1000) / 1000;
    else if (base !== undefined) paint[property] = ['*', base, o];
    else paint[property] = o;
  }
  return paint;
}

/** Map layer id of a catalog layer (the MVT source and source-layer are the layer id itself). */
export const mapLayerId = (layerId: string) => `data:${layerId}`;

/** The MapLibre layer drawing a catalog layer with its default style. */
export function mapLayerSpec(layer: Pick<Layer, 'id' | 'style' | 'minZoom' | 'maxZoom'>, visible: boolean, opacity: number) {
  return {
    id: mapLayerId(layer.id),
    type: layer.style.type,
    source: layer.id,
    'source-layer': layer.id,
    minzoom: layer.minZoom,
    maxzoom: Math.min(24, Math.max(layer.maxZoom, layer.minZoom + 1)),
    layout: { visibility: visible ? 'visible' : 'none' },
    paint: { ...layer.style.paint, ...opacityPaint(layer.style, opacity) },
  } as const;
}

/** Union of the layers' extents: the municipality's area to open the map on. */
export function unionExtent(extents: ([number, number, number, number] | null)[]): [number, number, number, number] | null {
  let out: [number, number, number, number] | null = null;
  for (const e of extents) {
    if (!e || !e.every(Number.isFinite)) continue;
    out = out ? [Math.min(out[0], e[0]), Math.min(out[1], e[1]), Math.max(out[2], e[2]), Math.max(out[3], e[3])] : [...e];
  }
  return out;
}
