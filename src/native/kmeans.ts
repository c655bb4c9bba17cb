import { LookalikeError } from '../core/errors.js';
import { callNative, type NativeKmeansResult } from './addon.js';
import { cudaKernels, resolveDevice, type Device, type DeviceRequest } from './device.js';
import { finiteNumber, integer, matrix, threadCount } from './validate.js';

/** The default stopping tolerance: within 0.1 % of the inertia at convergence (kmeans.h). */
export const KMEANS_TOLERANCE = 2e-5;

export interface KmeansOptions {
  seed?: number;
  /** Lloyd iterations at most (default 300, as scikit-learn). */
  maxIterations?: number;
  /** Stop when an iteration lowers the inertia by at most this fraction of it (default KMEANS_TOLERANCE; 0: when no label changes). */
  tolerance?: number;
  /** Threads (on cuda: of the seeding, which runs on the host). */
  threads?: number;
  /** auto (default: CUDA when a device is present), cpu or cuda. */
  device?: DeviceRequest;
  /**
   * Start from the k-means of uniform samples of the rows, not from the seeds alone
   * (default: on the CPU; CUDA starts from the seeds, so true there is an error).
   */
  sampleStart?: boolean;
}

export interface KmeansResult extends NativeKmeansResult {
  device: Device;
}

/**
 * k-means of the rows of X (n x d, row-major): greedy k-means++ seeds (on the CPU refined
 * on uniform samples of the rows), then Lloyd iterations (on the CPU, skipping the rows
 * whose distance bounds prove their label cannot change). Deterministic for a seed,
 * whatever the thread count; on CUDA the same seeds and stopping rule, so with
 * sampleStart: false on the CPU the inertia agrees with the CPU's up to rounding.
 */
export function kmeans(X: Float32Array, n: number, d: number, k: number, options: KmeansOptions = {}): KmeansResult {
  matrix('X', X, n, d);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new LookalikeError('BAD_ARGUMENT', `k must be an integer from 1 to the number of rows (${n}), got ${k}`);
  const seed = integer('seed', options.seed ?? 1, 0, 2 ** 32);
  const maxIterations = integer('maxIterations', options.maxIterations ?? 300, 1, 100_000);
  const tolerance = finiteNumber('tolerance', options.tolerance ?? KMEANS_TOLERANCE, 0, 1);
  const threads = threadCount(options.threads);
  const device = resolveDevice(options.device ?? 'auto');
  const sampleStart = options.sampleStart ?? device === 'cpu';
  if (sampleStart && device === 'cuda')
    throw new LookalikeError('BAD_ARGUMENT', 'sampleStart is the CPU version\'s: k-means on CUDA starts from the seeds');
  const result = device === 'cuda'
    ? callNative('k-means on CUDA', (kn) => cudaKernels(kn).kmeansCuda(X, n, d, k, seed, maxIterations, tolerance, threads, false))
    : callNative('kmeans', (kn) => kn.kmeans(X, n, d, k, seed, maxIterations, tolerance, threads, sampleStart));
  return { ...result, device };
}
