// Plain TypeScript references for checking the CUDA kernels: exact kNN, exact t-SNE
// repulsion and a gradient-descent loop with it, written for clarity, O(n^2).
import { attraction, type Csr } from '../native/tsne.js';

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

/** Exact repulsion sum_j q_ij^2 (y_i - y_j) and Z = sum_{i != j} q_ij, in double. */
export function exactRepulsion(Y: Float32Array, n: number): { forces: Float64Array; z: number } {
  const forces = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i]!, yi = Y[2 * i + 1]!;
    let fx = 0, fy = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = xi - Y[2 * j]!, dy = yi - Y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      fx += q * q * dx;
      fy += q * q * dy;
      z += q;
    }
    forces[2 * i] = fx;
    forces[2 * i + 1] = fy;
  }
  return { forces, z };
}

export function entropy(P: Csr): number {
  let s = 0;
  for (const p of P.values) if (p > 0) s += p * Math.log(p);
  return s;
}

/** The exact gradient and KL, attraction from the CPU kernel. */
export function exactGradient(P: Csr, Y: Float32Array, exaggeration: number): { gradient: Float64Array; z: number; kl: number } {
  const n = Y.length / 2;
  const attract = attraction(P, Y);
  const { forces, z } = exactRepulsion(Y, n);
  const gradient = new Float64Array(2 * n);
  for (let c = 0; c < 2 * n; c++) gradient[c] = exaggeration * attract.forces[c]! - forces[c]! / z;
  return { gradient, z, kl: entropy(P) + attract.sumPLogW + Math.log(z) };
}

/** Gradient descent with momentum and gains on the exact gradient; returns the final KL. */
export function referenceOptimize(
  P: Csr, Y: Float32Array, update: Float32Array, gains: Float32Array,
  params: { iterations: number; exaggeration: number; learningRate: number; momentum: number; minGain?: number },
): number {
  const minGain = params.minGain ?? 0.01;
  let kl = NaN;
  for (let it = 0; it < params.iterations; it++) {
    const g = exactGradient(P, Y, params.exaggeration);
    kl = g.kl;
    for (let c = 0; c < Y.length; c++) {
      const grad = g.gradient[c]!;
      let gain = update[c]! * grad < 0 ? gains[c]! + 0.2 : gains[c]! * 0.8;
      if (gain < minGain) gain = minGain;
      gains[c] = gain;
      update[c] = params.momentum * update[c]! - params.learningRate * gain * grad;
      Y[c] = Y[c]! + update[c]!;
    }
  }
  return kl;
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
