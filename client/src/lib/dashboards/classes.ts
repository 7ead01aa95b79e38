import { ckmeans, quantileSorted } from 'simple-statistics';

/** How a choropleth's values are put into classes. */
export type ClassMethod = 'quantiles' | 'breaks';

export interface Classes {
  /** Lower bounds of the classes after the first, ascending: class i holds values ≥ thresholds[i − 1]. */
  thresholds: number[];
  min: number;
  max: number;
  colors: string[];
}

/** Light to dark blue (ColorBrewer Blues), a sequential scheme readable in print and by the colour-blind. */
const blues = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];

/**
 * Up to `count` classes of the values: equal numbers of units per class (quantiles) or Jenks
 * natural breaks (Ckmeans, which groups close values together). Fewer classes when there are fewer
 * distinct values; null when there are no values.
 * @example classify([1, 2, 3, 10, 11, 12], 'breaks', 2).thresholds // [10]
 */
export function classify(values: number[], method: ClassMethod, count = 5): Classes | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const distinct = new Set(sorted).size;
  const k = Math.max(1, Math.min(count, distinct, blues.length));
  let thresholds: number[];
  if (method === 'breaks') {
    thresholds = ckmeans(sorted, k).slice(1).map((cluster) => cluster[0]);
  } else {
    // Each cut moves up to a value of the data above the previous one, so ties (many zeros) still
    // leave the larger values a class of their own.
    thresholds = [];
    for (let i = 1; i < k; i++) {
      const cut = quantileSorted(sorted, i / k);
      const above = sorted.find((v) => v >= cut && v > (thresholds.at(-1) ?? sorted[0]));
      if (above !== undefined) thresholds.push(above);
    }
  }
  const n = thresholds.length + 1;
  // Spread the palette over the classes there are, keeping its darkest for the highest.
  const colors = Array.from({ length: n }, (_, i) => blues[n === 1 ? blues.length - 2 : Math.round((i * (blues.length - 1)) / (n - 1))]);
  return { thresholds, min: sorted[0], max: sorted[sorted.length - 1], colors };
}

/** The range [from, to] of each class, for the legend. */
export function classRanges(classes: Classes): { from: number; to: number; color: string }[] {
  const bounds = [classes.min, ...classes.thresholds, classes.max];
  return classes.colors.map((color, i) => ({ from: bounds[i], to: bounds[i + 1], color }));
}

/** MapLibre fill colour: the class of the feature's `value`, `none` where it has none. */
export function classColorExpression(classes: Classes | null, none: string): unknown {
  if (!classes) return none;
  // A `step` needs at least one stop: one class is its colour alone.
  if (!classes.thresholds.length) return ['case', ['has', 'value'], classes.colors[0], none];
  const step: unknown[] = ['step', ['get', 'value'], classes.colors[0]];
  classes.thresholds.forEach((t, i) => step.push(t, classes.colors[i + 1]));
  return ['case', ['has', 'value'], step, none];
}
