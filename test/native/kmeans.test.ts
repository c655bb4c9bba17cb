import { describe, expect, it } from 'vitest';
import { LookalikeError } from '../../src/core/errors.js';
import { adjustedRandIndex } from '../../src/evaluation/clustering.js';
import { seededRandom } from '../../src/evaluation/split.js';
import { kmeans } from '../../src/native/kmeans.js';
import { blobs, inertiaOf } from '../helpers/blobs.js';

function uniform(n: number, d: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n * d }, () => random());
}

function badArgument(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LookalikeError);
    expect((err as LookalikeError).code).toBe('BAD_ARGUMENT');
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a BAD_ARGUMENT error');
}

describe('k-means', () => {
  it('recovers well-separated blobs exactly', () => {
    for (const [n, d, k] of [[600, 16, 6], [1000, 50, 20]] as const) {
      const { X, labels } = blobs(n, d, k, 3);
      const r = kmeans(X, n, d, k, { seed: 1 });
      expect(adjustedRandIndex(r.labels, labels)).toBe(1);
      expect(r.centroids.length).toBe(k * d);
    }
  });

  it('never increases the inertia, and reports the inertia of its labels and centroids', () => {
    const n = 3000;
    const d = 10;
    const X = uniform(n, d, 7);
    for (const k of [1, 7, 40]) {
      const r = kmeans(X, n, d, k, { seed: 2, tolerance: 0 });
      expect(r.history.length).toBe(r.iterations);
      for (let t = 1; t < r.history.length; t++) expect(r.history[t]).toBeLessThanOrEqual(r.history[t - 1]!);
      expect(r.history.at(-1)).toBe(r.inertia);
      expect(r.inertia).toBeCloseTo(inertiaOf(X, d, r.labels, r.centroids), 1);
      if (k === 40) expect(r.iterations).toBeGreaterThan(10);
    }
  });

  it('gives every cluster a point, even with duplicate rows', () => {
    // Three distinct rows repeated: seeds coincide and clusters empty out until repaired.
    const d = 4;
    const X = new Float32Array(30 * d);
    for (let i = 0; i < 30; i++) X.fill(i % 3, i * d, (i + 1) * d);
    for (const k of [5, 30]) {
      const r = kmeans(X, 30, d, k);
      expect(new Set(r.labels).size).toBe(k);
      expect(r.inertia).toBeLessThan(1e-9);
    }
  });

  it('is deterministic for a seed, whatever the thread count', () => {
    const n = 2000;
    const d = 24;
    const X = uniform(n, d, 11);
    const a = kmeans(X, n, d, 16, { seed: 5, threads: 1 });
    const b = kmeans(X, n, d, 16, { seed: 5, threads: 2 });
    const c = kmeans(X, n, d, 16, { seed: 5, threads: 3 });
    expect(b.labels).toEqual(a.labels);
    expect(c.labels).toEqual(a.labels);
    expect(b.centroids).toEqual(a.centroids);
    expect(b.history).toEqual(a.history);
    expect(kmeans(X, n, d, 16, { seed: 6 }).labels).not.toEqual(a.labels);
  });

  it('starts from the k-means of uniform samples where a quarter of the rows holds 100 a cluster', () => {
    // 12,000 rows, k = 4: sample levels of 3,000 and 750 rows (187 would be too few).
    const n = 12_000;
    const d = 8;
    const { X, labels } = blobs(n, d, 4, 9);
    const sampled = kmeans(X, n, d, 4, { seed: 2, threads: 1 });
    expect(adjustedRandIndex(sampled.labels, labels)).toBe(1);
    expect(kmeans(X, n, d, 4, { seed: 2, threads: 2 }).centroids).toEqual(sampled.centroids);
    expect(adjustedRandIndex(kmeans(X, n, d, 4, { seed: 2, sampleStart: false }).labels, labels)).toBe(1);
    // On a continuum the start shows: other centroids, an inertia as low, fewer passes over all rows.
    const U = uniform(n, d, 4);
    const withSample = kmeans(U, n, d, 4, { seed: 2 });
    const fromSeeds = kmeans(U, n, d, 4, { seed: 2, sampleStart: false });
    expect(withSample.centroids).not.toEqual(fromSeeds.centroids);
    expect(withSample.inertia).toBeLessThan(fromSeeds.inertia * 1.005);
    expect(withSample.iterations).toBeLessThan(fromSeeds.iterations);
    expect(withSample.history.length).toBe(withSample.iterations);
  });

  it('rejects bad arguments with clear messages', () => {
    const X = uniform(10, 2, 1);
    badArgument(() => kmeans(X, 10, 2, 11), /^k must be an integer from 1 to the number of rows \(10\), got 11$/);
    badArgument(() => kmeans(X, 10, 2, 0), /^k must be an integer from 1 to the number of rows \(10\), got 0$/);
    badArgument(() => kmeans(X, 10, 2, 2.5), /got 2\.5$/);
    badArgument(() => kmeans(X, 10, 3, 2), /^X has 20 values, expected 10 x 3 = 30$/);
    const withNaN = X.slice();
    withNaN[7] = NaN;
    badArgument(() => kmeans(withNaN, 10, 2, 2), /^X has a non-finite value \(NaN\) at row 3, column 1$/);
    badArgument(() => kmeans(X, 10, 2, 2, { maxIterations: 0 }), /^maxIterations must be an integer from 1/);
    badArgument(() => kmeans(X, 10, 2, 2, { tolerance: -1 }), /^tolerance must be a number from 0 to 1/);
  });
});
