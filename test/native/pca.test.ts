import { describe, expect, it } from 'vitest';
import { lowRankPoints } from '../../src/bench/reference.js';
import { pcaProject } from '../../src/native/pca.js';

function columnVariance(A: Float32Array, n: number, k: number, a: number, b = a): number {
  let ma = 0, mb = 0, s = 0;
  for (let i = 0; i < n; i++) (ma += A[i * k + a]!), (mb += A[i * k + b]!);
  ma /= n;
  mb /= n;
  for (let i = 0; i < n; i++) s += (A[i * k + a]! - ma) * (A[i * k + b]! - mb);
  return s / (n - 1);
}

describe('pcaProject', () => {
  it('gives uncorrelated scores whose variances it reports, decreasing, capturing a low-rank matrix', () => {
    const n = 600, d = 40, k = 8, rank = 5;
    const X = lowRankPoints(n, d, rank, 3);
    const { scores, variance } = pcaProject(X, n, d, { components: k });
    let total = 0;
    for (let j = 0; j < d; j++) total += columnVariance(X, n, d, j);
    for (let c = 0; c < k; c++) {
      expect(Math.abs(columnVariance(scores, n, k, c) - variance[c]!)).toBeLessThan(1e-4 * variance[0]!);
      if (c > 0) expect(variance[c]).toBeLessThanOrEqual(variance[c - 1]!);
      for (let o = 0; o < c; o++) expect(Math.abs(columnVariance(scores, n, k, c, o))).toBeLessThan(1e-4 * variance[0]!);
    }
    const captured = variance.slice(0, rank).reduce((a, b) => a + b, 0);
    expect(captured / total).toBeGreaterThan(0.999);
    expect(captured / total).toBeLessThanOrEqual(1 + 1e-6);
    // The rest is the noise (sd 0.05 per column): at most its total variance.
    expect(variance[rank]!).toBeLessThan(40 * 0.05 ** 2);
  });
});
