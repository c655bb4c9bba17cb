import { LookalikeError } from '../core/errors.js';
import type { DeviceRequest } from '../native/device.js';
import { finiteNumber, integer, positiveInt, threadCount } from '../native/validate.js';

/** t-SNE settings; every field has the FIt-SNE / openTSNE default. */
export interface TsneOptions {
  perplexity?: number;
  /** Total gradient-descent iterations, early exaggeration included. */
  iterations?: number;
  /** At most this many iterations with early exaggeration. */
  earlyExaggerationIterations?: number;
  /** End early exaggeration once its KL divergence stops falling; the main phase gets the rest. */
  earlyExaggerationStop?: boolean;
  earlyExaggeration?: number;
  /** Default max(200, n / earlyExaggeration) (Belkina et al. 2019). */
  learningRate?: number;
  /** Reduce the input to this many principal components before kNN; 0 keeps the input. */
  pcaComponents?: number;
  knn?: 'auto' | 'exact' | 'approx';
  /** Repulsion: exact O(n²) or FFT-accelerated interpolation; auto picks by n. */
  repulsion?: 'auto' | 'exact' | 'fft';
  /** cuda runs PCA, kNN and the optimisation on the GPU; auto picks it when a device is present. */
  device?: DeviceRequest;
  seed?: number;
  /** 0: all cores. */
  threads?: number;
}

export type ResolvedTsneOptions = Required<TsneOptions>;

/** Below this many points the exact repulsion is faster than the FFT grid (measured on 2 cores). */
export const EXACT_REPULSION_MAX = 1500;

/** Fills defaults and checks every option against n and d, with messages that say what to change. */
export function resolveTsneOptions(n: number, d: number, options: TsneOptions = {}): ResolvedTsneOptions {
  if (!Number.isInteger(n) || n < 4) throw new LookalikeError('BAD_ARGUMENT', `t-SNE needs at least 4 points, got ${n}`);
  if (d < 2) throw new LookalikeError('BAD_ARGUMENT', `t-SNE needs vectors of at least 2 dimensions, got ${d}`);
  const perplexity = finiteNumber('perplexity', options.perplexity ?? 30, 1, 1e4);
  if (3 * perplexity > n - 1)
    throw new LookalikeError(
      'BAD_ARGUMENT',
      `perplexity ${perplexity} is too large for ${n} points: it needs 3 x perplexity <= n - 1 neighbours, so at most ${Math.floor((n - 1) / 3)} here`,
    );
  const iterations = integer('iterations', options.iterations ?? 750, 0, 100_000);
  const earlyExaggeration = finiteNumber('earlyExaggeration', options.earlyExaggeration ?? 12, 1, 1000);
  const knn = options.knn ?? 'auto';
  if (!['auto', 'exact', 'approx'].includes(knn)) throw new LookalikeError('BAD_ARGUMENT', `knn must be auto, exact or approx, got ${knn}`);
  const repulsion = options.repulsion ?? 'auto';
  if (!['auto', 'exact', 'fft'].includes(repulsion))
    throw new LookalikeError('BAD_ARGUMENT', `repulsion must be auto, exact or fft, got ${repulsion}`);
  return {
    perplexity,
    iterations,
    earlyExaggerationIterations: integer('earlyExaggerationIterations', options.earlyExaggerationIterations ?? Math.min(250, iterations), 0, iterations),
    earlyExaggeration,
    earlyExaggerationStop: options.earlyExaggerationStop ?? true,
    learningRate: finiteNumber('learningRate', options.learningRate ?? Math.max(200, n / earlyExaggeration), 1e-6, 1e9),
    pcaComponents: integer('pcaComponents', options.pcaComponents ?? 50, 0, 10_000),
    knn,
    repulsion,
    device: deviceRequest(options.device ?? 'auto'),
    seed: positiveInt('seed', options.seed ?? 1, 2 ** 32),
    threads: threadCount(options.threads),
  };
}

function deviceRequest(value: DeviceRequest): DeviceRequest {
  if (!['auto', 'cpu', 'cuda'].includes(value)) throw new LookalikeError('BAD_ARGUMENT', `device must be auto, cpu or cuda, got ${String(value)}`);
  return value;
}
