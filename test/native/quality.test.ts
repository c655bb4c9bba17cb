import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/evaluation/split.js';
import type { Csr } from '../../src/native/csr.js';
import { klDivergenceExact, knnLabelAgreement, trustworthiness } from '../../src/native/quality.js';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: rows * cols }, () => gaussian(rand) * scale);
}

/** A symmetric P summing to 1: each point picks a few random neighbours with random weights. */
function randomAffinities(n: number, perRow: number, seed: number): Csr {
  const rand = seededRandom(seed);
  const rows = Array.from({ length: n }, () => new Map<number, number>());
  for (let i = 0; i < n; i++)
    for (let t = 0; t < perRow; t++) {
      const j = Math.floor(rand() * n);
      if (j === i) continue;
      const w = rand();
      rows[i]!.set(j, (rows[i]!.get(j) ?? 0) + w);
      rows[j]!.set(i, (rows[j]!.get(i) ?? 0) + w);
    }
  return csr(rows);
}

function csr(rows: Map<number, number>[]): Csr {
  const total = rows.reduce((s, r) => s + [...r.values()].reduce((a, b) => a + b, 0), 0);
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  rows.forEach((r, i) => {
    for (const [j, w] of [...r].sort((a, b) => a[0] - b[0])) indices.push(j), values.push(w / total);
    indptr[i + 1] = indices.length;
  });
  return { indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
}

function sqDist(A: Float32Array, dims: number, i: number, j: number): number {
  let s = 0;
  for (let c = 0; c < dims; c++) s += (A[i * dims + c]! - A[j * dims + c]!) ** 2;
  return s;
}

/** Plain O(n²) KL(P || Q) in double. */
function klReference(P: Csr, Y: Float32Array): number {
  const n = P.indptr.length - 1;
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += 1 / (1 + sqDist(Y, 2, i, j));
  let kl = 0;
  for (let i = 0; i < n; i++)
    for (let e = P.indptr[i]!; e < P.indptr[i + 1]!; e++) {
      const p = P.values[e]!;
      if (p > 0) kl += p * Math.log(p / (1 / (1 + sqDist(Y, 2, i, P.indices[e]!)) / z));
    }
  return kl;
}

/** Row i's other points ordered by (distance, index). */
function ranked(A: Float32Array, dims: number, n: number, i: number): number[] {
  const d = Array.from({ length: n }, (_, j) => sqDist(A, dims, i, j));
  return Array.from({ length: n }, (_, j) => j)
    .filter((j) => j !== i)
    .sort((a, b) => d[a]! - d[b]! || a - b);
}

/** Venna & Kaski's formula, straight from its definition, over the given query rows. */
function trustworthinessReference(X: Float32Array, n: number, d: number, Y: Float32Array, k: number, queries: number[]): number {
  let penalty = 0;
  for (const i of queries) {
    const rankInX = new Map(ranked(X, d, n, i).map((j, r) => [j, r + 1]));
    for (const j of ranked(Y, 2, n, i).slice(0, k)) penalty += Math.max(0, rankInX.get(j)! - k);
  }
  return 1 - (2 / (queries.length * k * (2 * n - 3 * k - 1))) * penalty;
}

function labelAgreementReference(Y: Float32Array, labels: Int32Array, k: number): number {
  let agree = 0;
  for (let i = 0; i < labels.length; i++)
    for (const j of ranked(Y, 2, labels.length, i).slice(0, k)) agree += labels[j] === labels[i] ? 1 : 0;
  return agree / (labels.length * k);
}

describe('exact KL divergence', () => {
  it('equals a plain O(n²) computation on 300 points', () => {
    const P = randomAffinities(300, 10, 1);
    const Y = randomMatrix(300, 2, 2, 5);
    const expected = klReference(P, Y);
    expect(expected).toBeGreaterThan(0.5);
    for (const threads of [1, 2, 3]) expect(Math.abs(klDivergenceExact(P, Y, { threads }) / expected - 1)).toBeLessThan(1e-6);
  });

  it('is zero when P is Q itself', () => {
    const n = 120;
    const Y = randomMatrix(n, 2, 3);
    const rows = Array.from({ length: n }, (_, i) => new Map(Array.from({ length: n }, (_, j) => [j, 1 / (1 + sqDist(Y, 2, i, j))] as [number, number]).filter(([j]) => j !== i)));
    expect(Math.abs(klDivergenceExact(csr(rows), Y))).toBeLessThan(1e-6);
  });

  it('rejects a malformed P', () => {
    const P = randomAffinities(20, 3, 4);
    const Y = randomMatrix(20, 2, 5);
    expect(() => klDivergenceExact(P, randomMatrix(19, 2, 5))).toThrow(/Y has 38 values, expected 20 x 2/);
    expect(() => klDivergenceExact({ ...P, values: P.values.map((v) => v * 2) }, Y)).toThrow(/sum to 2.* must sum to 1/);
    expect(() => klDivergenceExact({ ...P, indices: P.indices.map((j, e) => (e === 0 ? 0 : j)) }, Y)).toThrow(/row 0 has a diagonal entry/);
    expect(() => klDivergenceExact({ ...P, indices: P.indices.map((j, e) => (e === 0 ? 20 : j)) }, Y)).toThrow(/column 20 of row 0 is outside 0..19/);
    expect(() => klDivergenceExact({ ...P, values: P.values.map((v, e) => (e === 1 ? -v : v)) }, Y)).toThrow(/not a finite non-negative/);
    expect(() => klDivergenceExact({ ...P, indptr: P.indptr.subarray(0, 20) }, Y)).toThrow(/indptr must run from 0 to the entry count/);
  });
});

describe('trustworthiness', () => {
  // X: 10-D; Y: its first two coordinates plus noise, so some neighbours are kept and some lost.
  const n = 200;
  const X = randomMatrix(n, 10, 6);
  const noise = randomMatrix(n, 2, 7, 0.3);
  const Y = Float32Array.from({ length: 2 * n }, (_, t) => X[Math.floor(t / 2) * 10 + (t % 2)]! + noise[t]!);
  const all = Array.from({ length: n }, (_, i) => i);

  it('equals the definition on 200 points, over all rows and over a subset', () => {
    for (const k of [1, 5, 12]) {
      const t = trustworthiness(X, n, 10, Y, k, { threads: 2 });
      expect(t).toBeGreaterThan(0.5);
      expect(t).toBeLessThan(1);
      expect(t).toBeCloseTo(trustworthinessReference(X, n, 10, Y, k, all), 12);
    }
    const subset = [5, 17, 199, 0, 64, 17];
    expect(trustworthiness(X, n, 10, Y, 7, { queries: Int32Array.from(subset) })).toBeCloseTo(
      trustworthinessReference(X, n, 10, Y, 7, subset),
      12,
    );
  });

  it('ranks equal distances by index, as the definition above does', () => {
    // Small integer coordinates: many exactly equal distances in both spaces.
    const rand = seededRandom(8);
    const m = 90;
    const Xi = Float32Array.from({ length: m * 3 }, () => Math.floor(rand() * 4));
    const Yi = Float32Array.from({ length: m * 2 }, () => Math.floor(rand() * 5));
    const everyRow = Array.from({ length: m }, (_, i) => i);
    for (const threads of [1, 2])
      expect(trustworthiness(Xi, m, 3, Yi, 6, { threads })).toBeCloseTo(trustworthinessReference(Xi, m, 3, Yi, 6, everyRow), 12);
  });

  it('is 1 for an embedding that keeps every neighbourhood', () => {
    const X2 = randomMatrix(150, 2, 9);
    expect(trustworthiness(X2, 150, 2, X2.map((v) => 3 * v), 10)).toBe(1);
  });

  it('rejects bad arguments', () => {
    expect(() => trustworthiness(X, n, 10, Y, 100)).toThrow(/k must be an integer from 1 to 99, got 100/);
    expect(() => trustworthiness(X, n, 10, Y, 5, { queries: Int32Array.of(3, 200) })).toThrow(/queries\[1\] = 200 is outside 0..199/);
    expect(() => trustworthiness(X, n, 10, Y, 5, { queries: new Int32Array(0) })).toThrow(/queries must not be empty/);
    expect(() => trustworthiness(X, n, 9, Y, 5)).toThrow(/X has 2000 values, expected 200 x 9/);
  });
});

describe('kNN label agreement', () => {
  it('equals a brute-force count, ties included', () => {
    const rand = seededRandom(10);
    const m = 400;
    // Half the points on a coarse integer lattice (many equal distances and duplicates), half anywhere.
    const Y = Float32Array.from({ length: 2 * m }, (_, t) => (t < m ? Math.floor(rand() * 8) : rand() * 8));
    const labels = Int32Array.from({ length: m }, () => Math.floor(rand() * 3));
    for (const k of [1, 7, 30]) expect(knnLabelAgreement(Y, labels, k, { threads: 2 })).toBe(labelAgreementReference(Y, labels, k));
  });

  it('is 1 on well-separated labelled blobs and about 1/classes on random labels', () => {
    const classes = 5;
    const perClass = 400;
    const noise = randomMatrix(classes * perClass, 2, 11);
    const Y = noise.map((v, t) => v + 50 * Math.floor(Math.floor(t / 2) / perClass));
    const labels = Int32Array.from({ length: classes * perClass }, (_, i) => Math.floor(i / perClass));
    expect(knnLabelAgreement(Y, labels, 10)).toBe(1);
    const rand = seededRandom(12);
    const shuffled = labels.map(() => Math.floor(rand() * classes));
    expect(knnLabelAgreement(Y, shuffled, 10)).toBeCloseTo(1 / classes, 1);
  });

  it('rejects bad arguments', () => {
    const Y = randomMatrix(10, 2, 13);
    expect(() => knnLabelAgreement(Y, new Int32Array(10), 10)).toThrow(/k must be an integer from 1 to 9, got 10/);
    expect(() => knnLabelAgreement(Y, new Int32Array(9), 3)).toThrow(/Y has 20 values, expected 9 x 2/);
    expect(() => knnLabelAgreement(Y.map((v, i) => (i === 3 ? NaN : v)), new Int32Array(10), 3)).toThrow(/non-finite value \(NaN\) at row 1, column 1/);
  });
});
