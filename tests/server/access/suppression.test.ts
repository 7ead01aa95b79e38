import { describe, expect, it } from 'vitest';
import { SMALL_COUNT, suppressSmallCounts, suppressTable } from '../../../server/src/access/suppression.js';
import { derivableSets } from '../../helpers/derivable.js';

describe('small-count suppression of tables', () => {
  const rows = (...counts: number[]) => counts.map((count) => ({ count, values: { n: count } }));

  it('hides the only non-zero row with the total when the whole table counts 1–4', () => {
    const table = suppressTable([
      { row: 'a', column: '', count: 2 },
      { row: 'b', column: '', count: 0 },
    ]);
    expect([table.row('a'), table.row('b'), table.total]).toEqual([true, false, true]);
    expect(suppressSmallCounts(rows(3, 0)).map((c) => c.count)).toEqual([null, 0]);
  });

  it('protects a two-way table so neither its rows nor its columns give back a hidden cell', () => {
    // Parishes × site types. Upespils has 2 dormitories; Ziemeļu 6 houses and 5 dormitories;
    // Dienvidu 5 apartments. One-way suppression per row and per column would show the dormitory
    // total (7) and Ziemeļu's dormitories (5): 7 − 5 = Upespils' 2.
    const cells = [
      { row: 'Z', column: 'house', count: 6 },
      { row: 'Z', column: 'dorm', count: 5 },
      { row: 'D', column: 'apartment', count: 5 },
      { row: 'U', column: 'dorm', count: 2 },
    ];
    const table = suppressTable(cells);
    const atoms = cells.length;
    const unit = (pick: (c: (typeof cells)[number]) => boolean) => cells.map((c) => (pick(c) ? 1 : 0));
    const shown: number[][] = [];
    if (!table.total) shown.push(unit(() => true));
    for (const r of ['Z', 'D', 'U']) if (!table.row(r)) shown.push(unit((c) => c.row === r));
    for (const k of ['house', 'dorm', 'apartment']) if (!table.column(k)) shown.push(unit((c) => c.column === k));
    for (const c of cells) if (!table.cell(c.row, c.column)) shown.push(unit((x) => x === c));
    expect(table.cell('U', 'dorm')).toBe(true);
    for (const set of derivableSets(atoms, shown)) {
      const count = set.reduce((a, x, i) => a + x * cells[i].count, 0);
      expect(count === 0 || count >= SMALL_COUNT, `derivable ${set} counts ${count}`).toBe(true);
    }
  });
});
