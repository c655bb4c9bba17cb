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

/** Sum of squared distances of the rows of X (n x d, row-major) to the means of their clusters, in double. */
export function withinClusterSumOfSquares(X: Float32Array, n: number, d: number, labels: ArrayLike<number>): number {
  if (labels.length !== n || X.length !== n * d) throw new RangeError(`expected ${n} labels and ${n} x ${d} values`);
  const sums = new Map<number, { count: number; sum: Float64Array }>();
  for (let i = 0; i < n; i++) {
    let c = sums.get(labels[i]!);
    if (!c) sums.set(labels[i]!, (c = { count: 0, sum: new Float64Array(d) }));
    c.count++;
    for (let j = 0; j < d; j++) c.sum[j]! += X[i * d + j]!;
  }
  for (const c of sums.values()) for (let j = 0; j < d; j++) c.sum[j]! /= c.count;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const mean = sums.get(labels[i]!)!.sum;
    for (let j = 0; j < d; j++) total += (X[i * d + j]! - mean[j]!) ** 2;
  }
  return total;
}
