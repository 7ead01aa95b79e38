/**
 * Small-count suppression for aggregates of personal data (refugee accommodation): a unit counting
 * between 1 and SMALL_COUNT − 1 records is shown without its numbers, because a count of 1–4 sites
 * (and the sums over them) points at single households. Zero is shown: it reveals no one.
 */
export const SMALL_COUNT = 5;

export interface AggregateCell<V> {
  count: number | null;
  values: V | null;
  suppressed: boolean;
}

/** Whether a count must not be shown. */
export const isSmallCount = (count: number, threshold = SMALL_COUNT) => count > 0 && count < threshold;

/**
 * Suppresses small counts in rows that add up to a published total. The total minus the shown rows
 * gives back the sum of the hidden ones, so hidden rows must together count at least `threshold`:
 * while they do not, the smallest shown non-zero row is hidden too (secondary suppression).
 */
export function suppressSmallCounts<V>(rows: { count: number; values: V }[], threshold = SMALL_COUNT): AggregateCell<V>[] {
  const hidden = rows.map((r) => isSmallCount(r.count, threshold));
  const hiddenCount = () => rows.reduce((a, r, i) => a + (hidden[i] ? r.count : 0), 0);
  while (isSmallCount(hiddenCount(), threshold)) {
    let smallest = -1;
    rows.forEach((r, i) => {
      if (!hidden[i] && r.count > 0 && (smallest < 0 || r.count < rows[smallest].count)) smallest = i;
    });
    if (smallest < 0) break;
    hidden[smallest] = true;
  }
  return rows.map((r, i) => (hidden[i] ? { count: null, values: null, suppressed: true } : { count: r.count, values: r.values, suppressed: false }));
}
