/**
 * Small-count suppression for aggregates of personal data (refugee accommodation): the one module
 * that decides which published numbers are hidden. The rule is written out for auditors in
 * docs/accounts.md ("Small-count suppression").
 *
 * - Primary suppression: a cell counting between 1 and SMALL_COUNT − 1 records is shown without its
 *   numbers, because a count of 1–4 sites (and the sums over them) points at single households.
 *   Zero is shown: it reveals no one.
 * - Complementary suppression: published cells add up (parts to a total). In every such relation a
 *   hidden cell must not be the only unknown, and when the total is shown the hidden parts together
 *   must count 0 or at least SMALL_COUNT; otherwise the smallest shown non-zero part is hidden too
 *   (the total when no part is left). Relations are enforced until none needs another cell.
 *
 * Every view a reader can ask for (any filter, any breakdown) takes its cells from one table per
 * point in time, so a cell hidden in one view is hidden in every view (see dashboards/suppressionCells.ts).
 */
export const SMALL_COUNT = 5;

export interface AggregateCell<V> {
  count: number | null;
  values: V | null;
  suppressed: boolean;
}

/** Whether a count must not be shown. */
export const isSmallCount = (count: number, threshold = SMALL_COUNT) => count > 0 && count < threshold;

/** Cells that add up: `total` is the sum of `parts` (ids of cells). */
export interface Relation {
  total: string;
  parts: string[];
}

/**
 * The cells of `counts` to hide: primary suppression of small counts, then complementary
 * suppression until every relation is safe (see the module comment). Deterministic: among equal
 * counts the part listed first is hidden first. `alsoHidden`: cells hidden from the start (hidden
 * in another table over the same records), zeros excepted.
 */
export function protectCells(counts: ReadonlyMap<string, number>, relations: Relation[], threshold = SMALL_COUNT, alsoHidden: Iterable<string> = []): Set<string> {
  const count = (id: string) => counts.get(id) ?? 0;
  const hidden = new Set([...counts.keys()].filter((id) => isSmallCount(count(id), threshold)));
  for (const id of alsoHidden) if (count(id) > 0) hidden.add(id);
  const hideAnotherPart = (relation: Relation) => {
    let pick: string | null = null;
    for (const p of relation.parts) {
      if (!hidden.has(p) && count(p) > 0 && (pick === null || count(p) < count(pick))) pick = p;
    }
    if (pick !== null) hidden.add(pick);
    else if (!hidden.has(relation.total) && count(relation.total) > 0) hidden.add(relation.total);
    else return false;
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const relation of relations) {
      const hiddenParts = relation.parts.filter((p) => hidden.has(p));
      const totalHidden = hidden.has(relation.total);
      const unknowns = hiddenParts.length + (totalHidden ? 1 : 0);
      const hiddenSum = hiddenParts.reduce((a, p) => a + count(p), 0);
      // One unknown is given by the others; a shown total minus the shown parts gives the hidden parts' sum.
      const exposed = (unknowns === 1 && (totalHidden ? count(relation.total) > 0 : hiddenSum > 0)) || (!totalHidden && isSmallCount(hiddenSum, threshold));
      if (exposed && hideAnotherPart(relation)) changed = true;
    }
  }
  return hidden;
}

/**
 * Suppresses small counts in rows that add up to a published total (one dimension): rows of 1–4
 * are hidden, and while the hidden rows together count 1–4 the smallest shown non-zero row is
 * hidden too (complementary suppression), so the total minus the shown rows gives nothing back.
 */
export function suppressSmallCounts<V>(rows: { count: number; values: V }[], threshold = SMALL_COUNT): AggregateCell<V>[] {
  const table = suppressTable(rows.map((r, i) => ({ row: String(i), column: '', count: r.count })), threshold);
  return rows.map((r, i) => (table.row(String(i)) ? { count: null, values: null, suppressed: true } : { count: r.count, values: r.values, suppressed: false }));
}

/** A count of records in one row (e.g. a parish) and one column (e.g. a site type) of a table. */
export interface CountCell {
  row: string;
  column: string;
  count: number;
}

/** Which cells of a two-way table and of its margins are hidden. */
export interface TableSuppression {
  /** The count of one row in one column. */
  cell(row: string, column: string): boolean;
  /** A row's total over every column. */
  row(row: string): boolean;
  /** A column's total over every row. */
  column(column: string): boolean;
  /** The grand total. */
  total: boolean;
}

/**
 * Small-count suppression of a two-way table with its margins (rows × columns, row totals, column
 * totals, grand total), every relation of the table protected at once: its inner cells add up to
 * the row and the column totals, those add up to the grand total. Rows and columns missing from
 * `cells` count zero; zeros are never hidden. `hiddenRows`: row totals hidden from the start.
 */
export function suppressTable(cells: CountCell[], threshold = SMALL_COUNT, hiddenRows: string[] = []): TableSuppression {
  const counts = new Map<string, number>();
  const add = (id: string, n: number) => counts.set(id, (counts.get(id) ?? 0) + n);
  const rows = [...new Set(cells.map((c) => c.row))];
  const columns = [...new Set(cells.map((c) => c.column))];
  const cellId = (r: string, c: string) => `x\u0000${r}\u0000${c}`;
  const rowId = (r: string) => `r\u0000${r}`;
  const columnId = (c: string) => `c\u0000${c}`;
  add('t', 0);
  for (const c of cells) {
    add(cellId(c.row, c.column), c.count);
    add(rowId(c.row), c.count);
    add(columnId(c.column), c.count);
    add('t', c.count);
  }
  const relations: Relation[] = [
    { total: 't', parts: rows.map(rowId) },
    { total: 't', parts: columns.map(columnId) },
    ...rows.map((r) => ({ total: rowId(r), parts: columns.map((c) => cellId(r, c)) })),
    ...columns.map((c) => ({ total: columnId(c), parts: rows.map((r) => cellId(r, c)) })),
  ];
  const hidden = protectCells(counts, relations, threshold, hiddenRows.map(rowId));
  return {
    cell: (r, c) => hidden.has(cellId(r, c)),
    row: (r) => hidden.has(rowId(r)),
    column: (c) => hidden.has(columnId(c)),
    total: hidden.has('t'),
  };
}
