import { createRequire } from 'node:module';
import { LookalikeError, type ErrorCode } from '../core/errors.js';

/**
 * The compiled kernels (kernels/, built by node-gyp into build/Release). Positional
 * arguments, flat typed arrays; the wrappers beside this file validate everything first.
 */
export interface NativeKernels {
  /** Index of the first NaN or infinity in data, or -1. */
  firstNonFinite(data: Float32Array, threads: number): number;
  firstBadNeighbour(indices: Int32Array, distances: Float32Array, n: number, threads: number): number;
  /** to.set(from) on all cores. */
  copyFloats(from: Float32Array, to: Float32Array, threads: number): void;
  pcaProject(
    X: Float32Array, n: number, d: number, components: number, powerIterations: number, seed: number, threads: number,
  ): { scores: Float32Array; variance: Float64Array };
  affinitiesPerplexity(
    indices: Int32Array, distances: Float32Array, n: number, k: number, perplexity: number, threads: number,
  ): { indptr: Int32Array; indices: Int32Array; values: Float32Array };
  tsneGradient(
    indptr: Int32Array, indices: Int32Array, values: Float32Array, Y: Float32Array,
    exaggeration: number, repulsion: 'fft' | 'exact', threads: number,
  ): { gradient: Float32Array; z: number; kl: number };
  tsneOptimize(
    indptr: Int32Array, indices: Int32Array, values: Float32Array,
    Y: Float32Array, update: Float32Array, gains: Float32Array,
    params: NativeOptimizeParams, report?: (iteration: number, kl: number) => boolean,
  ): number;
  repulsionExact(Y: Float32Array, threads: number): { forces: Float32Array; z: number };
  repulsionFft(
    Y: Float32Array, pointsPerInterval: number, minIntervals: number, intervalsPerUnit: number, threads: number,
  ): { forces: Float32Array; z: number };
  klDivergenceExact(indptr: Int32Array, indices: Int32Array, values: Float32Array, Y: Float32Array, threads: number): number;
  trustworthiness(
    X: Float32Array, n: number, d: number, Y: Float32Array, k: number, queries: Int32Array | null, threads: number,
  ): number;
  knnLabelAgreement(Y: Float32Array, labels: Int32Array, k: number, threads: number): number;
  knnExact(X: Float32Array, n: number, d: number, k: number, threads: number): { indices: Int32Array; distances: Float32Array };
  knnApprox(
    X: Float32Array, n: number, d: number, k: number, seed: number, threads: number,
  ): { indices: Int32Array; distances: Float32Array };
  kmeans(
    X: Float32Array, n: number, d: number, k: number, seed: number, maxIterations: number, tolerance: number, threads: number,
    sampleStart: boolean,
  ): NativeKmeansResult;

  /** Whether nvcc built the CUDA kernels into this addon; the optional members below exist only then. */
  cudaBuilt: boolean;
  /** CUDA devices usable now; 0 without a driver or a device. */
  cudaDeviceCount(): number;
  cudaMemory?(resetPeak: boolean): CudaMemory;
  knnExactCuda?(X: Float32Array, n: number, d: number, k: number): { indices: Int32Array; distances: Float32Array };
  pcaProjectCuda?(
    X: Float32Array, n: number, d: number, components: number, powerIterations: number, seed: number,
  ): { scores: Float32Array; variance: Float64Array };
  kmeansCuda?(
    X: Float32Array, n: number, d: number, k: number, seed: number, maxIterations: number, tolerance: number, threads: number,
    sampleStart: boolean,
  ): NativeKmeansResult;
  tsneGradientCuda?(
    indptr: Int32Array, indices: Int32Array, values: Float32Array, Y: Float32Array,
    exaggeration: number, repulsion: 'fft' | 'exact',
  ): { gradient: Float32Array; z: number; kl: number };
  tsneOptimizeCuda?(
    indptr: Int32Array, indices: Int32Array, values: Float32Array,
    Y: Float32Array, update: Float32Array, gains: Float32Array,
    params: NativeOptimizeParams, report?: (iteration: number, kl: number) => boolean,
  ): number;
}

export interface NativeKmeansResult {
  /** n cluster indices in 0..k-1. */
  labels: Int32Array;
  /** k x d, row-major: the mean of each cluster. */
  centroids: Float32Array;
  /** Sum of squared distances of the rows to their centroids. */
  inertia: number;
  iterations: number;
  /** The inertia after each iteration, never increasing. */
  history: Float64Array;
  /**
   * Wall-clock seconds: data statistics (on cuda: the upload of X and its statistics, while
   * the seeding runs beside them on the host), seeding (with the samples' k-means of the
   * sample start), Lloyd iterations over all rows.
   */
  seconds: { setup: number; seeding: number; lloyd: number };
}

export interface CudaMemory {
  /** Device memory the kernels hold now: 0 between calls, failed ones included. */
  currentBytes: number;
  /** Most device memory the kernels held at once since the last reset. */
  peakBytes: number;
  freeBytes: number;
  totalBytes: number;
}

export interface NativeOptimizeParams {
  iterations: number;
  exaggeration: number;
  learningRate: number;
  momentum: number;
  minGain?: number;
  repulsion: 'fft' | 'exact';
  pointsPerInterval?: number;
  minIntervals?: number;
  intervalsPerUnit?: number;
  reportEvery?: number;
  klEvery?: number;
  threads: number;
}

let loaded: NativeKernels | undefined;

/** The addon, loaded once per thread; a missing build is a clear error, not a stack trace. */
export function kernels(): NativeKernels {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    loaded = require('../../build/Release/lookalike_kernels.node') as NativeKernels;
  } catch (err) {
    throw new LookalikeError(
      'KERNEL_FAILED',
      `the native kernels are not built (${(err as Error).message.split('\n')[0]}); run "npm install" or "npx node-gyp rebuild"`,
      { cause: err },
    );
  }
  return loaded;
}

const NATIVE_CODES = new Set<ErrorCode>(['BAD_ARGUMENT', 'KERNEL_FAILED', 'CUDA_ERROR', 'OUT_OF_MEMORY', 'CANCELLED']);

/** Calls into the addon, turning its coded errors into LookalikeErrors. */
export function callNative<T>(what: string, fn: (k: NativeKernels) => T): T {
  const k = kernels();
  try {
    return fn(k);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && NATIVE_CODES.has(code as ErrorCode))
      throw new LookalikeError(code as ErrorCode, `${what}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}
