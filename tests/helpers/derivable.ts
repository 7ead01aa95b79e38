/**
 * Every set of records whose count a reader can work out from the shown numbers: the 0/1
 * combinations of atoms (groups of records that every shown number either holds whole or not at
 * all) lying in the linear span of the shown numbers. Exhaustive; fine for a handful of atoms.
 */
export function derivableSets(atoms: number, shown: number[][]): number[][] {
  const basis: number[][] = [];
  const reduce = (v: number[]) => {
    const r = [...v];
    for (const b of basis) {
      const pivot = b.findIndex((x) => Math.abs(x) > 1e-9);
      if (Math.abs(r[pivot]) > 1e-9) {
        const f = r[pivot] / b[pivot];
        for (let i = 0; i < atoms; i++) r[i] -= f * b[i];
      }
    }
    return r;
  };
  for (const v of shown) {
    const r = reduce(v);
    if (r.some((x) => Math.abs(x) > 1e-9)) basis.push(r);
  }
  const sets: number[][] = [];
  for (let mask = 1; mask < 1 << atoms; mask++) {
    const v = Array.from({ length: atoms }, (_, i) => (mask >> i) & 1);
    if (reduce(v).every((x) => Math.abs(x) < 1e-9)) sets.push(v);
  }
  return sets;
}
