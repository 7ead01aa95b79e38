import type { Layer } from '../api';
import { localized, translate, type Locale } from '../i18n/messages';

/** One row of a layer's legend: a swatch drawn like the layer and its label. */
export interface LegendEntry {
  label: string;
  /** CSS colour of the swatch. */
  color: string;
  /** Outline/stroke colour, when the style has one. */
  outline?: string;
  shape: 'circle' | 'line' | 'fill';
  dashed?: boolean;
}

const colourProperty = { circle: 'circle-color', line: 'line-color', fill: 'fill-color' } as const;
const outlineProperty = { circle: 'circle-stroke-color', line: undefined, fill: 'fill-outline-color' } as const;

const isColour = (v: unknown): v is string => typeof v === 'string';

/** The field a `['get', name]` expression reads, if it is one. */
function getField(expression: unknown): string | undefined {
  return Array.isArray(expression) && expression[0] === 'get' && typeof expression[1] === 'string' ? expression[1] : undefined;
}

/**
 * The legend of a layer from its MapLibre style: one swatch for a constant colour, and one per
 * value for a `match` on a field — labelled with the field's `values` in the UI language — plus
 * the fallback as "Other". Expressions it cannot read give one neutral swatch with the layer title.
 */
export function legendFor(layer: Pick<Layer, 'title' | 'style' | 'fields'>, locale: Locale): LegendEntry[] {
  const shape = layer.style.type;
  const paint = layer.style.paint ?? {};
  const colour = paint[colourProperty[shape]];
  const outlineProp = outlineProperty[shape];
  const outlineValue = outlineProp ? paint[outlineProp] : undefined;
  const outline = isColour(outlineValue) ? outlineValue : undefined;
  const dashed = shape === 'line' && Array.isArray(paint['line-dasharray']);
  const entry = (label: string, color: string): LegendEntry => ({ label, color, shape, ...(outline ? { outline } : {}), ...(dashed ? { dashed } : {}) });
  const title = localized(layer.title, locale);

  if (isColour(colour)) return [entry(title, colour)];
  if (Array.isArray(colour) && colour[0] === 'match' && colour.length >= 5) {
    const fieldName = getField(colour[1]);
    const field = layer.fields.find((f) => f.name === fieldName);
    const entries: LegendEntry[] = [];
    // ['match', input, label1, out1, label2, out2, …, fallback]
    for (let i = 2; i + 1 < colour.length; i += 2) {
      const values = Array.isArray(colour[i]) ? (colour[i] as unknown[]) : [colour[i]];
      const out = colour[i + 1];
      if (!isColour(out)) continue;
      const label = values
        .map((v) => {
          const known = field?.values?.[String(v)];
          return known ? localized(known, locale) : String(v);
        })
        .join(', ');
      entries.push(entry(label, out));
    }
    const fallback = colour[colour.length - 1];
    if (colour.length % 2 === 1 && isColour(fallback)) entries.push(entry(translate(locale, 'legend.other'), fallback));
    if (entries.length) return entries;
  }
  return [entry(title, '#888888')];
}
