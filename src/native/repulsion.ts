import { LookalikeError } from '../core/errors.js';
import { callNative } from './addon.js';
import { finiteNumber, integer, matrix, threadCount } from './validate.js';

/** The repulsive half of the t-SNE gradient of a 2-D embedding. */
export interface Repulsion {
  /** n x 2 interleaved: sum_j q_ij² (y_i − y_j), q_ij = 1 / (1 + |y_i − y_j|²). */
  forces: Float32Array;
  /** sum over i ≠ j of q_ij. */
  z: number;
}

export interface RepulsionFftOptions {
  /** Lagrange interpolation nodes per interval and dimension. */
  pointsPerInterval?: number;
  /** Intervals per dimension, at least; the grid is never coarser. */
  minIntervals?: number;
  /** Intervals per unit of the embedding's extent: the near-field accuracy (1: force error ~1e-2 at an extent of 100). */
  intervalsPerUnit?: number;
  threads?: number;
}

/** Y as n x 2 interleaved coordinates, n >= 2, all finite; returns n. */
function embedding(Y: Float32Array): number {
  if (!(Y instanceof Float32Array)) throw new LookalikeError('BAD_ARGUMENT', 'Y must be a Float32Array');
  if (Y.length % 2 !== 0)
    throw new LookalikeError('BAD_ARGUMENT', `Y must hold n x 2 interleaved coordinates, got ${Y.length} values`);
  const n = Y.length / 2;
  if (n < 2) throw new LookalikeError('BAD_ARGUMENT', `Y must hold at least 2 points, got ${n}`);
  matrix('Y', Y, n, 2);
  return n;
}

/** Exact O(n²) repulsion: the reference, and the method for small n. */
export function repulsionExact(Y: Float32Array, options: { threads?: number } = {}): Repulsion {
  embedding(Y);
  const threads = threadCount(options.threads);
  return callNative('repulsion', (k) => k.repulsionExact(Y, threads));
}

/**
 * Repulsion by interpolation on a grid and FFT convolution (FIt-SNE, Linderman et al. 2019): O(n + grid log grid).
 * The grid grows with the embedding's extent; beyond 2,048 nodes per dimension the kernel refuses (BAD_ARGUMENT).
 */
export function repulsionFft(Y: Float32Array, options: RepulsionFftOptions = {}): Repulsion {
  embedding(Y);
  const pointsPerInterval = integer('pointsPerInterval', options.pointsPerInterval ?? 3, 2, 6);
  const minIntervals = integer('minIntervals', options.minIntervals ?? 50, 1, Math.floor(2048 / pointsPerInterval));
  const intervalsPerUnit = finiteNumber('intervalsPerUnit', options.intervalsPerUnit ?? 1, 0.01, 100);
  const threads = threadCount(options.threads);
  return callNative('repulsion', (k) => k.repulsionFft(Y, pointsPerInterval, minIntervals, intervalsPerUnit, threads));
}
