/** Agreement between two labellings of the same items; pure functions, hand-checkable. */

/**
 * Adjusted Rand index (Hubert & Arabie 1985): the Rand index corrected for chance, 1 for
 * identical partitions (whatever the label values), about 0 for independent ones.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`labellings differ in length: ${a.length} and ${b.length}`);
  const n = a.length;
  const pairs = (m: number): number => (m * (m - 1)) / 2;
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  const cells = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
    const key = `${a[i]} ${b[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const sum = (m: Map<unknown, number>): number => [...m.values()].reduce((s, c) => s + pairs(c), 0);
  const index = sum(cells);
  const sumA = sum(rows);
  const sumB = sum(cols);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  // Both partitions trivial (one cluster each, or all singletons): they agree exactly.
  return max === expected ? 1 : (index - expected) / (max - expected);
}
