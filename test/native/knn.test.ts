import { describe, expect, it } from 'vitest';
import { LookalikeError } from '../../src/core/errors.js';
import { seededRandom } from '../../src/evaluation/split.js';
import { KNN_APPROX_FROM, knn } from '../../src/native/knn.js';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function uniformPoints(n: number, d: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: n * d }, () => rand() * 2 - 1);
}

/** `blobs` Gaussian clusters of unit spread around centres spread 4x wider. */
function clusteredPoints(n: number, d: number, blobs: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: blobs * d }, () => 4 * gaussian(rand));
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const b = i % blobs;
    for (let p = 0; p < d; p++) X[i * d + p] = centres[b * d + p]! + gaussian(rand);
  }
  return X;
}

/** Each row's k nearest by brute force in double: [index, squared distance] by (distance, index). */
function bruteForce(X: Float32Array, n: number, d: number, k: number): Array<Array<[number, number]>> {
  return Array.from({ length: n }, (_, i) => {
    const row: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let p = 0; p < d; p++) s += (X[i * d + p]! - X[j * d + p]!) ** 2;
      row.push([j, s]);
    }
    return row.sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, k);
  });
}

function recall(found: Int32Array, truth: Int32Array, k: number): number {
  let hits = 0;
  for (let i = 0; i < truth.length / k; i++) {
    const row = new Set(truth.subarray(i * k, (i + 1) * k));
    for (const j of found.subarray(i * k, (i + 1) * k)) if (row.has(j)) hits++;
  }
  return hits / truth.length;
}

function badArgument(run: () => unknown, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(LookalikeError);
  expect((caught as LookalikeError).code).toBe('BAD_ARGUMENT');
  expect((caught as LookalikeError).message).toBe(message);
}

describe('exact k nearest neighbours', () => {
  it('equals a brute-force reference: same neighbours in the same order, distances within 1e-4', () => {
    const n = 500, d = 12, k = 15;
    const X = uniformPoints(n, d, 1);
    const reference = bruteForce(X, n, d, k);
    const { indices, distances, method } = knn(X, n, d, k, { method: 'exact', threads: 2 });
    expect(method).toBe('exact');
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const [index, distance] = reference[i]![j]!;
        expect(Math.abs(distances[i * k + j]! - distance)).toBeLessThanOrEqual(1e-4 * distance);
        // A different neighbour here can only be a tie (no two distances in this data are that close).
        if (indices[i * k + j] !== index) {
          const other = reference[i]!.find(([m]) => m === indices[i * k + j]);
          expect(other && Math.abs(other[1] - distance)).toBeLessThanOrEqual(1e-4 * distance);
        }
      }
    }
  });

  it('orders equal distances by index and never returns a negative distance', () => {
    // Points on a line: 0 has neighbours 1 and 2 at the same distance; 3 and 4 duplicate 0.
    const X = Float32Array.of(0, 1, -1, 5, 0, 0);
    for (const method of ['exact', 'approx'] as const) {
      const { indices, distances } = knn(X, 6, 1, 2, { method });
      expect(Array.from(indices.subarray(0, 2))).toEqual([4, 5]);
      expect(Array.from(distances.subarray(0, 2))).toEqual([0, 0]);
      expect(Array.from(indices.subarray(2, 4))).toEqual([0, 4]); // point 1: 0, 4 and 5 tie at 1
      expect(distances.every((x) => x >= 0)).toBe(true);
    }
  });

  it('gives the same result on 1 and 2 threads', () => {
    const X = uniformPoints(1200, 8, 2);
    const one = knn(X, 1200, 8, 10, { method: 'exact', threads: 1 });
    const two = knn(X, 1200, 8, 10, { method: 'exact', threads: 2 });
    expect(Buffer.from(two.indices.buffer).equals(Buffer.from(one.indices.buffer))).toBe(true);
    expect(Buffer.from(two.distances.buffer).equals(Buffer.from(one.distances.buffer))).toBe(true);
  });

  it("'auto' runs exact below KNN_APPROX_FROM points and approx from there", () => {
    expect(knn(uniformPoints(300, 4, 3), 300, 4, 5).method).toBe('exact');
    const n = KNN_APPROX_FROM;
    expect(knn(uniformPoints(n, 4, 3), n, 4, 5).method).toBe('approx');
  });
});

describe('approximate k nearest neighbours', () => {
  const n = 4000, d = 16, k = 10;
  const X = clusteredPoints(n, d, 20, 4);

  it('finds at least 95% of the exact neighbours on clustered points', () => {
    const exact = knn(X, n, d, k, { method: 'exact' });
    const approx = knn(X, n, d, k, { method: 'approx', seed: 7 });
    expect(approx.method).toBe('approx');
    expect(recall(approx.indices, exact.indices, k)).toBeGreaterThanOrEqual(0.95);
    for (let i = 0; i < n; i++) {
      const row = approx.distances.subarray(i * k, (i + 1) * k);
      for (let j = 1; j < k; j++) expect(row[j]!).toBeGreaterThanOrEqual(row[j - 1]!);
      expect(approx.indices.subarray(i * k, (i + 1) * k).includes(i)).toBe(false);
    }
  });

  it('gives the same result for a seed, whatever the thread count', () => {
    const a = knn(X, n, d, k, { method: 'approx', seed: 11, threads: 2 });
    for (const threads of [2, 1]) {
      const b = knn(X, n, d, k, { method: 'approx', seed: 11, threads });
      expect(Buffer.from(b.indices.buffer).equals(Buffer.from(a.indices.buffer))).toBe(true);
      expect(Buffer.from(b.distances.buffer).equals(Buffer.from(a.distances.buffer))).toBe(true);
    }
  });
});

describe('argument checks', () => {
  const X = uniformPoints(50, 3, 5);

  it('rejects k outside 1 .. n - 1', () => {
    badArgument(() => knn(X, 50, 3, 50), 'k must be an integer from 1 to 49, got 50');
    badArgument(() => knn(X, 50, 3, 0), 'k must be an integer from 1 to 49, got 0');
    badArgument(() => knn(X, 50, 3, 2.5), 'k must be an integer from 1 to 49, got 2.5');
  });

  it('rejects a non-finite value and a wrong length', () => {
    const bad = X.slice();
    bad[3 * 7 + 1] = NaN;
    badArgument(() => knn(bad, 50, 3, 5), 'X has a non-finite value (NaN) at row 7, column 1');
    badArgument(() => knn(X.subarray(0, 149), 50, 3, 5), 'X has 149 values, expected 50 x 3 = 150');
  });

  it('rejects fewer than 2 points, an unknown method and a bad thread count', () => {
    badArgument(() => knn(X.subarray(0, 3), 1, 3, 1), 'knn needs an integer count of points from 2 to 2147483647, got 1');
    badArgument(() => knn(X, 50, 3, 5, { method: 'fast' as 'exact' }), "method must be 'exact', 'approx' or 'auto', got fast");
    badArgument(() => knn(X, 50, 3, 5, { threads: -1 }), 'threads must be an integer from 0 (all cores) to 1024, got -1');
  });

  it('reports squared distances beyond float range as a kernel failure, not as neighbours', () => {
    const huge = Float32Array.from({ length: 40 }, (_, i) => (i % 7) * 1e20);
    for (const method of ['exact', 'approx'] as const) {
      expect(() => knn(huge, 20, 2, 3, { method })).toThrow(
        expect.objectContaining({ code: 'KERNEL_FAILED', message: 'knn: squared distances overflow float; scale the input down' }),
      );
    }
  });
});
