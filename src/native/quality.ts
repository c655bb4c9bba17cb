import { LookalikeError } from '../core/errors.js';
import { callNative } from './addon.js';
import { checkAffinities, type Csr } from './csr.js';
import { integer, matrix, threadCount } from './validate.js';

export interface QualityOptions {
  threads?: number;
}

/**
 * Exact KL(P || Q) of a 2-D embedding Y (n x 2) for t-SNE input affinities P (no diagonal,
 * non-negative, summing to 1), with Q the Student-t affinities of Y. O(n²): 0.2-0.3 s for
 * 50,000 points.
 */
export function klDivergenceExact(P: Csr, Y: Float32Array, options: QualityOptions = {}): number {
  const n = checkAffinities(P);
  matrix('Y', Y, n, 2);
  const threads = threadCount(options.threads);
  return callNative('KL divergence', (k) => k.klDivergenceExact(P.indptr, P.indices, P.values, Y, threads));
}

export interface TrustworthinessOptions extends QualityOptions {
  /** Rows to average over (all rows when absent). Each costs O(n·d): 5,000 queries take about 1 s at n = 50,000, d = 50. */
  queries?: Int32Array;
}

/**
 * Trustworthiness at k (Venna & Kaski 2001) of the embedding Y (n x 2) of X (n x d), with
 * exact ranks in both spaces; over all rows it equals sklearn.manifold.trustworthiness. On a
 * query subset, each query's penalty is normalised as over all rows, so the value stays in [0, 1].
 */
export function trustworthiness(
  X: Float32Array, n: number, d: number, Y: Float32Array, k: number, options: TrustworthinessOptions = {},
): number {
  matrix('X', X, n, d);
  matrix('Y', Y, n, 2);
  if (n < 3) throw new LookalikeError('BAD_ARGUMENT', `trustworthiness needs at least 3 points, got ${n}`);
  integer('k', k, 1, Math.ceil(n / 2) - 1); // k < n / 2, as sklearn requires
  const queries = options.queries ?? null;
  if (queries !== null) indexList('queries', queries, n);
  const threads = threadCount(options.threads);
  return callNative('trustworthiness', (kn) => kn.trustworthiness(X, n, d, Y, k, queries, threads));
}

/**
 * The mean, over all points, of the fraction of their k nearest neighbours in the embedding
 * Y (n x 2, exact, the point itself excluded) that share their label.
 */
export function knnLabelAgreement(Y: Float32Array, labels: Int32Array, k: number, options: QualityOptions = {}): number {
  if (!(labels instanceof Int32Array)) throw new LookalikeError('BAD_ARGUMENT', 'labels must be an Int32Array');
  const n = labels.length;
  if (n < 2) throw new LookalikeError('BAD_ARGUMENT', `label agreement needs at least 2 points, got ${n}`);
  matrix('Y', Y, n, 2);
  integer('k', k, 1, n - 1);
  const threads = threadCount(options.threads);
  return callNative('label agreement', (kn) => kn.knnLabelAgreement(Y, labels, k, threads));
}

function indexList(name: string, list: Int32Array, n: number): void {
  if (!(list instanceof Int32Array)) throw new LookalikeError('BAD_ARGUMENT', `${name} must be an Int32Array`);
  if (list.length === 0) throw new LookalikeError('BAD_ARGUMENT', `${name} must not be empty`);
  for (let i = 0; i < list.length; i++)
    if (list[i]! < 0 || list[i]! >= n) throw new LookalikeError('BAD_ARGUMENT', `${name}[${i}] = ${list[i]} is outside 0..${n - 1}`);
}
