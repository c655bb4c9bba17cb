// The CUDA kernels, with the CPU wrappers' checks and results (tsne.ts). Each throws
// BAD_ARGUMENT when there is no CUDA device; failures of CUDA itself are CUDA_ERROR.
import { LookalikeError } from '../core/errors.js';
import { callNative, type CudaMemory } from './addon.js';
import { cudaKernels } from './device.js';
import type { PcaOptions, PcaResult } from './pca.js';
import { checkAffinities, type Csr } from './csr.js';
import { checkOptimizeArgs, type OptimizeParams } from './tsne.js';
import { finiteNumber, integer, matrix, positiveInt } from './validate.js';

/** Exact k nearest neighbours (squared distances, self excluded, sorted, ties by index). */
export function knnExactCuda(
  X: Float32Array, n: number, d: number, k: number,
): { indices: Int32Array; distances: Float32Array } {
  matrix('X', X, n, d);
  positiveInt('n', n, 2 ** 31 - 1);
  positiveInt('k', k, n - 1);
  return callNative('kNN on CUDA', (kn) => cudaKernels(kn).knnExactCuda(X, n, d, k));
}

/** pca.ts pcaProject() on the device: the same random matrix, so the same scores up to rounding. */
export function pcaProjectCuda(X: Float32Array, n: number, d: number, options: Omit<PcaOptions, 'threads'> = {}): PcaResult {
  matrix('X', X, n, d);
  const components = positiveInt('components', options.components ?? Math.min(50, d, n), Math.min(n, d));
  const powerIterations = integer('powerIterations', options.powerIterations ?? 2, 0, 20);
  const seed = positiveInt('seed', options.seed ?? 1, 2 ** 32);
  return callNative('PCA on CUDA', (k) => cudaKernels(k).pcaProjectCuda(X, n, d, components, powerIterations, seed));
}

/** The t-SNE gradient, Z and KL at exaggeration 1, as tsne.ts gradient() computes them. */
export function gradientCuda(
  P: Csr, Y: Float32Array, options: { exaggeration?: number; repulsion?: 'fft' | 'exact' } = {},
): { gradient: Float32Array; z: number; kl: number } {
  const n = checkAffinities(P);
  matrix('Y', Y, n, 2);
  const exaggeration = finiteNumber('exaggeration', options.exaggeration ?? 1, 0, 1e6);
  return callNative('t-SNE gradient on CUDA', (k) =>
    cudaKernels(k).tsneGradientCuda(P.indptr, P.indices, P.values, Y, exaggeration, options.repulsion ?? 'fft'),
  );
}

/** tsne.ts optimize() on the device: Y, update and gains are updated in place. */
export function optimizeCuda(
  P: Csr, Y: Float32Array, update: Float32Array, gains: Float32Array, params: OptimizeParams,
  report?: (iteration: number, kl: number) => boolean,
): number {
  checkOptimizeArgs(P, Y, update, gains, params);
  if (params.iterations === 0) return 0;
  return callNative('t-SNE on CUDA', (k) =>
    cudaKernels(k).tsneOptimizeCuda(P.indptr, P.indices, P.values, Y, update, gains, params, report),
  );
}

/** Device memory the kernels hold now and at most since the last reset; the device's free and total memory. */
export function cudaMemory(resetPeak = false): CudaMemory {
  return callNative('CUDA memory', (k) => cudaKernels(k).cudaMemory(resetPeak));
}
