import { LookalikeError } from '../core/errors.js';
import { callNative } from './addon.js';
import { integer, matrix, positiveInt, threadCount } from './validate.js';

export type KnnMethod = 'exact' | 'approx';

export interface KnnOptions {
  /** 'auto' (the default) runs exact below KNN_APPROX_FROM points, approx from there on. */
  method?: KnnMethod | 'auto';
  /** Seeds the approximate method's partition and recall sample. */
  seed?: number;
  threads?: number;
}

export interface KnnResult {
  /** n x k, row-major: each point's neighbours (never itself) by increasing distance, ties by smaller index. */
  indices: Int32Array;
  /** n x k squared Euclidean distances, matching `indices`. */
  distances: Float32Array;
  /** The method that ran. */
  method: KnnMethod;
}

/**
 * From this many points on, 'auto' takes approx: where it becomes faster than exact, on CIFAR-10
 * PCA-50 subsets with k = 90 on 2 threads (2,000 points: 17 ms each; 5,000: 40 against 44 ms;
 * 10,000: 87 against 102 ms; 50,000: 0.88 against 1.27 s), its recall 0.96 to 0.97 throughout.
 */
export const KNN_APPROX_FROM = 5_000;

/** k nearest neighbours of every row of X (n x d) under squared Euclidean distance. */
export function knn(X: Float32Array, n: number, d: number, k: number, options: KnnOptions = {}): KnnResult {
  if (!Number.isInteger(n) || n < 2 || n > 2 ** 31 - 1)
    throw new LookalikeError('BAD_ARGUMENT', `knn needs an integer count of points from 2 to ${2 ** 31 - 1}, got ${n}`);
  matrix('X', X, n, d);
  integer('k', k, 1, n - 1);
  const requested = options.method ?? 'auto';
  if (requested !== 'exact' && requested !== 'approx' && requested !== 'auto')
    throw new LookalikeError('BAD_ARGUMENT', `method must be 'exact', 'approx' or 'auto', got ${String(requested)}`);
  const seed = positiveInt('seed', options.seed ?? 1, 2 ** 32);
  const threads = threadCount(options.threads);
  const method: KnnMethod = requested === 'auto' ? (n < KNN_APPROX_FROM ? 'exact' : 'approx') : requested;
  const result = callNative('knn', (kernels) =>
    method === 'exact' ? kernels.knnExact(X, n, d, k, threads) : kernels.knnApprox(X, n, d, k, seed, threads),
  );
  return { ...result, method };
}
