import { LookalikeError } from '../core/errors.js';
import { knnExactCuda, optimizeCuda, pcaProjectCuda } from '../native/cuda.js';
import { resolveDevice, type Device } from '../native/device.js';
import { knn, type KnnMethod } from '../native/knn.js';
import { pcaProject, type PcaOptions, type PcaResult } from '../native/pca.js';
import { affinities, optimize, type Csr } from '../native/tsne.js';
import { matrix } from '../native/validate.js';
import { EXACT_REPULSION_MAX, resolveTsneOptions, type TsneOptions } from './tsne-options.js';

export type TsnePhase = 'pca' | 'knn' | 'affinities' | 'optimize';

export interface TsneProgress {
  phase: TsnePhase;
  /** Iterations done (optimize) out of `iterations`; 0 of 1 / 1 of 1 for the other phases. */
  done: number;
  total: number;
  /** Latest KL(P‖Q) estimate during optimisation. */
  kl?: number;
}

export interface TsneResult {
  /** n x 2, row-major. */
  embedding: Float32Array;
  /** Input affinities P (CSR, sum 1), for measuring the KL divergence of any embedding. */
  affinities: Csr;
  knnMethod: KnnMethod;
  device: Device;
  /** Seconds per phase. */
  seconds: Record<TsnePhase, number>;
  /** Seconds of the whole run on its thread: the phases, the input check and the steps between. */
  runSeconds: number;
  iterations: number;
  klDivergence: number;
}

/** Return true to stop: the run then ends with a CANCELLED error. */
export type TsneProgressHandler = (progress: TsneProgress) => boolean | void;

/**
 * The whole t-SNE on this thread (the worker in tsne.ts calls it): PCA, kNN with
 * k = 3·perplexity, perplexity-calibrated P, PCA initialisation scaled to std 1e-4, early
 * exaggeration, then plain gradient descent (the FIt-SNE / openTSNE recipe).
 */
export function runTsne(
  X: Float32Array, n: number, d: number, options: TsneOptions = {}, onProgress: TsneProgressHandler = () => false,
): TsneResult {
  const started = performance.now();
  const o = resolveTsneOptions(n, d, options);
  matrix('vectors', X, n, d);
  const seconds: Record<TsnePhase, number> = { pca: 0, knn: 0, affinities: 0, optimize: 0 };
  const phase = <T>(name: TsnePhase, fn: () => T): T => {
    if (onProgress({ phase: name, done: 0, total: 1 })) throw cancelled();
    const start = performance.now();
    const result = fn();
    seconds[name] = (performance.now() - start) / 1000;
    return result;
  };

  const device = resolveDevice(o.device);
  const engine = device === 'cuda' ? CUDA : CPU;
  const reduce = o.pcaComponents > 0 && d > o.pcaComponents;
  const pca = phase('pca', () =>
    engine.pca(X, n, d, { components: reduce ? o.pcaComponents : 2, seed: o.seed, threads: o.threads }),
  );
  const [data, dims] = reduce ? [pca.scores, o.pcaComponents] : [X, d];
  const k = Math.min(n - 1, Math.floor(3 * o.perplexity));
  const neighbours = phase('knn', () => engine.knn(data, n, dims, k, { method: o.knn, seed: o.seed, threads: o.threads }));
  const P = phase('affinities', () => affinities(neighbours.indices, neighbours.distances, n, k, o.perplexity, o.threads));

  const Y = initialLayout(pca.scores, n, reduce ? o.pcaComponents : 2);
  const update = new Float32Array(2 * n);
  const gains = new Float32Array(2 * n).fill(1);
  const repulsion = o.repulsion === 'auto' ? (n <= EXACT_REPULSION_MAX ? 'exact' : 'fft') : o.repulsion;
  let kl = NaN;
  let done = 0;
  const start = performance.now();

  // Early exaggeration ends when its KL stops falling (below 1e-4 relative change over 25
  // iterations, after at least 100), and its unused iterations go to the main phase. On the
  // CIFAR-10 vectors it plateaus by iteration ~125; 125 + 625 iterations end at KL 4.014
  // where the fixed 250 + 500 end at 4.071 (and 125 + 500 at 4.067).
  let previous = NaN;
  let plateau = false;
  const early = engine.optimize(
    P, Y, update, gains,
    {
      iterations: o.earlyExaggerationIterations, exaggeration: o.earlyExaggeration, momentum: 0.5,
      learningRate: o.learningRate, repulsion, threads: o.threads, reportEvery: 5, klEvery: 25,
    },
    (iteration, estimate) => {
      if (!Number.isNaN(estimate)) kl = estimate;
      if (onProgress({ phase: 'optimize', done: iteration, total: o.iterations, kl }) === true) return true;
      if (!o.earlyExaggerationStop || iteration % 25 !== 0) return false;
      plateau = iteration >= 100 && Math.abs(previous - estimate) < 1e-4 * Math.abs(estimate);
      previous = estimate;
      return plateau;
    },
  );
  if (early < o.earlyExaggerationIterations && !plateau) throw cancelled();
  done = early;
  const rest = o.iterations - done;
  if (rest > 0) {
    const ran = engine.optimize(
      P, Y, update, gains,
      {
        iterations: rest, exaggeration: 1, momentum: MAIN_MOMENTUM,
        learningRate: o.learningRate, repulsion, threads: o.threads, reportEvery: 10, klEvery: 50,
      },
      (iteration, estimate) => {
        if (!Number.isNaN(estimate)) kl = estimate;
        return onProgress({ phase: 'optimize', done: done + iteration, total: o.iterations, kl }) === true;
      },
    );
    done += ran;
    if (ran < rest) throw cancelled();
  }
  seconds.optimize = (performance.now() - start) / 1000;
  return {
    embedding: Y, affinities: P, knnMethod: neighbours.method, device, seconds, iterations: done, klDivergence: kl,
    runSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * Momentum after early exaggeration: 0.9 rather than the recipe's 0.8. On the CIFAR-10
 * vectors (50,000, same P, 125 + 625 iterations) it ends at KL 3.979 against 4.014.
 */
const MAIN_MOMENTUM = 0.9;

/** The kernels of each device; affinities stay on the CPU for both (a fraction of a second at 50,000). */
const CPU = { pca: pcaProject, knn, optimize };
const CUDA = {
  pca: (X: Float32Array, n: number, d: number, options: PcaOptions): PcaResult => pcaProjectCuda(X, n, d, options),
  /** Exact on the GPU at every size: 1,000,000 x 50 takes about 9 s on an H200. */
  knn: (X: Float32Array, n: number, d: number, k: number) => ({ ...knnExactCuda(X, n, d, k), method: 'exact' as const }),
  optimize: optimizeCuda,
};

/** The first two principal components, scaled so the first has standard deviation 1e-4. */
function initialLayout(scores: Float32Array, n: number, stride: number): Float32Array {
  const Y = new Float32Array(2 * n);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = scores[i * stride]!;
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sumSq / n - mean * mean, 0)) || 1;
  for (let i = 0; i < n; i++) {
    Y[2 * i] = (scores[i * stride]! / std) * 1e-4;
    Y[2 * i + 1] = (scores[i * stride + 1]! / std) * 1e-4;
  }
  return Y;
}

function cancelled(): LookalikeError {
  return new LookalikeError('CANCELLED', 't-SNE cancelled');
}
