// What the CUDA kernels' checks compare with and run on: kNN against exact distances and
// against another kNN result, PCA against PCA, the KL of short t-SNE runs, seeded data.
import type { Csr } from '../native/csr.js';
import type { OptimizeParams } from '../native/tsne.js';

/** Squared distances from row i to every row, in double. */
function distancesFrom(X: Float32Array, n: number, d: number, i: number): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < d; p++) {
      const diff = X[i * d + p]! - X[j * d + p]!;
      s += diff * diff;
    }
    out[j] = s;
  }
  return out;
}

export interface KnnComparison {
  rows: number;
  /** Rows whose neighbour set differs other than by swapping points at equal distance. */
  badRows: number;
  /** Largest |distance - exact| / max(exact, 1e-12) over all neighbours returned. */
  maxDistanceError: number;
}

/**
 * Checks kNN results (n x k, self excluded) against exact distances for the given rows:
 * every returned index must be at most as far as the exact k-th neighbour (within a
 * relative 1e-5, for ties and float rounding), each index once, the row sorted.
 */
export function compareKnn(
  X: Float32Array, n: number, d: number, k: number, indices: Int32Array, distances: Float32Array, rows: number[],
): KnnComparison {
  let badRows = 0;
  let maxDistanceError = 0;
  for (const i of rows) {
    const exact = distancesFrom(X, n, d, i);
    const others = Array.from(exact).filter((_, j) => j !== i).sort((a, b) => a - b);
    const kth = others[k - 1]!;
    const seen = new Set<number>();
    let ok = true;
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]!;
      const dist = distances[i * k + t]!;
      if (j === i || j < 0 || j >= n || seen.has(j)) ok = false;
      seen.add(j);
      if (j >= 0 && j < n) {
        if (exact[j]! > kth * (1 + 1e-5) + 1e-12) ok = false;
        maxDistanceError = Math.max(maxDistanceError, Math.abs(dist - exact[j]!) / Math.max(exact[j]!, 1e-12));
      }
      if (t > 0 && dist < distances[i * k + t - 1]!) ok = false;
    }
    if (!ok) badRows++;
  }
  return { rows: rows.length, badRows, maxDistanceError };
}

export interface KnnLists {
  indices: Int32Array;
  distances: Float32Array;
}

/**
 * Compares two kNN results (n x k): a row is bad when a neighbour in one is missing from
 * the other without lying at (within `tolerance`, relative) the other's k-th distance, i.e.
 * without a tie at the boundary. Shared neighbours' distances are compared relative to the
 * row's k-th distance, at least 1e-6 (methods that round differently disagree most near 0).
 */
export function compareKnnLists(a: KnnLists, b: KnnLists, n: number, k: number, tolerance = 1e-4): KnnComparison {
  let badRows = 0;
  let maxDistanceError = 0;
  const extraAreTies = (x: KnnLists, y: KnnLists, i: number, inY: Map<number, number>) => {
    const kth = y.distances[i * k + k - 1]!;
    for (let t = 0; t < k; t++)
      if (!inY.has(x.indices[i * k + t]!) && x.distances[i * k + t]! < kth * (1 - tolerance) - 1e-12) return false;
    return true;
  };
  for (let i = 0; i < n; i++) {
    const inA = new Map<number, number>(), inB = new Map<number, number>();
    for (let t = 0; t < k; t++) {
      inA.set(a.indices[i * k + t]!, a.distances[i * k + t]!);
      inB.set(b.indices[i * k + t]!, b.distances[i * k + t]!);
    }
    const scale = Math.max(b.distances[i * k + k - 1]!, 1e-6);
    for (const [j, d] of inA) {
      const other = inB.get(j);
      if (other !== undefined) maxDistanceError = Math.max(maxDistanceError, Math.abs(d - other) / scale);
    }
    if (!extraAreTies(a, b, i, inB) || !extraAreTies(b, a, i, inA)) badRows++;
  }
  return { rows: n, badRows, maxDistanceError };
}

/** Relative error max |a - b| / max |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** Seeded normal deviates (xorshift + Box-Muller), reproducible everywhere. */
export function normals(count: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** n points in d dimensions around `clusters` centres (spread 10), unit noise; seeded. */
export function clusteredPoints(n: number, d: number, clusters: number, seed: number): Float32Array {
  const centres = normals(clusters * d, seed);
  const X = normals(n * d, seed + 1);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let p = 0; p < d; p++) X[i * d + p] = X[i * d + p]! + 10 * centres[c * d + p]!;
  }
  return X;
}

/** n x d with `rank` strong directions (decreasing weight) plus small noise, offset from 0; seeded. */
export function lowRankPoints(n: number, d: number, rank: number, seed: number): Float32Array {
  const F = normals(n * rank, seed), W = normals(rank * d, seed + 1), X = normals(n * d, seed + 2);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      let s = 0.05 * X[i * d + j]! + 3;
      for (let r = 0; r < rank; r++) s += F[i * rank + r]! * W[r * d + j]! * (rank - r);
      X[i * d + j] = s;
    }
  return X;
}

/** PCA results against a reference: variance and leading-score differences, relative to the largest variance and each component's spread. */
export function comparePca(
  a: { scores: Float32Array; variance: Float64Array }, b: { scores: Float32Array; variance: Float64Array },
  n: number, leading: number,
): { variance: number; scores: number } {
  const k = b.variance.length;
  let variance = 0, scores = 0;
  for (let c = 0; c < k; c++) variance = Math.max(variance, Math.abs(a.variance[c]! - b.variance[c]!) / b.variance[0]!);
  for (let c = 0; c < Math.min(leading, k); c++)
    for (let i = 0; i < n; i++)
      scores = Math.max(scores, Math.abs(a.scores[i * k + c]! - b.scores[i * k + c]!) / Math.sqrt(b.variance[c]!));
  return { variance, scores };
}

/**
 * The KL after 250 early-exaggeration and 250 plain iterations, averaged over three
 * starts that differ by a relative 1e-6: single runs are chaotic (such starts alone
 * spread the KL by ~1% at 2,000 points), their mean much less so.
 */
export function meanKl(
  P: Csr, Y0: Float32Array, repulsion: 'exact' | 'fft',
  run: (P: Csr, Y: Float32Array, update: Float32Array, gains: Float32Array, params: OptimizeParams,
    report: (iteration: number, kl: number) => boolean) => number,
): { mean: number; runs: number[] } {
  const runs = [0, 1e-6, 2e-6].map((eps) => {
    const Y = Y0.map((v, i) => v * (1 + eps * Math.sin(i)));
    const update = new Float32Array(Y.length), gains = new Float32Array(Y.length).fill(1);
    let kl = NaN;
    for (const phase of [{ iterations: 250, exaggeration: 12, momentum: 0.5 }, { iterations: 250, exaggeration: 1, momentum: 0.8 }])
      run(P, Y, update, gains, { ...phase, learningRate: 200, repulsion, threads: 0 }, (_, value) => ((kl = value), false));
    return kl;
  });
  return { mean: runs.reduce((a, b) => a + b) / runs.length, runs };
}
