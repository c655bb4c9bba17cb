import { LookalikeError } from '../core/errors.js';
import { callNative, kernels, type NativeOptimizeParams } from './addon.js';
import { checkAffinities, type Csr } from './csr.js';
import { finiteNumber, integer, matrix, positiveInt, threadCount } from './validate.js';

/** Symmetric t-SNE affinities (sum 1) from a kNN graph with squared distances, at the given perplexity. */
export function affinities(
  indices: Int32Array, distances: Float32Array, n: number, k: number, perplexity: number, threads?: number,
): Csr {
  positiveInt('n', n);
  positiveInt('k', k, n - 1);
  if (indices.length !== n * k || distances.length !== n * k)
    throw new LookalikeError('BAD_ARGUMENT', `neighbours must hold n x k = ${n * k} entries`);
  // Natively, on all cores: a JS loop took 20 ms over 50,000 x 90 neighbours.
  const bad = kernels().firstBadNeighbour(indices, distances, n, 0);
  if (bad >= 0) {
    const j = indices[bad]!;
    if (j < 0 || j >= n) throw new LookalikeError('BAD_ARGUMENT', `neighbour index ${j} out of range`);
    throw new LookalikeError('BAD_ARGUMENT', `neighbour distance ${distances[bad]} is not finite and non-negative`);
  }
  finiteNumber('perplexity', perplexity, Number.MIN_VALUE, k);
  const t = threadCount(threads);
  return callNative('affinities', (kn) => kn.affinitiesPerplexity(indices, distances, n, k, perplexity, t));
}

/**
 * The KL gradient at Y (without the factor 4, as FIt-SNE and openTSNE), Z = sum of the
 * Student-t weights, and KL(P‖Q) at exaggeration 1: what one optimiser step computes.
 */
export function gradient(
  P: Csr, Y: Float32Array, options: { exaggeration?: number; repulsion?: 'fft' | 'exact'; threads?: number } = {},
): { gradient: Float32Array; z: number; kl: number } {
  const n = checkAffinities(P);
  matrix('Y', Y, n, 2);
  const exaggeration = finiteNumber('exaggeration', options.exaggeration ?? 1, 0, 1e6);
  const t = threadCount(options.threads);
  return callNative('t-SNE gradient', (k) =>
    k.tsneGradient(P.indptr, P.indices, P.values, Y, exaggeration, options.repulsion ?? 'fft', t),
  );
}

export type { Csr } from './csr.js';

export type OptimizeParams = NativeOptimizeParams;

/** The optimiser's arguments, checked once for the CPU and the CUDA kernels alike. */
export function checkOptimizeArgs(
  P: Csr, Y: Float32Array, update: Float32Array, gains: Float32Array, params: OptimizeParams,
): void {
  const n = checkAffinities(P);
  matrix('Y', Y, n, 2);
  if (update.length !== 2 * n || gains.length !== 2 * n)
    throw new LookalikeError('BAD_ARGUMENT', 'update and gains must have n x 2 values');
  integer('iterations', params.iterations, 0, 1_000_000);
  finiteNumber('exaggeration', params.exaggeration, 0, 1e6);
  finiteNumber('learningRate', params.learningRate, Number.MIN_VALUE, 1e9);
  finiteNumber('momentum', params.momentum, 0, 1);
  if (params.reportEvery !== undefined) positiveInt('reportEvery', params.reportEvery);
  if (params.klEvery !== undefined) positiveInt('klEvery', params.klEvery);
}

/**
 * Runs gradient descent on Y in place; `update` and `gains` carry the optimiser state
 * between phases. `report(iteration, kl)` is called every `reportEvery` iterations on this
 * thread; returning true stops.
 */
export function optimize(
  P: Csr, Y: Float32Array, update: Float32Array, gains: Float32Array, params: OptimizeParams,
  report?: (iteration: number, kl: number) => boolean,
): number {
  checkOptimizeArgs(P, Y, update, gains, params);
  threadCount(params.threads);
  if (params.iterations === 0) return 0;
  return callNative('t-SNE', (k) => k.tsneOptimize(P.indptr, P.indices, P.values, Y, update, gains, params, report));
}
