import type { LayerKind } from './types.js';

/**
 * Guesses what a WMS layer shows from its name and title, in Latvian or English, so a layer
 * found in GetCapabilities lands in the right basemap group. Admins can correct it later.
 * @example guessLayerKind('public:Orto_LKS', 'Ortofoto') // 'orthophoto'
 */
export function guessLayerKind(name: string, title: string): LayerKind {
  const text = `${name} ${title}`.toLowerCase();
  if (/ort(h)?o|aerial|satellite|aerofoto/.test(text)) return 'orthophoto';
  if (/topo|karte|basemap|base map|pamatkarte/.test(text)) return 'topographic';
  return 'other';
}
