import { describe, expect, it } from 'vitest';
import { classColorExpression, classify, classRanges } from '../../../client/src/lib/dashboards/classes';

describe('choropleth classes', () => {
  it('puts equal numbers of units in each quantile class', () => {
    const classes = classify([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 'quantiles', 5)!;
    expect(classes.thresholds).toHaveLength(4);
    const counts = classRanges(classes).map((r, i, all) =>
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].filter((v) => v >= r.from && (i === all.length - 1 ? v <= r.to : v < r.to)).length,
    );
    expect(counts).toEqual([2, 2, 2, 2, 2]);
  });

  it('finds natural breaks between groups of close values', () => {
    expect(classify([1, 2, 3, 50, 51, 52, 98, 99, 100], 'breaks', 3)!.thresholds).toEqual([50, 98]);
  });

  it('makes fewer classes than asked when there are fewer distinct values, and none without values', () => {
    const two = classify([0, 0, 0, 100, 100], 'quantiles', 5)!;
    expect(two.thresholds).toEqual([100]);
    expect(two.colors).toHaveLength(2);
    expect(classify([5, 5], 'breaks')!.thresholds).toEqual([]);
    expect(classify([], 'quantiles')).toBeNull();
  });

  it('colours units without a value (suppressed, no data) apart from every class', () => {
    const classes = classify([1, 2, 3, 4], 'quantiles', 2)!;
    expect(classColorExpression(classes, '#ccc')).toEqual(['case', ['has', 'value'], ['step', ['get', 'value'], classes.colors[0], 3, classes.colors[1]], '#ccc']);
    expect(classColorExpression(null, '#ccc')).toBe('#ccc');
    const one = classify([7], 'breaks')!;
    expect(classColorExpression(one, '#ccc')).toEqual(['case', ['has', 'value'], one.colors[0], '#ccc']);
  });

  it('ranges the legend from the smallest to the largest value', () => {
    const ranges = classRanges(classify([0, 25, 50, 75, 100], 'breaks', 5)!);
    expect(ranges[0].from).toBe(0);
    expect(ranges.at(-1)!.to).toBe(100);
    expect(new Set(ranges.map((r) => r.color)).size).toBe(ranges.length);
  });
});
